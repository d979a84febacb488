//! Child processes that must not outlive a test: each runs in its own process group,
//! gets SIGTERM first (so tauri-driver stops WebKitWebDriver and Xvfb removes its lock
//! file), and the whole group gets SIGKILL if it does not exit in time.

use std::os::unix::process::CommandExt;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub struct GuardedChild {
    name: &'static str,
    child: Child,
}

impl GuardedChild {
    pub fn spawn(name: &'static str, mut command: Command) -> std::io::Result<Self> {
        command.process_group(0);
        let child = command
            .spawn()
            .map_err(|e| std::io::Error::new(e.kind(), format!("could not start {name}: {e}")))?;
        Ok(GuardedChild { name, child })
    }

    pub fn child_mut(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Fails if the process already exited: the caller is waiting for it to be ready.
    pub fn ensure_running(&mut self) -> std::io::Result<()> {
        match self.child.try_wait()? {
            None => Ok(()),
            Some(status) => Err(std::io::Error::other(format!(
                "{} exited early with {status}",
                self.name
            ))),
        }
    }

    fn wait_until_exited(&mut self, limit: Duration) -> bool {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        false
    }
}

fn signal(target: &str, sig: &str) {
    let _ = Command::new("kill")
        .args([sig, "--", target])
        .stderr(std::process::Stdio::null())
        .status();
}

impl Drop for GuardedChild {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let group = format!("-{pid}");
        signal(&pid, "-TERM");
        if !self.wait_until_exited(Duration::from_secs(5)) {
            signal(&group, "-KILL");
            let _ = self.child.wait();
        }
        signal(&group, "-TERM");
        std::thread::sleep(Duration::from_millis(200));
        signal(&group, "-KILL");
    }
}

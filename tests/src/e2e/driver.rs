//! tauri-driver on free loopback ports, with the app's environment (data directory,
//! Toggl URL, display) so the app it launches through WebKitWebDriver inherits it.

use super::process::GuardedChild;
use std::net::{TcpListener, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub struct TauriDriver {
    pub port: u16,
    _process: GuardedChild,
}

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl TauriDriver {
    pub fn start(env: &[(String, String)]) -> std::io::Result<Self> {
        let port = free_port()?;
        let native_port = free_port()?;
        let mut command = Command::new("tauri-driver");
        command
            .args(["--port", &port.to_string()])
            .args(["--native-port", &native_port.to_string()])
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit());
        let mut process = GuardedChild::spawn("tauri-driver", command)?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            process.ensure_running()?;
            if Instant::now() > deadline {
                return Err(std::io::Error::other(
                    "tauri-driver did not listen within 20 s",
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(TauriDriver {
            port,
            _process: process,
        })
    }
}

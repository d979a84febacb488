//! A private Xvfb display per app session, so parallel runs never share or collide on a
//! display number; Xvfb picks a free one and reports it through `-displayfd`.

use super::process::GuardedChild;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

pub struct VirtualDisplay {
    pub name: String,
    _xvfb: GuardedChild,
}

impl VirtualDisplay {
    pub fn start() -> std::io::Result<Self> {
        let mut command = Command::new("Xvfb");
        command
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x900x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let mut xvfb = GuardedChild::spawn("Xvfb", command)?;
        let stdout = xvfb.child_mut().stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line)?;
        let number = line.trim();
        if number.is_empty() {
            return Err(std::io::Error::other(
                "Xvfb did not report a display number",
            ));
        }
        Ok(VirtualDisplay {
            name: format!(":{number}"),
            _xvfb: xvfb,
        })
    }
}

//! The log file in the data directory: plain text, rotated by size so it stays bounded
//! (the current file plus a few old ones). Nothing secret is ever passed to `tracing`:
//! the token type prints `<redacted>` and requests log only method, path and status.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

/// Size at which the current log file is rotated.
pub const MAX_LOG_BYTES: u64 = 1024 * 1024;
/// How many rotated files are kept beside the current one.
pub const KEPT_LOG_FILES: usize = 3;

/// A log file that rotates itself: `blink.log` becomes `blink.log.1`, and so on.
#[derive(Clone)]
pub struct RotatingLog {
    inner: Arc<Mutex<LogFile>>,
}

struct LogFile {
    path: PathBuf,
    file: File,
    written: u64,
    max_bytes: u64,
    kept: usize,
}

impl RotatingLog {
    pub fn open(path: &Path, max_bytes: u64, kept: usize) -> io::Result<Self> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        let written = file.metadata()?.len();
        Ok(RotatingLog {
            inner: Arc::new(Mutex::new(LogFile {
                path: path.to_path_buf(),
                file,
                written,
                max_bytes,
                kept,
            })),
        })
    }
}

impl LogFile {
    fn rotate(&mut self) -> io::Result<()> {
        for n in (1..self.kept).rev() {
            let from = numbered(&self.path, n);
            if from.exists() {
                fs::rename(&from, numbered(&self.path, n + 1))?;
            }
        }
        if self.kept > 0 {
            fs::rename(&self.path, numbered(&self.path, 1))?;
        }
        self.file = OpenOptions::new()
            .create(true)
            .write(true)
            .truncate(true)
            .open(&self.path)?;
        self.written = 0;
        Ok(())
    }
}

fn numbered(path: &Path, n: usize) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{n}"));
    PathBuf::from(name)
}

/// One `tracing` event: buffered and written in one piece when dropped, so rotation
/// never splits a line between two files.
pub struct LogWriter<'a> {
    log: std::sync::MutexGuard<'a, LogFile>,
    event: Vec<u8>,
}

impl LogFile {
    fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        if self.written > 0 && self.written + bytes.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        self.file.write_all(bytes)?;
        self.written += bytes.len() as u64;
        Ok(())
    }
}

impl Write for LogWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.event.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let event = std::mem::take(&mut self.event);
        self.log.append(&event)?;
        self.log.file.flush()
    }
}

impl Drop for LogWriter<'_> {
    fn drop(&mut self) {
        if !self.event.is_empty() {
            let _ = self.flush();
        }
    }
}

impl<'a> MakeWriter<'a> for RotatingLog {
    type Writer = LogWriter<'a>;

    fn make_writer(&'a self) -> Self::Writer {
        LogWriter {
            log: self.inner.lock().unwrap_or_else(|e| e.into_inner()),
            event: Vec::new(),
        }
    }
}

/// Sends `tracing` events to `<log_dir>/blink.log`; `RUST_LOG` can raise the level.
pub fn init(log_dir: &Path) -> io::Result<()> {
    let writer = RotatingLog::open(&log_dir.join("blink.log"), MAX_LOG_BYTES, KEPT_LOG_FILES)?;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // IPC internals stay at info whatever RUST_LOG asks: at debug and trace they could
    // record invoke arguments, and `check_token` carries a pasted token.
    let filter = ["tauri=info", "wry=info", "tao=info"]
        .iter()
        .filter_map(|d| d.parse().ok())
        .fold(filter, |f, d| f.add_directive(d));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init()
        .map_err(|e| io::Error::other(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_lines(log: &RotatingLog, count: usize) {
        for i in 0..count {
            let mut w = log.make_writer();
            writeln!(w, "line {i:04} of the log").unwrap();
        }
    }

    #[test]
    fn rotates_when_the_file_is_full_and_keeps_a_bounded_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.log");
        let log = RotatingLog::open(&path, 200, 2).unwrap();
        write_lines(&log, 100);
        let mut names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["blink.log", "blink.log.1", "blink.log.2"]);
        for name in names {
            assert!(fs::metadata(dir.path().join(name)).unwrap().len() <= 200);
        }
        let newest = fs::read_to_string(&path).unwrap();
        assert!(newest.contains("line 0099"));
    }

    #[test]
    fn appends_to_an_existing_log_after_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("blink.log");
        write_lines(&RotatingLog::open(&path, 10_000, 2).unwrap(), 1);
        write_lines(&RotatingLog::open(&path, 10_000, 2).unwrap(), 1);
        assert_eq!(fs::read_to_string(&path).unwrap().lines().count(), 2);
    }
}

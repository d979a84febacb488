//! The data folder: where it is, keeping it private to the user, one running app per
//! folder, and the install id that names the folder's credential namespace.
//!
//! # One instance per folder
//!
//! [`DataFolder::claim`] takes an exclusive lock on `instance.lock` inside the folder before
//! anything else touches it. A second process that finds the lock held must not open the
//! database: its start-up recovery would settle operations the first instance is still in
//! the middle of (a create would lose its record, a swap its token). The OS drops the lock
//! when the holder exits, crashes included, so a stale lock never blocks a start.
//!
//! # Private files
//!
//! The folder is made `0700` and, on Unix, the process's file-creation mask becomes `077`
//! when the folder is claimed, so the database (with its `-wal`/`-shm`), logs, exports and
//! tickets are created readable by the user only. Files an older version left are tightened.

use crate::error::{AppError, AppResult};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The app identifier: Tauri's `identifier` in `tauri.conf.json` (a test keeps them equal),
/// the name of the OS app-data folder and the prefix of every credential store entry.
pub const APP_IDENTIFIER: &str = "com.blinkmetrics.connections";

const DATABASE_FILE: &str = "blink.sqlite3";
const LOCK_FILE: &str = "instance.lock";
const INSTALL_ID_FILE: &str = "install-id";
/// Files and folders the app keeps in the data folder besides the database.
const OWN_FILES: &[&str] = &[LOCK_FILE, INSTALL_ID_FILE, "settings.json"];
const OWN_FOLDERS: &[&str] = &["logs", "exports", "tickets"];
/// An install id is 32 lowercase hex digits (128 random bits).
const INSTALL_ID_LEN: usize = 32;

/// Same folder Tauri's `app_data_dir()` gives, computed before the app is built so that
/// logging and the database are ready before the first window opens.
pub fn default_data_dir() -> Option<PathBuf> {
    let base = if cfg!(target_os = "windows") {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        // Like the `dirs` crate Tauri uses: a relative XDG_DATA_HOME is ignored (XDG spec).
        std::env::var_os("XDG_DATA_HOME")
            .filter(|v| Path::new(v).is_absolute())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    };
    base.map(|b| b.join(APP_IDENTIFIER))
}

/// The data folder, claimed by this process for as long as the value lives.
#[derive(Debug)]
pub struct DataFolder {
    path: PathBuf,
    _lock: File,
}

impl DataFolder {
    /// Creates the folder if needed (private to the user), makes every file this process
    /// creates from now on private, and takes the folder's instance lock. Fails with
    /// `DataFolderInUse` when another process holds it; nothing in the folder is touched then.
    pub fn claim(path: &Path) -> AppResult<DataFolder> {
        private_files_from_now_on();
        create_private_dir(path)?;
        let lock = open_private(&path.join(LOCK_FILE))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(AppError::DataFolderInUse {
                    path: path.display().to_string(),
                })
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
        }
        tighten(path)?;
        Ok(DataFolder {
            path: path.to_path_buf(),
            _lock: lock,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn database_path(&self) -> PathBuf {
        self.path.join(DATABASE_FILE)
    }

    pub fn logs_dir(&self) -> PathBuf {
        self.path.join("logs")
    }

    /// The credential store service name of this folder, `<APP_IDENTIFIER>.<install id>`:
    /// two data folders on one computer never share or overwrite each other's entries,
    /// although connection ids restart at 1 in every database.
    ///
    /// A missing or unusable `install-id` is replaced by a new one only while nothing can
    /// depend on it (`has_connections` false). Otherwise the start stops with
    /// `InstallIdUnusable`: a new namespace would silently strand every saved token.
    pub fn credential_namespace(&self, has_connections: bool) -> AppResult<String> {
        let path = self.path.join(INSTALL_ID_FILE);
        let problem = match std::fs::read_to_string(&path) {
            Ok(text) => match parse_install_id(&text) {
                Some(id) => return Ok(namespace_of(id)),
                None => "damaged (it must hold 32 characters 0-9 and a-f)".to_string(),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => "missing".to_string(),
            Err(e) => format!("unreadable ({e})"),
        };
        if has_connections {
            return Err(AppError::InstallIdUnusable {
                path: path.display().to_string(),
                problem,
            });
        }
        self.new_credential_namespace()
    }

    /// Writes a fresh install id (atomically: a complete file or the old one, never a
    /// partial one) and returns its namespace. Also used to leave the entries of a moved
    /// aside database behind when they cannot be removed.
    pub fn new_credential_namespace(&self) -> AppResult<String> {
        let id = format!("{:032x}", fastrand::u128(..));
        write_atomically(&self.path.join(INSTALL_ID_FILE), id.as_bytes())?;
        Ok(namespace_of(&id))
    }
}

fn namespace_of(install_id: &str) -> String {
    format!("{APP_IDENTIFIER}.{install_id}")
}

/// Exactly 32 lowercase hex digits, optionally followed by one line end (an editor's).
fn parse_install_id(text: &str) -> Option<&str> {
    let id = text.strip_suffix('\n').unwrap_or(text);
    let valid = id.len() == INSTALL_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    valid.then_some(id)
}

/// Writes beside the target, flushes to disk, then renames over it.
fn write_atomically(path: &Path, bytes: &[u8]) -> AppResult<()> {
    let temp = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = (|| {
        let mut file = open_private(&temp)?;
        file.set_len(0)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        if let Some(dir) = path.parent() {
            // Makes the rename itself durable; not every platform can open a folder.
            if let Ok(dir) = File::open(dir) {
                let _ = dir.sync_all();
            }
        }
        Ok::<_, std::io::Error>(())
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    Ok(written?)
}

fn open_private(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}

#[cfg(unix)]
fn private_files_from_now_on() {
    // SAFETY: umask only swaps the process's file-creation mask; it cannot fail.
    unsafe {
        libc::umask(0o077);
    }
}

#[cfg(not(unix))]
fn private_files_from_now_on() {}

fn create_private_dir(path: &Path) -> AppResult<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path)?;
    Ok(())
}

/// Makes the folder `0700` and the files the app keeps in it private, as an older version
/// may have left them. Only the app's own names are touched: the folder may be one the
/// user chose (`BLINK_DATA_DIR`) with other files in it.
#[cfg(unix)]
fn tighten(path: &Path) -> AppResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let set =
        |p: &Path, mode: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode));
    set(path, 0o700)?;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kind = entry.file_type()?;
        if kind.is_file() && (name.starts_with(DATABASE_FILE) || OWN_FILES.contains(&name.as_str()))
        {
            set(&entry.path(), 0o600)?;
        } else if kind.is_dir() && OWN_FOLDERS.contains(&name.as_str()) {
            set(&entry.path(), 0o700)?;
            for file in std::fs::read_dir(entry.path())? {
                let file = file?;
                if file.file_type()?.is_file() {
                    set(&file.path(), 0o600)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_path: &Path) -> AppResult<()> {
    Ok(())
}

#[cfg(test)]
mod tests;

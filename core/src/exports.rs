//! Files the user asks for: the filtered time entries as CSV and the shared connection
//! definitions as JSON, written to `exports/` in the data folder under a name with the
//! time of the export. Each file appears whole or not at all: it is written to a
//! `.part` file first and renamed once complete.

use crate::connections::definitions::export_connection_definitions;
use crate::db::Db;
use crate::error::AppResult;
use crate::review::{self, Filter};
use chrono::Utc;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A written export: where it is and how many rows (or connections) it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub path: String,
    pub count: u64,
}

/// Writes the connection's entries that match `filter` (the review table's order).
pub fn export_time_entries(
    db: &Db,
    data_dir: &Path,
    connection_id: i64,
    filter: &Filter,
) -> AppResult<Exported> {
    let path = export_path(data_dir, &format!("time-entries-{connection_id}"), "csv")?;
    let count = write_whole_file(&path, |out| {
        review::export_csv(db, connection_id, filter, out)
    })?;
    Ok(exported(&path, count))
}

/// The review's export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewFormat {
    Csv,
    Xlsx,
}

/// Writes the entries of the review's connections that match `filter`: CSV, or an Excel
/// workbook with a sheet per grouping (`periods` cuts its period sheet).
pub fn export_review(
    db: &Db,
    data_dir: &Path,
    filter: &Filter,
    periods: &review::PeriodRequest,
    format: ReviewFormat,
) -> AppResult<Exported> {
    let extension = match format {
        ReviewFormat::Csv => "csv",
        ReviewFormat::Xlsx => "xlsx",
    };
    let path = export_path(data_dir, "review", extension)?;
    let count = write_whole_file(&path, |out| match format {
        ReviewFormat::Csv => review::review_export_csv(db, filter, out),
        ReviewFormat::Xlsx => review::review_export_xlsx(db, filter, periods, out),
    })?;
    Ok(exported(&path, count))
}

/// Writes the connections shared with the workspace or a team (never Private to Me,
/// never tokens).
pub fn export_definitions(db: &Db, data_dir: &Path) -> AppResult<Exported> {
    let path = export_path(data_dir, "shared-connections", "json")?;
    let count = write_whole_file(&path, |out| export_connection_definitions(db, out))?;
    Ok(exported(&path, count as u64))
}

fn exported(path: &Path, count: u64) -> Exported {
    Exported {
        path: path.display().to_string(),
        count,
    }
}

fn export_path(data_dir: &Path, stem: &str, extension: &str) -> AppResult<PathBuf> {
    let dir = data_dir.join("exports");
    std::fs::create_dir_all(&dir)?;
    let stamp = Utc::now().format("%Y%m%d-%H%M%S%.3f");
    Ok(dir.join(format!("{stem}-{stamp}.{extension}")))
}

/// Writes `path` through a `.part` file renamed on success, so a failed export leaves
/// no half-written file behind.
fn write_whole_file<T>(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> AppResult<T>,
) -> AppResult<T> {
    let part = path.with_extension("part");
    let result = (|| {
        let mut out = BufWriter::new(File::create(&part)?);
        let value = write(&mut out)?;
        out.flush()?;
        drop(out);
        std::fs::rename(&part, path)?;
        Ok(value)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    fn files(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir.join("exports"))
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn an_export_appears_whole_under_exports_with_its_count() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open_in_memory().unwrap();
        let saved = export_time_entries(&db, dir.path(), 3, &Filter::default()).unwrap();
        assert_eq!(saved.count, 0);
        let name = Path::new(&saved.path)
            .file_name()
            .unwrap()
            .to_string_lossy();
        assert!(
            name.starts_with("time-entries-3-") && name.ends_with(".csv"),
            "{name}"
        );
        assert_eq!(files(dir.path()), vec![name.into_owned()]);
        let text = std::fs::read_to_string(&saved.path).unwrap();
        assert!(
            text.starts_with("connection_id,connection,id,start,stop"),
            "{text}"
        );

        let shared = export_definitions(&db, dir.path()).unwrap();
        assert_eq!(shared.count, 0);
        assert!(shared.path.ends_with(".json"));
    }

    #[test]
    fn a_failed_export_leaves_no_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = export_path(dir.path(), "broken", "csv").unwrap();
        let result: AppResult<()> = write_whole_file(&path, |out| {
            out.write_all(b"half a row")?;
            Err(AppError::Io("disk full".into()))
        });
        assert_eq!(result.unwrap_err().code(), "io");
        assert!(files(dir.path()).is_empty(), "{:?}", files(dir.path()));
    }
}

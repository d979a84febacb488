//! Start-up configuration from the environment. Read once at start so a bad value is
//! refused with a clear message before any window opens, not halfway through a request.

use crate::error::{AppError, AppResult};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use url::Url;

pub const DEFAULT_TOGGL_URL: &str = "https://api.track.toggl.com";
pub const DATA_DIR_VAR: &str = "BLINK_DATA_DIR";
pub const TOGGL_URL_VAR: &str = "BLINK_TOGGL_URL";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where SQLite, settings, logs, exports and tickets go.
    pub data_dir: PathBuf,
    /// Toggl host root, without the `/api/v9` part.
    pub toggl_url: Url,
}

impl Config {
    /// Builds the configuration from the two environment variables, falling back to the
    /// platform data directory the caller passes in (Tauri knows it; this crate does not).
    pub fn from_env(default_data_dir: impl FnOnce() -> Option<PathBuf>) -> AppResult<Self> {
        let data_dir = match std::env::var_os(DATA_DIR_VAR).filter(|v| !v.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir().ok_or_else(|| {
                AppError::Config(format!(
                    "no application data directory is known for this system; set {DATA_DIR_VAR}"
                ))
            })?,
        };
        let toggl_url = match std::env::var(TOGGL_URL_VAR) {
            Ok(raw) if !raw.trim().is_empty() => parse_toggl_url(raw.trim())?,
            _ => Url::parse(DEFAULT_TOGGL_URL).expect("default URL is valid"),
        };
        Ok(Config {
            data_dir,
            toggl_url,
        })
    }
}

/// Accepts `https` anywhere and plain `http` only for loopback hosts: the token travels
/// in every request, so it must never cross a network unencrypted.
pub fn parse_toggl_url(raw: &str) -> AppResult<Url> {
    let url = Url::parse(raw)
        .map_err(|e| AppError::Config(format!("{TOGGL_URL_VAR} is not a URL ({e}): {raw}")))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        "http" => {
            return Err(AppError::Config(format!(
                "{TOGGL_URL_VAR} uses plain http for a host that is not this computer: {raw}. Use https, or http only with 127.0.0.1, ::1 or localhost."
            )))
        }
        other => {
            return Err(AppError::Config(format!(
                "{TOGGL_URL_VAR} must start with https:// (got {other}://)"
            )))
        }
    }
    if url.host().is_none() {
        return Err(AppError::Config(format!(
            "{TOGGL_URL_VAR} has no host: {raw}"
        )));
    }
    Ok(url)
}

/// For a `localhost` base URL: the name and the loopback addresses to use instead of
/// asking DNS, which could send the token to another machine. Port 0 keeps the URL's own
/// port. `None` for every other host (IP literals need no lookup; other names are https).
pub fn pinned_loopback(url: &Url) -> Option<(String, Vec<SocketAddr>)> {
    match url.host() {
        Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => Some((
            d.to_ascii_lowercase(),
            vec![
                SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
                SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), 0),
            ],
        )),
        _ => None,
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_is_accepted_anywhere() {
        assert!(parse_toggl_url("https://api.track.toggl.com").is_ok());
    }

    #[test]
    fn plain_http_is_accepted_only_for_loopback() {
        for ok in [
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:9",
        ] {
            assert!(parse_toggl_url(ok).is_ok(), "{ok}");
        }
        let err = parse_toggl_url("http://example.com").unwrap_err();
        assert_eq!(err.code(), "config");
        assert!(err.to_string().contains("plain http"));
    }

    #[test]
    fn localhost_is_pinned_to_the_loopback_addresses_and_nothing_else_is() {
        let url = parse_toggl_url("http://LocalHost:4321").unwrap();
        let (host, addrs) = pinned_loopback(&url).unwrap();
        assert_eq!(host, "localhost");
        assert!(addrs.iter().all(|a| a.ip().is_loopback() && a.port() == 0));
        assert_eq!(addrs.len(), 2);
        for other in [
            "http://127.0.0.1:1",
            "https://api.track.toggl.com",
            "http://[::1]:2",
        ] {
            assert_eq!(
                pinned_loopback(&Url::parse(other).unwrap()),
                None,
                "{other}"
            );
        }
    }

    #[test]
    fn other_schemes_and_garbage_are_refused() {
        assert!(parse_toggl_url("ftp://127.0.0.1").is_err());
        assert!(parse_toggl_url("not a url").is_err());
    }
}

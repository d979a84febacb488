#!/usr/bin/env bash
# Blink Connections developer entry point. Two commands:
#   ./dev.sh run    build and open the app
#   ./dev.sh test   formatting, lints, unit/integration tests and end-to-end tests in a real window
# Each installs what is missing first (Debian 12 / Ubuntu 22.04+, as root or with sudo) and
# says what it is doing. Anything already present is left alone.
set -euo pipefail
cd "$(dirname "$0")"

TAURI_DRIVER_VERSION="2.1.0"
BUILD_PACKAGES=(build-essential pkg-config curl libwebkit2gtk-4.1-dev)
RUN_PACKAGES=(xvfb xauth)
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver gnome-keyring dbus dbus-daemon)

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "need root or sudo to run: $*"; fi
}

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
}

ensure_packages() {
  if [ "$(uname -s)" != "Linux" ] || ! command -v apt-get >/dev/null; then
    say "Not a Debian/Ubuntu system: skipping system packages (see README for what $(uname -s) needs)"
    return
  fi
  local missing
  missing=$(missing_packages "$@" | sort -u | tr '\n' ' ')
  if [ -n "${missing// /}" ]; then
    say "Installing system packages: $missing"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    # shellcheck disable=SC2086
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
  else
    say "System packages present"
  fi
}

ensure_rust() {
  export PATH="$HOME/.cargo/bin:$PATH"
  if ! command -v cargo >/dev/null; then
    say "Installing the Rust toolchain (rustup, stable)"
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c rustfmt,clippy
  fi
  rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
}

ensure_tauri_driver() {
  if cargo install --list | grep -q "^tauri-driver v${TAURI_DRIVER_VERSION}:"; then
    say "tauri-driver ${TAURI_DRIVER_VERSION} present"
  else
    say "Installing tauri-driver ${TAURI_DRIVER_VERSION}"
    cargo install tauri-driver --locked --version "${TAURI_DRIVER_VERSION}"
  fi
}

# A private D-Bus session with an unlocked gnome-keyring, so credential-store tests use the
# real Secret Service without touching the user's own keyring.
in_private_keyring_session() {
  local runtime data status=0
  runtime=$(mktemp -d) data=$(mktemp -d)
  chmod 700 "$runtime"
  XDG_RUNTIME_DIR="$runtime" XDG_DATA_HOME="$data" dbus-run-session -- bash -c '
    echo -n blink-test-keyring | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    "$@"' bash "$@" || status=$?
  rm -rf "$runtime" "$data"
  return $status
}

cmd_run() {
  ensure_packages "${BUILD_PACKAGES[@]}" "${RUN_PACKAGES[@]}"
  ensure_rust
  say "Building and starting Blink Connections"
  if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    say "No display found: running inside a virtual display (xvfb-run)"
    exec xvfb-run -a cargo run -p blink-connections "$@"
  fi
  exec cargo run -p blink-connections "$@"
}

cmd_test() {
  ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  ensure_rust
  ensure_tauri_driver
  say "cargo fmt --check"
  cargo fmt --all --check
  say "cargo clippy (warnings are errors)"
  cargo clippy --workspace --all-targets --locked -- -D warnings
  say "Tests (unit, integration, end-to-end) in a private D-Bus session with gnome-keyring"
  in_private_keyring_session env BLINK_REQUIRE_KEYRING=1 cargo test --workspace --locked "$@"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  *) echo "usage: ./dev.sh run | ./dev.sh test [cargo test args]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Blink Connections developer entry point. Two commands:
#   ./dev.sh run    build and open the app
#   ./dev.sh test   formatting, lints, unit/integration tests and end-to-end tests in a real window
#   ./dev.sh package  build the .deb, install it, start it, remove it (a separate, slower check)
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

# Installs a cargo-installed tool at a pinned version unless that version is there.
ensure_cargo_tool() {
  local crate=$1 version=$2
  if cargo install --list | grep -q "^${crate} v${version}:"; then
    say "${crate} ${version} present"
  else
    say "Installing ${crate} ${version} (compiled from crates.io, once)"
    cargo install "$crate" --locked --version "$version"
  fi
}

ensure_tauri_driver() { ensure_cargo_tool tauri-driver "$TAURI_DRIVER_VERSION"; }

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

# --- ./dev.sh package: build the .deb, install it, start it, remove it ------------------

TAURI_CLI_VERSION="2.12.4"
PACKAGE_NAME="blink-connections"
INSTALLED_BINARY="/usr/bin/blink-connections"

ensure_tauri_cli() { ensure_cargo_tool tauri-cli "$TAURI_CLI_VERSION"; }

package_installed() {
  dpkg-query -W -f='${Status}' "$PACKAGE_NAME" 2>/dev/null | grep -q "install ok installed"
}

remove_package() {
  say "Removing the package: apt-get remove -y $PACKAGE_NAME"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q "$PACKAGE_NAME"
}

cmd_package() {
  [ "$(uname -s)" = "Linux" ] && command -v apt-get >/dev/null ||
    die "./dev.sh package checks the .deb on Debian/Ubuntu; see docs/INSTALL.md for other systems"
  if package_installed; then
    die "$PACKAGE_NAME is already installed on this machine; remove it first (apt-get remove $PACKAGE_NAME), this check installs and removes its own copy"
  fi
  ensure_packages "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  ensure_rust
  ensure_tauri_driver
  ensure_tauri_cli

  local version target_dir deb started t_build t_install t_start t_remove status=0
  version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' src-tauri/tauri.conf.json | head -n1)
  target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')

  say "Building the release .deb: (cd src-tauri && cargo tauri build --bundles deb)"
  started=$SECONDS
  (cd src-tauri && cargo tauri build --ci --bundles deb)
  t_build=$((SECONDS - started))
  deb=$(ls -t "$target_dir"/release/bundle/deb/*_"${version}"_*.deb 2>/dev/null | head -n1 || true)
  [ -n "$deb" ] && [ -f "$deb" ] || die "no .deb for version $version under $target_dir/release/bundle/deb"
  say "Built $deb ($(du -h "$deb" | cut -f1), $(stat -c %s "$deb") bytes)"
  dpkg-deb --field "$deb" Package Version Architecture Depends Recommends
  dpkg-deb --contents "$deb" | awk '!/^d/ { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +(\.\/|\/)?/, "  /"); print }'

  say "Compiling the check (a debug test build, shared with ./dev.sh test)"
  cargo test -p blink-connections --locked --test installed_package --no-run

  # Dependencies resolve as for a user; the Recommends (gnome-keyring is already here for
  # the check, xdg-utils would pull in ~45 packages) are skipped so the machine is left as
  # it was found once the package is removed.
  say "Installing with the system package manager: apt-get install -y --no-install-recommends ./$(basename "$deb")"
  started=$SECONDS
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$(realpath "$deb")"
  t_install=$((SECONDS - started))
  # Whatever happens from here on, the machine is left without the package.
  trap 'if package_installed; then remove_package; fi' EXIT
  local files
  files=$(dpkg -L "$PACKAGE_NAME")
  [ -x "$INSTALLED_BINARY" ] || die "$INSTALLED_BINARY is missing after installing"
  grep -q '\.desktop$' <<<"$files" || die "the package has no desktop entry"

  say "Starting the installed app under Xvfb and checking the Connections page"
  started=$SECONDS
  in_private_keyring_session env BLINK_APP_UNDER_TEST="$INSTALLED_BINARY" \
    cargo test -p blink-connections --locked --test installed_package -- --ignored || status=$?
  t_start=$((SECONDS - started))

  started=$SECONDS
  remove_package
  t_remove=$((SECONDS - started))
  local left=""
  while IFS= read -r f; do
    if [ -e "$f" ] && [ ! -d "$f" ]; then left+="$f "; fi
  done <<<"$files"
  package_installed && die "$PACKAGE_NAME is still installed after apt-get remove"
  [ -z "$left" ] || die "files left behind after removal: $left"
  [ "$status" -eq 0 ] || die "the installed app did not show the Connections page (see the test output above)"

  say "Package check passed"
  printf '  package    %s (%s bytes)\n' "$(basename "$deb")" "$(stat -c %s "$deb")"
  printf '  build      %ss\n  install    %ss\n  start+check %ss\n  remove     %ss\n' \
    "$t_build" "$t_install" "$t_start" "$t_remove"
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  package) shift; cmd_package "$@" ;;
  *) echo "usage: ./dev.sh run | ./dev.sh test [cargo test args] | ./dev.sh package" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# SIG Portal's one build script: installs what is missing, then serves or tests.
#
#   scripts/dev.sh serve      build the app in release mode, serve it on http://127.0.0.1:8080/
#   scripts/dev.sh test       every check CI runs (fmt, clippy, native, wasm, end-to-end)
#   scripts/dev.sh watch      live-reloading development server (trunk serve, debug build)
#   scripts/dev.sh setup      only install the tools
#   scripts/dev.sh e2e-load [N]  the end-to-end suite N times (default 3) while a
#                             cargo build loads every core: timing races show up here
#
# Every install step checks first and skips what is already there, so the
# second run is quick. Only crates.io, npm and Debian's packages are used.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION="0.21.14"
PORT="${PORT:-8080}"
export PATH="$HOME/.cargo/bin:$ROOT/tests/node_modules/.bin:$PATH"

say() { printf '==> %s\n' "$*" >&2; }
fail() {
  printf '\033[31merror:\033[0m %s\n' "$1" >&2
  [ -n "${2:-}" ] && printf '       to install it by hand: %s\n' "$2" >&2
  exit 1
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# The wasm-bindgen version that Cargo.lock pins: the CLI must match it exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

ensure_rust() {
  command -v cargo >/dev/null || fail "cargo is not installed" "https://rustup.rs (rustup) or your distribution's rust packages"
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown || fail "the wasm32-unknown-unknown target could not be added" "rustup target add wasm32-unknown-unknown"
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (about 7 minutes on 2 cores)"
    cargo install trunk --version "$TRUNK_VERSION" --locked ||
      fail "trunk $TRUNK_VERSION could not be installed" "cargo install trunk --version $TRUNK_VERSION --locked"
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(wasm_bindgen_version)"
  [ -n "$want" ] || fail "Cargo.lock names no wasm-bindgen version" "cargo generate-lockfile"
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ] ||
    ! command -v wasm-bindgen-test-runner >/dev/null; then
    say "installing wasm-bindgen-cli $want (matches Cargo.lock)"
    # Not --locked: its lockfile names a crate version the registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$want" --force ||
      fail "wasm-bindgen-cli $want could not be installed" "cargo install wasm-bindgen-cli --version $want"
  fi
}

ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    { as_root apt-get update -qq && as_root apt-get install -y -qq chromium chromium-driver >/dev/null; } ||
      fail "chromium and chromium-driver could not be installed" "apt-get install chromium chromium-driver"
  fi
}

# npm packages (playwright-core, binaryen for wasm-opt) from the committed lockfile.
ensure_npm() {
  command -v npm >/dev/null || fail "npm is not installed" "apt-get install nodejs npm"
  if [ ! -f tests/node_modules/.package-lock.json ] ||
    ! cmp -s tests/package-lock.json tests/node_modules/.lock-copy; then
    say "installing npm packages from tests/package-lock.json"
    (cd tests && npm ci --no-audit --no-fund --loglevel=error) ||
      fail "npm packages could not be installed" "cd tests && npm ci"
    cp tests/package-lock.json tests/node_modules/.lock-copy
  fi
  # Trunk runs whatever `wasm-opt` is first on PATH: make sure it is npm's.
  # (Debian's binaryen package silently breaks the module.)
  command -v wasm-opt | grep -q "$ROOT/tests/node_modules" ||
    fail "a wasm-opt other than npm's binaryen is first on PATH: $(command -v wasm-opt)" "remove it (apt-get remove binaryen)"
}

setup() {
  ensure_rust
  ensure_npm
  ensure_trunk
  ensure_wasm_bindgen
  ensure_chromium
  say "fetching crates"
  cargo fetch --locked >/dev/null
}

# A port in use gets a clear message rather than a bind error deep in a tool.
check_port_free() {
  if python3 - "$1" <<'EOF'; then
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(0)
sys.exit(1)
EOF
    fail "port $1 on 127.0.0.1 is already in use" "stop what listens there, or run with PORT=<other port>"
  fi
}

build_release() {
  say "building the app (release)"
  trunk build --release
}

serve() {
  setup
  check_port_free "$PORT"
  build_release
  say "SIG Portal at http://127.0.0.1:$PORT/ (Ctrl+C stops it)"
  # Like a static host: precompressed .br / .gz siblings when the browser accepts them.
  exec python3 scripts/serve.py "$PORT" --bind 127.0.0.1 --directory dist
}

watch() {
  setup
  check_port_free "$PORT"
  exec trunk serve --address 127.0.0.1 --port "$PORT"
}

run_tests() {
  setup
  # Each Chromium run leaves a profile in TMPDIR: keep them in one place we remove.
  TEST_TMP="$(mktemp -d)"
  trap 'rm -rf "$TEST_TMP"' EXIT

  say "cargo fmt --check"
  cargo fmt --all --check
  say "clippy (native)"
  cargo clippy --workspace --all-targets --locked -- -D warnings
  say "clippy (wasm32)"
  cargo clippy -p sig-core -p sig-portal -p wasm-memcmp --target wasm32-unknown-unknown --lib --bins --tests --locked -- -D warnings
  say "clippy (wasm32, release builds' split blades)"
  cargo clippy -p sig-portal --target wasm32-unknown-unknown --features split --lib --bins --locked -- -D warnings
  say "native tests"
  # The splitter (tools/wasm-split) has no tests; the release build below runs it.
  cargo test --workspace --exclude wasm-split-tool --locked
  say "sig-core and wasm-memcmp tests on wasm32 (node)"
  cargo test -p sig-core -p wasm-memcmp --target wasm32-unknown-unknown --locked
  say "app tests on wasm32 (headless Chromium)"
  (cd app && TMPDIR="$TEST_TMP" CHROMEDRIVER="$(command -v chromedriver)" \
    cargo test -p sig-portal --target wasm32-unknown-unknown --locked)
  build_release
  say "generating the full-limits state for the scale journey"
  mkdir -p tests/test-results
  cargo run -q --locked -p sig-core --example full_limits_state > tests/test-results/full-limits.json
  say "end-to-end tests (Playwright, release build on a static server)"
  TMPDIR="$TEST_TMP" node --test --test-concurrency=1 tests/e2e/
}

# The end-to-end suite N times in a row against the current dist/, while a
# cargo build of the workspace (in a scratch target directory, cleaned and
# started again until the runs end) keeps every core busy.
e2e_under_load() {
  local runs="${1:-3}"
  setup
  [ -f dist/index.html ] || build_release
  [ -f tests/test-results/full-limits.json ] || {
    mkdir -p tests/test-results
    cargo run -q --locked -p sig-core --example full_limits_state > tests/test-results/full-limits.json
  }
  load_dir="$(mktemp -d)"
  TEST_TMP="$(mktemp -d)"
  ( while true; do
      cargo build --quiet --locked --workspace --target-dir "$load_dir" >/dev/null 2>&1 || true
      rm -rf "$load_dir/debug"
    done ) &
  # Globals, not locals: the EXIT trap runs after this function has returned.
  LOAD_PID=$!
  LOAD_DIR="$load_dir"
  # Under `set -e` a failing command would end the trap (and the script) with its status:
  # the build may have ended already, or still be writing into the directory.
  trap 'kill "${LOAD_PID:-}" 2>/dev/null || true; pkill -f -- "--target-dir ${LOAD_DIR:-/nonexistent}" 2>/dev/null || true; rm -rf "${LOAD_DIR:-}" "${TEST_TMP:-}" 2>/dev/null || true' EXIT
  local run started
  for run in $(seq 1 "$runs"); do
    started=$(date +%s)
    say "end-to-end run $run of $runs under load (load average $(cut -d' ' -f1 /proc/loadavg))"
    TMPDIR="$TEST_TMP" node --test --test-concurrency=1 tests/e2e/ ||
      fail "end-to-end run $run of $runs failed under load"
    say "run $run passed in $(( $(date +%s) - started )) s (load average $(cut -d' ' -f1 /proc/loadavg))"
  done
}

case "${1:-}" in
  serve) serve ;;
  test) run_tests ;;
  e2e-load) e2e_under_load "${2:-3}" ;;
  watch) watch ;;
  setup) setup ;;
  *)
    echo "usage: scripts/dev.sh serve|test|watch|setup|e2e-load [N]" >&2
    exit 2
    ;;
esac

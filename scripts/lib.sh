# Shared by scripts/start and scripts/test: installs what building and
# testing Laurel needs, and skips whatever is already there, so a second run
# costs seconds. Source it; do not run it.

set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# Cargo's build cache lives outside the clone, so a fresh clone on the same
# machine builds incrementally.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/laurel/target}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"
LAUREL_BIN="$CARGO_TARGET_DIR/debug/laurel"
CARGO_LEPTOS_VERSION=0.3.11

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

need_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return
  say "Adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
}

# cargo-leptos must match the wasm-bindgen in Cargo.lock exactly, and must
# not download anything: both tools come from crates.io here.
need_wasm_bindgen() {
  local want
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then return; fi
  say "Installing wasm-bindgen-cli $want (a few minutes, once per machine)"
  # Not --locked: its lock file names a crate version the registry may lack.
  cargo install wasm-bindgen-cli --version "$want" --force
}

need_cargo_leptos() {
  if cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then return; fi
  say "Installing cargo-leptos $CARGO_LEPTOS_VERSION (about 25 minutes, once per machine)"
  # Its --locked dependency set needs a newer rustc than stable has here.
  if rustup toolchain list | grep -q '^nightly'; then
    cargo +nightly install cargo-leptos --locked --version "$CARGO_LEPTOS_VERSION"
  else
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION"
  fi
}

need_chromium() {
  [ -x /usr/bin/chromium ] && return
  say "Installing Chromium (Debian package) for the browser tests"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
}

need_node_modules() {
  local dir="$ROOT/end2end"
  if [ -d "$dir/node_modules/@playwright/test" ] && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
    return
  fi
  say "Installing the browser-test packages (npm)"
  (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
}

# The e-mail delivery tests talk to a real SMTP server on loopback:
# aiosmtpd, from PyPI.
need_aiosmtpd() {
  python3 -c 'import aiosmtpd' 2>/dev/null && return
  say "Installing aiosmtpd (PyPI) for the e-mail delivery tests"
  # --user outside a virtualenv; Debian's own python3 also wants
  # --break-system-packages; inside a virtualenv, neither.
  python3 -m pip install --user --quiet aiosmtpd 2>/dev/null \
    || python3 -m pip install --user --quiet --break-system-packages aiosmtpd 2>/dev/null \
    || python3 -m pip install --quiet aiosmtpd
}

# The Open Badges 3.0 conformance test judges our badges with verifiers
# nobody here wrote: openbadgeslib's OB3Verifier and the jsonschema library
# (applying 1EdTech's schema), both from PyPI, pinned.
# With the Open Badges judges: standardwebhooks, the judge of our webhook
# signatures; and mrz (its ICAO 9303 generator), pillow and pdf417gen, which make the
# identity tests' documents.
OB3_CHECKERS=("openbadgeslib==4.6.3" "jsonschema==4.26.0" "standardwebhooks==1.1.0" "openapi-spec-validator==0.9.0"
  "mrz==0.6.2" "pillow==13.0.0" "pdf417gen==0.8.1" "pypdf==7.1.1" "schemathesis==4.32.5")
PG_BIN=/usr/lib/postgresql/15/bin

# PostgreSQL 15 server binaries, for the suite's second run (Debian's
# package; its own cluster is never started, the tests make their own).
need_postgres() {
  [ -x "$PG_BIN/initdb" ] && return
  say "Installing PostgreSQL 15 (Debian) for the PostgreSQL run of the tests"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql >/dev/null
}

# A throwaway PostgreSQL on a free loopback port, its data and socket in a
# temp dir, stopped when the calling script exits. PostgreSQL refuses to
# run as root, so as root the cluster belongs to the `postgres` user.
# Durability is off (nothing here outlives the run) unless the first
# argument is `durable`, as benchmarks want it. Exports
# LAUREL_TEST_POSTGRES_URL (the server's admin database).
start_test_postgres() {
  PG_DIR="$(mktemp -d /tmp/laurel-pg.XXXXXX)"
  local port run=() fast="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [ "${1:-}" = durable ] && fast=""
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$PG_DIR"
    run=(runuser -u postgres --)
  fi
  PG_RUN=("${run[@]}")
  trap stop_test_postgres EXIT
  # Each step says when it fails: callers may test this function in an
  # `if`, where bash does not stop at a failing command.
  (cd /tmp && "${run[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --locale=C.UTF-8 -E UTF8 >/dev/null) \
    || return 1
  (cd /tmp && "${run[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -o \
    "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 $fast -c max_connections=400 -c shared_buffers=256MB" \
    start >/dev/null) || return 1
  export LAUREL_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
}

stop_test_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  (cd /tmp && "${PG_RUN[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1) || true
  rm -rf "$PG_DIR"
  PG_DIR=
}

need_ob3_checkers() {
  python3 - "${OB3_CHECKERS[@]}" <<'PY' 2>/dev/null && return
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    assert version(name) == want, pin
PY
  say "Installing openbadgeslib, jsonschema, standardwebhooks, mrz, pillow, pdf417gen, pypdf and schemathesis (PyPI): outside judges and document makers"
  python3 -m pip install --user --quiet "${OB3_CHECKERS[@]}" 2>/dev/null \
    || python3 -m pip install --user --quiet --break-system-packages "${OB3_CHECKERS[@]}" 2>/dev/null \
    || python3 -m pip install --quiet "${OB3_CHECKERS[@]}"
}

# Builds the wasm bundle, the CSS and the `laurel` binary (debug, shared
# with the tests' build).
build_site() {
  say "Building Laurel"
  cargo leptos build
}

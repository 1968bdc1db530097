#!/usr/bin/env bash
# Starts a throwaway Laurel for the browser tests: a fresh database in
# E2E_DATA_DIR (wiped first), the demo organisation seeded, on E2E_PORT.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${LAUREL_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/laurel/target}/debug/laurel}"
data="${E2E_DATA_DIR:-$here/.data}"
rm -rf "$data"
mkdir -p "$data"
export LAUREL_DATA_DIR="$data"
export LAUREL_DATABASE_URL="sqlite://$data/laurel.db"
export LAUREL_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-$here/../target/site}"
export RUST_LOG="${RUST_LOG:-warn}"
# The webhook receivers the tests start listen on loopback.
export LAUREL_WEBHOOKS_ALLOW_PRIVATE=true
export LAUREL_WEBHOOK_RETRY_MS=200
"$bin" admin seed-demo >/dev/null
exec "$bin" serve

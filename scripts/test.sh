#!/usr/bin/env bash
# The README's test command: set up (with Chromium), then every test: native Rust, wasm in
# headless Chromium, and the page end to end. Exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh --browser

# A browser test that times out can leave Chromium or ChromeDriver behind: end ours on exit.
browsers_before=$(pgrep -f 'chrom(e|ium|edriver)' || true)
cleanup() {
  local pid
  for pid in $(pgrep -f 'chrom(e|ium|edriver)' || true); do
    grep -qx "$pid" <<<"$browsers_before" || kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

step() { printf '\n\033[1m==== %s\033[0m\n' "$*"; }

step "native tests (cargo test)"
cargo test

step "checkpoints read by Python's safetensors (pytest)"
cargo build --bin vae-lab
.venv/bin/pytest -q tests/python

step "wasm tests in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --release

step "page build"
scripts/build.sh

step "end-to-end tests in Chromium (Playwright)"
node --test --test-concurrency=1 tests/e2e/

#!/usr/bin/env bash
# The README's test command: set up (with Chromium), then every test: native Rust (the import-cycle
# check among them), the page's kind-name check, checkpoints read by Python, wasm in headless
# Chromium, and the page end to end. Exits non-zero if any fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

scripts/setup.sh --browser

# A browser test that times out can leave Chromium or ChromeDriver behind: on exit, end what this
# script started, and nothing else (never a process found by name). What it started is its
# descendants, and whatever carries its mark: every process it starts inherits TEST_RUN_MARK in
# its environment, which follows the ones that leave our process group and tree (Playwright starts
# Chromium as the leader of a session of its own; a browser whose parent died is adopted by init).
export TEST_RUN_MARK="vae-lab-test.sh:$$:$(date +%s%N)"
started_here() { # the pids of those still running, one a line
  local -A children=()
  local pid ppid queue found=()
  while read -r pid ppid; do children[$ppid]+=" $pid"; done < <(ps -e -o pid=,ppid=)
  queue=(${children[$$]:-})
  while [ ${#queue[@]} -gt 0 ]; do
    pid=${queue[0]}; queue=("${queue[@]:1}")
    [ "$pid" = "$BASHPID" ] && continue # this look-up itself
    found+=("$pid"); queue+=(${children[$pid]:-})
  done
  found+=($(grep -lsxzF "TEST_RUN_MARK=$TEST_RUN_MARK" /proc/[0-9]*/environ | cut -d/ -f3 || true))
  [ ${#found[@]} -eq 0 ] || printf '%s\n' "${found[@]}" | sort -un
}
cleanup() {
  local pids
  pids=$(started_here) || true
  [ -z "$pids" ] && return 0
  kill -TERM $pids 2>/dev/null || true
  sleep 1
  pids=$(started_here) || true
  [ -z "$pids" ] || kill -KILL $pids 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT  # so that Ctrl-C and kill end ours too, through the EXIT trap
trap 'exit 143' TERM

step() { printf '\n\033[1m==== %s\033[0m\n' "$*"; }

step "native tests (cargo test), with no import cycle among src/'s modules (tests/structure.rs)"
cargo test

step "no model kind named outside the page's one table (scripts/check-kind-names.mjs)"
node scripts/check-kind-names.mjs --self-test
node scripts/check-kind-names.mjs

step "checkpoints read by Python's safetensors (pytest)"
cargo build --bin vae-lab
.venv/bin/pytest -q tests/python

step "wasm tests in headless Chromium (wasm-pack test)"
wasm-pack test --headless --chrome --release

step "page build"
scripts/build.sh

step "end-to-end tests in Chromium (Playwright)"
node --test --test-concurrency=1 tests/e2e/

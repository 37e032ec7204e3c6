#!/usr/bin/env bash
# Installs what building and serving need, skipping whatever is already in place; safe to rerun.
#   scripts/setup.sh            toolchain, npm packages, data
#   scripts/setup.sh --browser  also Chromium and ChromeDriver, for the tests
#   scripts/setup.sh --torch    also .venv-torch: PyTorch and the vae_lab_torch package (python/)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

WASM_PACK_VERSION=0.15.1
want_browser= want_torch=
for arg in "$@"; do
  case "$arg" in
    --browser) want_browser=1 ;;
    --torch) want_torch=1 ;;
    *) echo "scripts/setup.sh: unknown option '$arg' (--browser, --torch)" >&2; exit 2 ;;
  esac
done
log() { printf '\033[1m==> %s\033[0m\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=
apt_install() { # installs those of the named Debian packages that are missing
  local missing=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt-get install ${missing[*]}"
  if [ -z "$apt_updated" ]; then as_root apt-get update -qq; apt_updated=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

command -v cargo >/dev/null || { echo "Rust is needed: install it with rustup (https://rustup.rs)" >&2; exit 1; }
command -v node >/dev/null || apt_install nodejs npm

rustup target list --installed | grep -qx wasm32-unknown-unknown || { log "rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }

# The two-thread build (scripts/build-threads.sh) rebuilds std with atomics: nightly's std sources
# and wasm target. Where nightly or the download is missing, the page trains on one thread.
if rustup run nightly rustc --version >/dev/null 2>&1; then
  rustup component list --toolchain nightly --installed | grep -q '^rust-src' \
    || { log "rustup component add rust-src --toolchain nightly"; rustup component add rust-src --toolchain nightly || true; }
  rustup target list --toolchain nightly --installed | grep -qx wasm32-unknown-unknown \
    || { log "rustup target add wasm32-unknown-unknown --toolchain nightly"; rustup target add wasm32-unknown-unknown --toolchain nightly || true; }
fi

if ! wasm-pack --version 2>/dev/null | grep -q " $WASM_PACK_VERSION\$"; then
  log "cargo install wasm-pack $WASM_PACK_VERSION (about 3 minutes)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked
fi

# wasm-pack would download wasm-bindgen from GitHub, which is unreachable here; when a CLI of
# exactly the Cargo.lock version is on PATH it uses that. Not --locked: its lockfile pins a
# crate version the registry mirror lacks.
bindgen=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -qx "wasm-bindgen $bindgen"; then
  log "cargo install wasm-bindgen-cli $bindgen (about 7 minutes)"
  cargo install wasm-bindgen-cli --version "$bindgen"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

apt_install dataset-fashion-mnist
node scripts/prepare-data.mjs

if [ -n "$want_browser" ]; then
  apt_install chromium chromium-driver
  # Python only for the test that reads checkpoints with the `safetensors` package.
  if [ ! -x .venv/bin/pytest ] || [ tests/python/requirements.txt -nt .venv/bin/pytest ]; then
    log "python venv for the checkpoint test"
    python3 -m venv .venv || { apt_install python3-venv; python3 -m venv .venv; }
    .venv/bin/pip install -q --disable-pip-version-check -r tests/python/requirements.txt
    touch .venv/bin/pytest
  fi
fi

# PyTorch in a venv of its own, made only when missing (or its requirements changed): PyPI's torch
# wheel brings its CUDA libraries, about 5.4 GB installed, even for CPU use (docs/pytorch.md).
# The package itself is installed editable, so changes under python/ need no reinstall.
if [ -n "$want_torch" ]; then
  if [ ! -f .venv-torch/.installed ] || [ python/requirements-torch.txt -nt .venv-torch/.installed ]; then
    log "python venv .venv-torch: PyTorch from PyPI with its CUDA libraries (about 5.4 GB, 1–2 minutes)"
    start=$(date +%s)
    # No pip cache (it would keep the ~3 GB of wheels beside the 5.4 GB installed) and pip's
    # unpacking on this disk rather than in /tmp: a CI run once ended here with "No space left".
    free_gb=$(( $(df -Pk . | awk 'NR==2 {print $4}') / 1048576 ))
    log "free on this disk: ${free_gb} GB (PyTorch needs about 6)"
    python3 -m venv .venv-torch || { apt_install python3-venv; python3 -m venv .venv-torch; }
    mkdir -p .venv-torch/tmp
    TMPDIR="$PWD/.venv-torch/tmp" PIP_NO_CACHE_DIR=1 \
      .venv-torch/bin/pip install -q --disable-pip-version-check -r python/requirements-torch.txt
    rm -rf .venv-torch/tmp
    .venv-torch/bin/pip install -q --disable-pip-version-check --no-deps -e python
    touch .venv-torch/.installed
    log ".venv-torch ready in $(( $(date +%s) - start )) s, $(du -sh .venv-torch | cut -f1)"
  fi
fi

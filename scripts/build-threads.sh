#!/usr/bin/env bash
# Builds the two-thread wasm into pkg/threads/, for pages served cross-origin isolated
# (scripts/serve.mjs sends COOP/COEP). Needs the nightly toolchain with rust-src: std is rebuilt
# with atomics so that rayon's pool can run on Web Workers sharing one memory. Where nightly is
# missing it says so and exits 0: the page then trains on one thread with pkg/ as before.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
if ! rustup component list --toolchain nightly --installed 2>/dev/null | grep -q '^rust-src' \
  || ! rustup target list --toolchain nightly --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "build-threads: no nightly toolchain with rust-src and wasm32 here; the page will train on one thread" >&2
  rm -rf pkg/threads
  exit 0
fi
# .cargo/config.toml's flags are replaced by RUSTFLAGS, so they are repeated here. The linker is
# told to make the memory shared and imported (each worker instantiates the module on the same
# one) and to export what wasm-bindgen needs to give each thread its own stack and thread-locals.
# A shared memory needs a maximum: 2 GiB (Fashion-MNIST's 60,000 images are 188 MB as f32).
flags=(-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 --cfg 'getrandom_backend="wasm_js"')
for arg in --shared-memory --import-memory --max-memory=2147483648 \
  --export=__wasm_init_tls --export=__tls_size --export=__tls_align --export=__tls_base; do
  flags+=(-C "link-arg=$arg")
done
export RUSTFLAGS="${flags[*]}"
rustup run nightly cargo build --lib --target wasm32-unknown-unknown --profile wasm-release \
  --features threads -Z build-std=panic_abort,std --target-dir target/threads
wasm-bindgen --target web --out-dir pkg/threads target/threads/wasm32-unknown-unknown/wasm-release/vae_lab.wasm
node scripts/strip-names.mjs pkg/threads/vae_lab_bg.wasm
# wasm-bindgen-rayon 1.3.0's worker helper starts each pool worker with init(module, memory), the
# form wasm-bindgen 0.2.130 still takes but warns about in each worker's console ("using deprecated
# parameters for the initialization function"). Give it the single object init takes now.
sed -i 's/pkg\.default(data\.module, data\.memory)/pkg.default({ module_or_path: data.module, memory: data.memory })/' \
  pkg/threads/snippets/wasm-bindgen-rayon-*/src/workerHelpers.no-bundler.js

#!/usr/bin/env bash
# Builds the release wasm into pkg/ and copies the page's vendored JS/CSS into www/vendor/; then
# writes brotli and gzip siblings of the big static files (scripts/precompress.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
wasm-pack build --profile wasm-release --no-opt --target web --out-dir pkg --no-pack
node scripts/strip-names.mjs pkg/vae_lab_bg.wasm
mkdir -p www/vendor
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css www/vendor/
# KaTeX for the formulas (www/views/formulas.js): the script, its CSS and the woff2 fonts it names.
mkdir -p www/vendor/katex/fonts
cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css www/vendor/katex/
cp node_modules/katex/dist/fonts/*.woff2 www/vendor/katex/fonts/
# The two-thread build for cross-origin isolated pages (skipped, with a note, without nightly).
scripts/build-threads.sh
node scripts/precompress.mjs

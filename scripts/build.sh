#!/usr/bin/env bash
# Builds the release wasm into pkg/, copies the page's vendored JS/CSS into www/vendor/ and bundles
# the page's modules into www/dist/; then writes brotli and gzip siblings of the big static files
# (scripts/precompress.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
wasm-pack build --profile wasm-release --no-opt --target web --out-dir pkg --no-pack
node scripts/strip-names.mjs pkg/vae_lab_bg.wasm
# The page's own module (the `page` feature: the decoder and describeCheckpoint, without Lab),
# which its thread compiles before the first image; built after pkg/, which wasm-pack empties.
wasm-pack build --profile wasm-release --no-opt --target web --out-dir pkg/page --no-pack -- --features page
node scripts/strip-names.mjs pkg/page/vae_lab_bg.wasm
mkdir -p www/vendor
cp node_modules/uplot/dist/uPlot.esm.js node_modules/uplot/dist/uPlot.min.css www/vendor/
# KaTeX for the formulas (www/views/formulas.js): the script, its CSS and the woff2 fonts it names.
mkdir -p www/vendor/katex/fonts
cp node_modules/katex/dist/katex.min.js node_modules/katex/dist/katex.min.css www/vendor/katex/
cp node_modules/katex/dist/fonts/*.woff2 www/vendor/katex/fonts/
# The service worker that makes the page cross-origin isolated on hosts that send no such headers
# (www/lib/isolation.js): at the site's root, as a service worker controls only what is below it.
cp node_modules/coi-serviceworker/coi-serviceworker.min.js coi-serviceworker.js
# The two-thread build for cross-origin isolated pages (skipped, with a note, without nightly).
scripts/build-threads.sh
# The page's JavaScript, bundled into www/dist/ (the page and the training worker: a file each);
# after the two-thread build, which the page's bundle is told of.
node scripts/bundle.mjs
node scripts/precompress.mjs

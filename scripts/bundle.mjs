// Bundles the page's JavaScript with esbuild into www/dist/ (scripts/build.sh runs it; the page
// loads only these files):
//   main.js             the page (www/main.js and the 38 modules it imports);
//   worker.js           the training worker (www/workers/worker.js and its 15 modules);
//   boot.js             the page's first script (www/boot.js, with state.js's reading of the
//                       address to pick the shipped model at once): a classic script (IIFE).
// Why: the page had grown to 57 modules evaluated before its first image, and their fetching and
// evaluation (each a request, even preloaded) put DOMContentLoaded 100 ms after the 39 modules of
// before the restructure, and boot.js waited for state.js's modules to pick the model to fetch;
// one file each brings the first image back (docs/performance.md, "One bundle"). The sources stay the modules they are: what a developer reads and edits; the
// bundles are git-ignored, written again by every build, and tests/e2e/bundle.test.mjs fails on a
// bundle older than its sources.
//
// www/dist/ is as deep as www/workers/ and www/controllers/, so that the relative URLs the modules
// build from import.meta.url (the models, the data, the grid's worker, the wasm) mean the same from
// a bundle. Left out, and imported by URL as before: uPlot (www/vendor/, imported when the chart
// is first shown, after the first image) and the two-thread build's glue (its rayon workers find
// their own script next to it by URL).
//
//   node scripts/bundle.mjs [OUTDIR]   (default www/dist)
import * as esbuild from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/// The options of every bundle: ES modules for current browsers, minified, with a source map
/// beside each file so that the browser's developer tools show the sources.
const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  target: ['chrome114', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
};

/// Whether scripts/build-threads.sh made the two-thread module: the page's bundle is told
/// (www/lib/isolation.js registers its service worker only then).
const threadsBuilt = () => existsSync(join(root, 'pkg', 'threads', 'vae_lab_bg.wasm'));

/// Writes the three bundles into `outdir` (relative to the project), emptied first.
export async function bundle(outdir = 'www/dist') {
  rmSync(join(root, outdir), { recursive: true, force: true });
  await Promise.all([
    esbuild.build({ ...common, entryPoints: ['www/main.js'], outdir, external: ['../vendor/uPlot.esm.js'], define: { __THREADS_BUILT__: String(threadsBuilt()) } }),
    esbuild.build({ ...common, entryPoints: ['www/workers/worker.js'], outdir, external: ['../../pkg/threads/*'] }),
    // A classic script has no import.meta: shipped-model.js's shippedUrl uses it, which boot.js never calls.
    esbuild.build({ ...common, entryPoints: ['www/boot.js'], outdir, format: 'iife', logOverride: { 'empty-import-meta': 'silent' } }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundle(process.argv[2]);

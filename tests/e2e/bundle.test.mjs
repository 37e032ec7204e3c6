// The page runs bundles (scripts/bundle.mjs, run by scripts/build.sh): www/dist/boot.js (a classic
// script), www/dist/main.js and the training worker's www/dist/worker.js. These tests keep
// them honest: the bundles in www/dist/ are what the sources make now (a bundle older than an edit
// fails here, rather than the page running code that is in no source), and the page loads the
// bundles, not the source modules they were made of.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { bundle } from '../../scripts/bundle.mjs';

const jsIn = (dir) => readdirSync(dir).filter((f) => f.endsWith('.js')).sort();

test('www/dist holds what scripts/bundle.mjs makes of the sources now', async () => {
  const out = mkdtempSync(join(tmpdir(), 'vae-lab-bundle-'));
  try {
    await bundle(relative(process.cwd(), out));
    assert.deepEqual(jsIn('www/dist'), jsIn(out));
    for (const f of jsIn(out)) {
      // The source map names its bundle; the rest must match byte for byte.
      const fresh = readFileSync(join(out, f), 'utf8');
      assert.ok(readFileSync(join('www/dist', f), 'utf8') === fresh, `www/dist/${f} is older than its sources: run scripts/build.sh (or node scripts/bundle.mjs)`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('the page loads the bundles, and no source module of www/', () => {
  const html = readFileSync('index.html', 'utf8');
  const modules = [...html.matchAll(/<script type="module" src="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(modules, ['www/dist/main.js']);
  const classic = [...html.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(classic, ['www/dist/boot.js']);
  assert.doesNotMatch(html, /modulepreload/);
  // boot's bundle picks the shipped model itself (no import at load) and starts the bundled worker.
  const boot = readFileSync('www/dist/boot.js', 'utf8');
  assert.doesNotMatch(boot, /import\(/);
  assert.match(boot, /www\/dist\/worker\.js/);
});

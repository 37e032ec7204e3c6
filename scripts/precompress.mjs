// Writes brotli (.br) and gzip (.gz) siblings of the page's big static files, at the best (slow)
// settings, so that scripts/serve.mjs (and a static host that serves precompressed files) sends
// them without compressing per request. Skips a file whose siblings are newer than it already, and
// a sibling that would not be smaller. The siblings are git-ignored.
// Usage: node scripts/precompress.mjs   (scripts/build.sh runs it)
import { readdirSync, statSync } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode, SUFFIX } from './compress.mjs';

const root = join(fileURLToPath(import.meta.url), '..', '..');

/// Files under `dir` (recursively) whose extension is one of `exts`.
function files(dir, exts, recursive = true) {
  let entries;
  try { entries = readdirSync(join(root, dir), { withFileTypes: true }); } catch { return []; }
  return entries.flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return recursive ? files(path, exts) : [];
    return e.isFile() && exts.includes(extname(e.name)) ? [path] : [];
  });
}

const targets = [
  ...files('pkg', ['.wasm', '.js']),
  ...files('www', ['.js', '.css']),
  'index.html',
  ...files('models', ['.safetensors'], false),
];

const mtime = (path) => { try { return statSync(path).mtimeMs; } catch { return -1; } };

async function precompress(path) {
  const file = join(root, path);
  const done = Object.values(SUFFIX).every((s) => mtime(file + s) >= mtime(file));
  if (done) return null;
  const body = await readFile(file);
  const sizes = [];
  for (const [encoding, suffix] of Object.entries(SUFFIX)) {
    const out = await encode(body, encoding, true);
    if (out.length < body.length) {
      // Written aside and renamed, so that a running server never sends a half-written file.
      await writeFile(`${file}${suffix}.tmp`, out);
      await rename(`${file}${suffix}.tmp`, file + suffix);
      sizes.push(`${encoding} ${out.length}`);
    } else {
      await rm(file + suffix, { force: true });
      sizes.push(`${encoding} not smaller`);
    }
  }
  return `${relative(root, file)}: ${body.length} -> ${sizes.join(', ')}`;
}

// Two at a time: brotli's best quality is seconds per MB, and this machine has two cores.
const queue = [...targets];
let written = 0;
await Promise.all([0, 1].map(async () => {
  for (let path; (path = queue.shift()) !== undefined;) {
    const line = await precompress(path);
    if (line) { written++; console.log(`precompress ${line}`); }
  }
}));
console.log(`precompress: ${written} of ${targets.length} files compressed, the rest were up to date`);

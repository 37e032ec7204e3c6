// index.html names every module main.js imports statically (directly or not) as a modulepreload,
// so the browser fetches them at once instead of one import level at a time; and none that is
// only imported when asked (uPlot, after the first image), whose preload would parse it while the
// page loads. This keeps the list true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

function importClosure(entry) {
  const seen = new Set();
  const todo = [entry];
  while (todo.length) {
    const file = todo.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^import .* from '([^']+)';$/gm)) {
      todo.push(path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])));
    }
  }
  seen.delete(entry);
  return [...seen].sort();
}

test('index.html preloads exactly the modules main.js imports statically', () => {
  const html = readFileSync('index.html', 'utf8');
  const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)">/g)].map((m) => m[1]).sort();
  assert.deepEqual(preloaded, importClosure('www/main.js'));
});

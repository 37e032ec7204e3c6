// Static file server for the page, on loopback only. Sets the headers the page relies on:
// correct MIME types (wasm streaming needs application/wasm) and a Content-Security-Policy that
// allows WebAssembly but no eval and no request to any other origin; and, when the two-thread
// build exists, cross-origin isolation (below).
// Usage: node scripts/serve.mjs [--port N] [--one-thread]   (port 8080 unless given; 0 picks a free one)
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const MIME = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.gz': 'application/gzip', '.png': 'image/png', '.svg': 'image/svg+xml', '.safetensors': 'application/octet-stream', '.woff2': 'font/woff2',
};
const CSP = [
  // blob: workers are the two-thread build's pool (wasm-bindgen-rayon starts them from a blob).
  "default-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self' blob:", "style-src 'self'",
  "img-src 'self' data: blob:", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'none'",
].join('; ');
// Only what the page needs is reachable; sources, tests and node_modules are not served.
// With --bench also the benchmark page and its TensorFlow.js (scripts/bench.mjs).
const PUBLIC = ['index.html', 'www/', 'pkg/', 'data/', 'models/',
  ...(process.argv.includes('--bench') ? ['bench/'] : [])];

// Cross-origin isolation (COOP + COEP) lets the page share memory between workers, which the
// two-thread build needs; it is sent only when that build exists (scripts/build-threads.sh), so
// the page never asks for a module that is not there. Every resource is same-origin already.
// --one-thread leaves the headers out, as a host that cannot send them would.
const ISOLATION = existsSync(join(root, 'pkg', 'threads', 'vae_lab_bg.wasm')) && !process.argv.includes('--one-thread')
  ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 8080);

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  // A request line that is no URL path ("//", a broken %-escape) gets 400, not a crash.
  let path;
  try {
    path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname).replace(/^\/+/, '');
  } catch {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`bad request path: ${String(req.url).slice(0, 200)}\n`);
    return;
  }
  if (path === '') path = 'index.html';
  const file = normalize(join(root, path));
  const allowed = file.startsWith(root + sep) && PUBLIC.some((p) => path === p || path.startsWith(p));
  let stat;
  try { stat = allowed && statSync(file); } catch { stat = null; }
  if (!stat || !stat.isFile()) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: /${path}\n`);
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': stat.size,
    // TensorFlow.js evaluates strings, so the benchmark page (only) must allow it; the app never does.
    'Content-Security-Policy': path.startsWith('bench/') ? CSP.replace("'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'unsafe-eval'") : CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
    ...ISOLATION,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
});

server.listen(port, '127.0.0.1', () => {
  const how = Object.keys(ISOLATION).length ? 'cross-origin isolated: training on one thread per core'
    : `${process.argv.includes('--one-thread') ? '--one-thread' : 'no two-thread build'}: training on one thread`;
  console.log(`VAE Lab is served at http://127.0.0.1:${server.address().port}/ (${how})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));

// Static file server for the page, on loopback only. Sets the headers the page relies on:
// correct MIME types (wasm streaming needs application/wasm) and a Content-Security-Policy that
// allows WebAssembly but no eval and no request to any other origin; and, when the two-thread
// build exists, cross-origin isolation (below). Responses are compressed (brotli or gzip, as the
// browser accepts) and carry an ETag, so that a revisit costs a 304 per file.
// Usage: node scripts/serve.mjs [--port N] [--one-thread]   (port 8080 unless given; 0 picks a free one)
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressible, encode, SUFFIX } from './compress.mjs';

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
const PUBLIC = ['index.html', 'coi-serviceworker.js', 'www/', 'pkg/', 'data/', 'models/',
  ...(process.argv.includes('--bench') ? ['bench/'] : [])];

// Cross-origin isolation (COOP + COEP) lets the page share memory between workers, which the
// two-thread build needs; it is sent only when that build exists (scripts/build-threads.sh), so
// the page never asks for a module that is not there. Every resource is same-origin already.
// --one-thread leaves the headers out, as a host that cannot send them would.
const ISOLATION = existsSync(join(root, 'pkg', 'threads', 'vae_lab_bg.wasm')) && !process.argv.includes('--one-thread')
  ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : Number(process.env.PORT ?? 8080);

/// The encoding to send: br if the browser accepts it, else gzip, else none (identity).
function negotiate(header = '') {
  const q = {};
  for (const part of String(header).toLowerCase().split(',')) {
    const [name, ...params] = part.split(';').map((x) => x.trim());
    const qp = params.find((x) => x.startsWith('q='));
    q[name] = qp ? Number(qp.slice(2)) : 1;
  }
  const accepts = (e) => (q[e] ?? q['*'] ?? 0) > 0;
  return accepts('br') ? 'br' : accepts('gzip') ? 'gzip' : null;
}

// Encoded bodies made on the fly, by path and encoding, for the file version (size + mtime) they
// were made from: a file is compressed once, not once per request.
const encoded = new Map();

/// How to send `file` as `encoding`: its precompressed sibling when that is newer than the file
/// (scripts/precompress.mjs), else the encoded body from memory; identity when no encoding is asked
/// for or encoding would not make it smaller.
async function representation(file, stat, encoding) {
  const identity = { encoding: null, path: file, size: stat.size };
  if (!encoding) return identity;
  let sibling;
  try { sibling = statSync(file + SUFFIX[encoding]); } catch { sibling = null; }
  if (sibling?.isFile() && sibling.mtimeMs >= stat.mtimeMs) return { encoding, path: file + SUFFIX[encoding], size: sibling.size };
  const key = `${encoding} ${file}`;
  let entry = encoded.get(key);
  if (!entry || entry.mtimeMs !== stat.mtimeMs || entry.size !== stat.size) {
    entry = { mtimeMs: stat.mtimeMs, size: stat.size, body: readFile(file).then((b) => encode(b, encoding)) };
    encoded.set(key, entry);
  }
  let body;
  try { body = await entry.body; } catch { encoded.delete(key); return identity; }
  return body.length < stat.size ? { encoding, body, size: body.length } : identity;
}

/// Whether an If-None-Match header names `etag` (weak comparison, as for GET and HEAD).
function matches(header, etag) {
  if (!header) return false;
  const bare = (t) => t.trim().replace(/^W\//, '');
  return header.split(',').some((t) => t.trim() === '*' || bare(t) === bare(etag));
}

const server = createServer(async (req, res) => {
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
  const varies = compressible(file);
  const rep = await representation(file, stat, varies ? negotiate(req.headers['accept-encoding']) : null);
  const headers = {
    // TensorFlow.js evaluates strings, so the benchmark page (only) must allow it; the app never does.
    'Content-Security-Policy': path.startsWith('bench/') ? CSP.replace("'wasm-unsafe-eval'", "'wasm-unsafe-eval' 'unsafe-eval'") : CSP,
    'X-Content-Type-Options': 'nosniff',
    // Revalidate every time: the files keep their names across builds, so a cached wasm must not
    // outlive the JS that loads it. With the ETag a revalidation is a 304 without body.
    'Cache-Control': 'no-cache',
    // Weak: the same file's brotli from the build and from memory differ in bytes, not in meaning.
    ETag: `W/"${stat.size.toString(36)}-${Math.round(stat.mtimeMs * 1000).toString(36)}${rep.encoding ? `-${rep.encoding}` : ''}"`,
    ...(varies ? { Vary: 'Accept-Encoding' } : {}),
    ...ISOLATION,
  };
  if (matches(req.headers['if-none-match'], headers.ETag)) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
    'Content-Length': rep.size,
    ...(rep.encoding ? { 'Content-Encoding': rep.encoding } : {}),
    ...headers,
  });
  if (req.method === 'HEAD') res.end();
  else if (rep.body) res.end(rep.body);
  else createReadStream(rep.path).on('error', () => res.destroy()).pipe(res);
});

server.listen(port, '127.0.0.1', () => {
  const how = Object.keys(ISOLATION).length ? 'cross-origin isolated: training on one thread per core'
    : `${process.argv.includes('--one-thread') ? '--one-thread' : 'no two-thread build'}: training on one thread`;
  console.log(`VAE Lab is served at http://127.0.0.1:${server.address().port}/ (${how})`);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));

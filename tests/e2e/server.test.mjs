// The project's server: a request path that is no URL path ("//", a broken %-escape) gets 400 and
// the server goes on serving (it used to throw and exit); responses are compressed as the browser
// accepts, revalidate with an ETag, and keep the page's headers.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startServer } from './harness.mjs';
import { compressible } from '../../scripts/compress.mjs';

let server, bench;
before(async () => { [server, bench] = await Promise.all([startServer(), startServer(['--bench'])]); });
after(() => { server?.stop(); bench?.stop(); });

/// A request with the path exactly as given (fetch would normalise it); the body as sent, not decoded.
function request(path, { method = 'GET', headers = {}, base = server.url } = {}) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject); // e.g. a body shorter than its Content-Length
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no complete answer to ${path} in 10 s`)));
    req.end();
  });
}
const rawGet = async (path) => (await request(path)).status;

/// The headers every response of the page carries, compressed or not.
function pageHeaders(h) {
  assert.match(h['content-security-policy'], /default-src 'self'/);
  assert.equal(h['x-content-type-options'], 'nosniff');
  assert.equal(h['cache-control'], 'no-cache');
  if (existsSync('pkg/threads/vae_lab_bg.wasm')) {
    assert.equal(h['cross-origin-opener-policy'], 'same-origin');
    assert.equal(h['cross-origin-embedder-policy'], 'require-corp');
  }
}

test('a malformed request path gets 400 and the server keeps serving', async () => {
  assert.equal(await rawGet('//'), 400);
  assert.equal(await rawGet('/%E0%A4%A'), 400);
  assert.equal(await rawGet('/'), 200);
  assert.equal(await rawGet('/models/mnist-sohn.safetensors'), 200);
  assert.equal(await rawGet('/../Cargo.toml'), 404);
});

// bench/ has no precompressed siblings (scripts/precompress.mjs leaves it out): compressed on the fly.
const FILES = [['index.html'], ['www/main.js'], ['pkg/vae_lab_bg.wasm'], ['models/mnist-cvae.safetensors'], ['bench/bench.js', 'bench']];
const DECODE = { br: brotliDecompressSync, gzip: gunzipSync };

for (const encoding of ['br', 'gzip']) {
  test(`${encoding}: the body decodes to the file's exact bytes, with its length and Vary`, async () => {
    for (const [path, which] of FILES) {
      const file = readFileSync(path);
      const r = await request(`/${path}`, { headers: { 'Accept-Encoding': encoding }, base: which === 'bench' ? bench.url : server.url });
      assert.equal(r.status, 200, path);
      assert.equal(r.headers['content-encoding'], encoding, path);
      assert.equal(r.headers.vary, 'Accept-Encoding', path);
      assert.equal(Number(r.headers['content-length']), r.body.length, path);
      assert.ok(r.body.length < file.length, `${path}: ${r.body.length} bytes encoded, not fewer than ${file.length}`);
      assert.ok(DECODE[encoding](r.body).equals(file), `${path} decodes to other bytes`);
      pageHeaders(r.headers);
    }
  });
}

test('brotli is preferred, and an encoding with q=0 is not used', async () => {
  const enc = async (ae) => (await request('/www/main.js', { headers: { 'Accept-Encoding': ae } })).headers['content-encoding'];
  assert.equal(await enc('gzip, deflate, br'), 'br');
  assert.equal(await enc('br;q=0, gzip'), 'gzip');
  assert.equal(await enc('*'), 'br');
  assert.equal(await enc('identity'), undefined);
});

test('without Accept-Encoding the file goes as it is', async () => {
  for (const [path] of FILES.slice(0, 4)) {
    const file = readFileSync(path);
    const r = await request(`/${path}`);
    assert.equal(r.headers['content-encoding'], undefined, path);
    assert.equal(Number(r.headers['content-length']), file.length, path);
    assert.ok(r.body.equals(file), path);
    pageHeaders(r.headers);
  }
});

const precompressed = ['br', 'gzip'].every((e) => {
  const sibling = `pkg/vae_lab_bg.wasm.${e === 'br' ? 'br' : 'gz'}`;
  return existsSync(sibling) && statSync(sibling).mtimeMs >= statSync('pkg/vae_lab_bg.wasm').mtimeMs;
});
test('a precompressed sibling newer than the file is what is sent', { skip: !precompressed && 'no precompressed pkg/ (scripts/build.sh writes it)' }, async () => {
  for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
    const r = await request('/pkg/vae_lab_bg.wasm', { headers: { 'Accept-Encoding': encoding } });
    assert.ok(r.body.equals(readFileSync(`pkg/vae_lab_bg.wasm${suffix}`)), encoding);
  }
});

test('a matching If-None-Match gets 304 without body; another encoding\'s ETag does not match', async () => {
  const first = await request('/www/main.js', { headers: { 'Accept-Encoding': 'br' } });
  const etag = first.headers.etag;
  assert.ok(etag, 'an ETag');
  const again = await request('/www/main.js', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal(again.body.length, 0);
  assert.equal(again.headers.etag, etag);
  pageHeaders(again.headers);
  const strong = await request('/www/main.js', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': `"x", ${etag.replace(/^W\//, '')}` } });
  assert.equal(strong.status, 304, 'weak comparison, in a list');
  const gzip = await request('/www/main.js', { headers: { 'Accept-Encoding': 'gzip', 'If-None-Match': etag } });
  assert.equal(gzip.status, 200);
  assert.notEqual(gzip.headers.etag, etag);
  const stale = await request('/www/main.js', { headers: { 'Accept-Encoding': 'br', 'If-None-Match': 'W/"0-0-br"' } });
  assert.equal(stale.status, 200);
});

/// The bytes of a HEAD's whole answer, over a connection the server then closes.
function rawHead(path, acceptEncoding) {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const s = connect(Number(port), hostname, () => {
      s.write(`HEAD ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAccept-Encoding: ${acceptEncoding}\r\nConnection: close\r\n\r\n`);
    });
    s.on('data', (c) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('latin1'))).on('error', reject);
  });
}

test('HEAD gives GET\'s headers and no body', async () => {
  for (const ae of ['br', 'gzip', 'identity']) {
    const get = await request('/pkg/vae_lab_bg.wasm', { headers: { 'Accept-Encoding': ae } });
    const raw = await rawHead('/pkg/vae_lab_bg.wasm', ae);
    const [head, rest] = raw.split('\r\n\r\n');
    assert.equal(rest, '', `${ae}: nothing after the headers`);
    const h = Object.fromEntries(head.split('\r\n').slice(1).map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    for (const k of ['content-length', 'content-encoding', 'content-type', 'etag', 'vary']) assert.equal(h[k], get.headers[k], `${ae}: ${k}`);
    pageHeaders(h);
  }
});

test('a .gz data file (and a .png) is not compressed again', async () => {
  assert.equal(compressible('data/mnist/images-idx3-ubyte.gz'), false);
  assert.equal(compressible('x.png'), false);
  const path = 'data/mnist/images-idx3-ubyte.gz';
  const r = await request(`/${path}`, { headers: { 'Accept-Encoding': 'br, gzip' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/gzip');
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.headers.vary, undefined, 'not a type the server encodes');
  assert.ok(r.body.equals(readFileSync(path)));
  pageHeaders(r.headers);
});

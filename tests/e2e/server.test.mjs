// The project's server answers a request path that is no URL path ("//", a broken %-escape) with
// 400 and goes on serving; it used to throw and exit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startServer } from './harness.mjs';

let server;
before(async () => { server = await startServer(); });
after(() => server?.stop());

/// GET with the request line's path exactly as given (fetch would normalise it).
function rawGet(path) {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    http.get({ hostname, port, path }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode)); }).on('error', reject);
  });
}

test('a malformed request path gets 400 and the server keeps serving', async () => {
  assert.equal(await rawGet('//'), 400);
  assert.equal(await rawGet('/%E0%A4%A'), 400);
  assert.equal(await rawGet('/'), 200);
  assert.equal(await rawGet('/models/mnist-sohn.safetensors'), 200);
  assert.equal(await rawGet('/../Cargo.toml'), 404);
});

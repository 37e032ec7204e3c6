// Measures what a first visit transfers: opens the page in a fresh Chromium profile, waits until it
// says Ready and the network is idle, and counts the bytes the server sent, at a TCP relay in front
// of it (headers and encoded bodies, every request of page and workers). Then reloads in the same
// profile and counts again: what a second visit costs with the browser's cache. Also says how many
// of those bytes had come when the first decoded image was painted.
// --list also prints each response as Chromium reports it (status, encoded body bytes, encoding).
// Usage: node scripts/first-visit.mjs [--url URL] [--list]   (without --url it serves the page itself)
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { chromium } from 'playwright-core';

const arg = (name) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1] : undefined; };
const list = process.argv.includes('--list');

let server = null;
let url = arg('--url');
if (!url) {
  server = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: new URL('..', import.meta.url) });
  url = await new Promise((resolve, reject) => {
    server.stdout.on('data', (c) => { const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(c)); if (m) resolve(m[0]); });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

// The relay: the browser talks to it, it to the server; it counts what comes back.
let received = 0;
const target = new URL(url);
const relay = createServer((client) => {
  const upstream = connect(Number(target.port), target.hostname);
  upstream.on('data', (b) => { received += b.length; });
  client.pipe(upstream).pipe(client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close); upstream.on('error', close);
});
await new Promise((r) => relay.listen(0, '127.0.0.1', r));
url = `http://127.0.0.1:${relay.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  let rows = [];
  page.on('requestfinished', async (r) => {
    const row = { url: r.url(), status: 0, headers: 0, body: 0 };
    rows.push(row);
    const s = await r.sizes().catch(() => null);
    const res = await r.response().catch(() => null);
    if (s) { row.headers = s.responseHeadersSize; row.body = s.responseBodySize; }
    if (res) { row.status = res.status(); row.encoding = res.headers()['content-encoding'] ?? ''; }
  });
  const visit = async (what, go) => {
    rows = [];
    received = 0;
    await go();
    // What had come by the time the first decoded image was painted (main.js notes the moment).
    await page.waitForFunction(() => window.vaeLab?.firstImageMs !== undefined, null, { timeout: 60_000, polling: 'raf' });
    const beforeImage = received;
    await page.waitForFunction(() => document.getElementById('status')?.textContent.startsWith('Ready'), null, { timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    await new Promise((r) => setTimeout(r, 500)); // sizes() answers asynchronously
    const fetched = rows.filter((r) => r.url.startsWith('http'));
    console.log(`${what}: ${fetched.length} requests, ${received} bytes from the server (${(received / 1e6).toFixed(2)} MB); `
      + `${beforeImage} bytes (${(beforeImage / 1e6).toFixed(2)} MB) before the first decoded image`);
    if (list) {
      for (const r of fetched.sort((a, b) => b.body - a.body)) {
        console.log(`  ${String(r.status).padEnd(4)} ${String(r.body).padStart(9)} ${(r.encoding || '-').padEnd(5)} ${r.url.replace(url, '/')}`);
      }
    }
  };
  await visit('first visit', () => page.goto(url));
  await visit('second visit', () => page.reload());
} finally {
  await browser.close();
  relay.close();
  server?.kill('SIGTERM');
}

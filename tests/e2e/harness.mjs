// Shared set-up for the end-to-end tests: serves the built page on a free loopback port and
// drives Debian's Chromium through playwright-core (never a downloaded browser).
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

/// The project's server on a free loopback port; `flags` are passed on (e.g. --bench).
export async function startServer(flags = []) {
  const proc = spawn(process.execPath, ['scripts/serve.mjs', '--port', '0', ...flags], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve, reject) => {
    proc.stdout.on('data', (chunk) => {
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(String(chunk));
      if (m) resolve(m[0]);
    });
    proc.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return { url, stop: () => proc.kill('SIGTERM') };
}

/// Chromium with a fresh profile (playwright makes a temporary user-data-dir per launch).
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/// Records console errors and warnings (workers' too), page errors and any request to another
/// origin than `url`'s.
export function watch(page, url) {
  const problems = [];
  const origin = new URL(url).origin;
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) problems.push(`foreign request: ${r.url()}`); });
  return problems;
}

/// Opens the page (in a fresh profile of its own) and watches it for problems.
export async function openPage(browser, url, options = {}) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, ...options });
  const problems = watch(page, url);
  await page.goto(url);
  await waitReady(page);
  return { page, problems };
}

/// Waits until the page says it is ready, with `fragment` in its status (e.g. where the model came from).
export async function waitReady(page, fragment = '') {
  await page.waitForFunction((f) => {
    const s = document.getElementById('status').textContent;
    return s.startsWith('Ready') && s.includes(f);
  }, fragment, { timeout: 30_000 });
}

/// A fingerprint of a canvas's pixels, to tell whether an image changed. Read from a copy: reading
/// the page's canvas itself again and again made Chromium warn (use willReadFrequently), and the
/// page, which never reads its canvases, should not set that for the tests' sake.
export function canvasPixels(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const copy = Object.assign(document.createElement('canvas'), { width: c.width, height: c.height });
    const ctx = copy.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(c, 0, 0);
    return Array.from(ctx.getImageData(0, 0, c.width, c.height).data.filter((_, i) => i % 4 === 0));
  }, id);
}

export function text(page, id) {
  return page.evaluate((id) => document.getElementById(id).textContent, id);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/// Polls `check` every 100 ms until it holds; fails the test after `ms`.
export async function waitFor(what, check, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/// Whether two pixel arrays differ anywhere.
export const differs = (a, b) => a.length !== b.length || a.some((v, i) => v !== b[i]);

/// The step count the page shows.
export const stepCount = async (page) => Number((await text(page, 'step')).replace(/\D/g, ''));

/// Chart points added since the model was (re)built.
export const chartPoints = (page) => page.evaluate(() => Number(document.getElementById('chart').dataset.points));

/// The drawing pad's box, scrolled into view (mouse and touch coordinates are the viewport's).
export async function padBox(page) {
  const pad = await page.$('#draw');
  await pad.scrollIntoViewIfNeeded();
  return pad.boundingBox();
}

/// Points along a "7": a bar across the top, then a stroke down to the left.
export function seven(box) {
  const at = (fx, fy) => [box.x + fx * box.width, box.y + fy * box.height];
  const pts = [];
  for (let k = 0; k <= 10; k++) pts.push(at(0.25 + 0.5 * (k / 10), 0.25));
  for (let k = 1; k <= 12; k++) pts.push(at(0.75 - 0.3 * (k / 12), 0.25 + 0.55 * (k / 12)));
  return pts;
}

/// Draws a "7" on the drawing pad with the mouse.
export async function drawSeven(page) {
  const [first, ...rest] = seven(await padBox(page));
  await page.mouse.move(...first);
  await page.mouse.down();
  for (const p of rest) await page.mouse.move(...p, { steps: 2 });
  await page.mouse.up();
}

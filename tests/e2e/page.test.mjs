// The page end to end in headless Chromium: load, train, drag, pick a class, sample, pause.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { startServer, launchBrowser, openPage, waitReady, watch, canvasPixels, text, sleep, differs, waitFor, stepCount, chartPoints } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const THREADS_BUILT = existsSync('pkg/threads/vae_lab_bg.wasm');
const sliderValues = (page) => page.$$eval('#sliders input', (els) => els.map((e) => Number(e.value)));


test('loads with no errors, draws a digit and one slider per latent dimension', async () => {
  const { page, problems } = await openPage(browser, server.url);
  assert.equal((await page.$$('#sliders input')).length, 8);
  await waitFor('the decoded image', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0));
  await waitFor('the samples', async () => (await canvasPixels(page, 'samples')).some((v) => v > 0));
  assert.equal(await page.$$eval('#classes button:not([disabled])', (b) => b.length), 10);
  assert.deepEqual(problems, []);
  await page.close();
});

test('training grows the chart and the step count; pause stops it', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const history = await chartPoints(page); // the shipped model's own, one point per epoch
  await page.click('#train');
  await waitFor('chart points', async () => (await chartPoints(page)) >= history + 5);
  const before = await canvasPixels(page, 'decoded');
  await waitFor('more chart points', async () => (await chartPoints(page)) >= history + 10);
  assert.ok(await stepCount(page) > 0);
  // The decoder learns while we watch: the same z paints a different image.
  assert.ok(differs(before, await canvasPixels(page, 'decoded')), 'the image did not change during training');
  const rate = await text(page, 'rate');
  console.log(`# page training speed (default model): ${rate}`);
  // Served with the two-thread build (scripts/build-threads.sh), the page is cross-origin
  // isolated and trains on both of this machine's cores; without it, on one thread.
  assert.match(rate, THREADS_BUILT ? /^[\d,]+ samples\/s, [\d.]+ steps\/s, 2 threads$/ : /^[\d,]+ samples\/s, [\d.]+ steps\/s, one thread$/);

  await page.click('#train'); // pause
  await waitFor('the pause to take', async () => (await text(page, 'train')) === 'Train');
  const paused = await stepCount(page);
  await sleep(1000);
  assert.equal(await stepCount(page), paused, 'steps went on after pause');
  await page.click('#train'); // resume
  await waitFor('training to resume', async () => (await stepCount(page)) > paused);
  await page.click('#train');
  assert.deepEqual(problems, []);
  await page.close();
});

test('served without cross-origin isolation and with service workers blocked, the page trains on one thread', async () => {
  const plain = await startServer(['--one-thread']);
  try {
    const { page, problems } = await openPage(browser, plain.url, { serviceWorkers: 'block' });
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
    await waitReady(page);
    await page.click('#train');
    await waitFor('a training rate', async () => /samples\/s/.test(await text(page, 'rate')));
    assert.match(await text(page, 'rate'), /^[\d,]+ samples\/s, [\d.]+ steps\/s, one thread$/);
    await page.click('#train');
    assert.doesNotMatch(await text(page, 'messages'), /service worker/, 'no service worker, no promise of threads');
    // Playwright says itself that it blocked the registration; nothing else may be said.
    assert.deepEqual(problems.filter((p) => !/Service Worker registration blocked by Playwright/.test(p)), []);
    await page.close();
  } finally {
    plain.stop();
  }
});

test('on a host that sends no isolation headers, a service worker isolates the page from the next load on, which trains on more threads', { skip: !THREADS_BUILT && 'no two-thread build' }, async () => {
  const plain = await startServer(['--one-thread']);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const problems = watch(page, plain.url);
    await page.goto(plain.url);
    await waitReady(page);
    // The first load: one thread, and the person is told what the next load brings (no reload).
    await waitFor('the service worker', async () => /A service worker now adds them/.test(await text(page, 'messages')), 30_000);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), false);
    const scripts = await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.active?.scriptURL));
    assert.match(scripts, /\/coi-serviceworker\.js$/);
    // The next load goes through it: isolated, and the training worker takes the two-thread build.
    await page.reload();
    await waitReady(page);
    assert.equal(await page.evaluate(() => self.crossOriginIsolated), true);
    await page.click('#train');
    await waitFor('a training rate', async () => /samples\/s/.test(await text(page, 'rate')), 60_000);
    assert.match(await text(page, 'rate'), /^[\d,]+ samples\/s, [\d.]+ steps\/s, \d+ threads$/);
    await page.click('#train');
    assert.doesNotMatch(await text(page, 'messages'), /A service worker now adds them/, 'an isolated page registers nothing');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    plain.stop();
  }
});

test('a chart library that fails to load is said in its place; the digit and training go on', async () => {
  const page = await browser.newPage();
  await page.route('**/uPlot.esm.js', (route) => route.abort());
  await page.goto(server.url);
  await waitReady(page);
  await waitFor('the decoded image', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0));
  await waitFor('the chart\'s message', async () => /chart could not be loaded/.test(await text(page, 'chart')));
  await page.click('#train');
  await waitFor('training steps', async () => (await stepCount(page)) > 0);
  await page.click('#train');
  await page.close();
});

test('dragging a slider repaints the image while dragging', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const history = await chartPoints(page);
  await page.click('#train'); // during training too
  await waitFor('chart points', async () => (await chartPoints(page)) >= history + 3);
  await page.click('#train');
  await waitFor('the pause to take', async () => (await text(page, 'train')) === 'Train');
  await sleep(300);
  const box = await (await page.$('#z0')).boundingBox();
  const y = box.y + box.height / 2;
  const start = await canvasPixels(page, 'decoded');
  await page.mouse.move(box.x + box.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.95, y, { steps: 8 });
  // Mouse still down: only `input` events have fired, no `change`.
  await waitFor('a repaint mid-drag', async () => differs(start, await canvasPixels(page, 'decoded')), 5000);
  const mid = await canvasPixels(page, 'decoded');
  await page.mouse.move(box.x + box.width * 0.05, y, { steps: 8 });
  await waitFor('a second repaint mid-drag', async () => differs(mid, await canvasPixels(page, 'decoded')), 5000);
  await page.mouse.up();
  assert.ok((await sliderValues(page))[0] < -3, 'slider did not follow the mouse');
  assert.deepEqual(problems, []);
  await page.close();
});

/// Opens the page from a one-thread server in a fresh context, holding back each request that
/// matches `pattern` and for which `hold(request, page)` is true until `release()` is called;
/// then runs `body({ page, problems, release })`.
async function loadHolding(pattern, hold, body) {
  // One thread: Playwright stops seeing a worker's requests once it has started a thread pool.
  const plain = await startServer(['--one-thread']);
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    const problems = watch(page, plain.url);
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await context.route(pattern, async (route) => {
      if (await hold(route.request(), page)) await held;
      await route.continue();
    });
    await page.goto(plain.url);
    await body({ page, problems, release });
  } finally {
    await context.close();
    plain.stop();
  }
}

test('at load the sliders drag through the shipped weights while the data is still on its way', async () => {
  // The data is held back; each request notes whether the first image was on screen when it was
  // made (worker.js waits for it).
  const requests = [];
  const noteAndHold = async (request, page) => {
    requests.push({ url: request.url(), afterImage: await page.evaluate(() => window.vaeLab.firstImageMs !== undefined) });
    return true;
  };
  await loadHolding(/\/data\/mnist\//, noteAndHold, async ({ page, problems, release }) => {
    await waitFor('the sliders', async () => (await page.$$('#sliders input')).length === 8);
    await waitFor('the data to be asked for', async () => requests.length === 2);
    assert.match(await text(page, 'status'), /^Reading the data set for training… the sliders already decode/);
    const start = await canvasPixels(page, 'decoded');
    assert.ok(start.some((v) => v > 0), 'no first image');
    const box = await (await page.$('#z0')).boundingBox();
    await page.mouse.click(box.x + box.width * 0.95, box.y + box.height / 2);
    await waitFor('a repaint', async () => differs(start, await canvasPixels(page, 'decoded')), 5000);
    const dragged = (await sliderValues(page))[0];
    assert.ok(dragged > 3, `slider at ${dragged}`);
    release();
    await waitReady(page, 'pretrained');
    assert.equal((await sliderValues(page))[0], dragged, 'the model being ready moved the slider');
    assert.ok(requests.every((r) => r.afterImage), `asked for before the first image: ${requests.filter((r) => !r.afterImage).map((r) => r.url)}`);
    assert.deepEqual(problems, []);
  });
});

test('at load the shipped model is fetched once, by the page, which paints it and hands it to the worker', async () => {
  // Every request for the model is noted (its referrer says whose it is) and held until the page
  // has painted: the page's own must come through first, and no second one follow.
  const asked = [];
  const note = (request) => {
    asked.push((request.headers().referer ?? '').endsWith('/www/dist/worker.js') ? 'worker' : 'page');
    return false;
  };
  await loadHolding(/\/models\/mnist-cvae\.safetensors$/, note, async ({ page, problems }) => {
    await waitFor('the first image', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0));
    assert.equal((await page.$$('#sliders input')).length, 8);
    assert.equal(await page.evaluate(() => window.vaeLab.shownShipped), true);
    const first = await canvasPixels(page, 'decoded');
    await waitReady(page, 'pretrained');
    assert.deepEqual(asked, ['page']);
    assert.ok(!differs(first, await canvasPixels(page, 'decoded')), 'the image changed when the model was ready');
    assert.deepEqual(problems, []);
  });
});

test("the page's thread compiles only its own module (the decoder); the training module is the worker's alone", async () => {
  // Who asked for which wasm: the referrer says (a worker's requests carry its script's address:
  // the training worker's bundle in www/dist/, the grid's worker in www/workers/).
  const asked = [];
  const page = await browser.newPage();
  page.on('request', (r) => {
    const m = /\/pkg\/(page\/|threads\/)?vae_lab_bg\.wasm$/.exec(r.url());
    if (m) asked.push(`${/\/www\/(workers\/|dist\/worker\.js)/.test(r.headers().referer ?? '') ? 'worker' : 'page'}:${m[1] ?? ''}`);
  });
  await page.goto(server.url);
  await waitReady(page);
  await waitFor('the training module', () => asked.some((a) => a.startsWith('worker:')));
  assert.deepEqual(asked.filter((a) => a.startsWith('page:')), ['page:page/'], `the page compiled: ${asked}`);
  assert.ok(asked.filter((a) => a.startsWith('worker:')).every((a) => a !== 'worker:page/'), `a worker fetched the page's module again: ${asked}`);
  // The page's module has the decoder and nothing that trains.
  const exports = await page.evaluate(async () => Object.keys(await import(new URL('pkg/page/vae_lab.js', location.href))));
  assert.ok(exports.includes('Decoder') && exports.includes('describeCheckpoint'), `${exports}`);
  assert.ok(!exports.includes('Lab'), 'the page module carries Lab (training)');
  await page.close();
});

test('in an isolated page the two-thread module is fetched after the first image', { skip: !THREADS_BUILT && 'no two-thread build' }, async () => {
  const page = await browser.newPage();
  const worker = new Promise((resolve) => page.on('worker', (w) => { if (w.url().endsWith('/www/dist/worker.js')) resolve(w); }));
  await page.goto(server.url);
  await waitReady(page);
  const image = await page.evaluate(() => performance.timeOrigin + window.vaeLab.firstImageMs);
  const fetched = await (await worker).evaluate(() => performance.timeOrigin
    + performance.getEntriesByType('resource').find((e) => e.name.endsWith('/pkg/threads/vae_lab_bg.wasm')).startTime);
  assert.ok(fetched > image, `fetched ${(image - fetched).toFixed(1)} ms before the first image`);
  await page.close();
});

test('picking a class moves the sliders to that class mean and samples it', async () => {
  const { page, problems } = await openPage(browser, server.url);
  for (const c of [3, 7]) {
    await page.click(`#classes button:nth-child(${c + 1})`);
    const means = await page.evaluate((c) => Array.from(window.vaeLab.classMeans.subarray(c * 8, c * 8 + 8)), c);
    const values = await sliderValues(page);
    values.forEach((v, i) => assert.ok(Math.abs(v - Math.max(-4, Math.min(4, means[i]))) <= 0.006, `class ${c} dim ${i}: slider ${v}, μ^Y ${means[i]}`));
    assert.equal(await page.$eval(`#classes button:nth-child(${c + 1})`, (b) => b.getAttribute('aria-checked')), 'true');
    await waitFor(`samples of class ${c}`, async () => (await text(page, 'samples-caption')).includes(`class ${c}`));
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('the plain VAE from the address has no class buttons to press', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=vae&latent=3&beta=4`);
  assert.equal((await page.$$('#sliders input')).length, 3);
  assert.equal(await page.$$eval('#classes button:not([disabled])', (b) => b.length), 0);
  assert.equal(await page.$eval('#set-beta', (e) => e.value), '4');
  assert.deepEqual(problems, []);
  await page.close();
});

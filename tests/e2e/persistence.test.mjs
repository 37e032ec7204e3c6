// Autosave to IndexedDB: a reload, even mid-training and mid-save, brings back the model, its
// optimiser state and loss history; a damaged or foreign store gives a fresh start and says why.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watch, canvasPixels, text, sleep, waitFor, stepCount, chartPoints, waitReady } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const messages = (page) => page.$$eval('#messages li', (lis) => lis.map((li) => li.textContent));

/// One browser profile (its IndexedDB survives reloads) with the page open in it.
async function profile() {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = watch(page, server.url);
  await page.goto(server.url);
  await waitReady(page);
  return { context, page, problems };
}

/// Writes `record` as the autosave, straight into the page's store.
function plant(page, record) {
  return page.evaluate((record) => new Promise((resolve, reject) => {
    const req = indexedDB.open('vae-lab', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('autosave');
    req.onsuccess = () => {
      const tx = req.result.transaction('autosave', 'readwrite');
      if (record.checkpoint) record.checkpoint = new Uint8Array(record.checkpoint);
      tx.objectStore('autosave').put(record, 'mnist-cvae'); // the autosave of MNIST's default kind
      tx.oncomplete = () => { req.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    req.onerror = () => reject(req.error);
  }), record);
}

test('a reload mid-training restores the model, its optimiser state and the loss curve', async () => {
  const { context, page, problems } = await profile();
  await page.click('#train');
  await waitFor('an autosave', async () => (await text(page, 'autosave')).startsWith('step'), 30_000);
  // Reload three times at different moments of training (and so of saving): each time the page
  // comes back on the last committed save, never on a broken one.
  let lastStep = 0;
  for (const wait of [0, 700, 1900]) {
    await sleep(wait);
    const before = await stepCount(page);
    await page.reload();
    await waitReady(page);
    const status = await text(page, 'status');
    assert.match(status, /autosaved at .*optimiser state restored/, status);
    // The page did not paint the shipped model first (it knows an autosave may be there).
    assert.notEqual(await page.evaluate(() => window.vaeLab.shownShipped), true);
    const step = await stepCount(page);
    assert.ok(step > 0 && step <= before && step >= lastStep, `restored step ${step}, ${before} before the reload, ${lastStep} earlier`);
    // The shipped model's 40 epochs and what trained here.
    assert.ok(await chartPoints(page) > 40, 'the loss history was not restored');
    await waitFor('the decoded image', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0));
    lastStep = step;
    await page.click('#train');
    await waitFor('training past the restored step', async () => (await stepCount(page)) > step);
    await waitFor('a new autosave', async () => (await text(page, 'autosave')).startsWith('step'), 30_000);
  }
  await page.click('#train');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a damaged autosave gives a fresh start with a message, and the page works', async () => {
  const { context, page, problems } = await profile();
  const empty = { step: [], recon: [], kl: [], loss: [] };
  const cases = [
    [{ format: 'vae-lab-autosave/1', savedAt: 1, dataset: 'mnist', checkpoint: [1, 2, 3], history: empty }, /not a safetensors file/],
    [{ format: 'something-else/3', savedAt: 1, dataset: 'mnist', checkpoint: [1], history: empty }, /format 'something-else\/3'/],
    [{ format: 'vae-lab-autosave/1', savedAt: 1, dataset: 'mnist', checkpoint: [1], history: { step: [1, 2], recon: [1] } }, /loss history is damaged/],
    ['just a string', /not an object/],
  ];
  for (const [record, expected] of cases) {
    await plant(page, record);
    await page.reload();
    await waitReady(page);
    const said = (await messages(page)).join(' | ');
    assert.match(said, /could not be restored/, said);
    assert.match(said, expected, said);
    assert.match(await text(page, 'status'), /pretrained model/);
    await waitFor('the decoded image', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0));
  }
  // And the next save works: train a step, reload, and that model is back.
  await page.click('#step-once');
  await waitFor('the autosave of that step', async () => (await text(page, 'autosave')).startsWith('step'));
  const step = await stepCount(page);
  await page.reload();
  await waitReady(page);
  assert.equal(await stepCount(page), step);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a store that is not ours is cleared with a message, then autosave works', async () => {
  const { context, page, problems } = await profile();
  await page.evaluate(() => new Promise((resolve, reject) => {
    const del = indexedDB.deleteDatabase('vae-lab');
    del.onsuccess = () => {
      const req = indexedDB.open('vae-lab', 7);
      req.onupgradeneeded = () => req.result.createObjectStore('somebody-else');
      req.onsuccess = () => { req.result.close(); resolve(); };
      req.onerror = () => reject(req.error);
    };
  }));
  await page.reload();
  await waitReady(page);
  const said = (await messages(page)).join(' | ');
  assert.match(said, /could not be restored: .*cleared/, said);
  await page.click('#step-once');
  await waitFor('an autosave into the new store', async () => (await text(page, 'autosave')).startsWith('step'));
  await page.reload();
  await waitReady(page);
  assert.match(await text(page, 'status'), /autosaved at/);
  assert.deepEqual(problems, []);
  await context.close();
});

// Controls beyond Train: single step, KL warm-up, and PNG exports that are real images of the
// expected size.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, openPage, text, waitFor, stepCount, chartPoints, canvasPixels } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });


test('Step takes exactly one optimiser step and adds one chart point', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const start = await stepCount(page);
  // The shipped model's chart starts with its history: one point per epoch, the last at its step.
  const history = await chartPoints(page);
  assert.equal(history, 40);
  assert.equal(await page.evaluate(() => window.vaeLab.chart.data[0].at(-1)), start);
  for (let i = 1; i <= 3; i++) {
    await page.click('#step-once');
    await waitFor(`step ${i}`, async () => (await stepCount(page)) === start + i);
  }
  assert.equal(await chartPoints(page), history + 3);
  assert.deepEqual(problems, []);
  await page.close();
});

test('KL warm-up from the address: β starts at 0 and ramps', async () => {
  // A fresh model (latent 6 has no pretrained file), β = 2 reached over 100 steps.
  const { page, problems } = await openPage(browser, `${server.url}#latent=6&beta=2&warmup=100`);
  assert.equal(await page.$eval('#set-warmup', (e) => e.value), '100');
  await page.click('#step-once');
  await waitFor('a step', async () => (await stepCount(page)) === 1);
  assert.equal(await page.evaluate(() => window.vaeLab.lastProgress.beta), 0);
  await page.click('#train');
  await waitFor('50 steps', async () => (await stepCount(page)) >= 50);
  await page.click('#train');
  await waitFor('the pause', async () => (await text(page, 'train')) === 'Train');
  const { step, beta } = await page.evaluate(() => window.vaeLab.lastProgress);
  assert.ok(Math.abs(beta - (2 * (step - 1)) / 100) < 1e-9 || beta === 2, `β ${beta} at step ${step}`);
  assert.deepEqual(problems, []);
  await page.close();
});

function pngSize(path) {
  const b = readFileSync(path);
  assert.equal(b.subarray(1, 4).toString(), 'PNG', `${path} is not a PNG`);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

test('PNG exports: samples strip, manifold grid and traversal figure', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('the grid', async () => (await page.$eval('#grid', (c) => Number(c.dataset.paints ?? 0))) > 0);
  const expected = { 'png-samples': [8 * 28, 28], 'png-grid': [280, 280], 'png-traversal': [280, 8 * 28] };
  for (const [id, size] of Object.entries(expected)) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)]);
    assert.match(download.suggestedFilename(), /^vae-lab-mnist-cvae-step\d+-\w+\.png$/);
    assert.deepEqual(pngSize(await download.path()), size, id);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('divergence at a learning rate of 10: training stops, rolls back to healthy weights and says so', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const start = await stepCount(page);
  const before = await canvasPixels(page, 'decoded');
  // 10 is the top of the learning rate's range (FACTS): accepted, and it diverges.
  await page.evaluate(() => window.vaeLab.client.set({ learningRate: 10 }));
  await page.click('#train');
  await waitFor('the divergence message', async () => /training diverged/.test(await page.$eval('#messages', (m) => m.textContent)), 60_000);
  const said = await page.$eval('#messages li.error', (li) => li.textContent);
  assert.match(said, /rolled back to step \d+.*try a lower learning rate than 10/, said);
  const restoredTo = Number(/rolled back to step (\d+)/.exec(said)[1]);
  await waitFor('training to stop', async () => (await text(page, 'train')) === 'Train');
  await waitFor('the step count of the healthy model', async () => (await stepCount(page)) === restoredTo);
  assert.ok(restoredTo >= start);
  if (restoredTo === start) {
    await waitFor('the image of the healthy model', async () => {
      const now = await canvasPixels(page, 'decoded');
      return now.every((v, i) => v === before[i]);
    });
  }
  // With a sane rate training goes on from there, with finite losses.
  await page.evaluate(() => window.vaeLab.client.set({ learningRate: 0.001 }));
  await page.click('#step-once');
  await waitFor('one more step', async () => (await stepCount(page)) === restoredTo + 1);
  assert.ok(Number.isFinite(await page.evaluate(() => window.vaeLab.lastProgress.loss)));
  assert.deepEqual(problems, []);
  await page.close();
});

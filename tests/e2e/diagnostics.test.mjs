// Diagnostics in the page: KL per latent dimension with the active units, and the importance-
// weighted bound, which gives the CLI's figure for the same model and k, can be cancelled, and
// refuses a k out of range without running.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startServer, launchBrowser, openPage, text, waitFor } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const CLI = ['target/release/vae-lab', 'target/debug/vae-lab'].find(existsSync);

test('KL per dimension and active units of the shipped model', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('the KL bars', () => page.$$eval('#kl-dims .bar', (b) => b.length === 8));
  const active = await page.$eval('#kl-dims', (e) => Number(e.dataset.activeUnits));
  const cli = execFileSync(CLI, ['eval', '--checkpoint', 'models/mnist-cvae.safetensors'], { encoding: 'utf8' });
  assert.equal(active, Number(/active units: (\d+) of 8/.exec(cli)[1]));
  const kl = /KL per latent dimension \(nats\): ([\d. ]+)/.exec(cli)[1].trim().split(' ').map(Number);
  const shown = await page.$$eval('#kl-dims .bar', (bs) => bs.map((b) => Number(/KL ([\d.]+)/.exec(b.title)[1])));
  shown.forEach((v, u) => assert.ok(Math.abs(v - kl[u]) <= 0.011, `z${u + 1}: page ${v}, CLI ${kl[u]}`));
  assert.match(await text(page, 'kl-caption'), /Active units: \d of 8/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the importance-weighted bound: the CLI\'s figure, cancellable, k checked', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await page.fill('#iw-k', '0');
  await page.click('#iw-run');
  assert.match(await text(page, 'messages'), /k: 0 is outside 1–5000: nothing was run/);
  assert.equal(await text(page, 'iw-result'), '');

  await page.fill('#iw-k', '5000');
  await page.click('#iw-run');
  await waitFor('some progress', () => page.$eval('#iw-bar', (b) => b.value > 0));
  await page.click('#iw-cancel');
  await waitFor('the cancelled run', async () => /cancelled/.test(await text(page, 'iw-result')));

  await page.fill('#iw-k', '50');
  await page.click('#iw-run');
  await waitFor('the bound', async () => /over all 997 test images/.test(await text(page, 'iw-result')), 120_000);
  const shown = Number(/≤ ([\d.]+) nats/.exec(await text(page, 'iw-result'))[1]);
  const cli = execFileSync(CLI, ['eval', '--checkpoint', 'models/mnist-cvae.safetensors', '--iw', '50'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const expected = Number(/k = 50: −log p\(x \| y\) ≤ ([\d.]+)/.exec(cli)[1]);
  assert.ok(Math.abs(shown - expected) <= 1e-3 * expected, `page ${shown}, CLI ${expected}`);
  assert.match(await text(page, 'iw-result'), /the −ELBO of the same images is 107\.5\d: the bound is [\d.]+ nats tighter/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('while training, the test −ELBO on a fixed subset joins the chart', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await page.click('#train');
  await waitFor('a test point', () => page.evaluate(() => window.vaeLab.lastTest !== undefined), 30_000);
  await page.click('#train');
  const t = await page.evaluate(() => window.vaeLab.lastTest);
  // The shipped CVAE's test −ELBO is 107.5 on all 997 images; training from it stays near.
  assert.equal(t.images, 997);
  assert.ok(t.negElbo > 90 && t.negElbo < 130, `test −ELBO ${t.negElbo}`);
  console.log(`# test point: −ELBO ${t.negElbo.toFixed(2)} at step ${t.step}, measured in ${t.ms.toFixed(0)} ms (every 5 s)`);
  assert.match(await page.$eval('#chart', (c) => c.textContent), /test −ELBO/);
  assert.deepEqual(problems, []);
  await page.close();
});

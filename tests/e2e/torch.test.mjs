// From a cluster to the page (issue 28): a model trained by PyTorch in two processes (torchrun,
// gloo: scripts/torch-checkpoint.sh) opens in the page like one of its own: the status says who
// saved it, the step count is its own, the sliders decode through its weights and the class
// buttons move z to its learned class means.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, canvasPixels, text, waitFor, waitReady, stepCount, differs } from './harness.mjs';

let server;
let browser;
const dir = mkdtempSync(join(tmpdir(), 'vae-lab-torch-'));
const file = join(dir, 'torchrun-cvae.safetensors');
before(async () => {
  // One epoch of a small class-mean CVAE (latent 4, 2 × 64) on MNIST, two processes.
  execFileSync('scripts/torch-checkpoint.sh', [file], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); server?.stop(); rmSync(dir, { recursive: true, force: true }); });

test('a checkpoint trained with torchrun opens in the page: its step, who saved it, sliders and class buttons', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await page.setInputFiles('#load-file', file);
  await waitReady(page, 'torchrun-cvae.safetensors');
  const status = await text(page, 'status');
  assert.match(status, /saved by pytorch/);
  assert.match(status, /with 4 latent dimensions/);
  // One epoch of 9,003 images in whole batches of 64: the step count PyTorch wrote.
  assert.equal(await stepCount(page), Math.floor(9003 / 64));
  assert.equal(await page.$$eval('#sliders input[type=range]', (s) => s.length), 4);
  // A slider decodes through PyTorch's weights.
  const before = await canvasPixels(page, 'decoded');
  await page.focus('#z0');
  await page.keyboard.press('End');
  await waitFor('the image for the moved slider', async () => differs(await canvasPixels(page, 'decoded'), before));
  // A class button moves z to that class's learned mean μʸ.
  await page.click('#classes [role=radio]:nth-child(8)');
  await waitFor('z at class 7\'s mean', async () => {
    const [z, means] = await page.evaluate(() => [[...document.querySelectorAll('#sliders input[type=range]')].map((s) => Number(s.value)), Array.from(window.vaeLab.classMeans)]);
    return z.every((v, i) => Math.abs(v - Math.max(-4, Math.min(4, means[7 * 4 + i]))) < 0.011);
  });
  assert.deepEqual(problems, []);
  await page.close();
});

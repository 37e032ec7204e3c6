// Models in the page: the shipped pretrained model at start, save and load through real files,
// and a bad file that leaves the model as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, canvasPixels, text, sleep, differs, stepCount, waitReady } from './harness.mjs';

let server;
let browser;
const dir = mkdtempSync(join(tmpdir(), 'vae-lab-e2e-'));
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); rmSync(dir, { recursive: true, force: true }); });


async function settledImage(page) {
  // Decode is asynchronous: wait until two reads agree.
  let last = await canvasPixels(page, 'decoded');
  for (;;) {
    await sleep(150);
    const now = await canvasPixels(page, 'decoded');
    if (!differs(now, last)) return now;
    last = now;
  }
}


test('the page opens on the shipped pretrained model, which is far better than random', async () => {
  const { page, problems } = await openPage(browser, server.url);
  assert.match(await text(page, 'status'), /pretrained model/);
  assert.ok(await stepCount(page) > 1000, 'pretrained step count shown');
  await page.click('#evaluate');
  await page.waitForFunction(() => /^\d/.test(document.getElementById('test-elbo').textContent), null, { timeout: 20_000 });
  const elbo = parseFloat(await text(page, 'test-elbo'));
  console.log(`# pretrained MNIST CVAE in the page: test −ELBO ${elbo}`);
  assert.ok(elbo < 130, `test −ELBO ${elbo}`);
  await page.click('#measure-accuracy');
  await page.waitForFunction(() => /^\d/.test(document.getElementById('accuracy').textContent), null, { timeout: 30_000 });
  const accuracy = parseFloat(await text(page, 'accuracy'));
  console.log(`# pretrained MNIST CVAE in the page: conditional accuracy ${accuracy} %`);
  assert.ok(accuracy > 60 && accuracy <= 100, `conditional accuracy ${accuracy}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('save, start fresh, load: the saved model comes back exactly', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const original = await settledImage(page);
  const steps = await stepCount(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  const file = join(dir, download.suggestedFilename());
  await download.saveAs(file);
  assert.match(download.suggestedFilename(), /^vae-lab-mnist-cvae-step\d+\.safetensors$/);

  await page.click('#restart');
  await waitReady(page, 'random weights');
  assert.equal(await stepCount(page), 0);
  assert.ok(differs(original, await settledImage(page)), 'a fresh model should draw something else');

  await page.setInputFiles('#load-file', file);
  await waitReady(page, download.suggestedFilename());
  assert.equal(await stepCount(page), steps);
  assert.deepEqual(await settledImage(page), original);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a corrupt model file is refused with a message and changes nothing', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const original = await settledImage(page);
  const steps = await stepCount(page);
  const bad = join(dir, 'broken.safetensors');
  writeFileSync(bad, Buffer.from('this is not a checkpoint at all'));
  await page.setInputFiles('#load-file', bad);
  await page.waitForFunction(() => document.querySelector('#messages .error')?.textContent.includes('checkpoint'), null, { timeout: 10_000 });
  assert.match(await page.$eval('#messages .error', (e) => e.textContent), /not a safetensors file/);
  assert.equal(await stepCount(page), steps);
  assert.deepEqual(await settledImage(page), original);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a model file dropped on the page loads', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
  // As base64: a checkpoint with its training state is megabytes, too many for a list of numbers.
  const base64 = readFileSync(await download.path()).toString('base64');
  await page.click('#restart');
  await waitReady(page, 'random weights');
  const data = await page.evaluateHandle(({ base64, name }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name));
    return dt;
  }, { base64, name: download.suggestedFilename() });
  await page.dispatchEvent('body', 'drop', { dataTransfer: data });
  await waitReady(page, download.suggestedFilename());
  assert.ok(await stepCount(page) > 1000);
  assert.deepEqual(problems, []);
  await page.close();
});

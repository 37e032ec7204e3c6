// The Compare panel (issue 26, item 7): the shipped GAN trained on briefly in the page against the shipped VAE,
// then, the VAE in memory, against that GAN from this browser's autosave: both grids, the table's
// three rows (both models and the real test images) and captions naming where each model came
// from; at a phone's width in dark mode it fits and passes axe. A corrupt autosave of the other
// kind is reported in the panel and the shipped model of that kind is measured instead; with none
// of that kind at all (Fashion-MNIST has no GAN), the panel says how to make one. Saves the panel's screenshots (desktop,
// and phone in dark mode) to test-output/screenshots/, or to SCREENSHOTS when set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { startServer, launchBrowser, openPage, watch, waitReady, text, waitFor, canvasPixels, stepCount } from './harness.mjs';

const SHOTS = process.env.SCREENSHOTS ?? 'test-output/screenshots';
let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); mkdirSync(SHOTS, { recursive: true }); });
after(async () => { await browser?.close(); server?.stop(); });

const lit = (pixels) => pixels.some((v) => v > 0);
/// The table's rows: [heading, score, Fréchet distance, least-drawn class, grey pixels].
const tableRows = (page) => page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));

async function runCompare(page) {
  await page.click('#compare-run');
  await waitFor('the comparison', async () => (await tableRows(page)).length === 3 || !(await page.$eval('#compare-error', (e) => e.hidden)), 120_000);
  assert.equal(await page.$eval('#compare-error', (e) => e.hidden), true, await text(page, 'compare-error'));
  return tableRows(page);
}

/// Both models' rows and the reference: numbers in every cell.
function checkRows(rows, ours, other) {
  assert.deepEqual(rows.map((r) => r[0]), [`${ours} (in memory)`, other, 'Real test images (reference)']);
  for (const r of rows) {
    assert.match(r[1], /^\d+\.\d\d$/, `score ${r}`);
    assert.match(r[3], /^\d+\.\d % \(\d\)$/, `least-drawn class ${r}`);
    assert.match(r[4], /^\d+\.\d %$/, `grey pixels ${r}`);
  }
  assert.match(rows[0][2], /^\d+\.\d$/);
  assert.match(rows[1][2], /^\d+\.\d$/);
  assert.equal(rows[2][2], '0 (itself)');
  assert.ok(Number(rows[2][1]) > 8, `the real images' score ${rows[2][1]}`);
}

test('compare: the shipped GAN trained on here against the shipped VAE, then the VAE against the autosaved GAN', async () => {
  // A context of its own, for AxeBuilder at the end.
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = watch(page, server.url);
  await page.goto(`${server.url}#model=gan`);
  await waitReady(page);
  assert.match(await text(page, 'compare-status'), /Press Compare/);
  assert.equal(await text(page, 'compare-run'), 'Compare with the VAE');
  // The shipped GAN, trained on here.
  const shippedStep = await stepCount(page);
  await page.click('#train');
  await waitFor('some training', async () => (await stepCount(page)) >= shippedStep + 100, 60_000);
  await page.click('#train');
  await waitFor('paused', async () => (await text(page, 'train')) === 'Train');

  checkRows(await runCompare(page), 'GAN', 'VAE');
  const ganCaption = /^shipped pretrained, trained on here, step ([\d,]+); latent 8, 2 × 400 hidden\.$/.exec(await text(page, 'compare-ours-caption'));
  assert.ok(ganCaption, await text(page, 'compare-ours-caption'));
  const step = ganCaption[1];
  assert.match(await text(page, 'compare-other-caption'), /^shipped pretrained, step [\d,]+; latent 8, 2 × 400 hidden\.$/);
  assert.match(await text(page, 'compare-sizes'), /Same latent size and hidden layers.*the same 64 codes z/);
  assert.match(await text(page, 'compare-status'), /Measured in [\d.]+ s: 1,000 prior draws of each model/);
  assert.ok(lit(await canvasPixels(page, 'compare-ours')) && lit(await canvasPixels(page, 'compare-other')), 'both grids are painted');
  assert.equal(await page.$eval('#compare-ours', (c) => c.width), 8 * 28);
  await (await page.$('#compare-panel')).screenshot({ path: `${SHOTS}/compare.png` });

  // The VAE in memory: the GAN trained here is the other side now, from this browser's autosave.
  await page.selectOption('#set-model', 'vae');
  await page.click('#ask-answers button:text-is("Switch")');
  await waitReady(page, 'VAE');
  await waitFor('the panel for the new model', async () => /Press Compare/.test(await text(page, 'compare-status')));
  assert.deepEqual(await tableRows(page), [], 'no figure of the GAN is left under the VAE');
  assert.equal(await text(page, 'compare-run'), 'Compare with the GAN');
  checkRows(await runCompare(page), 'VAE', 'GAN');
  assert.match(await text(page, 'compare-ours-caption'), /^shipped pretrained, step [\d,]+; latent 8, 2 × 400 hidden\.$/);
  assert.match(await text(page, 'compare-other-caption'), new RegExp(`^trained here, step ${step} \\(this browser's autosave, saved .+\\); latent 8, 2 × 400 hidden\\.$`));

  // A model change while it measures: the reply is dropped and the panel says it is out of date.
  await page.click('#compare-run');
  await page.selectOption('#set-model', 'pca');
  await waitReady(page, 'solved exactly');
  await waitFor('the panel for PCA', async () => /Press Compare/.test(await text(page, 'compare-status')));
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(await tableRows(page), [], 'the VAE\'s figures are not shown under PCA');
  assert.match(await text(page, 'compare-ours-title'), /^PCA/);

  // A phone's width in dark mode, with figures shown: it fits, and axe finds nothing serious.
  checkRows(await runCompare(page), 'PCA', 'GAN');
  assert.match(await text(page, 'compare-sizes'), /The sizes differ \(PCA: latent 8, linear; GAN: latent 8, 2 × 400 hidden\)/);
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await (await page.$('#compare-panel')).screenshot({ path: `${SHOTS}/compare-phone-dark.png` });
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);
  const { violations } = await new AxeBuilder({ page }).include('#compare-panel').analyze();
  assert.deepEqual(violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join('; ')}`), []);
  assert.deepEqual(problems, []);
  await context.close();
});

test('compare: a corrupt autosave of the other kind is reported, the shipped one is used instead, and the page goes on', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=vae`);
  // A record that looks like an autosave, with bytes that are no checkpoint.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('vae-lab', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('autosave');
    open.onsuccess = () => {
      const tx = open.result.transaction('autosave', 'readwrite');
      tx.objectStore('autosave').put({
        format: 'vae-lab-autosave/1', checkpoint: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), dataset: 'mnist', savedAt: Date.now(),
        history: { step: [1], dLoss: [1], gLoss: [1] },
      }, 'mnist-gan');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  }));
  await page.click('#compare-run');
  await waitFor('the comparison', async () => (await tableRows(page)).length === 3, 120_000);
  checkRows(await tableRows(page), 'VAE', 'GAN');
  assert.match(await text(page, 'compare-error'), /^this browser's autosaved GAN could not be used: the model to compare with cannot be read: checkpoint: not a safetensors file/);
  assert.match(await text(page, 'compare-other-caption'), /^shipped pretrained, step [\d,]+; latent 8, 2 × 400 hidden\.$/);
  assert.equal(await page.$eval('#compare-run', (b) => b.disabled), false);
  assert.match(await text(page, 'status'), /^Ready/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('compare: with no model of the other kind on this data set, the panel says how to make one', async () => {
  // No GAN is shipped for Fashion-MNIST, and this browser has trained none.
  const { page, problems } = await openPage(browser, `${server.url}#dataset=fashion&model=vae`);
  await page.click('#compare-run');
  await waitFor('the answer', async () => /first/.test(await text(page, 'compare-status')), 60_000);
  assert.equal(await text(page, 'compare-status'), 'Train a GAN on this data set first: choose GAN in Model and press Train.');
  assert.equal(await page.$eval('#compare-error', (e) => e.hidden), true);
  assert.deepEqual(await tableRows(page), []);
  assert.equal(await page.$eval('#compare-run', (b) => b.disabled), false);
  assert.deepEqual(problems, []);
  await page.close();
});

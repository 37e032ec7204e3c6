// The GAN in the page (issue 26): trained from scratch in the worker, its chart draws D's and G's
// losses with the 2 log 2 line and D's outputs, the classifier's histogram of its samples follows
// it (with the KL to an even split), Evaluate gives the classifier's figures instead of an ELBO,
// and every view that needs an encoder is replaced by a line saying why; the conditional GAN's
// class buttons and accuracy bars work as the conditional VAEs' do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, text, waitFor, canvasPixels, chartPoints, stepCount } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const lit = (pixels) => pixels.some((v) => v > 0);
const shown = (page, selector) => page.$eval(selector, (e) => !e.closest('[hidden]') && e.getClientRects().length > 0);

test('gan: trains in the page; chart, histogram and measure are the GAN\'s; encoder views say why they are absent', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=gan`);
  assert.match(await text(page, 'status'), /Ready: GAN/);
  // Views that encode are hidden, each panel saying why in one line.
  for (const id of ['map', 'recons', 'draw', 'kl-dims']) assert.equal(await shown(page, `#${id}`), false, `#${id} is shown for a GAN`);
  assert.equal(await shown(page, '#walk-start'), true, 'the walkthrough walks a GAN too');
  const notes = await page.$$eval('[data-needs-not="encoder"]', (ps) => ps.map((p) => (p.hidden ? '' : p.textContent)));
  assert.equal(notes.length, 2);
  for (const n of notes) assert.match(n, /no encoder/);
  // What decodes still works: the image, the grid, Sample (from the prior alone).
  await waitFor('the decoded image and the grid', async () => lit(await canvasPixels(page, 'decoded')) && lit(await canvasPixels(page, 'grid')));
  assert.equal(await page.$eval('#sampler', (s) => s.value), 'prior');
  assert.equal(await page.$eval('#sampler option[value=fitted]', (o) => o.disabled), true);
  // Only the GAN's settings are offered, at its own learning rate.
  assert.equal(await shown(page, '#set-dSteps'), true);
  assert.equal(await shown(page, '#set-beta'), false);
  assert.equal(await page.$eval('#set-learningRate', (i) => Number(i.value)), 0.0002);
  // The chart is D's and G's.
  assert.match(await text(page, 'chart-title'), /D and G/);
  // The shipped GAN's own curve is on the chart from the start; train a few seconds on top of it.
  const shippedPoints = await chartPoints(page);
  assert.ok(shippedPoints > 100, `the shipped GAN's curve: ${shippedPoints} points`);
  await page.click('#train');
  await waitFor('chart points', async () => (await chartPoints(page)) >= shippedPoints + 5 && !!(await page.evaluate(() => window.vaeLab.lastProgress)), 60_000);
  const p = await page.evaluate(() => window.vaeLab.lastProgress);
  for (const k of ['dLoss', 'gLoss', 'dReal', 'dFake', 'jsd', 'gGradNorm']) assert.ok(Number.isFinite(p[k]), `${k}: ${p[k]}`);
  assert.ok(p.dReal >= 0 && p.dReal <= 1 && p.dFake >= 0 && p.dFake <= 1, `D's outputs ${p.dReal}, ${p.dFake}`);
  assert.ok(Math.abs(p.jsd - (Math.log(4) - p.dLoss) / 2) < 0.05 || p.jsd <= Math.log(2) + 1e-9, `the JSD bound ${p.jsd} from D's loss ${p.dLoss}`);
  assert.equal(p.test, null, 'a GAN has no test −ELBO');
  const legend = await page.$$eval('#chart .u-legend th', (ths) => ths.map((t) => t.textContent));
  for (const label of ['D’s loss', 'G’s loss', '2 log 2', 'D(x)', 'D(G(z))']) assert.ok(legend.some((l) => l.includes(label)), `${label} in ${legend}`);
  // The histogram of its samples, while it trains.
  await waitFor('the histogram', () => page.$$eval('#class-accuracy .bar', (b) => b.length === 10), 60_000);
  const kl = await page.$eval('#class-accuracy', (b) => Number(b.dataset.klToUniform));
  assert.ok(kl >= 0 && kl <= Math.log(10) + 1e-9, `KL to uniform ${kl}`);
  assert.match(await text(page, 'accuracy-caption'), /draws .* show, as the independent classifier reads them/);
  await page.click('#train');
  await waitFor('paused', async () => (await text(page, 'train')) === 'Train');
  // Measure: the classifier's figures, beside the real test images'.
  await page.click('#evaluate');
  await waitFor('the evaluation', async () => /classifier score [\d.]+ \(real test images [\d.]+\), Fréchet distance [\d.]+/.test(await text(page, 'test-elbo')), 60_000);
  assert.match(await text(page, 'test-elbo'), /no ELBO/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('cgan: the class buttons choose what G draws, and the accuracy bars measure it', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=cgan`);
  assert.match(await text(page, 'status'), /Ready: conditional GAN/);
  assert.equal(await page.$$eval('#classes [role=radio]', (b) => b.length), 10);
  await waitFor('the accuracy bars', () => page.$$eval('#class-accuracy .bar', (b) => b.length === 10), 60_000);
  assert.match(await text(page, 'accuracy-caption'), /draws per class show their class/);
  const before = await canvasPixels(page, 'decoded');
  await page.click('#classes [role=radio]:nth-child(4)');
  await waitFor('the image for another class', async () => (await canvasPixels(page, 'decoded')).some((v, i) => v !== before[i]));
  assert.deepEqual(problems, []);
  await page.close();
});

test('gan: the walkthrough shows D\'s verdict on a real image and on G(z), both losses, and one D step then one G step with the model\'s own numbers', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=gan`);
  await waitFor('the model', async () => /Ready: GAN/.test(await text(page, 'status')));
  // A few steps first, so D has something to say.
  await page.click('#train');
  await waitFor('some steps', async () => (await stepCount(page)) >= 30, 60_000);
  await page.click('#train');
  await waitFor('paused', async () => (await text(page, 'train')) === 'Train');
  await page.fill('#walk-image', '3');
  await page.click('#walk-start');
  await waitFor('the walk', () => page.$eval('#walk-panel', (p) => p.dataset.family === 'adversarial'));
  const d = await page.$eval('#walk-panel', (p) => ({ ...p.dataset }));
  const [dReal, dFake, dLoss, gLoss] = ['dReal', 'dFake', 'dLoss', 'gLoss'].map((k) => Number(d[k]));
  assert.ok(dReal > 0 && dReal < 1 && dFake > 0 && dFake < 1, `D's outputs ${dReal}, ${dFake}`);
  assert.ok(Math.abs(dLoss - (-Math.log(dReal) - Math.log(1 - dFake))) < 1e-3, `D's loss ${dLoss} is −log D(x) − log(1 − D(G(z)))`);
  assert.ok(Math.abs(gLoss + Math.log(dFake)) < 1e-3, `G's (non-saturating) loss ${gLoss} is −log D(G(z))`);
  assert.deepEqual(await page.$$eval('#walk-nav button', (b) => b.map((x) => x.textContent.replace(/^\d+\. /, ''))),
    ['The real image x', "Noise z and G's image", "D's verdict", "D's loss", "G's loss, and what D tells G", 'One D step, then one G step']);
  assert.equal(await text(page, 'walk-pos'), '1 / 6');
  // D's verdict: the two probabilities, as the panel has them.
  await page.click('#walk-nav li:nth-child(3) button');
  assert.deepEqual(await page.$$eval('.walk-chance', (rows) => rows.map((r) => r.getAttribute('aria-label'))), [`D(x) = ${dReal.toFixed(4)}`, `D(G(z)) = ${dFake.toFixed(4)}`]);
  // What D tells G: G(z) and the push per pixel, both drawn.
  await page.click('#walk-nav li:nth-child(5) button');
  assert.equal(await page.$$eval('#walk-figure canvas', (c) => c.length), 2);
  // The steps: D's, then G's; the figures before are the walk's, the model moves one step on.
  await page.click('#walk-next');
  const steps = await stepCount(page);
  await page.click('#walk-step');
  await waitFor('the steps', () => page.$eval('#walk-panel', (p) => !!p.dataset.step));
  const m = await page.$eval('#walk-panel', (p) => JSON.parse(p.dataset.step));
  assert.deepEqual(Object.keys(m), ['before', 'afterD', 'afterG']);
  assert.ok(Math.abs(m.before.dLoss - dLoss) < 1e-4, `the step starts from the walk's D loss: ${m.before.dLoss} vs ${dLoss}`);
  assert.ok(Math.abs(m.afterG.dReal - m.afterD.dReal) < 1e-6, 'G\'s step leaves D(x) alone');
  assert.equal(await page.$$eval('.walk-steps tbody tr', (r) => r.length), 4);
  assert.equal(await page.$$eval('#walk-step-result canvas', (c) => c.length), 2, 'G(z) before and after');
  await waitFor('the step count', async () => (await stepCount(page)) === steps + 1);
  assert.deepEqual(problems, []);
  await page.close();
});

// One source of truth (issue 25): after switching kinds and data sets back and forth, every panel
// shows what a fresh load of that address shows, never the previous model's figures; and a model
// with training of the user's own is not replaced without a question, and can be got back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, watch, text, waitFor, waitReady, stepCount } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

/// A fresh profile (nothing autosaved) with the page open at `hash`.
async function fresh(hash = '') {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  const page = await context.newPage();
  const problems = watch(page, server.url);
  await page.goto(`${server.url}${hash}`);
  await waitReady(page);
  return { context, page, problems };
}

/// Each panel's text once it has measured the model shown: the diagnostics, the accuracy area
/// (its percentages masked: they come from random draws), Measure's test figure, the samples' caption.
async function panels(page) {
  const settled = {
    'kl-caption': /Active units: \d+ of \d+/,
    'accuracy-caption': /draws per class show their class|draws .* show, as the independent classifier reads them/,
    'test-elbo': /on \d+ images, step/,
    'samples-caption': /samples at step [\d,]+: /,
  };
  const out = {};
  for (const [id, done] of Object.entries(settled)) {
    await waitFor(`${id} of the model shown`, async () => done.test(await text(page, id)), 60_000);
    out[id] = await text(page, id);
  }
  // Formulas typeset (KaTeX loads on its own time), so that both pages' captions read alike.
  await waitFor('KaTeX', () => page.evaluate(() => !!window.katex && !document.querySelector('.tex:not([data-typeset])')));
  for (const id of Object.keys(settled)) out[id] = await text(page, id);
  out['accuracy-caption'] = out['accuracy-caption'].replace(/\d+\.\d+ %/g, '# %');
  out.status = (await text(page, 'status')).replace(/;.*/, '');
  return out;
}

/// Switches the settings control `id` to `value` (no question expected).
async function choose(page, id, value) {
  await page.selectOption(`#${id}`, value);
  await waitFor(`the model for ${value}`, async () => (await page.$eval('#set-' + id.replace('set-', ''), (e) => e.value)) === value
    && (await text(page, 'status')).startsWith('Ready'), 60_000);
}

for (const [name, steps] of [
  ['cvae → ae → cvae', [['set-model', 'ae', '#model=ae'], ['set-model', 'cvae', '']]],
  ['vae → pca', [['set-model', 'pca', '#model=pca']], '#model=vae'],
  ['mnist → fashion', [['set-dataset', 'fashion', '#dataset=fashion']]],
].map(([n, s, from = '']) => [n, { s, from }])) {
  test(`switching ${name}: every panel shows what a fresh load of that address shows`, async () => {
    const { context, page, problems } = await fresh(steps.from);
    await panels(page); // the first model measured, so that its figures are there to go stale
    for (const [id, value, hash] of steps.s) {
      await choose(page, id, value);
      const switched = await panels(page);
      const other = await fresh(hash);
      assert.deepEqual(switched, await panels(other.page), `after switching to ${value}`);
      assert.deepEqual(other.problems, []);
      await other.context.close();
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('Start fresh, a switch and "Use the pretrained model" ask before discarding own training, and it can be got back', async () => {
  const { context, page, problems } = await fresh();
  const shipped = await stepCount(page);
  for (let i = 1; i <= 3; i++) {
    await page.click('#step-once');
    await waitFor(`step ${i}`, async () => (await stepCount(page)) === shipped + i);
  }
  await waitFor('the autosave', async () => (await text(page, 'autosave')).startsWith('step'));

  // Start fresh asks; Cancel keeps the model as it is.
  await page.click('#restart');
  await page.waitForSelector('#ask[open]');
  assert.match(await text(page, 'ask-text'), /3 steps trained here/);
  await page.keyboard.press('Escape');
  await page.waitForSelector('#ask:not([open])', { state: 'attached' });
  assert.equal(await stepCount(page), shipped + 3);
  assert.match(await text(page, 'status'), /^Paused at step/); // no model change began

  // Replace it: random weights, step 0.
  await page.click('#restart');
  await page.click('#ask-answers button:text-is("Replace it")');
  await waitReady(page, 'random weights');
  assert.equal(await stepCount(page), 0);

  // The fresh model has nothing of its own: switching asks nothing; switching back brings the
  // trained model back from this browser's autosave, with the way to the pretrained one.
  await choose(page, 'set-model', 'vae');
  await choose(page, 'set-model', 'cvae');
  assert.match(await text(page, 'status'), new RegExp(`autosaved at .*\\(${(shipped + 3).toLocaleString('en')} steps, 3 of them trained here`));
  assert.equal(await page.$eval('#use-pretrained', (b) => b.hidden), false);

  // A switch away from it asks too, and says where it stays.
  await page.selectOption('#set-model', 'sohn');
  await page.waitForSelector('#ask[open]');
  assert.match(await text(page, 'ask-text'), /stays in this browser's autosave/);
  await page.click('#ask-answers button:text-is("Switch")');
  await waitReady(page, 'pretrained model');
  await choose(page, 'set-model', 'cvae');
  assert.equal(await stepCount(page), shipped + 3);

  // "Use the pretrained model": asked, then the shipped model.
  await page.click('#use-pretrained');
  await page.waitForSelector('#ask[open]');
  await page.click('#ask-answers button:text-is("Replace it")');
  await waitReady(page, 'the pretrained model');
  assert.equal(await stepCount(page), shipped);
  assert.equal(await page.$eval('#use-pretrained', (b) => b.hidden), true);
  assert.deepEqual(problems, []);
  await context.close();
});

// The walkthrough: for every model kind, every stage shows this model's own numbers for the image
// (z = μ + ε·σ, total = recon + β·KL), the formulas are typeset, the optimiser step's loss change
// is the one Rust reports, and it all works by keyboard alone.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitFor, text, stepCount } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const data = (page) => page.$eval('#walk-panel', (p) => ({ ...p.dataset, walk: JSON.parse(p.dataset.walk ?? 'null') }));
const close = (a, b, rel) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

for (const kind of ['cvae', 'sohn', 'vae', 'ae', 'pca']) {
  test(`${kind}: every stage of one step, with the model's own numbers`, async () => {
    const { page, problems } = await openPage(browser, `${server.url}#model=${kind}`);
    await page.fill('#walk-image', '17');
    await page.click('#walk-start');
    await waitFor('the walk', async () => (await data(page)).total !== undefined);
    const d = await data(page);
    const [total, recon, kl, beta] = [d.total, d.recon, d.kl, d.beta].map(Number);
    assert.ok(close(total, recon + beta * kl, 1e-9), `${kind}: total ${total} vs ${recon} + ${beta}·${kl}`);
    const { mu, sigma, eps, z } = d.walk;
    if (['ae', 'pca'].includes(kind)) {
      assert.deepEqual(z, mu);
      assert.equal(kl, 0);
    } else {
      z.forEach((zi, i) => assert.ok(Math.abs(zi - (mu[i] + eps[i] * sigma[i])) < 1e-5, `${kind}: z${i + 1}`));
    }
    // Every stage by the Next button, each with a title, a formula and a sentence.
    for (let stage = 0; stage < 7; stage++) {
      assert.equal(await page.$eval('#walk-panel', (p) => p.dataset.stage), String(stage));
      assert.notEqual(await text(page, 'walk-text'), '');
      await waitFor(`${kind}: the formula of stage ${stage + 1} typeset`, () => page.$eval('#walk-formula', (f) => f.dataset.typeset === 'true' && !!f.querySelector('.katex')));
      if (stage === 3 && z.length) {
        // The arithmetic of the dimension pointed at.
        await page.hover('.sbar:nth-child(2)');
        assert.match(await page.$eval('.walk-arith', (e) => e.textContent), /^z2 = /);
      }
      if (stage < 6) await page.click('#walk-next');
    }
    assert.equal(await page.$eval('#walk-next', (b) => b.disabled), true);
    if (kind === 'pca') {
      assert.equal(await page.$('#walk-step'), null, 'PCA has no step');
    } else {
      const steps = await stepCount(page);
      await page.click('#walk-step');
      await waitFor('the step', async () => (await data(page)).after !== undefined);
      const s = await data(page);
      // Rust's loss before the step is the walk's total: the same image, ε and β.
      assert.ok(close(Number(s.before), total, 1e-4), `${kind}: before ${s.before} vs total ${total}`);
      assert.ok(Number(s.after) < Number(s.before), `${kind}: ${s.before} → ${s.after}`);
      assert.match(await text(page, 'walk-step-result'), /before, .* after the step/);
      assert.equal(await stepCount(page), steps + 1);
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the walkthrough by keyboard alone: Start, arrow keys, the step', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await page.focus('#walk-start');
  await page.keyboard.press('Enter');
  await waitFor('the walk', async () => (await data(page)).total !== undefined);
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowRight');
  assert.equal((await data(page)).stage, '6');
  await page.keyboard.press('ArrowLeft');
  assert.equal((await data(page)).stage, '5');
  await page.keyboard.press('ArrowRight');
  await page.focus('#walk-step');
  await page.keyboard.press('Space');
  await waitFor('the step', async () => (await data(page)).after !== undefined);
  assert.deepEqual(problems, []);
  await page.close();
});

// Conditional generation: the page opens on a class at its mean (not the blend at z = 0); for
// each sampler, a class button followed by Sample gives images the page's own classifier reads as
// that class (a sanity check; the figures are the CLI's, docs/results.md); the standard CVAE's class
// buttons tell the decoder y; the map draws where the chosen class's samples come from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, text, waitFor, canvasPixels, differs } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const pressed = (page) => page.$$eval('#classes button', (bs) => bs.findIndex((b) => b.getAttribute('aria-checked') === 'true'));
const sliderZ = (page) => page.$$eval('#sliders input', (els) => els.map((e) => Number(e.value)));

/// Clicks Sample and waits for the classifier's reading of the new samples.
async function sampleAndRead(page) {
  const before = await page.evaluate(() => window.vaeLab.samplesId ?? 0);
  await page.click('#sample');
  await waitFor('the samples and their reading', () => page.evaluate((n) => window.vaeLab.samplesId > n && window.vaeLab.sampleLabels !== null, before));
  return page.evaluate(() => ({ labels: window.vaeLab.sampleLabels, asked: Array.from(window.vaeLab.samples.labels), caption: document.getElementById('samples-caption').dataset.distribution })); // the sampler's words (the caption typesets them)
}

test('the seeds\' CVAE opens on a class mean; each sampler gives the chosen class', async () => {
  const { page, problems } = await openPage(browser, server.url);
  // Opens on class 0 at μ^0 (a crisp digit), with the fitted sampler at τ = 0.7.
  assert.equal(await pressed(page), 0);
  const means = await page.evaluate(() => Array.from(window.vaeLab.classMeans.slice(0, 8)));
  (await sliderZ(page)).forEach((v, i) => assert.ok(Math.abs(v - Math.max(-4, Math.min(4, means[i]))) < 0.006, `z${i} ${v} vs μ⁰ ${means[i]}`));
  assert.equal(await page.$eval('#sampler', (e) => e.value), 'fitted');
  assert.equal(await page.$eval('#tau', (e) => e.value), '0.7');
  assert.match(await text(page, 'class-readout'), /nearest other class mean is \d's, \d+\.\d\d prior widths/);

  await page.click('#classes button:nth-child(4)'); // class 3
  assert.equal(await pressed(page), 3);
  await waitFor('the fitted ellipses on the map', () => page.$eval('#map', (c) => c.dataset.overlay === 'prior fitted'));
  for (const [sampler, pattern] of [['fitted', /\$z \\sim \\mathcal N\(m_\{3\}, 0\.7\^2\\,\\Sigma_\{3\}\)\$, fitted to the encoder means of class 3/], ['prior', /\$z \\sim \\mathcal N\(\\mu\^\{3\}, 0\.7\^2\\,I\)\$, the prior of class 3/]]) {
    await page.selectOption('#sampler', sampler);
    const { labels, asked, caption } = await sampleAndRead(page);
    assert.match(caption, pattern);
    assert.deepEqual(asked, Array(8).fill(3));
    const right = labels.filter((y) => y === 3).length;
    assert.ok(right >= 6, `${sampler}: the classifier read ${labels} for class 3`);
  }
  // Without a chosen class (z moved off μ^y), Sample draws y from the class frequencies.
  await page.click('#zero');
  assert.equal(await pressed(page), -1);
  const { asked, caption } = await sampleAndRead(page);
  assert.match(caption, /\$y\$ drawn from the training set's class frequencies, then \$z \\sim \\mathcal N\(\\mu\^\{y\}, 0\.7\^2\\,I\)\$/);
  assert.ok(new Set(asked).size >= 3, `classes drawn: ${asked}`);
  // The per-class bars: ten of them, for the sampler shown.
  await waitFor('the accuracy bars', () => page.$$eval('#class-accuracy .bar', (b) => b.length === 10));
  assert.match(await text(page, 'accuracy-caption'), /draws per class show their class/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('the standard CVAE: class buttons tell the decoder y, the sliders keep z', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=sohn&class=2`);
  assert.match(await text(page, 'status'), /label-input CVAE/);
  assert.equal(await pressed(page), 2);
  assert.match(await text(page, 'class-readout'), /decoder is told y = 2/);
  const z = await sliderZ(page);
  const before = await canvasPixels(page, 'decoded');
  await page.click('#classes button:nth-child(8)'); // class 7
  assert.deepEqual(await sliderZ(page), z, 'z stays; only y changes');
  assert.ok(differs(before, await canvasPixels(page, 'decoded')), 'the image follows y');
  // Dragging a slider keeps the class chosen.
  await page.focus('#z0');
  await page.keyboard.press('ArrowRight');
  assert.equal(await pressed(page), 7);
  for (const sampler of ['prior', 'fitted']) {
    await page.selectOption('#sampler', sampler);
    const { labels, caption } = await sampleAndRead(page);
    assert.match(caption, sampler === 'prior' ? /\$z \\sim \\mathcal N\(0, 0\.7\^2\\,I\)\$, decoded with \$y = 7\$/ : /fitted to the encoder means of class 7/);
    assert.ok(labels.filter((y) => y === 7).length >= 6, `${sampler}: the classifier read ${labels} for class 7`);
  }
  await waitFor('the accuracy bars', () => page.$$eval('#class-accuracy .bar', (b) => b.length === 10));
  const accuracy = await page.$eval('#class-accuracy', (e) => Number(e.dataset.accuracy));
  assert.ok(accuracy > 0.8, `standard CVAE, fitted τ 0.7: ${accuracy}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('sampler and τ from the address; a τ out of range is refused: the default, with a message', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#sampler=prior&tau=3`);
  assert.equal(await page.$eval('#sampler', (e) => e.value), 'prior');
  assert.equal(await page.$eval('#tau', (e) => e.value), '0.7');
  assert.match(await text(page, 'messages'), /τ: 3 is outside 0–1; using the default, 0\.7/);
  const { caption } = await sampleAndRead(page);
  assert.match(caption, /\$z \\sim \\mathcal N\(\\mu\^\{0\}, 0\.7\^2\\,I\)\$, the prior of class 0/);
  // In the page, a value out of range changes nothing.
  await page.$eval('#set-beta', (e) => { e.value = '-2'; e.dispatchEvent(new Event('change')); });
  await waitFor('the refusal', async () => /β \(KL weight\): -2 is outside 0–1000: nothing changed/.test(await text(page, 'messages')));
  assert.equal(await page.$eval('#set-beta', (e) => e.value), '1');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the plain VAE has no classes: Sample draws from its own distribution', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=vae`);
  assert.equal(await page.$$eval('#classes button', (bs) => bs.every((b) => b.disabled)), true);
  const { caption, asked } = await sampleAndRead(page);
  assert.match(caption, /\$z \\sim \\mathcal N\(m, 0\.7\^2\\,\\Sigma\)\$, fitted to the encoder means of all training images/);
  assert.deepEqual(asked, []);
  await page.selectOption('#sampler', 'prior');
  assert.match((await sampleAndRead(page)).caption, /\$z \\sim \\mathcal N\(0, 0\.7\^2\\,I\)\$, the prior/);
  assert.deepEqual(problems, []);
  await page.close();
});

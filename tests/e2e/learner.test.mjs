// What a learner meets (issue 25): notation typeset everywhere (no raw `^` or `_` in any visible
// text of any kind's page, walkthrough included), readable in dark mode and on a phone (axe, and
// the map's canvas in the scheme's colours), a lesson link that lands below the top bar and says
// what it sets, each data set's own class names, and the keyboard: sliders across their range in
// 40 presses (finer with Shift), the class buttons one radio group.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { AxeBuilder } from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { startServer, launchBrowser, openPage, watch, waitReady, waitFor, stepCount } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

/// formulas.js's DOM check, run in the page: visible text outside KaTeX with raw notation.
const rawNotation = (page) => page.evaluate(async () => (await import(new URL('www/views/formulas.js', location.href))).rawNotation());
const typesetDone = (page) => waitFor('KaTeX', () => page.evaluate(() => !!window.katex && !document.querySelector('.tex:not([data-typeset])')));
const walkData = (page) => page.$eval('#walk-panel', (p) => ({ stage: p.dataset.stage, total: p.dataset.total }));

for (const kind of ['cvae', 'sohn', 'vae', 'ae', 'pca', 'gan']) {
  test(`${kind}: no raw ^ or _ notation in any visible text, on the page and at every walkthrough stage`, async () => {
    const { page, problems } = await openPage(browser, `${server.url}#model=${kind}`);
    await waitFor('the samples caption', () => page.$eval('#samples-caption', (e) => /step/.test(e.textContent)));
    await typesetDone(page);
    assert.deepEqual(await rawNotation(page), [], `${kind}: the page`);
    await page.click('#walk-start');
    await waitFor('the walk', () => page.$eval('#walk-panel', (p) => !!p.dataset.family));
    const stages = await page.$$eval('#walk-nav button', (b) => b.length);
    assert.ok(stages >= 6, `${kind}: ${stages} stages`);
    for (let stage = 0; stage < stages; stage++) {
      await waitFor('the stage', async () => (await walkData(page)).stage === String(stage));
      await typesetDone(page);
      assert.deepEqual(await rawNotation(page), [], `${kind}: walkthrough stage ${stage + 1}`);
      if (stage < stages - 1) await page.click('#walk-next');
    }
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the notation check finds raw notation (so that its silence means something)', async () => {
  const { page } = await openPage(browser, server.url);
  await page.evaluate(() => {
    const p = Object.assign(document.createElement('p'), { id: 'raw-probe', textContent: 'the mixture Σ_y p(y) N(μ^y, I)' });
    document.querySelector('main').prepend(p);
  });
  assert.deepEqual((await rawNotation(page)).map((r) => r.where), ['#raw-probe']);
  // renderText typesets the same words: nothing raw stays.
  await page.evaluate(async () => {
    const { renderText } = await import(new URL('www/views/formulas.js', location.href));
    renderText(document.getElementById('raw-probe'), 'the mixture $\\sum_y p(y)\\,\\mathcal N(\\mu^y, I)$');
  });
  assert.deepEqual(await rawNotation(page), []); // its stand-in before KaTeX has none either
  await typesetDone(page);
  assert.equal(await page.$eval('#raw-probe', (p) => !!p.querySelector('.katex')), true);
  await page.close();
});

async function serious(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations.filter((v) => ['serious', 'critical'].includes(v.impact))
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

const looks = [
  ['dark mode', { viewport: { width: 1400, height: 900 }, colorScheme: 'dark' }],
  ['a 390 px phone', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }],
  ['a 390 px phone in dark mode, Fashion-MNIST', { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, colorScheme: 'dark' }, '#dataset=fashion'],
];
for (const [name, options, hash = ''] of looks) {
  test(`axe: no serious or critical violation in ${name}, walkthrough open on its bars; canvases in the scheme's colours; nothing wider than the screen`, async () => {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const problems = watch(page, server.url);
    await page.goto(server.url + hash);
    await waitReady(page);
    await waitFor('the map', () => page.$eval('#map', (c) => Number(c.dataset.points) > 0));
    await page.click('#walk-start');
    await waitFor('the walk', async () => (await walkData(page)).total !== undefined);
    await page.click('#walk-next');
    await waitFor('a typeset formula', () => page.$eval('#walk-formula', (f) => f.dataset.typeset === 'true'));
    await typesetDone(page);
    assert.deepEqual(await serious(page), []);
    // The map's background is the panel's colour: dark in dark mode, light otherwise.
    const corner = await page.evaluate(() => {
      const c = document.getElementById('map');
      const copy = Object.assign(document.createElement('canvas'), { width: 1, height: 1 });
      copy.getContext('2d').drawImage(c, 0, 0, 1, 1, 0, 0, 1, 1);
      return copy.getContext('2d').getImageData(0, 0, 1, 1).data[0];
    });
    if (options.colorScheme === 'dark') assert.ok(corner < 80, `the map is light in dark mode (${corner})`);
    else assert.ok(corner > 180, `the map is dark in light mode (${corner})`);
    // Nothing runs off the screen's right edge (a wide formula or table scrolls inside its box).
    // KaTeX's MathML copy (.katex-mathml) is for screen readers, clipped to 1 px: its boxes can
    // reach past the edge where the formula wraps near it, and nothing of them is drawn.
    const wide = await page.evaluate(() => [...document.querySelectorAll('main *')]
      .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > innerWidth + 1 && !el.closest('.table-wrap, .formula, .katex-mathml'))
      .map((el) => el.id || el.className || el.tagName).slice(0, 5));
    assert.deepEqual(wide, []);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth), true, 'the page scrolls sideways');
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test('a lesson link lands with the walkthrough heading below the top bar, says what it sets, and leaves no empty column', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=vae&beta=4&hide=chart,settings&walk=4`, { viewport: { width: 1400, height: 900 } });
  await waitFor('the walkthrough at stage 4', async () => { const d = await walkData(page); return d.stage === '3' && !!d.total; });
  await page.waitForTimeout(500); // the smooth settling of anything that loads after the scroll
  const bar = await page.$eval('.topbar', (b) => b.getBoundingClientRect().bottom);
  const heading = await page.$eval('#walk-title', (h) => { const r = h.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; });
  assert.ok(heading.top >= bar, `the heading's top ${heading.top} is under the top bar (bottom ${bar})`);
  assert.ok(heading.bottom <= 900, `the heading is below the window (${heading.bottom})`);
  const line = await page.$eval('#lesson', (p) => p.innerText.replace(/\s+/g, ' '));
  assert.match(line, /This lesson sets: .*model VAE/);
  assert.match(line, /β\s*=\s*4/);
  // The settings column is hidden: the panels start at the layout's left edge.
  const [main, panel] = await page.evaluate(() => [document.querySelector('main').getBoundingClientRect(), document.getElementById('walk-panel').getBoundingClientRect()].map((r) => ({ x: r.x, w: r.width })));
  assert.ok(panel.x - main.x < 40, `the walkthrough starts ${panel.x - main.x} px in: an empty column is left`);
  assert.ok(panel.w > main.w - 80, 'the walkthrough takes the width');
  assert.deepEqual(problems, []);
  await page.close();
});

/// What the per-class accuracy bars and the sample strip's labels say: each one's text and title.
const classWords = (page) => page.evaluate(() => {
  const words = (sel) => [...document.querySelectorAll(sel)].map((e) => ({ text: e.textContent, title: e.title || e.parentElement.title }));
  return { bars: words('#class-accuracy .bar b'), samples: words('#sample-labels span') };
});
const waitClassWords = (page) => waitFor('the accuracy bars and the samples\' labels', async () => {
  const w = await classWords(page);
  return w.bars.length === 10 && w.samples.length > 0;
}, 60_000);

test('Fashion-MNIST: the class buttons, the map key, the accuracy bars, the samples\' labels and the walkthrough name the garments', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#dataset=fashion`);
  const garments = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
  assert.deepEqual(await page.$$eval('#classes [role=radio]', (bs) => bs.map((b) => b.textContent)), garments);
  await waitFor('the map key', () => page.$$eval('.map-key li', (lis) => lis.length === 10));
  assert.match(await page.$eval('.map-key', (k) => k.textContent), /9 Ankle boot/);
  // Every bar names its garment (title too: "class Trouser: 97 %"); so does every sample's reading.
  await waitClassWords(page);
  const { bars, samples } = await classWords(page);
  assert.deepEqual(bars.map((b) => b.text), garments);
  bars.forEach((b, y) => assert.ok(b.title.startsWith(`class ${garments[y]}: `), `bar ${y}'s title: ${b.title}`));
  assert.match(await page.$eval('#class-accuracy', (e) => e.getAttribute('aria-label')), /T-shirt\/top: \d+ %, Trouser: \d+ %/);
  for (const s of samples) {
    assert.ok(garments.includes(s.text), `a sample labelled '${s.text}'`);
    assert.match(s.title, new RegExp(`the classifier reads ${s.text.replace('/', '\\/')}$`));
  }
  await page.click('#walk-start');
  await waitFor('the walk', async () => (await walkData(page)).total !== undefined);
  assert.match(await page.$eval('#walk-text', (e) => e.textContent), new RegExp(`of class (${garments.map((g) => g.replace('/', '\\/')).join('|')})\\.`));
  assert.deepEqual(problems, []);
  await page.close();
});

// A lesson on the whole latent space: latent 2 of a conditional kind opens on its shipped latent-2
// model (src/shipped.rs), fetched and painted by the page at once, never on random weights.
const SHIPPED_STEPS = (file) => JSON.parse(readFileSync(new URL(`../../models/${file}.history.json`, import.meta.url), 'utf8')).step.at(-1);
for (const kind of ['cvae', 'sohn']) {
  test(`the lesson link #model=${kind}&latent=2 shows the shipped latent-2 model at once, its map the whole latent space`, async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const problems = watch(page, server.url);
    const models = [];
    page.on('request', (r) => { const m = /\/models\/([^/]+)\.safetensors$/.exec(r.url()); if (m && !m[1].endsWith('-classifier')) models.push(m[1]); });
    await page.goto(`${server.url}#model=${kind}&latent=2`);
    await waitReady(page, 'the pretrained model');
    const status = await page.$eval('#status', (e) => e.textContent);
    assert.match(status, /with 2 latent dimensions on 9,003 training/);
    assert.equal(await stepCount(page), SHIPPED_STEPS(`mnist-${kind}-latent2`));
    assert.deepEqual(models, [`mnist-${kind}-latent2`], 'the latent-2 file, once, and no other model');
    assert.equal(await page.evaluate(() => window.vaeLab.shownShipped), true, 'the page painted the file boot.js fetched');
    assert.equal((await page.$$('#sliders input')).length, 2);
    // The map: every test image's code on both dimensions there are.
    await waitFor('the map', () => page.$eval('#map', (c) => Number(c.dataset.points) === 997));
    const codes = await page.evaluate(() => window.vaeLab.mapCodes());
    assert.equal(codes.mu.length, 2);
    assert.deepEqual(codes.axes, [0, 1]);
    assert.equal(await page.$$eval('#grid-x option', (os) => os.length), 2);
    // The pretrained model is shown: no button offers it.
    assert.equal(await page.$eval('#use-pretrained', (b) => b.hidden), true);
    // MNIST keeps its digits: bars and samples' readings are numbers.
    await waitClassWords(page);
    const { bars, samples } = await classWords(page);
    assert.deepEqual(bars.map((b) => b.text), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.ok(samples.every((s) => /^\d$/.test(s.text)), samples.map((s) => s.text).join(' '));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('at a latent size nothing is shipped for, the page says random weights and offers no pretrained model', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=cvae&latent=3`);
  await waitReady(page, 'random weights');
  assert.equal(await page.$eval('#use-pretrained', (b) => b.hidden), true);
  assert.deepEqual(problems, []);
  await page.close();
});

test('keyboard: a slider crosses its range in 40 presses (Shift: finer); the class buttons are one tab stop moved by arrows', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=cvae`);
  const z0 = () => page.$eval('#z0', (e) => Number(e.value));
  await page.focus('#z0');
  await page.keyboard.press('Home');
  assert.equal(await z0(), -4);
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await z0(), 4);
  await page.keyboard.press('Shift+ArrowLeft');
  assert.equal(await z0(), 3.98);
  await page.keyboard.press('ArrowDown');
  assert.equal(await z0(), 3.78);
  assert.equal(await page.$eval('#z0 + output', (o) => o.textContent), '3.78');

  // One tab stop for the ten classes: Tab from the last slider lands on a class, Tab again leaves them.
  assert.equal(await page.$$eval('#classes [role=radio]', (bs) => bs.filter((b) => b.tabIndex === 0).length), 1);
  assert.equal(await page.$eval('#classes', (g) => g.getAttribute('role')), 'radiogroup');
  await page.focus('#z7');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab'); // z = 0, Sample, Samples PNG, Traversal PNG, then the classes
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('role')), 'radio');
  const first = await page.evaluate(() => document.activeElement.textContent);
  await page.keyboard.press('ArrowRight');
  const moved = await page.evaluate(() => ({ text: document.activeElement.textContent, checked: document.activeElement.getAttribute('aria-checked') }));
  assert.equal(moved.text, String(Number(first) + 1));
  assert.equal(moved.checked, 'true', 'the arrow picks the class it lands on');
  assert.equal(await page.$$eval('#classes [aria-checked="true"]', (bs) => bs.length), 1);
  await page.keyboard.press('Tab');
  assert.notEqual(await page.evaluate(() => document.activeElement.getAttribute('role')), 'radio', 'Tab leaves the group');
  assert.deepEqual(problems, []);
  await page.close();
});

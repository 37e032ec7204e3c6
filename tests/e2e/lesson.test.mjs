// Lesson links and the stop condition: an address can hide named parts of the page and preset a
// lesson (model, β, class, walkthrough stage); what it hides stays hidden after a reload, unknown
// names are ignored with a message, "Copy link" gives such an address; training stops by itself
// at a given step or epoch and says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitReady, waitFor, text, stepCount } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const visible = (page, sel) => page.$eval(sel, (el) => el.getClientRects().length > 0);

test('a lesson link hides exactly the parts it names and opens on its preset, also after a reload', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=vae&beta=2&walk=4&hide=chart,settings,runs,nonsense`);
  assert.equal(await visible(page, '#chart-panel'), false);
  assert.equal(await visible(page, '.side'), false);
  assert.equal(await visible(page, '#runs-panel'), false);
  for (const sel of ['#explore-panel', '#walk-panel', '#views-panel', '#diag-panel', '#draw-panel', '.topbar .run']) {
    assert.equal(await visible(page, sel), true, `${sel} should show`);
  }
  assert.ok((await page.$$eval('#messages li', (lis) => lis.map((l) => l.textContent))).some((m) => /'nonsense' is not a panel or control .* ignored/.test(m)));
  assert.equal(await page.$eval('#set-beta', (e) => e.value), '2');
  await waitFor('the walkthrough at stage 4', () => page.$eval('#walk-panel', (p) => p.dataset.stage === '3' && !!p.dataset.total));
  await page.reload();
  await waitReady(page);
  assert.equal(await visible(page, '#chart-panel'), false, 'still hidden after a reload');
  assert.equal(await visible(page, '.side'), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test('Copy link gives the address of this view with the ticked parts hidden', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=sohn&class=4`);
  await page.focus('#z0');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.click('.side summary:has-text("Share a lesson")');
  await page.check('#share-hide input[value="diagnostics"]');
  await page.check('#share-hide input[value="draw"]');
  await page.click('#copy-link');
  const link = await page.$eval('#copy-link', (b) => b.dataset.link);
  const hash = new URLSearchParams(new URL(link).hash.slice(1));
  assert.equal(hash.get('model'), 'sohn');
  assert.equal(hash.get('class'), '4');
  assert.equal(hash.get('hide'), 'draw,diagnostics'); // in the page's order
  assert.match(hash.get('z') ?? '', /^1\.00,/, 'the link keeps z'); // five presses of ±0.2 (40 cross the range)
  // The page itself hid nothing; the link does.
  assert.equal(await visible(page, '#diag-panel'), true);
  const other = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await other.goto(link);
  await waitReady(other);
  assert.equal(await visible(other, '#diag-panel'), false);
  assert.equal(await visible(other, '#draw-panel'), false);
  assert.equal(await other.$eval('#classes button[aria-checked="true"]', (b) => b.textContent), '4');
  await other.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('training stops by itself at the step asked for, and at the end of an epoch', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#until=5650`);
  assert.equal(await page.$eval('#until', (e) => e.value), '5650');
  await page.click('#train');
  await waitFor('the stop', async () => /^Stopped at step 5,650/.test(await text(page, 'status')));
  assert.equal(await stepCount(page), 5650);
  assert.equal(await page.$eval('#train', (b) => b.textContent), 'Train');
  // Asked again, it says it is there already.
  await page.click('#train');
  await waitFor('the message', async () => /past the stop condition/.test(await text(page, 'messages')));
  assert.equal(await stepCount(page), 5650);

  // Until the end of epoch 41 (the shipped model is 40 epochs in, 140 steps an epoch).
  await page.selectOption('#until-unit', 'epoch');
  await page.fill('#until', '41');
  await page.dispatchEvent('#until', 'change');
  await page.click('#train');
  await waitFor('the epoch stop', async () => /^Stopped at step [\d,]+ \(epoch 42\): .* the end of epoch 41/.test(await text(page, 'status')), 60_000);
  const step = await stepCount(page);
  assert.ok(step > 5650 && step <= 5600 + 2 * 141, `stopped at step ${step}`);
  assert.deepEqual(problems, []);
  await page.close();
});

// The runs log: a model that trains becomes a row with what was measured of it, kept across a
// reload; the table sorts, exports CSV, and overlays another run's curve on the chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, waitReady, watch, waitFor, stepCount, text } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const rows = (page) => page.$$eval('#runs tbody tr[data-run]', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
const heading = (page, name) => page.$$eval('#runs th', (ths, name) => ths.findIndex((th) => th.textContent.startsWith(name)), name);

test('training runs are recorded, kept across a reload, sorted, exported and overlaid', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = watch(page, server.url);
  await page.goto(`${server.url}#model=vae`);
  await waitReady(page);
  // Opening on the shipped model records nothing: it has not trained here.
  assert.deepEqual(await rows(page), []);
  assert.match(await text(page, 'runs'), /No runs yet/);

  // Run 1: the shipped VAE trained on.
  await page.click('#train');
  await waitFor('some training', async () => (await stepCount(page)) > 5700);
  await page.click('#train');
  await waitFor('the first row', async () => (await rows(page)).length === 1);
  await page.click('#evaluate');
  await waitFor('the test −ELBO in the row', async () => /^\d+\.\d\d$/.test((await rows(page))[0][await heading(page, 'Test')]));

  // Run 2: PCA, recorded as soon as it is solved and measured.
  await page.selectOption('#set-model', 'pca');
  // The VAE trained here: the switch asks first (it stays in this browser's autosave).
  await page.click('#ask-answers button:text-is("Switch")');
  await waitReady(page, 'solved exactly');
  await waitFor('the PCA row', async () => (await rows(page)).some((r) => r.includes('pca')));
  const pcaRow = (await rows(page)).find((r) => r.includes('pca'));
  assert.match(pcaRow[await heading(page, 'Test')], /^\d+\.\d\d$/, `PCA's test error: ${pcaRow}`);

  // Kept across a reload.
  await page.reload();
  await waitReady(page);
  await waitFor('both rows after the reload', async () => (await rows(page)).length === 2);

  // Sorting by steps: PCA (0 steps) first ascending, last descending.
  const steps = await heading(page, 'Steps');
  await page.click('#runs th:nth-child(' + (steps + 1) + ') button');
  const desc = await rows(page);
  await page.click('#runs th:nth-child(' + (steps + 1) + ') button');
  const asc = await rows(page);
  assert.deepEqual(asc, [...desc].reverse());
  assert.equal(await page.$eval(`#runs th:nth-child(${steps + 1})`, (th) => th.getAttribute('aria-sort')), 'ascending');

  // CSV: a header and one line per run.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#runs-csv')]);
  const csv = await (await download.createReadStream()).toArray().then((c) => Buffer.concat(c).toString());
  const lines = csv.trim().split('\n');
  assert.equal(lines.length, 3, csv);
  assert.match(lines[0], /^Started,Data,Model,Latent,β,Settings,Steps/);
  assert.ok(lines.some((l) => l.includes(',vae,')) && lines.some((l) => l.includes(',pca,')), csv);

  // Overlay: the page reopened on PCA (the address says so); the VAE run's curve joins its chart.
  // (A locator: the table is redrawn whenever the log changes.)
  const tick = page.locator('#runs tbody tr[data-run]:has-text("vae") input[type=checkbox]');
  await tick.check();
  await waitFor('the overlay', () => page.$eval('#chart', (c) => c.dataset.overlays === '1'));
  assert.ok(await page.$$eval('#chart .u-legend tr', (trs) => trs.some((tr) => /total, vae mnist/.test(tr.textContent))));
  // At most two at once; unticking removes it.
  await tick.uncheck();
  await waitFor('no overlay', () => page.$eval('#chart', (c) => c.dataset.overlays === '0'));

  await page.click('#runs-clear');
  await waitFor('an empty log', async () => (await rows(page)).length === 0);
  assert.deepEqual(problems, []);
  await context.close();
});

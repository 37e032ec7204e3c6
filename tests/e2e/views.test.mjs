// The latent-space views: manifold grid and reconstructions, drawn at start and redrawn as the
// model trains or the grid settings change.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, canvasPixels, sleep, differs, waitFor } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const size = (page, id) => page.$eval(`#${id}`, (c) => [c.width, c.height]);
const paints = (page) => page.$eval('#grid', (c) => Number(c.dataset.paints ?? 0));


test('manifold grid: drawn at start, follows its settings and training', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('the grid', async () => (await paints(page)) > 0);
  assert.deepEqual(await size(page, 'grid'), [280, 280]);
  const first = await canvasPixels(page, 'grid');
  assert.ok(first.some((v) => v > 128), 'grid is blank');

  await page.fill('#grid-size', '5');
  await page.dispatchEvent('#grid-size', 'change');
  await waitFor('a 5×5 grid', async () => (await size(page, 'grid'))[0] === 140);

  const before5 = await canvasPixels(page, 'grid');
  await page.selectOption('#grid-x', '3');
  await waitFor('the grid over z4', async () => differs(before5, await canvasPixels(page, 'grid')));

  const beforeTraining = await canvasPixels(page, 'grid');
  await page.click('#train');
  await waitFor('the grid to change while training', async () => differs(beforeTraining, await canvasPixels(page, 'grid')));
  await page.click('#train');
  assert.deepEqual(problems, []);
  await page.close();
});

test('reconstructions: one test image per class above its reconstruction, redrawn while training', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('reconstructions', async () => (await canvasPixels(page, 'recons')).some((v) => v > 128));
  assert.deepEqual(await size(page, 'recons'), [280, 56]);
  const px = await canvasPixels(page, 'recons');
  const row = (r) => px.slice(r * 280 * 28, (r + 1) * 280 * 28);
  // The pretrained model reconstructs well: bottom row close to the top row.
  const err = row(0).reduce((s, v, i) => s + Math.abs(v - row(1)[i]), 0) / row(0).length;
  assert.ok(err < 40, `mean absolute difference ${err} of 255`);
  await page.click('#train');
  await waitFor('reconstructions to change while training', async () => {
    const now = await canvasPixels(page, 'recons');
    return differs(row(1), now.slice(280 * 28));
  });
  await page.click('#train');
  assert.deepEqual(problems, []);
  await page.close();
});

test('latent map: shows every test code, and a click moves z there', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('the map', async () => (await page.$eval('#map', (c) => Number(c.dataset.points ?? 0))) === 997);
  await page.selectOption('#grid-x', '2');
  await page.selectOption('#grid-y', '5');
  const before = await canvasPixels(page, 'decoded');
  const slidersBefore = await page.$$eval('#sliders input', (els) => els.map((e) => Number(e.value)));
  const map = await page.$('#map');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  // 3/4 across and 1/4 down: z3 = +2, z6 = +2 on the ±4 axes.
  await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.25);
  const after = await page.$$eval('#sliders input', (els) => els.map((e) => Number(e.value)));
  assert.ok(Math.abs(after[2] - 2) < 0.05 && Math.abs(after[5] - 2) < 0.05, `z = ${after}`);
  after.forEach((v, i) => { if (i !== 2 && i !== 5) assert.equal(v, slidersBefore[i], `z${i + 1} moved`); });
  await waitFor('the image at the clicked z', async () => differs(before, await canvasPixels(page, 'decoded')));
  assert.deepEqual(problems, []);
  await page.close();
});

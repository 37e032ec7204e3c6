// What the page explains about itself: the chart's reference figures for the data set and model
// shown (the project's measured table), the chart's values at the pointer, and the map's test
// image under the pointer beside its reconstruction.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, waitFor, text } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the chart says what a good loss is for this data set and model, and shows values at the pointer', async () => {
  const { page, problems } = await openPage(browser, server.url);
  assert.match(await text(page, 'reference'), /shipped class-mean CVAE reaches a test −ELBO of 107\.53 nats after 40 epochs .* 102\.32/);
  // The legend follows the pointer over the plot: the step under it, not the latest.
  await waitFor('the chart', () => page.$('#chart .u-over'));
  await (await page.$('#chart .u-over')).scrollIntoViewIfNeeded();
  const over = await (await page.$('#chart .u-over')).boundingBox();
  await page.mouse.move(over.x + over.width * 0.3, over.y + over.height / 2);
  await waitFor('the legend at the pointer', async () => {
    const step = Number((await page.$eval('#chart .u-legend .u-series:first-child .u-value', (v) => v.textContent)).replace(/\D/g, ''));
    return step > 0 && step < 5600;
  });
  const { page: fashion } = await openPage(browser, `${server.url}#dataset=fashion&model=vae`);
  assert.match(await text(fashion, 'reference'), /shipped VAE reaches a test −ELBO of 239\.46 nats after 30 epochs/);
  await fashion.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('hovering a dot on the map shows that test image beside its reconstruction', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('the map', () => page.$eval('#map', (c) => Number(c.dataset.points) === 997));
  await (await page.$('#map')).scrollIntoViewIfNeeded();
  // Where test image 0's dot is, from the page's own codes.
  const at = await page.evaluate(() => {
    const c = document.getElementById('map');
    const m = window.vaeLab.mapCodes();
    const r = c.getBoundingClientRect();
    const scale = r.width / 8;
    return { x: r.left + (m.mu[m.axes[0]] + 4) * scale, y: r.top + r.height - (m.mu[m.axes[1]] + 4) * scale };
  });
  await page.mouse.move(at.x + 30, at.y + 30);
  await page.mouse.move(at.x, at.y, { steps: 3 });
  await waitFor('the tip', () => page.$eval('#map-tip', (t) => !t.hidden));
  const index = Number(await page.$eval('#map-tip', (t) => t.dataset.index));
  assert.ok(index >= 0);
  assert.match(await text(page, 'map-tip-text'), new RegExp(`^test image ${index}, class \\d`));
  assert.ok(await page.$eval('#map-tip-recon', (c) => c.getContext('2d').getImageData(0, 0, 28, 28).data.some((v, i) => i % 4 === 0 && v > 0)));
  assert.deepEqual(problems, []);
  await page.close();
});

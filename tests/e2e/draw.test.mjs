// Drawing a digit (mouse, touch, pen) and interpolating between two images, in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, canvasPixels, differs, waitFor, sleep, padBox, seven, drawSeven } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const lit = (pixels) => pixels.filter((v) => v > 0).length;
const sliderValues = (page) => page.$$eval('#sliders input', (els) => els.map((e) => Number(e.value)));

test('drawing with the mouse encodes the digit, marks it on the map and can become z', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await drawSeven(page);
  assert.ok(lit(await canvasPixels(page, 'draw')) > 20, 'the stroke was not painted');
  await waitFor('the reconstruction', async () => lit(await canvasPixels(page, 'draw-recon')) > 20);
  await waitFor('the drawing on the map', () => page.$eval('#map', (c) => c.dataset.drawn !== undefined));

  // "Use as z" puts the drawing's code on the sliders and the decoded image becomes its reconstruction.
  const before = await canvasPixels(page, 'decoded');
  await page.click('#draw-use');
  await waitFor('the decoded image to change', async () => differs(before, await canvasPixels(page, 'decoded')));
  // The same image up to the sliders' rounding of μ.
  const [shown, recon] = [await canvasPixels(page, 'decoded'), await canvasPixels(page, 'draw-recon')];
  const meanDiff = shown.reduce((s, v, i) => s + Math.abs(v - recon[i]), 0) / shown.length;
  assert.ok(meanDiff < 3, `decoded z differs from the drawing's reconstruction by ${meanDiff.toFixed(2)} per pixel`);
  assert.ok((await sliderValues(page)).some((v) => v !== 0));

  await page.click('#draw-clear');
  assert.equal(lit(await canvasPixels(page, 'draw')), 0);
  assert.equal(await page.$eval('#map', (c) => c.dataset.drawn), undefined);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a finger and a pen draw too', async () => {
  const { page, problems } = await openPage(browser, server.url, { hasTouch: true });
  const box = await padBox(page);
  // Real touch input through the DevTools protocol: Chromium turns it into pointer events.
  const cdp = await page.context().newCDPSession(page);
  const pts = seven(box);
  const touch = (type, [x, y]) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x, y }] });
  await touch('touchStart', pts[0]);
  for (const p of pts.slice(1)) await touch('touchMove', p);
  await touch('touchEnd', pts.at(-1));
  await waitFor('the touch reconstruction', async () => lit(await canvasPixels(page, 'draw-recon')) > 20);
  const byFinger = await canvasPixels(page, 'draw');
  assert.ok(lit(byFinger) > 20, 'the finger stroke was not painted');

  await page.click('#draw-clear');
  // A pen: pointer events with pointerType 'pen' (no pen device exists in headless Chromium).
  // The points are placed on the pad where it is at that moment: clicking Clear may have scrolled
  // the page, and the panels above can grow as their results arrive.
  const unit = seven({ x: 0, y: 0, width: 1, height: 1 });
  await page.evaluate((unit) => {
    const c = document.getElementById('draw');
    const r = c.getBoundingClientRect();
    const ev = (type, [fx, fy]) => c.dispatchEvent(new PointerEvent(type, {
      pointerId: 7, pointerType: 'pen', clientX: r.left + fx * r.width, clientY: r.top + fy * r.height, pressure: 0.5, bubbles: true,
    }));
    ev('pointerdown', unit[0]);
    unit.slice(1).forEach((p) => ev('pointermove', p));
    ev('pointerup', unit.at(-1));
  }, unit);
  assert.ok(lit(await canvasPixels(page, 'draw')) > 20, 'the pen stroke was not painted');
  assert.deepEqual(problems, []);
  await page.close();
});

test('interpolation paints the path between two test images and follows the choices', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await waitFor('the interpolation strip', async () => lit(await canvasPixels(page, 'interp')) > 100);
  const cells = await page.$eval('#interp', (c) => c.width / 28);
  assert.equal(cells, 10, '8 steps plus the two originals');
  const first = await canvasPixels(page, 'interp');
  await page.fill('#interp-b', '123');
  await page.dispatchEvent('#interp-b', 'change');
  await waitFor('a new path', async () => differs(first, await canvasPixels(page, 'interp')));
  await page.fill('#interp-steps', '4');
  await page.dispatchEvent('#interp-steps', 'change');
  await waitFor('a shorter path', () => page.$eval('#interp', (c) => c.width === 6 * 28));
  // Out-of-range numbers are pulled inside the test set, not sent as they are.
  await page.fill('#interp-a', '999999');
  await page.dispatchEvent('#interp-a', 'change');
  await waitFor('the clamp', async () => Number(await page.$eval('#interp-a', (e) => e.value)) === 996);

  // From the drawing: the first cell becomes the (centred) drawing.
  await drawSeven(page);
  const beforeDrawn = await canvasPixels(page, 'interp');
  await page.check('#interp-drawn');
  await waitFor('the path from the drawing', async () => differs(beforeDrawn, await canvasPixels(page, 'interp')));

  // The strip redraws while the model trains.
  await sleep(200);
  const still = await canvasPixels(page, 'interp');
  await page.click('#train');
  await waitFor('the strip to follow training', async () => differs(still, await canvasPixels(page, 'interp')));
  await page.click('#train');

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#png-interp')]);
  const png = await download.createReadStream().then(async (s) => Buffer.concat(await s.toArray()));
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  assert.deepEqual(problems, []);
  await page.close();
});

// Keyboard, screen readers and phones: every control and figure has a name, focus is visible,
// sliders and buttons work from the keyboard, and the page fits and works on a touch phone.
// Also saves screenshots of the main views, to test-output/screenshots/ (ignored by git), or to
// SCREENSHOTS when set: scripts/screenshots.sh refreshes the README's pictures in docs/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { startServer, launchBrowser, openPage, canvasPixels, differs, waitFor, text, chartPoints, drawSeven } from './harness.mjs';

const SHOTS = process.env.SCREENSHOTS ?? 'test-output/screenshots';
let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); mkdirSync(SHOTS, { recursive: true }); });
after(async () => { await browser?.close(); server?.stop(); });

/// Visible controls and figures that have no accessible name.
const unnamed = (page) => page.evaluate(() => {
  const nameOf = (el) => el.getAttribute('aria-label')
    || (el.getAttribute('aria-labelledby') && document.getElementById(el.getAttribute('aria-labelledby'))?.textContent)
    || (el.labels && [...el.labels].map((l) => l.textContent).join(' '))
    || (el.tagName === 'BUTTON' && el.textContent)
    || '';
  return [...document.querySelectorAll('button, input, select, canvas, [role=img], [role=group]')]
    .filter((el) => el.getClientRects().length > 0 && el.type !== 'hidden')
    .filter((el) => !el.parentElement.closest('[role=img]')) // an image's insides are presentational
    .filter((el) => !nameOf(el).trim())
    .map((el) => el.outerHTML.slice(0, 80));
});

test('every control and figure has an accessible name; focus is visible; the keyboard drives sliders and buttons', async () => {
  const { page, problems } = await openPage(browser, server.url);
  assert.deepEqual(await unnamed(page), []);

  // Tab from the top until the first latent slider has focus, as a keyboard user would.
  await page.focus('body');
  let tabs = 0;
  while (await page.evaluate(() => document.activeElement?.id) !== 'z0') {
    await page.keyboard.press('Tab');
    assert.ok(++tabs < 60, 'the first slider cannot be reached with Tab');
  }
  const outline = await page.evaluate(() => {
    const s = getComputedStyle(document.activeElement);
    return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  assert.ok(outline.style !== 'none' && outline.width >= 2, `focus is not visible: ${JSON.stringify(outline)}`);
  const before = await canvasPixels(page, 'decoded');
  for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
  assert.ok(Number(await page.$eval('#z0', (e) => e.value)) > 0.3);
  await waitFor('the decoded image to follow the keyboard', async () => differs(before, await canvasPixels(page, 'decoded')));

  // Buttons by keyboard: focus Train, press Space, training runs; Enter pauses.
  await page.focus('#train');
  const history = await chartPoints(page);
  await page.keyboard.press('Space');
  await waitFor('training', async () => (await page.$eval('#train', (b) => b.getAttribute('aria-pressed'))) === 'true');
  await waitFor('chart points', async () => (await chartPoints(page)) >= history + 5);
  await page.keyboard.press('Enter');
  await waitFor('the pause', async () => (await text(page, 'train')) === 'Train');

  await drawSeven(page);
  await waitFor('the drawing\'s reconstruction', async () => (await canvasPixels(page, 'draw-recon')).some((v) => v > 0));
  await page.evaluate(() => window.scrollTo(0, 0));
  // The first screen as a person sees it (the README's picture), and the whole page.
  await page.screenshot({ path: `${SHOTS}/page.png` });
  await page.screenshot({ path: `${SHOTS}/page-full.png`, fullPage: true });
  for (const [id, name] of [['explore-title', 'latent-explorer'], ['views-title', 'latent-space'], ['draw-title', 'draw-and-interpolate'], ['chart-title', 'loss-chart'], ['walk-title', 'walkthrough']]) {
    await (await page.$(`section:has(#${id})`)).screenshot({ path: `${SHOTS}/${name}.png` });
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('on a phone-sized touch screen the page fits its width and works by touch', async () => {
  const { page, problems } = await openPage(browser, server.url, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);
  const tooWide = await page.evaluate(() => [...document.querySelectorAll('button, input, select, canvas')]
    // (The runs table scrolls sideways inside its own box, which fits.)
    .filter((el) => el.getClientRects().length > 0 && !el.closest('.table-wrap') && el.getBoundingClientRect().right > window.innerWidth + 1).map((el) => el.id || el.outerHTML.slice(0, 60)));
  assert.deepEqual(tooWide, []);
  assert.deepEqual(await unnamed(page), []);

  // A tap on the map moves z there.
  await waitFor('the map', async () => Number(await page.$eval('#map', (c) => c.dataset.points)) > 0);
  const map = await page.$('#map');
  await map.scrollIntoViewIfNeeded();
  const box = await map.boundingBox();
  const before = await canvasPixels(page, 'decoded');
  await page.touchscreen.tap(box.x + box.width * 0.8, box.y + box.height * 0.2);
  await waitFor('z to move on a tap', async () => Number(await page.$eval('#z0', (e) => e.value)) > 1);
  await waitFor('the image to follow', async () => differs(before, await canvasPixels(page, 'decoded')));
  // A tap on a class button picks that class.
  const cls = await page.$('#classes button:nth-child(4)');
  await cls.scrollIntoViewIfNeeded();
  const cb = await cls.boundingBox();
  await page.touchscreen.tap(cb.x + cb.width / 2, cb.y + cb.height / 2);
  await waitFor('class 3 picked', async () => (await cls.getAttribute('aria-checked')) === 'true');

  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${SHOTS}/phone.png` });
  assert.deepEqual(problems, []);
  await page.close();
});

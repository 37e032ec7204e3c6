// Every model kind the page offers, with every view: the decoded image, map, manifold grid,
// reconstructions, interpolation, drawing, Sample and the diagnostics, each captioned for that
// kind; and the seeds' contrasts: the plain autoencoder (a VAE with zero encoder variance) and PCA
// (the linear autoencoder, solved exactly) have no ELBO and no likelihood bound, and say so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, text, waitFor, canvasPixels, drawSeven } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

const lit = (pixels) => pixels.some((v) => v > 0);

/// Checks each view of the page shows something for the model it has.
async function everyViewWorks(page, kind) {
  await waitFor(`${kind}: the decoded image, grid, reconstructions and interpolation`, async () => lit(await canvasPixels(page, 'decoded'))
    && lit(await canvasPixels(page, 'grid')) && lit(await canvasPixels(page, 'recons')) && lit(await canvasPixels(page, 'interp')));
  await waitFor(`${kind}: the map's codes`, () => page.$eval('#map', (c) => Number(c.dataset.points) === 997));
  assert.notEqual(await text(page, 'explore-kind'), '', `${kind}: the explorer says what the model is`);
  assert.notEqual(await text(page, 'views-kind'), '', `${kind}: the latent space says what its codes are`);
  await page.click('#sample');
  await waitFor(`${kind}: samples`, async () => /z \\sim/.test(await page.$eval('#samples-caption', (e) => e.dataset.distribution ?? '')) && lit(await canvasPixels(page, 'samples')));
  await drawSeven(page);
  await waitFor(`${kind}: the drawing's reconstruction`, async () => lit(await canvasPixels(page, 'draw-recon')));
  await waitFor(`${kind}: the latent report`, () => page.$eval('#kl-dims', (b) => b.dataset.activeUnits !== undefined));
}

for (const kind of ['cvae', 'sohn', 'vae']) {
  test(`${kind}: every view works`, async () => {
    const { page, problems } = await openPage(browser, `${server.url}#model=${kind}`);
    await everyViewWorks(page, kind);
    assert.match(await text(page, 'kl-caption'), /KL to the prior per latent dimension/);
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test('the plain autoencoder: every view works, and it says what it lacks', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=ae&sampler=prior&tau=1`);
  assert.match(await text(page, 'status'), /plain autoencoder .* the pretrained model/);
  assert.equal(await page.$$eval('#classes button', (bs) => bs.every((b) => b.disabled)), true);
  await everyViewWorks(page, 'ae');
  assert.match(await text(page, 'samples-caption'), /a VAE's prior, which the autoencoder's codes were never made to fill/);
  await waitFor('the code spread per dimension', async () => /has no KL term and no prior/.test(await text(page, 'kl-caption')));
  await page.click('#evaluate');
  await waitFor('the evaluation', async () => /no ELBO .* reconstruction error [\d.]+ on 997 images/.test(await text(page, 'test-elbo')));
  await page.fill('#iw-k', '10');
  await page.click('#iw-run');
  await waitFor('the refusal', async () => /no encoder variance/.test(await text(page, 'messages')));
  assert.equal(await page.$eval('#iw-run', (b) => b.disabled), false);
  await page.click('#train');
  await waitFor('training', async () => Number((await text(page, 'step')).replace(/\D/g, '')) > 5700);
  await page.click('#train');
  assert.deepEqual(problems, []);
  await page.close();
});

test('PCA: solved when built, every view works, nothing to train and no bound', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=pca&sampler=prior&tau=1`);
  assert.match(await text(page, 'status'), /PCA .* solved exactly from the training images/);
  assert.equal(await page.$eval('#train', (b) => b.disabled), true);
  assert.equal(await page.$eval('#step-once', (b) => b.disabled), true);
  await everyViewWorks(page, 'pca');
  assert.match(await text(page, 'samples-caption'), /PCA's codes spread as wide as their directions' variances/);
  await waitFor('the directions\' variances', async () => /PCA has no KL term .* top eigenvalues/.test(await text(page, 'kl-caption')));
  // Its bars fall from the first direction to the last, as the eigenvalues do.
  const heights = await page.$$eval('#kl-dims .bar span', (bars) => bars.map((b) => parseFloat(b.style.height)));
  assert.equal(heights.length, 8);
  assert.ok(heights.every((h, i) => i === 0 || h <= heights[i - 1] + 1), `bar heights ${heights}`);
  await page.click('#evaluate');
  await waitFor('the evaluation', async () => /squared reconstruction error [\d.]+ per image on 997 images/.test(await text(page, 'test-elbo')));
  const error = Number(/error ([\d.]+)/.exec(await text(page, 'test-elbo'))[1]);
  assert.ok(Math.abs(error - 29.64) < 0.05, `the shipped PCA's test error is ${error}, the CLI's 29.64`);
  await page.fill('#iw-k', '10');
  await page.click('#iw-run');
  await waitFor('the refusal', async () => /PCA have no encoder variance/.test(await text(page, 'messages')));
  assert.deepEqual(problems, []);
  await page.close();
});

test('PCA at another latent size is solved in the page', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=pca&latent=3`);
  assert.match(await text(page, 'status'), /PCA.* with 3 latent dimensions .* solved exactly/);
  assert.equal(await page.$$eval('#sliders input', (s) => s.length), 3);
  await page.click('#evaluate');
  await waitFor('the evaluation', async () => /squared reconstruction error [\d.]+ per image/.test(await text(page, 'test-elbo')));
  const error = Number(/error ([\d.]+)/.exec(await text(page, 'test-elbo'))[1]);
  // Fewer directions leave more unexplained than the shipped 8.
  assert.ok(error > 35 && error < 60, `latent 3: error ${error}`);
  assert.deepEqual(problems, []);
  await page.close();
});

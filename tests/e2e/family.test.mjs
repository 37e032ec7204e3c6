// The seeds' contrasts in the page: the plain autoencoder (a VAE with zero encoder variance) has
// no classes, no ELBO and no likelihood bound, and says so; its samples come from a prior it was
// never trained to fill.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, text, waitFor, canvasPixels } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

test('the plain autoencoder: every view works, and it says what it lacks', async () => {
  const { page, problems } = await openPage(browser, `${server.url}#model=ae&sampler=prior&tau=1`);
  assert.match(await text(page, 'status'), /plain autoencoder .* the pretrained model/);
  assert.equal(await page.$$eval('#classes button', (bs) => bs.every((b) => b.disabled)), true);
  await waitFor('the decoded image, grid and reconstructions', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0)
    && (await canvasPixels(page, 'grid')).some((v) => v > 0) && (await canvasPixels(page, 'recons')).some((v) => v > 0));
  await page.click('#sample');
  await waitFor('samples', async () => /a VAE's prior, which the autoencoder's codes were never made to fill/.test(await text(page, 'samples-caption')));
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

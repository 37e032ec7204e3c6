// The user's own IDX files: a pair or two pairs, raw or gzip, train a fresh model; anything that
// is not valid is named in a message and the model in memory stays as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { startServer, launchBrowser, openPage, canvasPixels, text, waitFor, stepCount } from './harness.mjs';

let server;
let browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); server?.stop(); });

// Slices of the MNIST files the set-up prepared, re-encoded as IDX.
const allImages = gunzipSync(readFileSync('data/mnist/images-idx3-ubyte.gz')).subarray(16);
const allLabels = gunzipSync(readFileSync('data/mnist/labels-idx1-ubyte.gz')).subarray(8);

function idx(type, dims, data) {
  const head = Buffer.alloc(4 + 4 * dims.length);
  head.writeUInt8(0x08, 2);
  head.writeUInt8(type, 3);
  dims.forEach((d, i) => head.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([head, Buffer.from(data)]);
}
// The prepared file is sorted by digit: take every 16th sample so all ten classes appear.
const picks = (from, n) => Array.from({ length: n }, (_, i) => (from + 16 * i) % 10_000);
const images = (from, n, side = 28) => idx(3, [n, side, side], side === 28
  ? Buffer.concat(picks(from, n).map((k) => allImages.subarray(k * 784, (k + 1) * 784))) : new Uint8Array(n * side * side));
const labels = (from, n) => idx(1, [n], Uint8Array.from(picks(from, n), (k) => allLabels[k]));
const file = (name, buffer) => ({ name, mimeType: 'application/octet-stream', buffer });

const messages = (page) => page.$$eval('#messages li', (lis) => lis.map((li) => li.textContent));
const give = (page, files) => page.setInputFiles('#data-file', files);

test('a pair of IDX files (gzip) trains a fresh model; a train and a test pair (raw) keep their split', async () => {
  const { page, problems } = await openPage(browser, server.url);
  await give(page, [file('mine-images.gz', gzipSync(images(0, 600))), file('mine-labels.gz', gzipSync(labels(0, 600)))]);
  await waitFor('the model on the files', async () => /your own files/.test(await text(page, 'status')));
  assert.match(await text(page, 'status'), /on 544 training and 56 test images/);
  assert.equal(await stepCount(page), 0);
  assert.equal(await page.$$eval('#classes button', (b) => b.length), 10);
  assert.match(await text(page, 'autosave'), /stays in this tab/);
  await page.click('#train');
  await waitFor('training on them', async () => (await stepCount(page)) > 20);
  await page.click('#train');
  // A size change rebuilds on the same files.
  await page.fill('#set-latent', '3');
  await page.dispatchEvent('#set-latent', 'change');
  // Trained here on files the browser does not keep: asked first, with the way to keep it.
  await page.waitForSelector('#ask[open]');
  assert.match(await text(page, 'ask-text'), /does not keep models of your own data/);
  await page.click('#ask-answers button:text-is("Replace it")');
  await waitFor('the rebuild', async () => (await page.$$('#sliders input')).length === 3);
  assert.match(await text(page, 'status'), /544 training and 56 test images/);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /dataset/);

  // Four raw files in any order: the larger pair trains, the smaller tests (every class in both).
  await give(page, [file('t-labels', labels(5, 640)), file('tr-images', images(0, 700)), file('t-images', images(5, 640)), file('tr-labels', labels(0, 700))]);
  await waitFor('the four-file model', async () => /on 700 training and 640 test images/.test(await text(page, 'status')));
  await waitFor('the decoded image', async () => (await canvasPixels(page, 'decoded')).some((v) => v > 0));
  assert.deepEqual(problems, []);
  await page.close();
});

test('files that are not a valid data set are named in a message and change nothing', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const status = await text(page, 'status');
  const decoded = await canvasPixels(page, 'decoded');
  const huge = idx(3, [0xffffffff, 28, 28], new Uint8Array(100));
  const cases = [
    [[file('only-images', images(0, 50))], /give 2 IDX files .* not 1/],
    [[file('notes.txt', Buffer.from('these are not images')), file('l', labels(0, 50))], /notes\.txt: not an IDX file/],
    [[file('a', images(0, 50)), file('b', images(50, 50))], /2 image file\(s\) and 0 label file\(s\)/],
    [[file('a', images(0, 50)), file('b', labels(0, 49))], /a: no labels file has 50 labels/],
    [[file('big', images(0, 20, 32)), file('l', labels(0, 20))], /big: images are 32×32/],
    [[file('cut', images(0, 50).subarray(0, 5000)), file('l', labels(0, 50))], /truncated/],
    [[file('huge', huge), file('l', labels(0, 50))], /MiB limit|no labels file/],
    [[file('bad.gz', gzipSync(images(0, 50)).subarray(0, 300)), file('l', labels(0, 50))], /images: /],
    [[file('i', images(0, 50)), file('bad-labels', idx(1, [50], new Uint8Array(10)))], /labels: truncated/],
    // Too small to train and test on: fewer images than a batch, or a class with no test image.
    [[file('two', images(0, 2)), file('l', labels(0, 2))], /2 training image\(s\) are fewer than one batch of 64/],
    [[file('i', images(0, 85)), file('l', idx(1, [85], Uint8Array.from({ length: 85 }, (_, k) => (k < 80 ? 0 : 1))))], /class\(es\) 1 have training images but no test image/],
  ];
  for (const [files, expected] of cases) {
    await give(page, files);
    await waitFor(`the message for ${files.map((f) => f.name)}`, async () => /^files: /.test((await messages(page))[0] ?? ''));
    const said = (await messages(page))[0];
    assert.match(said, expected, said);
    assert.equal(await text(page, 'status'), 'The model in memory was kept as it was.');
    assert.deepEqual(await canvasPixels(page, 'decoded'), decoded);
    await page.evaluate(() => { document.getElementById('messages').textContent = ''; });
  }
  assert.match(status, /pretrained/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('class buttons are made for the labels the files have, not for every number up to the largest', async () => {
  const { page, problems } = await openPage(browser, server.url);
  const y = Uint8Array.from({ length: 200 }, (_, k) => (k % 2 ? 200 : 7));
  await give(page, [file('i', images(0, 200)), file('l', idx(1, [200], y))]);
  await waitFor('the model on the files', async () => /your own files/.test(await text(page, 'status')));
  assert.deepEqual(await page.$$eval('#classes button', (bs) => bs.map((b) => b.textContent)), ['7', '200']);
  await page.click('#classes button:nth-child(2)');
  await waitFor('class 200 picked', () => page.$eval('#classes button:nth-child(2)', (b) => b.getAttribute('aria-checked') === 'true'));
  assert.deepEqual(problems, []);
  await page.close();
});

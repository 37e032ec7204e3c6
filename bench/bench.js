// Runs the benchmark workers one after another (never side by side: they would share the cores)
// and leaves the figures in window.benchResults for scripts/bench.mjs.
const STEPS = 40;
const REPEATS = 5;
const WARMUP = 15;
const out = document.getElementById('out');
const log = (line) => { out.textContent = out.textContent === 'running…' ? line : `${out.textContent}\n${line}`; };

async function fetchBytes(path) {
  const res = await fetch(new URL(path, location.href));
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/// The first `n` MNIST images as floats in [0, 1] (for TF.js, which does not read IDX).
async function floatsOf(gz, n) {
  const raw = new Uint8Array(await new Response(new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
  const count = Math.min(n, new DataView(raw.buffer).getUint32(4));
  return Float32Array.from(raw.subarray(16, 16 + count * 784), (v) => v / 255);
}

function inWorker(url, options, message, transfer = []) {
  return new Promise((resolve) => {
    const w = new Worker(new URL(url, location.href), options);
    w.onmessage = ({ data }) => { w.terminate(); resolve(data); };
    w.onerror = (e) => { w.terminate(); resolve({ status: 'error', message: e.message ?? 'worker failed to start' }); };
    w.postMessage(message, transfer);
  });
}

const [images, labels] = await Promise.all([fetchBytes('../data/mnist/images-idx3-ubyte.gz'), fetchBytes('../data/mnist/labels-idx1-ubyte.gz')]);
const results = {};
const shape = { steps: STEPS, repeats: REPEATS, warmup: WARMUP };
results.ours = await inWorker('ours.worker.js', { type: 'module' }, { images, labels, ...shape });
log(`ours: ${JSON.stringify(results.ours.samplesPerSec ?? results.ours.message)}`);
// The two-thread build, when the page is cross-origin isolated (scripts/serve.mjs sends the
// headers when pkg/threads/ is built): one thread and two, alternating in one model.
results.oursThreads = self.crossOriginIsolated
  ? await inWorker('ours.worker.js', { type: 'module' }, { images, labels, ...shape, threads: 2 })
  : { status: 'skipped', message: 'the page is not cross-origin isolated (no pkg/threads/ build)' };
log(`ours, threads: ${JSON.stringify(results.oursThreads.samplesPerSec ?? results.oursThreads.message)}`);
// The images are sorted by digit in this file: take every 5th for a mix of classes.
const all = await floatsOf(images, 10_000);
const mixed = new Float32Array(2000 * 784);
for (let i = 0; i < 2000; i++) mixed.set(all.subarray(i * 5 * 784, (i * 5 + 1) * 784), i * 784);
for (const backend of ['cpu', 'wasm']) {
  results[`tfjs-${backend}`] = await inWorker('tfjs.worker.js', {}, { backend, images: mixed, ...shape });
  const r = results[`tfjs-${backend}`];
  log(`tfjs ${backend}: ${JSON.stringify(r.samplesPerSec ?? r.message)}`);
}
window.benchResults = results;

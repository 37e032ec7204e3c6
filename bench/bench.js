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

/// A worker asked one request at a time: `ask` resolves with its answer, rejects on an error.
class AskWorker {
  constructor(url, options = { type: 'module' }) {
    this.worker = new Worker(new URL(url, location.href), options);
  }

  ask(message) {
    return new Promise((resolve, reject) => {
      this.worker.onmessage = ({ data }) => (data.status === 'error' ? reject(new Error(data.message)) : resolve(data));
      this.worker.onerror = (e) => reject(new Error(e.message ?? 'worker failed to start'));
      this.worker.postMessage(message);
    });
  }

  terminate() {
    this.worker.terminate();
  }
}

/// One request to a worker of its own: its answer, or {status: 'error', message}.
async function inWorker(url, options, message) {
  const w = new AskWorker(url, options);
  try {
    return await w.ask(message);
  } catch (e) {
    return { status: 'error', message: e.message };
  } finally {
    w.terminate();
  }
}

const [images, labels] = await Promise.all([fetchBytes('../data/mnist/images-idx3-ubyte.gz'), fetchBytes('../data/mnist/labels-idx1-ubyte.gz')]);
const results = {};
const shape = { steps: STEPS, repeats: REPEATS, warmup: WARMUP };
// Ours: the plain build, and where the page is cross-origin isolated (scripts/serve.mjs sends the
// headers when pkg/threads/ is built) the two-thread build on one thread and on two, each in a
// worker of its own; their timed runs are taken in turn, round by round, so that the ratios
// compare runs of the same moment (taken one build after the other, a slow spell of the machine
// once put the plain build below the two-thread build's one thread).
const plain = { name: 'plain', build: 'plain' };
const twoThreads = { name: 'threads 2', build: 'threads', threads: 2 };
const ourSetups = self.crossOriginIsolated ? [plain, { name: 'threads 1', build: 'threads', threads: 1 }, twoThreads] : [plain];
const ourWorkers = {};
try {
  for (const build of new Set(ourSetups.map((s) => s.build))) {
    ourWorkers[build] = new AskWorker('ours.worker.js');
    await ourWorkers[build].ask({ type: 'open', images, labels, threads: build === 'threads' ? twoThreads.threads : 0 });
  }
  const ask = (s, message) => ourWorkers[s.build].ask({ ...message, threads: s.threads });
  for (const s of ourSetups) await ask(s, { type: 'warmup', steps: WARMUP });
  const rates = Object.fromEntries(ourSetups.map((s) => [s.name, []]));
  for (let r = 0; r < REPEATS; r++) {
    for (const s of r % 2 ? [...ourSetups].reverse() : ourSetups) rates[s.name].push((await ask(s, { type: 'run', steps: STEPS })).samplesPerSec);
  }
  results.ours = { ...(await ask(plain, { type: 'figures', steps: STEPS })), status: 'done', samplesPerSec: rates.plain };
  results.oursThreads = self.crossOriginIsolated
    ? { ...(await ask(twoThreads, { type: 'figures', steps: STEPS })), status: 'done', samplesPerSec: rates['threads 2'], oneThread: rates['threads 1'] }
    : { status: 'skipped', message: 'the page is not cross-origin isolated (no pkg/threads/ build)' };
} catch (e) {
  results.ours ??= { status: 'error', message: String(e?.message ?? e) };
  results.oursThreads ??= { status: 'error', message: String(e?.message ?? e) };
} finally {
  Object.values(ourWorkers).forEach((w) => w.terminate());
}
log(`ours: ${JSON.stringify(results.ours.samplesPerSec ?? results.ours.message)}`);
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

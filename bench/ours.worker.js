// Our side of the benchmark, in a module worker like the page's: training throughput of the same
// MLP VAE as the TF.js worker, our gemm's matmul GFLOP/s, and decode latency; on the plain build,
// or on the two-thread build (pkg/threads/, the page cross-origin isolated) on one thread or two.
// The page (bench.js) keeps one worker per build and takes their timed runs in turn, so that the
// figures it compares share the page and the moment.

const BENCH_CONFIG = { model: 'vae', latent: 20, hidden: 512, layers: 1, batch: 128, learningRate: 1e-3 };

/// Samples/s over `steps` training steps.
function timedRun(lab, steps) {
  const t0 = performance.now();
  lab.train(steps);
  return (steps * BENCH_CONFIG.batch * 1000) / (performance.now() - t0);
}

/// Per-call decode time: the mean of 100 calls, 60 times (performance.now() is coarse without
/// cross-origin isolation, so single calls cannot be timed); returns sorted means in ms.
function decodeLatency(lab) {
  const z = new Float32Array(lab.latent).fill(0.3);
  for (let i = 0; i < 200; i++) lab.decode(z);
  const means = [];
  for (let b = 0; b < 60; b++) {
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) { z[i % z.length] = (i % 7) * 0.1; lab.decode(z); }
    means.push((performance.now() - t0) / 100);
  }
  return means.sort((a, b) => a - b);
}

/// The module's Lab: the two-thread build with its pool of `threads` started, or the plain one.
async function labClass(threads) {
  const mod = await import(threads ? '../pkg/threads/vae_lab.js' : '../pkg/vae_lab.js');
  await mod.default();
  if (threads) await mod.initThreadPool(threads);
  return mod.Lab;
}

// Requests, each answered once, so that the page can take the builds' runs in turn (bench.js):
// {type: 'open', images, labels, threads?} builds the model (on the two-thread build when
// `threads`); {type: 'warmup' | 'run', steps, threads?} trains on that many threads (the
// two-thread build; the plain one has one), 'run' answering its samples/s; {type: 'figures',
// steps} answers the step profile and, for the plain build, gemm GFLOP/s and decode latency.
let Lab = null;
let lab = null;
let idx = null; // the IDX bytes, for the page's model in 'figures'
const handlers = {
  async open({ images, labels, threads }) {
    Lab = await labClass(threads);
    lab = new Lab(BENCH_CONFIG, 'mnist', images, labels);
    idx = { images, labels };
  },
  warmup({ steps, threads }) {
    if (threads) lab.setThreads(threads);
    lab.train(steps);
  },
  run({ steps, threads }) {
    if (threads) lab.setThreads(threads);
    return { samplesPerSec: timedRun(lab, steps) };
  },
  figures({ steps, threads }) {
    if (threads) {
      lab.setThreads(threads);
      return { profile: lab.profileSteps(steps) }; // on `threads`: parts are one phase ("forward")
    }
    const profile = lab.profileSteps(steps); // where a step's time goes, phase by phase
    // The FLOPs of one training sample: forward matmuls, and twice that backward.
    const forward = 2 * (784 * 512 + 512 * 20 * 2 + 20 * 512 + 512 * 784);
    const page = new Lab({}, 'mnist', idx.images, idx.labels); // the page's default model, for decode
    const decodeMs = decodeLatency(page);
    page.free();
    return {
      profile,
      flopsPerSample: 3 * forward,
      matmulGflops: { 'training shape 128×784·784×512': Lab.matmulGflops(128, 784, 512), 'square 512': Lab.matmulGflops(512, 512, 512) },
      decodeMs,
    };
  },
};

onmessage = async ({ data }) => {
  try {
    postMessage({ status: 'ok', ...(await handlers[data.type](data)) });
  } catch (e) {
    postMessage({ status: 'error', message: String(e?.message ?? e) });
  }
};

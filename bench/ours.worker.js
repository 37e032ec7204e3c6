// Our side of the benchmark, in a module worker like the page's: training throughput of the same
// MLP VAE as the TF.js worker, our gemm's matmul GFLOP/s, and decode latency.
// Message {images, labels (IDX bytes), steps, repeats, warmup} → {status: 'done', ...figures}.
// With {threads: n} it runs the two-thread build instead (pkg/threads/, the page cross-origin
// isolated) and times training on one thread and on n, alternating run by run in one model, so
// the two figures share the build, the page and the moment: → {status, samplesPerSec, oneThread}.

const BENCH_CONFIG = { model: 'vae', latent: 20, hidden: 512, layers: 1, batch: 128, learningRate: 1e-3 };

function training(lab, { steps, repeats, warmup }) {
  lab.train(warmup);
  const samplesPerSec = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    lab.train(steps);
    samplesPerSec.push((steps * BENCH_CONFIG.batch * 1000) / (performance.now() - t0));
  }
  return samplesPerSec;
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

/// Training samples/s on 1 and on `threads` threads, one run of each in turn after a warm-up of each.
function threadScaling(lab, { steps, repeats, warmup, threads }) {
  const rates = { 1: [], [threads]: [] };
  for (const n of [1, threads]) { lab.setThreads(n); lab.train(warmup); }
  for (let r = 0; r < repeats; r++) {
    for (const n of [1, threads]) {
      lab.setThreads(n);
      rates[n].push(...training(lab, { steps, repeats: 1, warmup: 0 }));
    }
  }
  const profile = lab.profileSteps(steps); // on `threads`: parts are one phase ("forward")
  return { samplesPerSec: rates[threads], oneThread: rates[1], profile };
}

/// The module's Lab: the two-thread build with its pool of `threads` started, or the plain one.
async function labClass(threads) {
  const mod = await import(threads ? '../pkg/threads/vae_lab.js' : '../pkg/vae_lab.js');
  await mod.default();
  if (threads) await mod.initThreadPool(threads);
  return mod.Lab;
}

onmessage = async ({ data }) => {
  try {
    const Lab = await labClass(data.threads);
    const lab = new Lab(BENCH_CONFIG, 'mnist', data.images, data.labels);
    if (data.threads) {
      postMessage({ status: 'done', threads: data.threads, ...threadScaling(lab, data) });
      lab.free();
      return;
    }
    const samplesPerSec = training(lab, data);
    const profile = lab.profileSteps(data.steps); // where a step's time goes, phase by phase
    // The FLOPs of one training sample: forward matmuls, and twice that backward.
    const forward = 2 * (784 * 512 + 512 * 20 * 2 + 20 * 512 + 512 * 784);
    const page = new Lab({}, 'mnist', data.images, data.labels); // the page's default model, for decode
    const decodeMs = decodeLatency(page);
    postMessage({
      status: 'done',
      samplesPerSec,
      profile,
      flopsPerSample: 3 * forward,
      matmulGflops: { 'training shape 128×784·784×512': Lab.matmulGflops(128, 784, 512), 'square 512': Lab.matmulGflops(512, 512, 512) },
      decodeMs,
    });
    lab.free();
    page.free();
  } catch (e) {
    postMessage({ status: 'error', message: String(e?.message ?? e) });
  }
};

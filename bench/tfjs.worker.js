// TensorFlow.js side of the benchmark: the same MLP VAE as ours (784-512-20, ReLU, BCE summed
// over pixels from logits + KL, Adam 1e-3, batch 128), trained on the same data, in a worker.
// Message {backend: 'cpu' | 'wasm', images: Float32Array(n × 784), steps, repeats, warmup}
// → {status: 'done', backend, samplesPerSec: [...], missingKernels: [...]} or {status: 'error'}.
/* global tf */
// bench/package.json's TensorFlow.js (the full package: its gradients are registered only there).
importScripts('node_modules/@tensorflow/tfjs/dist/tf.min.js', 'node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js');

const [PIXELS, HIDDEN, LATENT, BATCH] = [784, 512, 20, 128];

/// PyTorch's Linear initialisation, U(±1/√fan_in), as ours.
function linear(fanIn, fanOut) {
  const bound = 1 / Math.sqrt(fanIn);
  return { w: tf.variable(tf.randomUniform([fanIn, fanOut], -bound, bound)), b: tf.variable(tf.randomUniform([fanOut], -bound, bound)) };
}
const apply = (l, x) => tf.add(tf.matMul(x, l.w), l.b);

function model() {
  const layers = { encHidden: linear(PIXELS, HIDDEN), mu: linear(HIDDEN, LATENT), logvar: linear(HIDDEN, LATENT), decHidden: linear(LATENT, HIDDEN), out: linear(HIDDEN, PIXELS) };
  /// Mean over the batch of: Σ BCE(logits, x) + ½ Σ (μ² + σ² − log σ² − 1).
  const loss = (x, eps) => {
    const h = tf.relu(apply(layers.encHidden, x));
    const mu = apply(layers.mu, h);
    const logvar = apply(layers.logvar, h);
    const z = tf.add(mu, tf.mul(eps, tf.exp(tf.mul(logvar, 0.5))));
    const logits = apply(layers.out, tf.relu(apply(layers.decHidden, z)));
    // Stable BCE from logits: max(l, 0) − l·x + log(1 + e^(−|l|)).
    const bce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, x)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    const kl = tf.mul(tf.sum(tf.sub(tf.sub(tf.add(tf.square(mu), tf.exp(logvar)), logvar), 1), 1), 0.5);
    return tf.mean(tf.add(tf.sum(bce, 1), kl));
  };
  return loss;
}

async function run({ backend, images, steps, repeats, warmup }) {
  if (backend === 'wasm') {
    tf.wasm.setWasmPaths(new URL('node_modules/@tensorflow/tfjs-backend-wasm/dist/', location.href).href);
    // Single thread, as the issue compares: in a cross-origin isolated page (ours with the two-
    // thread build) it would pick its threaded module, whose pthread workers fail to start here.
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not start`);
  await tf.ready();
  const n = images.length / PIXELS;
  const data = tf.tensor2d(images, [n, PIXELS]);
  const loss = model();
  const optimizer = tf.train.adam(1e-3);
  let cursor = 0;
  const step = () => tf.tidy(() => {
    if (cursor + BATCH > n) cursor = 0;
    const x = tf.slice(data, [cursor, 0], [BATCH, PIXELS]);
    cursor += BATCH;
    const eps = tf.randomNormal([BATCH, LATENT]);
    return optimizer.minimize(() => loss(x, eps), true);
  });
  for (let i = 0; i < warmup; i++) {
    const l = step();
    await l.data();
    l.dispose();
  }
  const samplesPerSec = [];
  let last = null;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const l = step();
      if (i === steps - 1) last = (await l.data())[0]; // wait for the work, as ours does each step
      else l.dispose();
    }
    samplesPerSec.push((steps * BATCH * 1000) / (performance.now() - t0));
  }
  return { samplesPerSec, lastLoss: last, backendInUse: tf.getBackend() };
}

onmessage = async ({ data }) => {
  try {
    postMessage({ status: 'done', backend: data.backend, ...(await run(data)) });
  } catch (e) {
    // A kernel the backend lacks shows up here: "Kernel 'X' not registered for backend 'wasm'".
    postMessage({ status: 'error', backend: data.backend, message: String(e?.message ?? e) });
  }
};

// Module worker that owns the wasm model. The page sends {type, ...} requests; the worker answers
// {status, ...}. Training runs in short slices with a yield between them, so decode, pause and
// settings requests are answered while it trains.
import init, { Lab } from '../pkg/vae_lab.js';

const DATA = {
  mnist: { images: '../data/mnist/images-idx3-ubyte.gz', labels: '../data/mnist/labels-idx1-ubyte.gz' },
};
const SLICE_MS = 15; // work per slice: short enough that a slider's decode waits at most this long
const REPORT_MS = 200; // progress messages (and chart points) five times a second

let lab = null;
let running = false;
let stepsPerSlice = 1;
let dataCache = new Map();
let window_ = null; // losses accumulated since the last report

const ready = init();

// A macrotask without setTimeout's 4 ms clamp, so yielding costs microseconds, not milliseconds.
const channel = new MessageChannel();
let wake = null;
channel.port1.onmessage = () => wake?.();
const yieldToEvents = () => new Promise((resolve) => { wake = resolve; channel.port2.postMessage(0); });

async function loadData(name) {
  if (!dataCache.has(name)) {
    const files = DATA[name];
    if (!files) throw new Error(`unknown dataset '${name}'`);
    const fetchBytes = async (url) => {
      const res = await fetch(new URL(url, import.meta.url));
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}; run the README's serve command, which prepares the data`);
      return new Uint8Array(await res.arrayBuffer());
    };
    dataCache.set(name, await Promise.all([fetchBytes(files.images), fetchBytes(files.labels)]));
  }
  return dataCache.get(name);
}

function describe() {
  return {
    config: lab.config(),
    latent: lab.latent,
    classes: lab.classes,
    trainSize: lab.trainSize,
    testSize: lab.testSize,
    classMeans: lab.classMeans(),
  };
}

async function build({ config, dataset = 'mnist' }) {
  running = false;
  await ready;
  const [images, labels] = await loadData(dataset);
  const next = new Lab(config, images, labels); // throws on bad settings: the old model stays
  lab?.free();
  lab = next;
  stepsPerSlice = 1;
  window_ = null;
  return { status: 'ready', ...describe() };
}

function resetWindow() {
  window_ = { start: performance.now(), steps: 0, samples: 0, recon: 0, kl: 0, loss: 0, last: null };
}

function report() {
  const w = window_;
  const seconds = (performance.now() - w.start) / 1000;
  const p = w.last;
  postMessage({
    status: 'progress',
    step: p.step,
    epoch: p.epoch,
    epochProgress: p.epochProgress,
    samplesSeen: p.samplesSeen,
    recon: w.recon / w.steps,
    kl: w.kl / w.steps,
    loss: w.loss / w.steps,
    samplesPerSec: w.samples / seconds,
    stepsPerSec: w.steps / seconds,
    classMeans: lab.classMeans(),
    running,
  });
  resetWindow();
}

function trainSlice() {
  const t0 = performance.now();
  const p = lab.train(stepsPerSlice);
  const ms = performance.now() - t0;
  // Aim the next slice at SLICE_MS from this one's measured cost per step.
  stepsPerSlice = Math.max(1, Math.min(256, Math.round((stepsPerSlice * SLICE_MS) / Math.max(ms, 0.1))));
  const w = window_;
  w.steps += p.steps;
  w.samples += p.steps * lab.config().batch;
  w.recon += p.recon * p.steps;
  w.kl += p.kl * p.steps;
  w.loss += p.loss * p.steps;
  w.last = p;
}

async function trainLoop() {
  resetWindow();
  while (running) {
    trainSlice();
    if (performance.now() - window_.start >= REPORT_MS) report();
    await yieldToEvents();
  }
  if (window_.steps > 0) report();
}

function floats(arr) {
  return arr instanceof Float32Array ? arr : Float32Array.from(arr);
}

const handlers = {
  init: build,
  train() {
    if (!lab) throw new Error('no model yet');
    if (!running) {
      running = true;
      trainLoop().catch((e) => { running = false; postMessage({ status: 'error', during: 'train', message: String(e.message ?? e) }); });
    }
    return { status: 'training' };
  },
  pause() {
    running = false;
    return { status: 'paused', step: lab ? lab.step : 0 };
  },
  decode({ z, id }) {
    const pixels = lab.decode(floats(z));
    return [{ status: 'decoded', id, pixels }, [pixels.buffer]];
  },
  sample({ cls, n }) {
    const { z, images } = lab.sample(cls ?? undefined, n);
    return [{ status: 'samples', cls, n, z, images }, [z.buffer, images.buffer]];
  },
  evaluate() {
    return { status: 'evaluated', ...lab.evaluate() };
  },
  set({ beta, learningRate }) {
    if (beta !== undefined) lab.setBeta(beta);
    if (learningRate !== undefined) lab.setLearningRate(learningRate);
    return { status: 'updated', config: lab.config() };
  },
};

onmessage = async ({ data }) => {
  try {
    const handler = handlers[data.type];
    if (!handler) throw new Error(`unknown request '${data.type}'`);
    if (!lab && data.type !== 'init') throw new Error('the model is still loading');
    const out = await handler(data);
    if (Array.isArray(out)) postMessage(out[0], out[1]);
    else postMessage(out);
  } catch (e) {
    postMessage({ status: 'error', during: data.type, id: data.id, message: String(e?.message ?? e) });
  }
};

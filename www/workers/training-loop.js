// The training loop: short slices of steps with a yield between them, so that pause, settings and
// the views' requests are answered while it trains; progress five times a second (the figures
// the kind's step reports, averaged), the test −ELBO on a fixed subset every TEST_EVERY_MS, and a
// stop condition (a step or an epoch).
import { model, record, sendWeights } from './model.js';
import { touched, autosaveSoon } from './autosaver.js';
import { FACTS } from '../state/facts.js';

const SLICE_MS = 15; // work per slice: short enough that a slider's decode waits at most this long
const REPORT_MS = 200; // progress messages (and chart points) five times a second
// While training, the test −ELBO on a fixed subset of the test set joins the chart this often
// (the time it takes is sent with it: a fraction of a per cent of the interval on MNIST).
const TEST_EVERY_MS = 5000;
const TEST_IMAGES = 1000;

export const loop = {
  running: false,
  until: null, // the stop condition ({step: N} or {epoch: E}, E epochs completed), or null
  stepsPerSlice: 1,
  testAt: -Infinity, // when the chart last got a test point
  window: null, // losses accumulated since the last report
  wasmMemory: null, // the module's linear memory: its size is in each report
};

// A macrotask without setTimeout's 4 ms clamp, so yielding costs microseconds, not milliseconds.
const channel = new MessageChannel();
let wake = null;
channel.port1.onmessage = () => wake?.();
export const yieldToEvents = () => new Promise((resolve) => { wake = resolve; channel.port2.postMessage(0); });

const resetWindow = () => { loop.window = { start: performance.now(), steps: 0, samples: 0, sums: {}, last: null }; };
/// The model's kind's facts: the figures its step reports (`terms`), whether it has a test −ELBO.
const kind = () => FACTS.kinds[model.lab.config().model];

export function reached() {
  const { until } = loop;
  const { lab } = model;
  if (!until) return false;
  return until.step != null ? lab.step >= until.step : lab.epoch >= until.epoch;
}

/// Steps left before the stop condition (an estimate for epochs, never past it by more than one
/// slice of single steps), or Infinity.
function stepsLeft() {
  const { until } = loop;
  const { lab } = model;
  if (!until) return Infinity;
  if (until.step != null) return until.step - lab.step;
  const perEpoch = Math.max(1, Math.floor(lab.trainSize / Math.min(lab.config().batch, lab.trainSize)));
  return Math.floor((until.epoch - lab.epoch - lab.epochProgress) * perEpoch);
}

function trainSlice() {
  const { lab } = model;
  const t0 = performance.now();
  const p = lab.train(Math.max(1, Math.min(loop.stepsPerSlice, stepsLeft())));
  const ms = performance.now() - t0;
  model.run.trainMs += ms;
  model.ownSteps += p.steps;
  // Aim the next slice at SLICE_MS from this one's measured cost per step.
  loop.stepsPerSlice = Math.max(1, Math.min(256, Math.round((loop.stepsPerSlice * SLICE_MS) / Math.max(ms, 0.1))));
  const w = loop.window;
  w.steps += p.steps;
  w.samples += p.steps * lab.config().batch;
  for (const t of kind().terms) w.sums[t] = (w.sums[t] ?? 0) + p[t] * p.steps;
  w.last = p;
}

function report(stopped = null) {
  const { lab } = model;
  const w = loop.window;
  const seconds = (performance.now() - w.start) / 1000;
  const p = w.last;
  const mean = { step: p.step, ...Object.fromEntries(kind().terms.map((t) => [t, w.sums[t] / w.steps])), test: null };
  let testMs = null;
  // A kind without an encoder (a GAN) has no −ELBO to measure: its figures come from the classifier.
  if (loop.running && kind().hasEncoder && performance.now() - loop.testAt >= TEST_EVERY_MS) {
    const t0 = performance.now();
    mean.test = lab.evaluateFirst(TEST_IMAGES).negElbo;
    loop.testAt = performance.now();
    testMs = loop.testAt - t0;
  }
  record(mean);
  sendWeights();
  touched();
  autosaveSoon(!loop.running);
  postMessage({
    status: 'progress',
    gen: model.gen,
    epoch: p.epoch,
    epochProgress: p.epochProgress,
    samplesSeen: p.samplesSeen,
    ...mean,
    testMs,
    testImages: Math.min(TEST_IMAGES, lab.testSize),
    trainSeconds: model.run.trainMs / 1000,
    ownSteps: model.ownSteps,
    stopped,
    beta: p.beta,
    samplesPerSec: w.samples / seconds,
    stepsPerSec: w.steps / seconds,
    classMeans: lab.classMeans(),
    running: loop.running,
    threads: lab.threads,
    wasmBytes: loop.wasmMemory?.buffer.byteLength,
  });
  resetWindow();
}

async function run() {
  resetWindow();
  const gen = model.gen;
  let stopped = null;
  while (loop.running && model.gen === gen) {
    trainSlice();
    if (reached()) {
      loop.running = false;
      stopped = loop.until;
      loop.until = null;
      break;
    }
    if (performance.now() - loop.window.start >= REPORT_MS) report();
    await yieldToEvents();
  }
  if (loop.window.steps > 0 && model.gen === gen) report(stopped);
}

/// Starts training (until `until`, or for good); returns false when the stop condition is already reached.
export function start(until) {
  loop.until = until;
  if (reached()) return false;
  if (!loop.running) {
    loop.running = true;
    run().catch((e) => {
      loop.running = false;
      sendWeights(true); // rolled back: the decoder must show the restored model
      postMessage({ status: 'error', during: 'train', gen: model.gen, message: String(e.message ?? e) });
    });
  }
  return true;
}

export function pause() { loop.running = false; }

/// One slice of one step, while paused.
export function stepOnce() {
  if (loop.running) throw new Error('pause training before stepping');
  resetWindow();
  loop.stepsPerSlice = 1;
  trainSlice();
  report();
}

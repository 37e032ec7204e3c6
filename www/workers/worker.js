// Module worker that owns the wasm model. The page sends {type, ...} requests; the worker answers
// {status, ...}. Training runs in short slices with a yield between them, so pause, settings and
// view requests are answered while it trains. The sliders' image and the grid are decoded
// elsewhere (the page's thread, grid.worker.js) with the weights this worker sends as it trains.
import { training, oneThreadLab, takeModule } from './wasm-for-training.js';
import { loadAutosave, saveAutosave } from './autosave.js';
import { shippedModelUrl, fitsShipped } from '../state/shipped-model.js';
import { halve } from '../lib/series.js';

// Data sets by name. MNIST (10,000 digits) holds out every 10th image of each class; Fashion-MNIST
// comes with its official test set.
const DATA = {
  mnist: { files: ['../../data/mnist/images-idx3-ubyte.gz', '../../data/mnist/labels-idx1-ubyte.gz'] },
  fashion: {
    files: ['../../data/fashion/train-images-idx3-ubyte.gz', '../../data/fashion/train-labels-idx1-ubyte.gz',
      '../../data/fashion/t10k-images-idx3-ubyte.gz', '../../data/fashion/t10k-labels-idx1-ubyte.gz'],
  },
};
const SLICE_MS = 15; // work per slice: short enough that a slider's decode waits at most this long
const REPORT_MS = 200; // progress messages (and chart points) five times a second
const AUTOSAVE_MS = 5000; // while training; also whenever training stops or the model is replaced
const HISTORY_MAX = 4000; // loss points kept (and autosaved); past it every other one is dropped
// The fitted sampler's Gaussians are refitted to the moving model at most this often while it
// trains (a refit encodes up to 500 training images per class), and whenever it is paused.
const REFIT_EVERY_MS = 10000;
// While training, the test −ELBO on a fixed subset of the test set joins the chart this often
// (the time it takes is sent with it: a fraction of a per cent of the interval on MNIST).
const TEST_EVERY_MS = 5000;
const TEST_IMAGES = 1000;

let Lab = null; // the wasm's model class, once loaded
let threads = 1; // threads a training step may use (2 where the page is cross-origin isolated)
let lab = null;
let running = false;
let stepsPerSlice = 1;
const dataCache = new Map();
const classifiers = new Map(); // classifier files by URL, fetched on first use
let fittedAt = -Infinity; // when the fitted Gaussians were last refitted
let testAt = -Infinity; // when the chart last got a test point
let iwRun = null; // the importance-weighted bound being computed: {cancelled}
let window_ = null; // losses accumulated since the last report
let weightsStep = -1; // the step whose weights the page has
let wasmMemory = null; // the module's linear memory (set once loaded): its size is in each report
let history = emptyHistory(); // the current model's loss curve, autosaved with it
// The current model's entry in the page's runs log (runs.js): its id and the time spent training
// it, autosaved with it so that a reload goes on with the same run.
let run = newRun();
// Autosave state: `dirty` when the model changed since the last save; one save at a time.
const saving = { dirty: false, busy: false, at: 0, failed: false };

// At page load the page says when the shipped weights are on screen ({type: 'shown'}); the data
// and the training module (in an isolated page a second 2 MB wasm and its pool of workers) wait
// for it, so that they do not share the two cores with the first image (see build).
let shown;
let imageShown = false;
const firstImageShown = new Promise((resolve) => { shown = resolve; });

/// The training module, loaded on first use (after the shipped weights went to the page).
const ready = () => training().then((t) => { ({ Lab, threads } = t); wasmMemory = t.memory; });
/// Describing a checkpoint needs no model: the page's one-thread module does it at once.
const describeCheckpoint = async (bytes) => (await oneThreadLab).describeCheckpoint(bytes);

// A macrotask without setTimeout's 4 ms clamp, so yielding costs microseconds, not milliseconds.
const channel = new MessageChannel();
let wake = null;
channel.port1.onmessage = () => wake?.();
const yieldToEvents = () => new Promise((resolve) => { wake = resolve; channel.port2.postMessage(0); });

async function fetchBytes(url) {
  const res = await fetch(new URL(url, import.meta.url));
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}; run the README's serve command, which prepares the data`);
  return new Uint8Array(await res.arrayBuffer());
}

/// A data set's files: the shipped ones fetched once, the user's as they were dropped.
async function loadData(name) {
  if (!dataCache.has(name)) {
    if (!DATA[name]) throw new Error(`unknown dataset '${name}'`);
    const loading = Promise.all(DATA[name].files.map(fetchBytes)); // cached at once: asked twice, fetched once
    dataCache.set(name, loading);
    loading.catch(() => dataCache.delete(name)); // a failed fetch is tried again next time
  }
  return dataCache.get(name);
}

const SIDE = 28; // the page draws 28×28 images

/// The user's own IDX files, `files` = [{name, bytes}]: images and labels, as one pair (every
/// 10th image of each class held out) or two (the larger trains, the smaller tests). Returns the
/// files in Lab's argument order, or throws saying what is wrong with which file.
function pairUp(files) {
  if (files.length !== 2 && files.length !== 4) {
    throw new Error(`give 2 IDX files (images and labels) or 4 (a training and a test pair), not ${files.length}`);
  }
  const described = files.map((f) => ({ ...f, dims: Array.from(Lab.idxDims(f.bytes, f.name)) }));
  const images = described.filter((f) => f.dims.length === 3);
  const labels = described.filter((f) => f.dims.length === 1);
  if (images.length !== labels.length || images.length * 2 !== files.length) {
    throw new Error(`${images.length} image file(s) and ${labels.length} label file(s): they must come in pairs (images have 3 dimensions, labels 1)`);
  }
  for (const im of images) {
    if (im.dims[1] !== SIDE || im.dims[2] !== SIDE) throw new Error(`${im.name}: images are ${im.dims[1]}×${im.dims[2]}; this page shows ${SIDE}×${SIDE} images`);
  }
  const pairs = images.map((im) => {
    const lb = labels.find((l) => l.dims[0] === im.dims[0] && !l.taken);
    if (!lb) throw new Error(`${im.name}: no labels file has ${im.dims[0].toLocaleString()} labels (${labels.map((l) => `${l.name}: ${l.dims[0].toLocaleString()}`).join(', ')})`);
    lb.taken = true;
    return [im.bytes, lb.bytes];
  });
  pairs.sort((a, b) => b[0].length - a[0].length);
  return pairs.flat();
}

/// Trains from now on on the user's own files: a fresh model with the page's settings.
async function useFiles({ files, config }) {
  await ready();
  const data = pairUp(files);
  const name = `your files: ${files.map((f) => f.name).join(', ')}`.slice(0, 120);
  const next = new Lab(config, name, ...data); // checks every file whole; throws with the reason
  dataCache.set(name, data);
  install(next, { keep: false });
  return { status: 'ready', ...describe({ from: { kind: 'files' } }) };
}

function newRun() {
  return { id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, trainMs: 0 };
}

function describe(extra = {}) {
  return {
    runId: run.id,
    trainSeconds: run.trainMs / 1000,
    config: lab.config(),
    dataset: lab.dataset,
    step: lab.step,
    epoch: lab.epoch,
    epochProgress: lab.epochProgress,
    latent: lab.latent,
    classes: lab.classes,
    // Labels the training set has (class buttons are made for these, not for 0 … the largest).
    classesPresent: Array.from(lab.classCounts()).flatMap((n, y) => (n > 0 ? [y] : [])),
    trainSize: lab.trainSize,
    testSize: lab.testSize,
    classMeans: lab.classMeans(),
    ...extra,
  };
}

/// A new model on `dataset`; replaces the current one only once it is fully built.
async function newLab(config, dataset) {
  await ready();
  const [images, labels, testImages, testLabels] = await loadData(dataset);
  return new Lab(config, dataset, images, labels, testImages, testLabels); // throws on bad settings
}

/// Makes `next` the model; `keep` says whether it is worth autosaving as it is (a pretrained
/// model is not: it ships with the page).
/// `weightsSent`: the page already has these weights (sent before the model was built).
function install(next, { keep, restoredHistory = null, restoredRun = null, weightsSent = false }) {
  running = false;
  if (next !== lab) lab?.free();
  lab = next;
  lab.setThreads(threads);
  if (weightsSent) weightsStep = lab.step;
  else sendWeights(true);
  stepsPerSlice = 1;
  history = restoredHistory ?? emptyHistory();
  run = restoredRun?.id ? { id: String(restoredRun.id), trainMs: Number(restoredRun.trainMs) || 0 } : newRun();
  saving.dirty = keep;
  if (keep) autosave();
}

/// The current weights to the page (which decodes the sliders' image and passes them on to the
/// grid's worker), when they changed since it last got them.
function sendWeights(force = false) {
  if (!lab || (!force && lab.step === weightsStep)) return;
  weightsStep = lab.step;
  postWeights(lab.modelCheckpoint());
}

const postWeights = (bytes, extra = {}) => postMessage({ status: 'weights', bytes, ...extra }, [bytes.buffer]);

/// The loss curve; `test` holds the test −ELBO where one was measured, else null.
function emptyHistory() {
  return { step: [], recon: [], kl: [], loss: [], test: [] };
}

function record(p) {
  const h = history;
  h.test ??= h.step.map(() => null); // saved before the test curve existed
  h.step.push(p.step); h.recon.push(p.recon); h.kl.push(p.kl); h.loss.push(p.loss); h.test.push(p.test);
  if (h.step.length > HISTORY_MAX) halve(Object.values(h));
}

/// Saves the model, its optimiser state and loss history to IndexedDB if it changed since the
/// last save. A failed save (quota, private mode) is said once and training goes on.
async function autosave() {
  // The user's own data is not kept in the browser, so a model trained on it is not either.
  if (!saving.dirty || saving.busy || !lab || !(lab.dataset in DATA)) return;
  saving.busy = true;
  saving.dirty = false;
  try {
    const checkpoint = lab.saveCheckpoint();
    await saveAutosave({ savedAt: Date.now(), dataset: lab.dataset, step: lab.step, checkpoint, history, run });
    saving.at = performance.now();
    postMessage({ status: 'autosaved', step: lab.step });
  } catch (e) {
    saving.dirty = true;
    if (!saving.failed) postMessage({ status: 'error', during: 'autosave', message: `${e?.message ?? e}; the model stays in this tab only` });
    saving.failed = true;
  } finally {
    saving.busy = false;
  }
}

// The autosave is read as soon as the worker starts (opening IndexedDB takes about 100 ms), while
// the wasm is still compiling; the restore at page load takes this read, later ones read afresh.
let autosaveAtStart = loadAutosave();

/// The autosaved model if there is one, it loads, and it fits `wanted` (the settings the address
/// asked for explicitly). Returns {lab, from, history} or {notice} saying why not.
async function restore(wanted) {
  const read = autosaveAtStart ?? loadAutosave();
  autosaveAtStart = null;
  const { record: saved, problem } = await read;
  if (problem) return { notice: `The autosaved model could not be restored: ${problem}. Starting afresh.` };
  if (!saved) return {};
  if (!(saved.dataset in DATA)) return { notice: `The autosaved model was trained on your own files (${saved.dataset}), which are not kept; drop them again to go on with it.` };
  try {
    const meta = await describeCheckpoint(saved.checkpoint);
    const fits = Object.entries(wanted).every(([k, v]) => (k === 'dataset' ? saved.dataset : meta.config[k]) === v);
    if (!fits) return {};
    const next = await newLab(meta.config, saved.dataset);
    const loaded = next.loadCheckpoint(saved.checkpoint);
    return { lab: next, history: saved.history, run: saved.run, from: { kind: 'autosave', step: loaded.step, savedAt: saved.savedAt, resumed: loaded.resumed } };
  } catch (e) {
    return { notice: `The autosaved model could not be restored: ${e?.message ?? e}. Starting afresh.` };
  }
}

// At load the page fetches the shipped model the address asks for (boot.js) and passes the bytes
// on ({type: 'shipped'}; null when it fetched none), so the file comes over the network once.
let fromPage;
const shippedFromPage = new Promise((resolve) => { fromPage = resolve; });

/// The shipped model for this data set and kind, if one exists and has the requested sizes; at
/// load the page's copy when it is that file.
async function pretrainedFor(config, dataset, early) {
  const given = early ? await shippedFromPage : null;
  let bytes = null;
  if (given) {
    const meta = await describeCheckpoint(given);
    if (meta.dataset === dataset && meta.config.model === config.model) bytes = given;
  }
  if (!bytes) {
    const res = await fetch(shippedModelUrl(dataset, config.model));
    if (!res.ok) return null;
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  return fitsShipped(await describeCheckpoint(bytes), config) ? bytes : null;
}

/// The shipped model's loss curve (one point per epoch, scripts/history-from-logs.mjs), if it is
/// there and ends at the model's step; else none (the chart then starts empty).
async function historyFor(dataset, model, step) {
  try {
    const res = await fetch(new URL(`../../models/${dataset}-${model}.history.json`, import.meta.url));
    if (!res.ok) return null;
    const h = await res.json();
    const keys = ['step', 'recon', 'kl', 'loss', 'test'];
    const fits = keys.every((k) => Array.isArray(h[k]) && h[k].length === h.step.length) && h.step.at(-1) === step;
    return fits ? Object.fromEntries(keys.map((k) => [k, h[k].map(Number)])) : null;
  } catch {
    return null;
  }
}

/// A model for the page: the autosaved one when `restore` (the settings the address fixed) allows,
/// else the shipped pretrained one when `pretrained` and it fits, else fresh weights.
async function build({ config, dataset = 'mnist', pretrained = true, restore: wanted = null }) {
  running = false;
  const early = !lab; // page load: the page has no weights yet
  // The shipped model is fetched while the autosave is looked up (opening IndexedDB takes a while);
  // a failure is met below, if what failed is needed at all. So is the data, except at page load
  // when the shipped weights are to be the first image: then it waits until they are on screen
  // (docs/performance.md, "Why the code is so").
  const shipped = pretrained && dataset in DATA ? pretrainedFor(config, dataset, early) : Promise.resolve(null);
  shipped.catch(() => {});
  if (dataset in DATA && !(early && pretrained)) loadData(dataset).catch(() => {});
  if (wanted) {
    const back = await restore(wanted);
    if (back.lab) {
      install(back.lab, { keep: false, restoredHistory: back.history, restoredRun: back.run });
      return { status: 'ready', ...describe({ from: back.from, history }) };
    }
    if (back.notice) postMessage({ status: 'notice', message: back.notice });
  }
  // At page load the sliders need only the weights: they are sent first, and the data is fetched
  // and read into a model (200 ms of work) once the page shows them.
  if (early) {
    const first = await shipped.catch(() => null);
    if (first) {
      // The page usually paints its own copy at load (main.js) and has said so by now; if not,
      // it gets these (and drops them, tagged, should its own come first after all).
      if (!imageShown) postWeights(first.slice(), { shipped: true });
      await firstImageShown;
    }
  }
  const next = await newLab(config, dataset);
  let from = null;
  const bytes = await shipped;
  let shippedHistory = null;
  if (bytes) {
    const meta = next.loadCheckpoint(bytes);
    from = { kind: 'pretrained', step: meta.step };
    shippedHistory = await historyFor(dataset, config.model, meta.step);
  }
  install(next, { keep: !from, weightsSent: early && !!from, restoredHistory: shippedHistory });
  return { status: 'ready', ...describe({ from, ...(shippedHistory ? { history } : {}) }) };
}

/// Loads a checkpoint file; switches data set first when it was trained on another known one.
async function loadFile({ bytes, name }) {
  const meta = Lab.describeCheckpoint(bytes); // throws with the reason on a bad file
  const target = meta.dataset in DATA ? meta.dataset : lab.dataset;
  const next = target === lab.dataset ? lab : await newLab(meta.config, target);
  const loaded = next.loadCheckpoint(bytes);
  install(next, { keep: true });
  return { status: 'ready', ...describe({ from: { kind: 'file', name, step: meta.step, resumed: loaded.resumed } }) };
}

function resetWindow() {
  window_ = { start: performance.now(), steps: 0, samples: 0, recon: 0, kl: 0, loss: 0, last: null };
}

function report(stopped = null) {
  const w = window_;
  const seconds = (performance.now() - w.start) / 1000;
  const p = w.last;
  const mean = { step: p.step, recon: w.recon / w.steps, kl: w.kl / w.steps, loss: w.loss / w.steps, test: null };
  let testMs = null;
  if (running && performance.now() - testAt >= TEST_EVERY_MS) {
    const t0 = performance.now();
    mean.test = lab.evaluateFirst(TEST_IMAGES).negElbo;
    testAt = performance.now();
    testMs = testAt - t0;
  }
  record(mean);
  sendWeights();
  saving.dirty = true;
  if (!running || performance.now() - saving.at >= AUTOSAVE_MS) autosave();
  postMessage({
    status: 'progress',
    epoch: p.epoch,
    epochProgress: p.epochProgress,
    samplesSeen: p.samplesSeen,
    ...mean,
    testMs,
    testImages: Math.min(TEST_IMAGES, lab.testSize),
    trainSeconds: run.trainMs / 1000,
    stopped,
    beta: p.beta,
    samplesPerSec: w.samples / seconds,
    stepsPerSec: w.steps / seconds,
    classMeans: lab.classMeans(),
    running,
    threads: lab.threads,
    wasmBytes: wasmMemory?.buffer.byteLength,
  });
  resetWindow();
}

/// The stop condition ({step: N} or {epoch: E}, E epochs completed), or null for none.
let until = null;

function reached() {
  if (!until) return false;
  return until.step != null ? lab.step >= until.step : lab.epoch >= until.epoch;
}

/// Steps left before the stop condition (an estimate for epochs, never past it by more than one
/// slice of single steps), or Infinity.
function stepsLeft() {
  if (!until) return Infinity;
  if (until.step != null) return until.step - lab.step;
  const perEpoch = Math.max(1, Math.floor(lab.trainSize / Math.min(lab.config().batch, lab.trainSize)));
  return Math.floor((until.epoch - lab.epoch - lab.epochProgress) * perEpoch);
}

function trainSlice() {
  const t0 = performance.now();
  const p = lab.train(Math.max(1, Math.min(stepsPerSlice, stepsLeft())));
  const ms = performance.now() - t0;
  run.trainMs += ms;
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
  let stopped = null;
  while (running) {
    trainSlice();
    if (reached()) {
      running = false;
      stopped = until;
      until = null;
      break;
    }
    if (performance.now() - window_.start >= REPORT_MS) report();
    await yieldToEvents();
  }
  if (window_.steps > 0) report(stopped);
}

function floats(arr) {
  return arr instanceof Float32Array ? arr : Float32Array.from(arr);
}

/// Whether the fitted Gaussians may be refitted now (see REFIT_EVERY_MS); notes the time if so.
function mayRefit() {
  if (running && performance.now() - fittedAt < REFIT_EVERY_MS) return false;
  fittedAt = performance.now();
  return true;
}

/// The shipped classifier of the current data set (fetched once); none for the user's own files.
async function classifier() {
  if (!(lab.dataset in DATA)) throw new Error('no classifier for your own data: conditional accuracy needs one trained on it (CLI: vae-lab classifier)');
  const url = new URL(`../../models/${lab.dataset}-classifier.safetensors`, import.meta.url);
  if (!classifiers.has(url.href)) {
    // The promise is kept, so that requests made while it downloads share the one fetch.
    const loading = fetch(url).then(async (res) => {
      if (!res.ok) throw new Error(`no classifier for '${lab.dataset}' (HTTP ${res.status})`);
      return new Uint8Array(await res.arrayBuffer());
    });
    classifiers.set(url.href, loading);
    loading.catch(() => classifiers.delete(url.href)); // tried again next time
  }
  return classifiers.get(url.href);
}

/// The walkthrough's image and label: training image `train`, or the drawing's pixels as `cls`.
function walkInput(source) {
  if (source.pixels) return { x: floats(source.pixels), label: source.cls ?? 0 };
  const i = Math.max(0, Math.min(lab.trainSize - 1, Math.round(Number(source.train) || 0)));
  return { x: lab.trainImage(i), label: lab.trainLabel(i) };
}

const handlers = {
  init: build,
  load: loadFile,
  files: useFiles,
  save() {
    const bytes = lab.saveCheckpoint();
    return [{ status: 'saved', bytes, dataset: lab.dataset, model: lab.config().model, step: lab.step }, [bytes.buffer]];
  },
  train({ until: stop = null } = {}) {
    if (!lab) throw new Error('no model yet');
    if (iwRun) iwRun.cancelled = true; // the bound is of the model as it stood
    until = stop;
    if (reached()) return { status: 'stopped', step: lab.step, epoch: lab.epoch, until };
    if (!running) {
      running = true;
      trainLoop().catch((e) => {
        running = false;
        sendWeights(true); // rolled back: the decoder must show the restored model
        postMessage({ status: 'error', during: 'train', message: String(e.message ?? e) });
      });
    }
    return { status: 'training' };
  },
  pause() {
    running = false;
    return { status: 'paused', step: lab ? lab.step : 0 };
  },
  encode({ pixels, cls }) {
    // The standard CVAE encodes and decodes the drawing as the class chosen on the page.
    const mu = lab.encode(floats(pixels), cls ?? undefined);
    const recon = lab.decode(mu, cls ?? undefined);
    return [{ status: 'encoded', mu, recon }, [mu.buffer, recon.buffer]];
  },
  interpolate({ a, b, steps, cls }) {
    // A test image comes with its own label; the drawing takes the class chosen on the page.
    const labels = lab.testLabels();
    const image = (e) => (e.pixels ? floats(e.pixels) : lab.testImage(e.test));
    const label = (e) => (e.pixels ? cls ?? undefined : labels[e.test]);
    const [pa, pb] = [image(a), image(b)];
    const path = lab.interpolate(pa, pb, steps, label(a), label(b));
    return [{ status: 'interpolated', a: pa, b: pb, path, steps }, [path.buffer]];
  },
  map() {
    const mu = lab.encodeTest();
    return [{ status: 'map', mu, labels: lab.testLabels(), latent: lab.latent }, [mu.buffer]];
  },
  reconstructions({ perClass = 1 }) {
    const { originals, reconstructions, count } = lab.reconstructions(perClass);
    return [{ status: 'reconstructions', originals, reconstructions, count }, [originals.buffer, reconstructions.buffer]];
  },
  sample({ cls, n, sampler = 'prior', tau = 1 }) {
    const { z, images, labels, distribution } = lab.sample(cls ?? undefined, n, sampler, tau, sampler === 'fitted' && mayRefit());
    return [{ status: 'samples', cls, n, z, images, labels, distribution }, [z.buffer, images.buffer]];
  },
  latent() {
    return { status: 'latent', ...lab.latentReport(), step: lab.step };
  },
  async iw({ k }) {
    // The importance-weighted bound over the test set, a few images per slice so that the worker
    // stays responsive; training is paused first (the bound is of one model, not a moving one).
    running = false;
    iwRun = { cancelled: false };
    const run = iwRun;
    const model = lab; // a new model (rebuilt, loaded) ends the run
    const total = model.testSize;
    const negElbo = model.evaluate().negElbo;
    let sum = 0;
    let done = 0;
    let perSlice = 1;
    while (done < total && !run.cancelled && lab === model) {
      const t0 = performance.now();
      const count = Math.min(perSlice, total - done);
      for (const b of model.iwBounds(k, done, count)) sum += b;
      done += count;
      perSlice = Math.max(1, Math.round((perSlice * 50) / Math.max(performance.now() - t0, 1)));
      postMessage({ status: 'iw-progress', done, total, k });
      await yieldToEvents();
    }
    const cancelled = run.cancelled || lab !== model;
    if (iwRun === run) iwRun = null;
    return { status: 'iw', k, images: done, total, cancelled, negLogLikelihood: sum / Math.max(done, 1), negElbo };
  },
  probe({ index }) {
    // A test image and its reconstruction from μ (for the map's hover).
    const image = lab.testImage(index);
    const label = lab.testLabels()[index];
    const cls = lab.config().model === 'sohn' ? label : undefined;
    const recon = lab.decode(lab.encode(image, cls), cls);
    return [{ status: 'probe', index, label, image, recon }, [recon.buffer]];
  },
  walk({ source, seed }) {
    // Training pauses: the walkthrough shows one model, not a moving one.
    running = false;
    const { x, label } = walkInput(source);
    return { status: 'walk', walk: { ...lab.walk(x, label, seed), fromDrawing: !!source.pixels }, seed, source };
  },
  stepOn({ source, seed }) {
    running = false;
    const { x, label } = walkInput(source);
    const s = lab.stepOn(x, label, seed);
    sendWeights(); // the model moved: the sliders' image and the grid follow
    saving.dirty = true;
    autosave();
    return { status: 'stepped', ...s };
  },
  iwCancel() {
    if (iwRun) iwRun.cancelled = true;
  },
  fitted() {
    return { status: 'fitted', fitted: lab.fitted(mayRefit()), step: lab.step };
  },
  async classify({ pixels, id }) {
    return { status: 'classified', id, labels: lab.classify(await classifier(), floats(pixels)) };
  },
  evaluate() {
    return { status: 'evaluated', ...lab.evaluate() };
  },
  async accuracy({ perClass = 200, sampler = 'prior', tau = 1 }) {
    const clf = await classifier();
    const t0 = performance.now();
    const report = lab.conditionalAccuracy(clf, perClass, sampler, tau, sampler === 'fitted' && mayRefit());
    return { status: 'accuracy', ...report, perClassDraws: perClass, sampler, tau, step: lab.step, ms: performance.now() - t0 };
  },
  step() {
    if (running) throw new Error('pause training before stepping');
    resetWindow();
    stepsPerSlice = 1;
    trainSlice();
    report();
  },
  set({ beta, learningRate, warmup }) {
    lab.changeSettings({ beta, learningRate, warmup }); // all or none, one safe point
    saving.dirty = true;
    if (!running) autosave();
    return { status: 'updated', config: lab.config() };
  },
};

onmessage = async ({ data }) => {
  if (takeModule(data)) return;
  if (data?.type === 'shown') { imageShown = true; return shown(); }
  if (data?.type === 'shipped') { fromPage(data.bytes); return; } // the first one counts
  try {
    const handler = handlers[data.type];
    if (!handler) throw new Error(`unknown request '${data.type}'`);
    if (!lab && data.type !== 'init') throw new Error('the model is still loading');
    const out = await handler(data);
    if (Array.isArray(out)) postMessage(out[0], out[1]);
    else if (out) postMessage(out);
  } catch (e) {
    postMessage({ status: 'error', during: data.type, id: data.id, message: String(e?.message ?? e) });
  }
};

// The page: wires the settings, latent sliders, class buttons and loss chart to the model worker.
// The worker owns the model; this thread only sends requests and paints what comes back.
import { PARAMS, BY_KEY, readHash, writeHash } from './state.js';
import { SettingsForm } from './settings.js';
import { LatentSliders, ClassButtons } from './latent.js';
import { LossChart } from './chart.js';
import { paintImages, paintGrid } from './digits.js';
import { downloadBlob, downloadPng } from './files.js';
import { ManifoldGrid } from './manifold.js';
import { LatentMap } from './latent-map.js';
import { DrawPad } from './draw.js';
import { Interpolation } from './interpolation.js';
import { OneInFlight } from './one-in-flight.js';
import { SliderImage } from './slider-image.js';
import { fitsShipped } from './shipped-model.js';
import { Lab } from '../pkg/vae_lab.js';

const SAMPLE_COUNT = 8;
const $ = (id) => document.getElementById(id);

const start = readHash(location.hash);
const page = {
  values: start.values,
  pendingZ: start.z, // z from the address, applied once the model's size is known
  classes: 0,
  classMeans: new Float32Array(0),
  followClass: null, // class whose μ^Y the sliders track while it trains, until the user drags
  running: false,
};

window.vaeLab = page; // for the e2e tests and for poking at from the console
// The wasm is compiled once by boot.js, before this module ran; the training worker is started
// there too, or here when the first image does not wait for it (see boot.js).
const { wasmModule, startWorker, trainingWorker, shippedModel, noteAutosave } = window.vaeLabBoot;
const worker = trainingWorker();
wasmModule.catch((e) => say(`The model's code (WebAssembly) could not be loaded: ${e?.message ?? e}`, 'error'));
// The sliders' image is decoded here (slider-image.js); the grid's many decodes run in a second
// worker on the other core, started with the first weights so that it does not compete with the
// first image for the CPU. Both get the weights the training worker sends.
const sliderImage = new SliderImage($('decoded'), wasmModule);
let gridWorker_ = null;
function gridWorker() {
  if (!gridWorker_) {
    gridWorker_ = startWorker(new URL('./grid.worker.js', import.meta.url));
    gridWorker_.onmessage = worker.onmessage;
    gridWorker_.onerror = (e) => say(`The grid's worker failed to start: ${e.message ?? 'unknown error'}`, 'error');
  }
  return gridWorker_;
}
page.worker = worker;
const chart = new LossChart($('chart'));
const sliders = new LatentSliders($('sliders'), () => moveZ());
const classButtons = new ClassButtons($('classes'), (c) => { pickClass(c); requestSamples(); });
const settings = new SettingsForm($('settings'), page.values, onSetting);
const MAP_EVERY_MS = 1000; // encoding the whole test set costs tens of ms: refresh once a second
const latentMap = new LatentMap($('map'), (axes, values) => {
  const z = sliders.values();
  axes.forEach((d, i) => { z[d] = values[i]; });
  moveZ(z);
});
const grid = new ManifoldGrid(
  { canvas: $('grid'), xSelect: $('grid-x'), ySelect: $('grid-y'), range: $('grid-range'), size: $('grid-size') },
  (msg, transfer) => gridWorker().postMessage(msg, transfer),
);
grid.onChange = () => latentMap.set({ axes: grid.axes() });
const pad = new DrawPad($('draw'), (final) => { requestEncode(); if (final && $('interp-drawn').checked) interpolation.request(); });
const interpolation = new Interpolation(
  { canvas: $('interp'), from: $('interp-a'), to: $('interp-b'), steps: $('interp-steps'), useDrawing: $('interp-drawn'), random: $('interp-random') },
  (msg) => worker.postMessage(msg),
  () => (pad.isEmpty() ? null : pad.pixels()),
);
start.problems.forEach((p) => say(p, 'warn'));

// ---- The sliders' z: its image painted at once, the grid and the map following.
function showZ() {
  const painted = sliderImage.show(sliders.values());
  gridSoon();
  latentMap.set({ z: sliders.values(), axes: grid.axes() });
  return painted;
}

// For the benchmark: page.latencies, ms from the user's input (the timestamp of the pointer or key
// event that moved z) to the animation frame that paints its image; page.firstImageMs, from
// navigation to the first decoded image (the sliders come with it); page.readyMs, to the model
// being ready to train.
page.latencies = [];
let inputAt = -Infinity;
for (const type of ['pointerdown', 'pointermove', 'keydown']) {
  addEventListener(type, (e) => { inputAt = e.timeStamp; }, { capture: true, passive: true });
}
function recordLatency() {
  const now = performance.now();
  const since = now - inputAt < 100 ? inputAt : now; // a move without input (a click handler's) counts from now
  requestAnimationFrame(() => {
    page.latencies.push(performance.now() - since);
    page.latencies.splice(0, page.latencies.length - 2000);
  });
}

// ---- The drawing: encoded while drawing (one request in flight), its μ marked on the map.
const encoding = new OneInFlight(() => {
  if (pad.isEmpty()) return false; // cleared meanwhile: nothing to encode
  worker.postMessage({ type: 'encode', pixels: pad.pixels() });
});
const requestEncode = () => encoding.request();

// The grid (a hundred decodes) follows z at most every GRID_EVERY_MS while dragging, so the
// grid's worker keeps up with new weights too.
const GRID_EVERY_MS = 120;
let gridTimer = 0;
let gridAt = -Infinity;
function gridSoon() {
  if (gridTimer) return;
  const wait = Math.max(0, gridAt + GRID_EVERY_MS - performance.now());
  gridTimer = setTimeout(() => { gridTimer = 0; gridAt = performance.now(); grid.request(sliders.values()); }, wait);
}

/// The user moved z (a slider, the map, z = 0): stop following a class mean, move the sliders to
/// `z` (already there when a slider moved), redraw and remember it in the address.
function moveZ(z = null) {
  page.followClass = null;
  classButtons.select(null);
  if (z) sliders.set(z);
  if (showZ()) recordLatency();
  saveHashSoon();
}

/// The training worker's views, after the model changed (a training tick, a new model). The
/// slider image and the grid redraw themselves when new weights come (the `weights` reply).
function refreshViews() {
  worker.postMessage({ type: 'reconstructions', perClass: 1 });
  interpolation.request();
  requestEncode();
  if (!(performance.now() - (page.mapAt ?? -Infinity) < MAP_EVERY_MS)) {
    page.mapAt = performance.now();
    worker.postMessage({ type: 'map' });
  }
}

function pickClass(c) {
  const latent = sliders.inputs.length;
  page.followClass = c;
  classButtons.select(c);
  sliders.set(page.classMeans.subarray(c * latent, (c + 1) * latent));
  showZ();
  saveHashSoon();
}

// ---- Settings: sizes rebuild the model (and say so); β and learning rate apply while training.
function onSetting(param, value, problem) {
  if (problem) say(problem, 'warn');
  if (page.values[param.key] === value) return;
  page.values[param.key] = value;
  saveHashSoon();
  if (param.restart) rebuild(`${param.label} changed: the model was rebuilt.`);
  else worker.postMessage({ type: 'set', [param.key]: value });
}

/// Builds a model for the current settings: the shipped pretrained one when it fits them
/// (unless `fresh`), otherwise random weights. With `restore` (the settings the address fixed),
/// the autosaved model comes first if it fits them.
function rebuild(why, fresh = false, restore = null) {
  setRunning(false);
  $('status').textContent = 'Building the model…';
  page.rebuildReason = why;
  const { dataset, ...config } = page.values;
  worker.postMessage({ type: 'init', config, dataset, pretrained: !fresh, restore });
}

function setRunning(running) {
  page.running = running;
  $('step-once').disabled = running;
  $('train').textContent = running ? 'Pause' : 'Train';
  $('train').setAttribute('aria-pressed', String(running));
}

let hashTimer = 0;
function saveHashSoon() {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => history.replaceState(null, '', writeHash(page.values, sliders.values()) || location.pathname), 250);
}

window.addEventListener('hashchange', () => {
  const next = readHash(location.hash);
  next.problems.forEach((p) => say(p, 'warn'));
  const sizeChanged = PARAMS.some((p) => p.restart && next.values[p.key] !== page.values[p.key]);
  page.values = next.values;
  settings.set(page.values);
  if (sizeChanged) {
    page.pendingZ = next.z;
    rebuild('Settings from the address: the model was rebuilt.');
  } else {
    const { beta, learningRate, warmup } = page.values;
    worker.postMessage({ type: 'set', beta, learningRate, warmup });
    if (next.z) { sliders.set(next.z); showZ(); }
  }
});

/// Sliders and the grid's axes for `latent` dimensions, at `z`, else the address's z, else 0.
function sizeLatentControls(latent, z = null) {
  sliders.build(latent, z ?? (page.pendingZ?.length === latent ? page.pendingZ : null));
  page.pendingZ = null;
  grid.build(latent);
}

// ---- Replies from the worker.
const onReply = {
  ready(d) {
    page.readyMs ??= performance.now();
    page.classes = d.classes;
    page.classMeans = d.classMeans;
    page.followClass = null;
    // A loaded model brings its own settings: show them.
    page.values = { ...page.values, ...d.config, dataset: d.dataset };
    settings.set(page.values);
    saveHashSoon();
    // New sliders when the size changed or the address named a z; else they keep their z.
    if (sliders.inputs.length !== d.latent || page.pendingZ) sizeLatentControls(d.latent);
    interpolation.setTestSize(d.testSize);
    page.mapAt = null;
    latentMap.set({ means: d.classMeans, latent: d.latent, axes: grid.axes(), mu: new Float32Array(0), labels: new Uint8Array(0) });
    classButtons.build(d.classes, d.config.model === 'cvae');
    $('classes-note').hidden = d.config.model === 'cvae';
    $('measure-accuracy').disabled = d.config.model !== 'cvae';
    $('accuracy').textContent = '–';
    chart.show(); // here too, should no weights have come (it waits for the first image otherwise)
    if (d.history) chart.load(d.history);
    else chart.clear();
    if (d.from?.kind === 'autosave') noteAutosave(); // saved before the hint existed
    $('autosave').textContent = d.from?.kind === 'autosave' ? `restored (step ${d.step.toLocaleString()})`
      : BY_KEY.dataset.options[d.dataset] ? '–' : 'off: your own data stays in this tab';
    showProgress({ step: d.step, epoch: 0, epochProgress: 0, samplesPerSec: null });
    $('test-elbo').textContent = '–';
    $('train').disabled = false;
    const resumes = d.from?.resumed ? ', optimiser state restored' : '';
    const origins = {
      pretrained: () => `the pretrained model (${d.step.toLocaleString()} steps, trained by the CLI): drag the sliders, or Train to go on`,
      file: () => `${d.from.name} (${d.step.toLocaleString()} steps${resumes})`,
      files: () => 'your own files, from random weights (kept in this tab only: the browser does not store your data)',
      autosave: () => `your model as autosaved at ${new Date(d.from.savedAt).toLocaleTimeString()} (${d.step.toLocaleString()} steps${resumes})`,
    };
    const origin = origins[d.from?.kind]?.() ?? 'random weights';
    $('status').textContent = `Ready: ${d.config.model.toUpperCase()} with ${d.latent} latent dimensions on `
      + `${d.trainSize.toLocaleString()} training and ${d.testSize.toLocaleString()} test images; ${origin}.`;
    if (page.rebuildReason) say(page.rebuildReason, 'info');
    page.rebuildReason = null;
    showZ(); // new sliders: their z, and the grid around it
    refreshViews();
    requestSamples();
  },
  saved(d) {
    const name = `vae-lab-${slug(d.dataset)}-${d.model}-step${d.step}.safetensors`;
    downloadBlob(new Blob([d.bytes], { type: 'application/octet-stream' }), name);
    say(`Saved ${name}.`);
  },
  training() { setRunning(true); },
  paused(d) { setRunning(false); $('step').textContent = d.step.toLocaleString(); },
  progress(d) {
    page.lastProgress = d;
    chart.add(d.step, d.recon, d.kl, d.loss);
    showProgress(d);
    page.classMeans = d.classMeans;
    if (page.followClass !== null) pickClass(page.followClass);
    refreshViews(); // the same test images and drawing through the changing model: watch it learn
    if (!d.running) setRunning(false);
  },
  weights(d) {
    // The shipped weights the page painted itself at load (see below) come once more from the worker.
    if (d.shipped && page.shownShipped) return;
    page.weightsSeen = true;
    // z from the address before the sliders exist (at load the weights come first), else 0.
    const fallback = (latent) => (page.pendingZ?.length === latent ? page.pendingZ : new Float32Array(latent));
    sliderImage.setWeights(d.bytes, fallback).then(() => {
      if (page.firstImageMs === undefined && page.readyMs === undefined) {
        $('status').textContent = 'Reading the data set for training… the sliders already decode the shipped model.';
      }
      page.firstImageMs ??= performance.now();
      // The sliders come with the first weights of their size: at load they can be dragged while
      // the worker still reads the data into a model (its 'ready' keeps them).
      if (sliders.inputs.length !== sliderImage.latent) sizeLatentControls(sliderImage.latent, sliderImage.z);
      chart.show(); // after the first image (see chart.js)
      gridWorker().postMessage({ type: 'weights', bytes: d.bytes }, [d.bytes.buffer]);
    }, (e) => say(`New weights were refused: ${e?.message ?? e}`, 'error')).finally(() => {
      // Once, at load: the worker waits for this before loading its training module (worker.js).
      if (!page.toldShown) worker.postMessage({ type: 'shown' });
      page.toldShown = true;
    });
  },
  encoded(d) {
    paintImages($('draw-recon'), d.recon);
    page.drawnMu = d.mu;
    latentMap.set({ drawn: d.mu });
    encoding.answered();
  },
  interpolated(d) { interpolation.paint(d); },
  samples(d) { paintImages($('samples'), d.images, d.n); },
  grid(d) { grid.paint(d); },
  traversal(d) {
    const canvas = document.createElement('canvas');
    paintGrid(canvas, d.pixels, d.cols, d.rows);
    downloadPng(canvas, `${pngName()}-traversal.png`);
  },
  map(d) { latentMap.set({ mu: d.mu, labels: d.labels, latent: d.latent, means: page.classMeans }); },
  reconstructions(d) {
    const both = new Float32Array(d.originals.length * 2);
    both.set(d.originals);
    both.set(d.reconstructions, d.originals.length);
    paintGrid($('recons'), both, d.count, 2);
  },
  evaluated(d) {
    $('test-elbo').textContent = `${d.negElbo.toFixed(1)} (recon ${d.recon.toFixed(1)} + KL ${d.kl.toFixed(1)}) on ${d.images} images`;
  },
  accuracy(d) {
    const per = d.perClass.map((p, y) => `${y}: ${Math.round(p * 100)} %`).join(', ');
    $('accuracy').textContent = `${(d.accuracy * 100).toFixed(1)} % (classifier's own test accuracy ${(d.classifierTestAccuracy * 100).toFixed(1)} %)`;
    $('accuracy').title = `per class: ${per}`;
  },
  updated() {},
  autosaved(d) {
    noteAutosave();
    $('autosave').textContent = `step ${d.step.toLocaleString()}, ${new Date().toLocaleTimeString()}`;
  },
  notice(d) { say(d.message, 'warn'); },
  error(d) {
    if (d.during === 'grid') grid.failed();
    if (d.during === 'interpolate') interpolation.done();
    if (d.during === 'encode') encoding.failed();
    if (d.during === 'accuracy') $('accuracy').textContent = '–';
    if (d.during === 'train') {
      // Diverged (rolled back) or failed: show the model as it now is.
      setRunning(false);
      worker.postMessage({ type: 'pause' });
      refreshViews();
    }
    if (['init', 'load', 'files'].includes(d.during)) $('status').textContent = 'The model in memory was kept as it was.';
    say(`${d.during}: ${d.message}`, 'error');
  },
};
worker.onmessage = ({ data }) => onReply[data.status]?.(data);
worker.onerror = (e) => say(`The model worker failed to start: ${e.message ?? 'unknown error'}`, 'error');

// At load: the shipped model boot.js fetched (none when this browser may hold an autosave) is
// painted as soon as the wasm is ready, rather than once the training worker has started, been
// given the module and fetched it (README "Speed"). Not when it does not fit the address's
// settings or other weights came first; the worker then sends what is to be shown, as it does if
// this fails.
shippedModel.then(async (buffer) => {
  if (!buffer) return;
  await sliderImage.ready;
  const bytes = new Uint8Array(buffer);
  const meta = Lab.describeCheckpoint(bytes);
  const { dataset, model } = page.values;
  if (page.weightsSeen || meta.dataset !== dataset || meta.config.model !== model || !fitsShipped(meta, page.values)) return;
  page.shownShipped = true;
  onReply.weights({ bytes });
}).catch(() => {});

/// A data set's name as a file name part ("your files: a.gz, b.gz" → "your-files-a-gz-b-gz").
const slug = (s) => s.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);

function pngName() {
  return `vae-lab-${slug(page.values.dataset)}-${page.values.model}-step${$('step').textContent.replace(/\D/g, '')}`;
}

function showProgress(d) {
  $('step').textContent = d.step.toLocaleString();
  $('epoch').textContent = `${d.epoch + 1} (${Math.round(d.epochProgress * 100)} %)`;
  $('epoch-bar').value = d.epochProgress;
  $('rate').textContent = d.samplesPerSec == null ? '–'
    : `${Math.round(d.samplesPerSec).toLocaleString()} samples/s, ${d.stepsPerSec.toFixed(1)} steps/s, ${d.threads > 1 ? `${d.threads} threads` : 'one thread'}`;
}

function requestSamples() {
  const cls = page.values.model === 'cvae' && page.followClass !== null ? page.followClass : null;
  worker.postMessage({ type: 'sample', cls, n: SAMPLE_COUNT });
  $('samples-caption').textContent = cls === null
    ? `${SAMPLE_COUNT} samples, z ~ N(0, I)` : `${SAMPLE_COUNT} samples of class ${cls}: z ~ N(μ^y, I), y = ${cls}`;
}

function say(text, kind = 'info') {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  $('messages').prepend(li);
  while ($('messages').children.length > 5) $('messages').lastChild.remove();
}

$('train').addEventListener('click', () => worker.postMessage({ type: page.running ? 'pause' : 'train' }));
$('restart').addEventListener('click', () => rebuild('Started fresh from random weights.', true));
$('save').addEventListener('click', () => worker.postMessage({ type: 'save' }));
$('load').addEventListener('click', () => $('load-file').click());
async function loadModelFile(file) {
  setRunning(false);
  worker.postMessage({ type: 'load', name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
}
$('load-file').addEventListener('change', () => {
  const file = $('load-file').files[0];
  $('load-file').value = '';
  if (file) loadModelFile(file);
});
/// The user's own IDX files (images and labels, raw or gzip): a fresh model trains on them.
async function useDataFiles(files) {
  setRunning(false);
  $('status').textContent = `Reading ${files.length} file(s)…`;
  const { dataset, ...config } = page.values;
  const read = await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
  worker.postMessage({ type: 'files', files: read, config }, read.map((f) => f.bytes.buffer));
}
$('data').addEventListener('click', () => $('data-file').click());
$('data-file').addEventListener('change', () => {
  const files = [...$('data-file').files];
  $('data-file').value = '';
  if (files.length) useDataFiles(files);
});
// Files dropped anywhere on the page: a model file loads like "Load model"; IDX files become the data.
window.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dropping'); });
window.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
window.addEventListener('drop', (e) => {
  e.preventDefault();
  document.body.classList.remove('dropping');
  const files = [...(e.dataTransfer?.files ?? [])];
  const model = files.find((f) => /\.safetensors$/i.test(f.name));
  if (model) loadModelFile(model);
  else if (files.length) useDataFiles(files);
});
$('evaluate').addEventListener('click', () => { $('test-elbo').textContent = 'evaluating…'; worker.postMessage({ type: 'evaluate' }); });
$('sample').addEventListener('click', requestSamples);
$('step-once').addEventListener('click', () => worker.postMessage({ type: 'step' }));
$('png-samples').addEventListener('click', () => downloadPng($('samples'), `${pngName()}-samples.png`));
$('png-grid').addEventListener('click', () => downloadPng($('grid'), `${pngName()}-manifold.png`));
$('png-traversal').addEventListener('click', () => {
  const { z, rows, cols } = grid.traversal(sliders.values());
  gridWorker().postMessage({ type: 'grid', purpose: 'traversal', z, rows, cols }, [z.buffer]);
});
$('measure-accuracy').addEventListener('click', () => { $('accuracy').textContent = 'measuring…'; worker.postMessage({ type: 'accuracy' }); });
$('draw-clear').addEventListener('click', () => {
  pad.clear();
  page.drawnMu = null;
  latentMap.set({ drawn: null });
  paintImages($('draw-recon'), new Float32Array(784));
  if ($('interp-drawn').checked) interpolation.request();
});
$('draw-use').addEventListener('click', () => { if (page.drawnMu) moveZ(Array.from(page.drawnMu)); });
$('png-interp').addEventListener('click', () => downloadPng($('interp'), `${pngName()}-interpolation.png`));
$('zero').addEventListener('click', () => moveZ(new Array(sliders.inputs.length).fill(0)));

// First build: the autosaved model if it fits the settings the address named.
rebuild(null, false, Object.fromEntries([...start.given].filter((k) => BY_KEY[k].restart).map((k) => [k, page.values[k]])));

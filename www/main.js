// The page: wires the settings, latent sliders, class buttons and loss chart to the model worker.
// The worker owns the model; this thread only sends requests and paints what comes back.
import { PARAMS, BY_KEY, readHash, writeHash, modelConfig, coerce } from './state/state.js';
import { SettingsForm } from './views/settings.js';
import { LatentSliders, ClassButtons, Z_RANGE } from './views/latent.js';
import { LossChart } from './views/chart.js';
import { paintImages, paintGrid } from './views/digits.js';
import { downloadBlob, downloadPng } from './lib/files.js';
import { ManifoldGrid } from './views/manifold.js';
import { LatentMap } from './views/latent-map.js';
import { CLASS_COLOURS } from './views/palette.js';
import { DrawPad } from './views/draw.js';
import { Interpolation } from './views/interpolation.js';
import { OneInFlight } from './lib/one-in-flight.js';
import { paintBars } from './views/bars.js';
import { SliderImage } from './views/slider-image.js';
import { fitsShipped } from './state/shipped-model.js';
import { KIND_NAMES, kindNote } from './state/kinds.js';
import { RunsTable } from './views/runs-table.js';
import { Walkthrough } from './views/walkthrough.js';
import { typesetAll } from './views/formulas.js';
import { HIDEABLE, applyHidden, copyLink } from './state/teacher.js';
import { referenceText } from './state/reference.js';
import { RunRecorder } from './state/run-recorder.js';
import { Lab } from '../pkg/vae_lab.js';

const SAMPLE_COUNT = 8;
// Per-class accuracy bars: draws per class, and how often they follow the model while it trains
// (100 draws per class take the training worker a moment away from training).
const ACCURACY_DRAWS = 100;
const ACCURACY_EVERY_MS = 20000;
const FITTED_EVERY_MS = 10000; // the map's fitted ellipses (the worker refits at most this often)
const $ = (id) => document.getElementById(id);

const start = readHash(location.hash);
const page = {
  values: start.values,
  pendingZ: start.z, // z from the address, applied once the model's size is known
  zFromAddress: !!start.z, // then the first ready keeps it instead of moving to a class mean
  classes: 0,
  classMeans: new Float32Array(0),
  followClass: null, // class whose μ^Y the sliders track while it trains, until the user drags
  // The chosen class: the class buttons' selection. The standard CVAE always has one (its decoder
  // needs it); for the seeds' CVAE it is dropped when z leaves μ^y (Sample then draws y too).
  cls: null,
  running: false,
  fitted: null, // the fitted sampler's Gaussians (for the map), as the worker last sent them
};
/// The class the decoder is given: the chosen one for the standard CVAE, none for the others.
const decodeClass = () => (page.values.model === 'sohn' ? page.cls ?? page.values.class : null);
const CONDITIONAL = ['cvae', 'sohn'];
const conditional = () => CONDITIONAL.includes(page.values.model);

page.addressGiven = start.given; // the settings the address named
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
    gridWorker_ = startWorker(new URL('./workers/grid.worker.js', import.meta.url));
    gridWorker_.onmessage = worker.onmessage;
    gridWorker_.onerror = (e) => say(`The grid's worker failed to start: ${e.message ?? 'unknown error'}`, 'error');
  }
  return gridWorker_;
}
page.worker = worker;
const chart = new LossChart($('chart'));
page.chart = chart;
const runs = new RunRecorder(new RunsTable($('runs'), { onOverlay: (list) => chart.setOverlays(list) }), chart, (m) => say(m, 'warn'));
/// A run's settings beyond its kind, latent size and β, in a few words.
const runSettings = (c) => (c.model === 'pca' ? 'exact' : `${c.layers}×${c.hidden} hidden, lr ${c.learningRate}, batch ${c.batch}, seed ${c.seed}`
  + (c.model === 'cvae' ? `, means spread ${c.meansSpread}` : '') + (c.warmup ? `, warm-up ${c.warmup}` : ''));
const sliders = new LatentSliders($('sliders'), () => moveZ());
const classButtons = new ClassButtons($('classes'), (c) => { pickClass(c); requestSamples(); });
const settings = new SettingsForm({ model: $('settings-model'), training: $('settings-training'), data: $('settings-data') }, page.values, onSetting);
const MAP_EVERY_MS = 1000; // encoding the whole test set costs tens of ms: refresh once a second
const LATENT_EVERY_MS = 3000; // the KL per dimension (the test set encoded once more)
const latentMap = new LatentMap($('map'), (axes, values) => {
  const z = sliders.values();
  axes.forEach((d, i) => { z[d] = values[i]; });
  moveZ(z);
});
const grid = new ManifoldGrid(
  { canvas: $('grid'), xSelect: $('grid-x'), ySelect: $('grid-y'), range: $('grid-range'), size: $('grid-size') },
  (msg, transfer) => gridWorker().postMessage({ ...msg, cls: decodeClass() }, transfer),
);
grid.onChange = () => latentMap.set({ axes: grid.axes() });
page.mapCodes = () => ({ mu: Array.from(latentMap.mu.slice(0, latentMap.latent)), axes: latentMap.axes }); // test image 0's code, for the tests
// Hovering a dot shows that test image beside its reconstruction (the worker encodes it).
latentMap.onHover = (i, e) => {
  const tip = $('map-tip');
  if (i === null) { tip.hidden = true; return; }
  const r = $('map').getBoundingClientRect();
  tip.style.left = `${Math.min(e.clientX - r.left + 12, r.width - 130)}px`;
  tip.style.top = `${Math.max(0, e.clientY - r.top - 80)}px`;
  worker.postMessage({ type: 'probe', index: i });
};
const pad = new DrawPad($('draw'), (final) => { requestEncode(); if (final && $('interp-drawn').checked) interpolation.request(); });
const interpolation = new Interpolation(
  { canvas: $('interp'), from: $('interp-a'), to: $('interp-b'), steps: $('interp-steps'), useDrawing: $('interp-drawn'), random: $('interp-random') },
  (msg) => worker.postMessage({ ...msg, cls: decodeClass() }),
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
  worker.postMessage({ type: 'encode', pixels: pad.pixels(), cls: decodeClass() });
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
  page.userMovedZ = true;
  if (page.values.model === 'cvae') selectClass(null); // z left μ^y; the standard CVAE keeps its y
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
  if (!(performance.now() - (page.latentAt ?? -Infinity) < LATENT_EVERY_MS)) {
    page.latentAt = performance.now();
    worker.postMessage({ type: 'latent' });
  }
}

/// Marks class `c` (or none) as chosen: its button, the map's circles and ellipses, the readout.
function selectClass(c) {
  page.cls = c;
  classButtons.select(c);
  if (c !== null) page.values.class = c;
  latentMap.set({ overlay: { cls: c, kind: page.values.model, fitted: page.fitted } });
  showReadout();
}

/// A class button: for the seeds' CVAE z moves to μ^y (and follows it while training); for the
/// standard CVAE the decoder is told y and z stays (the sliders now move the style within y).
function pickClass(c) {
  const latent = sliders.inputs.length;
  selectClass(c);
  if (page.values.model === 'cvae') {
    page.followClass = c;
    sliders.set(page.classMeans.subarray(c * latent, (c + 1) * latent));
  } else {
    sliderImage.setClass(c);
    requestEncode();
    interpolation.request();
  }
  showZ();
  saveHashSoon();
}

/// One line under the class buttons: why samples of the chosen class may show another one.
function showReadout() {
  const el = $('class-readout');
  const { model } = page.values;
  const c = page.cls;
  const latent = sliders.inputs.length;
  if (model === 'sohn') {
    el.textContent = `The decoder is told y = ${c ?? page.values.class}; the sliders move z, what the label leaves open (style, slant, thickness), and every z decodes as that class.`;
  } else if (!CONDITIONAL.includes(model)) {
    el.textContent = '';
  } else if (c === null || page.classMeans.length < (c + 1) * latent) {
    el.textContent = 'Pick a class: z moves to its learned prior mean μ^y.';
  } else {
    const mean = (k) => page.classMeans.subarray(k * latent, (k + 1) * latent);
    let nearest = null;
    for (let k = 0; k < page.classMeans.length / latent; k++) {
      if (k === c) continue;
      const d = Math.hypot(...mean(k).map((v, i) => v - mean(c)[i]));
      if (!nearest || d < nearest.d) nearest = { k, d };
    }
    el.textContent = nearest ? `Class ${c}'s nearest other class mean is ${nearest.k}'s, ${nearest.d.toFixed(2)} prior widths (σ = 1) away in ${latent}-D: `
      + `${nearest.d < 4 ? 'their prior clouds overlap, so draws from N(μ^y, I) can decode as the neighbour' : 'their prior clouds barely touch'}.` : '';
  }
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
  worker.postMessage({ type: 'init', config: modelConfig(page.values), dataset: page.values.dataset, pretrained: !fresh, restore });
}

function setRunning(running) {
  page.running = running;
  $('step-once').disabled = running || page.values.model === 'pca';
  if (running) $('status').textContent = 'Training… drag the sliders or sample as it learns; Pause to stop.';
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
  applyHidden(page.values.hide);
  showUntil();
  if (sizeChanged) {
    page.pendingZ = next.z;
    rebuild('Settings from the address: the model was rebuilt.');
  } else {
    const { beta, learningRate, warmup } = page.values;
    worker.postMessage({ type: 'set', beta, learningRate, warmup });
    showSampler();
    if (conditional() && next.given.has('class') && next.values.class < page.classes) pickClass(next.values.class);
    if (next.z) { sliders.set(next.z); showZ(); }
    requestSamples();
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
    page.fitted = null;
    // A loaded model brings its own settings: show them.
    // The training settings an address gave (a lesson's β, say) outlast the loaded model's own;
    // the model is told them once, at the first model the page builds.
    const asked = Object.fromEntries(['beta', 'learningRate', 'warmup'].filter((k) => page.addressGiven?.has(k)).map((k) => [k, page.values[k]]));
    page.addressGiven = null;
    page.values = { ...page.values, ...d.config, ...asked, dataset: d.dataset };
    if (Object.keys(asked).length) worker.postMessage({ type: 'set', ...asked });
    if (!d.classesPresent.includes(page.values.class)) page.values.class = d.classesPresent[0] ?? 0;
    settings.set(page.values);
    saveHashSoon();
    // New sliders when the size changed or the address named a z; else they keep their z.
    if (sliders.inputs.length !== d.latent || page.pendingZ) sizeLatentControls(d.latent);
    interpolation.setTestSize(d.testSize);
    page.mapAt = null;
    latentMap.set({ means: d.classMeans, latent: d.latent, axes: grid.axes(), mu: new Float32Array(0), labels: new Uint8Array(0) });
    runs.begin(d, runSettings);
    if (d.config.model === 'pca') worker.postMessage({ type: 'evaluate' }); // its test error, for the runs log
    $('reference').textContent = referenceText(d.dataset, d.config);
    $('explore-kind').textContent = kindNote(d.config.model, 'explorer');
    $('views-kind').textContent = kindNote(d.config.model, 'views');
    const hasClasses = CONDITIONAL.includes(d.config.model);
    classButtons.build(d.classesPresent, hasClasses, d.config.model);
    $('classes-note').hidden = hasClasses;
    $('measure-accuracy').disabled = !hasClasses;
    $('sample').disabled = false;
    $('accuracy').textContent = '–';
    showAccuracy(null);
    chart.show(); // here too, should no weights have come (it waits for the first image otherwise)
    if (d.history) chart.load(d.history);
    else chart.clear();
    if (d.from?.kind === 'autosave') noteAutosave(); // saved before the hint existed
    $('autosave').textContent = d.from?.kind === 'autosave' ? `restored (step ${d.step.toLocaleString()})`
      : BY_KEY.dataset.options[d.dataset] ? '–' : 'off: your own data stays in this tab';
    showProgress({ step: d.step, epoch: d.epoch, epochProgress: d.epochProgress, samplesPerSec: null });
    $('test-elbo').textContent = '–';
    // PCA is solved when built: training has nothing to do.
    const solved = d.config.model === 'pca';
    $('train').disabled = solved;
    $('step-once').disabled = solved;
    $('train').title = solved ? 'PCA is solved exactly when it is built: there is nothing to train' : '';
    const resumes = d.from?.resumed ? ', optimiser state restored' : '';
    const origins = {
      pretrained: () => `the pretrained model (${d.step.toLocaleString()} steps, trained by the CLI): drag the sliders, or Train to go on`,
      file: () => `${d.from.name} (${d.step.toLocaleString()} steps${resumes})`,
      files: () => 'your own files, from random weights (kept in this tab only: the browser does not store your data)',
      autosave: () => `your model as autosaved at ${new Date(d.from.savedAt).toLocaleTimeString()} (${d.step.toLocaleString()} steps${resumes})`,
    };
    const origin = solved ? 'solved exactly from the training images (nothing to train)' : origins[d.from?.kind]?.() ?? 'random weights';
    $('status').textContent = `Ready: ${KIND_NAMES[d.config.model]} with ${d.latent} latent dimensions on `
      + `${d.trainSize.toLocaleString()} training and ${d.testSize.toLocaleString()} test images; ${origin}.`;
    if (page.rebuildReason) say(page.rebuildReason, 'info');
    page.rebuildReason = null;
    // A conditional model opens on a class: the seeds' CVAE at its mean μ^y (a crisp image, not
    // the blend between classes at z = 0), unless the address named a z; the standard CVAE keeps z.
    // Nor when the person already moved z (the sliders work before the model is ready).
    if (!hasClasses) selectClass(null);
    else if (d.config.model === 'cvae' && (page.zFromAddress || page.userMovedZ)) selectClass(null);
    else pickClass(page.values.class);
    page.zFromAddress = false;
    // A lesson link may open the walkthrough at a stage (on training image 0).
    if (page.values.walk > 0 && !page.walkOpened) {
      page.walkOpened = true;
      page.walkAt = page.values.walk - 1;
      startWalk();
      $('walk-panel').scrollIntoView();
    }
    page.userMovedZ = false;
    sliderImage.setClass(decodeClass());
    showZ(); // new sliders: their z, and the grid around it
    refreshViews();
    requestSamples();
    requestFitted();
    requestAccuracy();
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
    chart.add(d.step, d.recon, d.kl, d.loss, d.test);
    runs.note({ step: d.step, seconds: d.trainSeconds, trainLoss: d.loss, ...(d.test !== null ? { testError: d.test } : {}) }, { now: !d.running });
    if (d.test !== null) page.lastTest = { step: d.step, negElbo: d.test, ms: d.testMs, images: d.testImages };
    showProgress(d);
    page.classMeans = d.classMeans;
    if (page.followClass !== null) pickClass(page.followClass);
    else showReadout();
    refreshViews(); // the same test images and drawing through the changing model: watch it learn
    if (performance.now() - page.fittedAt >= FITTED_EVERY_MS) requestFitted();
    if (performance.now() - page.accuracyAt >= ACCURACY_EVERY_MS) requestAccuracy();
    if (!d.running) {
      setRunning(false);
      $('status').textContent = d.stopped
        ? `Stopped at step ${d.step.toLocaleString()} (epoch ${d.epoch + 1}): the stop condition, ${untilText(d.stopped)}, is reached. Train goes on past it once you change or clear it.`
        : `Paused at step ${d.step.toLocaleString()}: drag the sliders, or Train to go on.`;
    }
  },
  stopped(d) {
    say(`Not started: the model is already at step ${d.step.toLocaleString()}, past the stop condition (${untilText(d.until)}).`, 'warn');
  },
  weights(d) {
    // The shipped weights the page painted itself at load (see below) come once more from the worker.
    if (d.shipped && page.shownShipped) return;
    page.weightsSeen = true;
    // z from the address before the sliders exist (at load the weights come first), else 0.
    // For the seeds' CVAE at load: the chosen class's mean μ^y, a crisp image (z = 0 blends classes).
    const fallback = (latent, image) => {
      if (page.pendingZ?.length === latent) return page.pendingZ;
      const means = page.values.model === 'cvae' ? image.classMeans() : [];
      const c = page.values.class;
      // Clamped and rounded to the sliders' steps, so that they show the z painted.
      return means.length >= (c + 1) * latent
        ? means.slice(c * latent, (c + 1) * latent).map((v) => Math.round(100 * Math.max(-Z_RANGE, Math.min(Z_RANGE, v))) / 100)
        : new Float32Array(latent);
    };
    sliderImage.setClass(page.values.model === 'sohn' ? page.values.class : null);
    sliderImage.setWeights(d.bytes, fallback).then(() => {
      if (page.firstImageMs === undefined && page.readyMs === undefined) {
        $('status').textContent = 'Reading the data set for training… the sliders already decode the shipped model.';
      }
      page.firstImageMs ??= performance.now();
      // The sliders come with the first weights of their size: at load they can be dragged while
      // the worker still reads the data into a model (its 'ready' keeps them).
      if (sliders.inputs.length !== sliderImage.latent) sizeLatentControls(sliderImage.latent, sliderImage.z);
      chart.show(); // after the first image (see chart.js)
      typesetAll(); // KaTeX too
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
  samples(d) {
    paintImages($('samples'), d.images, d.n);
    page.samples = d;
    page.samplesId = (page.samplesId ?? 0) + 1;
    page.sampleLabels = null;
    $('sample-labels').replaceChildren();
    $('samples-caption').textContent = `${d.n} samples: ${d.distribution}.`;
    // The shipped classifier reads each sample, so a wrong class shows at a glance.
    if (BY_KEY.dataset.options[page.values.dataset]) worker.postMessage({ type: 'classify', pixels: d.images, id: page.samplesId });
  },
  classified(d) {
    if (d.id !== page.samplesId) return; // the reading of samples since replaced
    page.sampleLabels = Array.from(d.labels);
    const asked = page.samples?.labels ?? [];
    $('sample-labels').replaceChildren(...page.sampleLabels.map((y, i) => {
      const mark = document.createElement('span');
      mark.textContent = String(y);
      mark.style.color = CLASS_COLOURS[y % 10];
      if (asked.length) mark.className = asked[i] === y ? 'right' : 'wrong';
      mark.title = asked.length ? `drawn for class ${asked[i]}, the classifier reads ${y}` : `the classifier reads ${y}`;
      return mark;
    }));
  },
  fitted(d) {
    page.fitted = d.fitted;
    latentMap.set({ overlay: { cls: page.cls, kind: page.values.model, fitted: d.fitted } });
  },
  grid(d) { grid.paint(d); },
  traversal(d) {
    const canvas = document.createElement('canvas');
    paintGrid(canvas, d.pixels, d.cols, d.rows);
    downloadPng(canvas, `${pngName()}-traversal.png`);
  },
  probe(d) {
    if (latentMap.hovered !== d.index) return; // the pointer moved on
    paintImages($('map-tip-x'), d.image, 1);
    paintImages($('map-tip-recon'), d.recon, 1);
    $('map-tip-text').textContent = `test image ${d.index}, class ${d.label}: and its reconstruction`;
    $('map-tip').dataset.index = String(d.index);
    $('map-tip').hidden = false;
  },
  walk(d) {
    walkthrough.show(d.walk, page.values.model, page.walkAt ?? walkthrough.at);
    page.walkAt = null;
    $('walk-image').value = String(d.source.train ?? $('walk-image').value);
  },
  stepped(d) {
    walkthrough.stepDone(d);
    $('step').textContent = d.step.toLocaleString();
  },
  latent(d) {
    showLatentReport(d);
    runs.note({ activeUnits: d.activeUnits });
  },
  'iw-progress'(d) { $('iw-bar').value = d.done / d.total; },
  iw(d) {
    $('iw-run').disabled = false;
    $('iw-cancel').disabled = true;
    const bound = conditional() ? '−log p(x | y)' : '−log p(x)';
    const over = d.cancelled ? `${d.images.toLocaleString()} of ${d.total.toLocaleString()} test images (cancelled)` : `all ${d.total.toLocaleString()} test images`;
    $('iw-result').textContent = `${bound} ≤ ${d.negLogLikelihood.toFixed(2)} nats per image with k = ${d.k.toLocaleString()}, over ${over}; `
      + `the −ELBO is ${d.negElbo.toFixed(2)}${d.cancelled ? '' : `: the bound is ${(d.negElbo - d.negLogLikelihood).toFixed(2)} nats tighter`}.`;
    page.iw = d;
    if (!d.cancelled) runs.note({ iw: d.negLogLikelihood, iwK: d.k }, { now: true });
  },
  map(d) { latentMap.set({ mu: d.mu, labels: d.labels, latent: d.latent, means: page.classMeans }); },
  reconstructions(d) {
    const both = new Float32Array(d.originals.length * 2);
    both.set(d.originals);
    both.set(d.reconstructions, d.originals.length);
    paintGrid($('recons'), both, d.count, 2);
  },
  evaluated(d) {
    $('test-elbo').textContent = page.values.model === 'pca'
      ? `no ELBO (PCA is not a probabilistic model here); squared reconstruction error ${d.recon.toFixed(2)} per image on ${d.images} images`
      : page.values.model === 'ae'
      ? `no ELBO (an autoencoder is not a probabilistic model); reconstruction error ${d.recon.toFixed(1)} on ${d.images} images`
      : `${d.negElbo.toFixed(1)} (recon ${d.recon.toFixed(1)} + KL ${d.kl.toFixed(1)}) on ${d.images} images`;
    runs.note({ testError: d.negElbo }, { now: true });
  },
  accuracy(d) {
    accuracyFlight.answered();
    const per = d.perClass.map((p, y) => `${y}: ${Math.round(p * 100)} %`).join(', ');
    $('accuracy').textContent = `${(d.accuracy * 100).toFixed(1)} % at step ${d.step.toLocaleString()}, ${d.sampler} τ = ${d.tau} (classifier's own test accuracy ${(d.classifierTestAccuracy * 100).toFixed(1)} %)`;
    $('accuracy').title = `per class: ${per}`;
    showAccuracy(d);
    runs.note({ accuracy: d.accuracy, accuracySampler: `${d.sampler}, τ ${d.tau}` }, { now: true });
  },
  updated(d) { runs.note({ beta: d.config.beta, settings: runSettings(d.config) }); },
  autosaved(d) {
    noteAutosave();
    $('autosave').textContent = `step ${d.step.toLocaleString()}, ${new Date().toLocaleTimeString()}`;
  },
  notice(d) { say(d.message, 'warn'); },
  error(d) {
    if (d.during === 'grid') grid.failed();
    if (d.during === 'interpolate') interpolation.done();
    if (d.during === 'encode') encoding.failed();
    if (d.during === 'iw') { $('iw-run').disabled = false; $('iw-cancel').disabled = true; }
    if (d.during === 'classify') return; // the samples stay without their reading (no classifier)
    if (d.during === 'accuracy') { accuracyFlight.failed(); $('accuracy').textContent = '–'; showAccuracy(null, d.message); }
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
// given the module and fetched it (docs/performance.md). Not when it does not fit the address's
// settings or other weights came first; the worker then sends what is to be shown, as it does if
// this fails.
// The worker is given the same bytes (or told there are none), so the file is fetched once.
shippedModel.then(async (buffer) => {
  if (!buffer) return;
  const bytes = new Uint8Array(buffer);
  worker.postMessage({ type: 'shipped', bytes: bytes.slice() });
  await sliderImage.ready;
  const meta = Lab.describeCheckpoint(bytes);
  const { dataset, model } = page.values;
  if (page.weightsSeen || meta.dataset !== dataset || meta.config.model !== model || !fitsShipped(meta, page.values)) return;
  page.shownShipped = true;
  onReply.weights({ bytes });
}).catch(() => {}).finally(() => worker.postMessage({ type: 'shipped', bytes: null }));

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

/// Draws SAMPLE_COUNT images with the chosen sampler and τ, of the chosen class (none chosen:
/// classes drawn by their frequency, or no class for the VAE); the reply's caption says from what.
function requestSamples() {
  if (!page.classes) return; // not ready yet
  const cls = conditional() ? page.cls : null;
  const { sampler, tau } = page.values;
  worker.postMessage({ type: 'sample', cls, n: SAMPLE_COUNT, sampler, tau });
}

// ---- Conditional accuracy per class, for the sampler and τ chosen: measured by the worker with
// the shipped classifier at ready, when the sampler changes, and every ACCURACY_EVERY_MS while
// training; one request at a time.
page.accuracyAt = -Infinity;
page.fittedAt = -Infinity;
page.accuracyDraws = ACCURACY_DRAWS; // the button asks once for more
const accuracyFlight = new OneInFlight(() => {
  if (!conditional() || !BY_KEY.dataset.options[page.values.dataset]) return false;
  page.accuracyAt = performance.now();
  const { sampler, tau } = page.values;
  worker.postMessage({ type: 'accuracy', perClass: page.accuracyDraws, sampler, tau });
  page.accuracyDraws = ACCURACY_DRAWS;
});
const requestAccuracy = () => accuracyFlight.request();

function requestFitted() {
  if (!page.classes) return;
  page.fittedAt = performance.now();
  worker.postMessage({ type: 'fitted' });
}

/// The per-class bars (`d`: an accuracy reply, or null to clear them, with `why` in place).
function showAccuracy(d, why = null) {
  const box = $('class-accuracy');
  if (!d) {
    box.replaceChildren();
    box.setAttribute('aria-label', 'conditional accuracy per class: not measured');
    $('accuracy-caption').textContent = why ?? (conditional()
      ? 'How often a draw for each class shows that class, as an independent classifier judges it: measuring…'
      : 'The plain VAE has no classes to generate: choose a CVAE model to measure how often a class comes out as asked.');
    return;
  }
  paintBars(box, d.perClass.map((p, y) => ({ height: p, colour: CLASS_COLOURS[y % 10], label: String(y), title: `class ${y}: ${(p * 100).toFixed(0)} %` })),
    `conditional accuracy per class: ${d.perClass.map((p, y) => `${y}: ${Math.round(p * 100)} %`).join(', ')}`);
  box.dataset.accuracy = String(d.accuracy);
  $('accuracy-caption').textContent = `${(d.accuracy * 100).toFixed(1)} % of ${d.perClassDraws} draws per class show their class `
    + `(bars: per class, full height = 100 %), drawn as ${d.distribution}; step ${d.step.toLocaleString()}, judged by an independent classifier `
    + `(${(d.classifierTestAccuracy * 100).toFixed(1)} % on real test images).`;
}

/// An active unit's bar is in the accent colour, an inactive one's grey (Var(μ) ≤ 0.01, Burda et al.).
const activeColour = (variance) => (variance > 0.01 ? 'var(--accent)' : 'var(--muted)');

/// KL per latent dimension as bars (tallest = the largest), and the active units.
function showLatentReport(d) {
  const box = $('kl-dims');
  if (!d.klPerDim.length) { // the autoencoder has no KL term: its codes' spread per dimension instead
    showActivity(box, d);
    return;
  }
  const top = Math.max(...d.klPerDim, 1e-9);
  paintBars(box, d.klPerDim.map((kl, u) => ({
    height: kl / top, colour: activeColour(d.activity[u]), label: String(u + 1), title: `z${u + 1}: KL ${kl.toFixed(2)} nats, Var(μ) ${d.activity[u].toFixed(3)}`,
  })), `KL per latent dimension: ${d.klPerDim.map((k, u) => `z${u + 1} ${k.toFixed(2)}`).join(', ')}`);
  box.dataset.activeUnits = String(d.activeUnits);
  const total = d.klPerDim.reduce((a, b) => a + b, 0);
  $('kl-caption').textContent = `KL to the prior per latent dimension on the ${d.images.toLocaleString()} test images (nats; ${total.toFixed(1)} in all), step ${d.step.toLocaleString()}. `
    + `Active units: ${d.activeUnits} of ${d.klPerDim.length} (grey bars: the dimension's μ barely moves with the image, Var(μ) ≤ 0.01; a collapsed dimension carries nothing).`;
}

/// The plain autoencoder's bars: Var(μ) per dimension, with the active units.
function showActivity(box, d) {
  const top = Math.max(...d.activity, 1e-9);
  paintBars(box, d.activity.map((a, u) => ({ height: a / top, colour: activeColour(a), label: String(u + 1), title: `z${u + 1}: Var(μ) ${a.toFixed(3)}` })),
    `variance of the code per latent dimension: ${d.activity.map((a, u) => `z${u + 1} ${a.toFixed(2)}`).join(', ')}`);
  box.dataset.activeUnits = String(d.activeUnits);
  const who = page.values.model === 'pca' ? 'PCA has' : 'The autoencoder has';
  const pcaNote = page.values.model === 'pca' ? ' For PCA they follow its directions\' variances on the training images (the covariance\'s top eigenvalues), largest first.' : '';
  $('kl-caption').textContent = `${who} no KL term and no prior: bars show how far its codes spread per dimension, Var(μ), on the ${d.images.toLocaleString()} test images `
    + `(largest ${top.toFixed(2)}; N(0, I) would give 1). Active units: ${d.activeUnits} of ${d.activity.length}.${pcaNote}`;
}

$('iw-run').addEventListener('click', () => {
  const { value, problem } = coerce({ label: 'k', kind: 'int', min: 1, max: 5000, fallback: 1000 }, $('iw-k').value);
  if (problem) { say(`${problem}: nothing was run`, 'warn'); $('iw-k').value = String(value); return; }
  $('iw-run').disabled = true;
  $('iw-cancel').disabled = false;
  $('iw-bar').value = 0;
  $('iw-result').textContent = `Estimating with k = ${value.toLocaleString()}…`;
  worker.postMessage({ type: 'iw', k: value });
});
$('iw-cancel').addEventListener('click', () => worker.postMessage({ type: 'iwCancel' }));

/// The sampler controls from page.values.
function showSampler() {
  $('sampler').value = page.values.sampler;
  $('tau').value = String(page.values.tau);
  $('tau-out').textContent = Number(page.values.tau).toFixed(2);
}
for (const key of ['sampler', 'tau']) {
  $(key).addEventListener(key === 'tau' ? 'input' : 'change', () => {
    const { value, problem } = coerce(BY_KEY[key], $(key).value);
    if (problem) say(problem, 'warn');
    page.values[key] = value;
    $('tau-out').textContent = Number(page.values.tau).toFixed(2);
    saveHashSoon();
    requestSamples();
    if (key === 'sampler' || !page.tauTimer) {
      // While τ is being dragged the bars follow once it settles.
      clearTimeout(page.tauTimer);
      page.tauTimer = setTimeout(() => { page.tauTimer = 0; requestAccuracy(); }, key === 'tau' ? 400 : 0);
    }
  });
}
showSampler();

function say(text, kind = 'info') {
  const li = document.createElement('li');
  li.className = kind;
  li.textContent = text;
  $('messages').prepend(li);
  while ($('messages').children.length > 5) $('messages').lastChild.remove();
}

$('train').addEventListener('click', () => worker.postMessage(page.running ? { type: 'pause' } : { type: 'train', until: untilNow() }));
// ---- The walkthrough: the worker computes, walkthrough.js shows. One ε seed per Start, so the
// stages and the step use the same noise.
const walkthrough = new Walkthrough({
  panel: $('walk-panel'), title: $('walk-stage-title'), formula: $('walk-formula'), text: $('walk-text'), figure: $('walk-figure'),
  pos: $('walk-pos'), back: $('walk-back'), next: $('walk-next'), nav: $('walk-nav'),
}, () => worker.postMessage({ type: 'stepOn', ...page.walkRequest }));
page.walkthrough = walkthrough;
function startWalk() {
  const drawn = $('walk-drawn').checked && !pad.isEmpty();
  const source = drawn ? { pixels: pad.pixels(), cls: page.cls ?? page.values.class } : { train: Number($('walk-image').value) };
  page.walkRequest = { source, seed: Math.floor(Math.random() * 2 ** 31) };
  setRunning(false);
  worker.postMessage({ type: 'walk', ...page.walkRequest });
}
$('walk-start').addEventListener('click', startWalk);
walkthrough.go(0);

// ---- The stop condition: train until a step or an epoch (the address keeps it).
const untilNow = () => (page.values.until > 0 ? { [page.values.untilUnit]: page.values.until } : null);
const untilText = (u) => (u.step != null ? `step ${u.step.toLocaleString()}` : `the end of epoch ${u.epoch}`);
function showUntil() {
  $('until').value = page.values.until > 0 ? String(page.values.until) : '';
  $('until-unit').value = page.values.untilUnit;
}
for (const [id, key] of [['until', 'until'], ['until-unit', 'untilUnit']]) {
  $(id).addEventListener('change', () => {
    const { value, problem } = coerce(BY_KEY[key], $(id).value === '' ? 0 : $(id).value);
    if (problem) say(problem, 'warn');
    page.values[key] = value;
    showUntil();
    saveHashSoon();
  });
}
showUntil();

// ---- Lesson links: hidden parts from the address; "Copy link" with the parts ticked hidden.
applyHidden(page.values.hide);
$('share-hide').append(...Object.keys(HIDEABLE).map((name) => {
  const label = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.value = name;
  box.checked = page.values.hide.split(',').includes(name);
  label.append(box, ` ${name}`);
  return label;
}));
$('copy-link').addEventListener('click', async () => {
  const hide = [...$('share-hide').querySelectorAll('input:checked')].map((b) => b.value).join(',');
  const walk = page.walkthrough.walk ? page.walkthrough.at + 1 : 0;
  const url = `${location.origin}${location.pathname}${writeHash({ ...page.values, hide, walk }, sliders.values())}`;
  const copied = await copyLink(url, $('link-out'));
  $('copy-link').dataset.link = url;
  say(copied ? 'The link to this view is copied.' : 'Copy the link from the box under the button.', 'info');
});

function chartDisplay() {
  const weight = Number($('chart-smooth').value);
  $('chart-smooth-out').textContent = weight.toFixed(2);
  chart.setSmoothing(weight);
}
$('chart-smooth').addEventListener('input', chartDisplay);
$('chart-log').addEventListener('change', () => chart.setLog($('chart-log').checked));
chartDisplay();
$('runs-csv').addEventListener('click', async () => {
  downloadBlob(new Blob([await runs.csv()], { type: 'text/csv' }), 'vae-lab-runs.csv');
});
$('runs-clear').addEventListener('click', () => runs.clear().catch((e) => say(`The runs log could not be cleared: ${e?.message ?? e}`, 'warn')));
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
  const config = modelConfig(page.values);
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
$('measure-accuracy').addEventListener('click', () => {
  $('accuracy').textContent = 'measuring…';
  page.accuracyDraws = 500;
  accuracyFlight.request();
});
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

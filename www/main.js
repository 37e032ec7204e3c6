// The page: a router between the training worker (through protocol.js's client) and the
// controllers, each with its own declared state: the run controls, the explorer, the latent space
// and drawing, the diagnostics, the chart with the runs log, the walkthrough and the settings.
// Every model change goes through `change` (it asks before discarding training of the user's own)
// and `install`: the panels say they are out of date, and once the new model (a new generation)
// is ready each measures it afresh; nothing of one model is shown under another.
import { readHash, modelConfig, PARAMS } from './state/state.js';
import { FACTS } from './state/facts.js';
import { makeClient, quiet } from './workers/protocol.js';
import { typesetAll } from './views/formulas.js';
import { fitsShipped } from './state/shipped-model.js';
import { ask } from './lib/ask.js';
import { $, page, kindOf, datasetOf, say, showKindParts } from './controllers/page.js';
import { createExplorer } from './controllers/explorer.js';
import { createLatentSpace } from './controllers/latent-space.js';
import { createDiagnostics } from './controllers/diagnostics.js';
import { createChartRuns } from './controllers/chart-runs.js';
import { createRunControls } from './controllers/run-controls.js';
import { createWalk } from './controllers/walk.js';
import { createSettings } from './controllers/settings.js';
import { createCompare } from './controllers/compare.js';
import { describeCheckpoint } from '../pkg/page/vae_lab.js';
import { isolateFromNextLoad } from './lib/isolation.js';

const start = readHash(location.hash);
page.values = start.values;
// A kind starts at its own learning rate (a GAN's at 2·10⁻⁴) unless the address names one.
if (!start.given.has('learningRate')) page.values.learningRate = kindOf().learningRate;
showKindParts(kindOf()); // at once, from the address's kind (no layout shift when the model comes)
window.vaeLab = page; // for the e2e tests and for poking at from the console
// The wasm is compiled once by boot.js, before this module ran; the training worker is started
// there too, or here when the first image does not wait for it (see boot.js).
const { wasmModule, startWorker, trainingWorker, shippedModel, noteAutosave } = window.vaeLabBoot;
const worker = trainingWorker();
const client = makeClient(worker);
Object.assign(page, { worker, client });
wasmModule.catch((e) => say(`The model's code (WebAssembly) could not be loaded: ${e?.message ?? e}`, 'error'));
worker.onerror = (e) => say(`The model worker failed to start: ${e.message ?? 'unknown error'}`, 'error');

let settings = null;
const saveHashSoon = () => settings?.saveHashSoon();
const explorer = createExplorer({ client, wasmModule, onZ: (z) => space.followZ(z), saveHashSoon });
const space = createLatentSpace({ client, startWorker, explorer });
const chartRuns = createChartRuns({ client });
const diagnostics = createDiagnostics({
  client,
  onLatent: (d) => chartRuns.note({ activeUnits: d.activeUnits }),
  onBound: (d) => chartRuns.note({ iw: d.negLogLikelihood, iwK: d.k }, { now: true }),
});
const controls = createRunControls({ client, change, noteAutosave });
const compare = createCompare({ client });
const walk = createWalk({ client, drawn: space.drawn, setRunning: controls.setRunning });
settings = createSettings({ client, change, explorer, controls });
Object.assign(explorer, {
  onClass: () => space.classChosen(),
  onLabel: () => space.labelChanged(),
  onSize: (latent) => space.sized(latent),
  onAccuracy: (d) => chartRuns.note({ accuracy: d.accuracy, accuracySampler: `${d.sampler}, τ ${d.tau}` }, { now: true }),
});
settings.updated = (config) => chartRuns.updated(config);
controls.onChange = saveHashSoon;
explorer.setPendingZ(start.z, !!start.z);
// The panels, in the order they are told of a model change.
const panels = [controls, explorer, space, diagnostics, chartRuns, walk, compare];
start.problems.forEach((p) => say(p, 'warn'));

/// Asks before a change replaces a model with training of the user's own that is in no file.
/// `sameSlot`: the new model takes the old one's place in the autosave too (Start fresh, a load).
/// Resolves true to go on.
async function mayDiscard({ sameSlot }) {
  if (!page.model || page.ownSteps <= 0) return true;
  const kind = kindOf({ model: page.model.config.model });
  const data = datasetOf(page.model.dataset);
  const where = `${kind.name} on ${data?.name ?? 'your own files'}`;
  const steps = `${page.ownSteps.toLocaleString()} step${page.ownSteps === 1 ? '' : 's'}`;
  const save = { label: 'Save it to a file, then replace it', value: 'save' };
  const answer = await ask(!data ? {
    title: 'Replace your model?',
    text: `Your ${where} has ${steps} trained here. This browser does not keep models of your own data: save it to a file first to keep it.`,
    answers: [save, { label: 'Replace it', value: 'replace' }],
  } : sameSlot ? {
    title: 'Replace your model?',
    text: `Your ${where} has ${steps} trained here that are in no file. The new model takes its place; this browser's autosave keeps yours until the new one trains (a loaded file: at once). Save it to a file first to keep it for good.`,
    answers: [save, { label: 'Replace it', value: 'replace' }],
  } : {
    title: 'Switch models?',
    text: `Your ${where} has ${steps} trained here. It stays in this browser's autosave: switching back to ${where} brings it back.`,
    answers: [{ label: 'Switch', value: 'switch' }],
  });
  if (answer === 'save') $('save').click();
  return answer !== null;
}

/// A model change (a setting, Start fresh, a load, the user's files): asks, then installs.
/// Resolves whether it went ahead.
async function change({ why, source = 'auto', request = 'init', args = {}, transfer = [], values = {}, wanted = {}, sameSlot = false }) {
  if (!(await mayDiscard({ sameSlot }))) return false;
  Object.assign(page.values, values);
  const call = request === 'init'
    ? client.init({ config: modelConfig(page.values), dataset: page.values.dataset, source, wanted })
    : client[request](args, transfer);
  return install(why, call);
}

/// Every panel says it is out of date (and `why`), then the new model is ready or, should the
/// change fail, the old one is measured again.
async function install(why, call) {
  panels.forEach((p) => p.reset(why));
  try {
    ready(await call);
    return true;
  } catch (e) {
    say(`${e.during}: ${e.message}`, 'error');
    if (!page.model) { $('status').textContent = `The model could not be built: ${e.message}`; return false; }
    page.values = { ...page.values, ...page.model.config, dataset: page.model.dataset };
    settings.form.set(page.values);
    ready({ ...page.model, again: true });
    $('status').textContent = 'The model in memory was kept as it was.';
    return true;
  }
}

let firstModel = true;
/// A model is ready (`d`: the worker's description of it, with its generation).
function ready(d) {
  page.readyMs ??= performance.now();
  page.model = d;
  page.kind = FACTS.kinds[d.config.model];
  showKindParts(page.kind);
  page.classes = d.classes;
  page.classMeans = d.classMeans;
  page.followClass = null;
  page.fitted = null;
  // The training settings an address gave (a lesson's β, say) outlast the first model's own.
  const asked = firstModel ? Object.fromEntries(['beta', 'learningRate', 'warmup'].filter((k) => start.given.has(k)).map((k) => [k, page.values[k]])) : {};
  firstModel = false;
  settings.ready(d, asked);
  (d.notices ?? []).forEach((n) => say(n, 'warn'));
  for (const p of panels) if (!(d.again && p === chartRuns)) p.ready(d);
}

client.on('progress', (d) => {
  page.lastProgress = d;
  page.classMeans = d.classMeans;
  chartRuns.progress(d);
  controls.progress(d);
  explorer.progress(d);
  space.progress(d);
  diagnostics.progress();
});
/// New weights on screen: the sliders' image first, then the grid's worker, the chart and KaTeX.
function showWeights(bytes) {
  explorer.weights(bytes).then(() => {
    if (page.firstImageMs === undefined && page.readyMs === undefined) {
      $('status').textContent = 'Reading the data set for training… the sliders already decode the shipped model.';
    }
    if (page.firstImageMs === undefined) isolateFromNextLoad((text) => say(text, 'info')); // threads on a static host
    page.firstImageMs ??= performance.now();
    chartRuns.chart.show(); // after the first image (see chart.js)
    typesetAll(); // KaTeX too
    space.weights(bytes);
  }, (e) => say(`New weights were refused: ${e?.message ?? e}`, 'error')).finally(() => {
    // Once, at load: the worker waits for this before loading its training module.
    if (!page.toldShown) worker.postMessage({ type: 'shown' });
    page.toldShown = true;
  });
}
client.on('weights', (d) => {
  // The shipped weights the page painted itself at load (see below) come once more from the worker.
  if (d.shipped && page.shownShipped) return;
  page.weightsSeen = true;
  showWeights(d.bytes);
});
client.on('autosaved', (d) => {
  noteAutosave(...d.key.split('-'));
  if (d.gen === client.gen) $('autosave').textContent = `step ${d.step.toLocaleString()}, ${new Date().toLocaleTimeString()}`;
  chartRuns.runs.autosaved(d.key, d.runId);
});
client.on('notice', (d) => say(d.message, 'warn'));
client.on('error', (d) => {
  if (d.during === 'train' && d.gen === client.gen) {
    // Diverged (rolled back) or failed: show the model as it now is, at the step it is back at
    // (the last progress report was of the diverging steps).
    controls.setRunning(false);
    client.pause().then((p) => controls.showStep(p.step), quiet());
    space.refresh();
  }
  say(`${d.during}: ${d.message}`, 'error');
});

// At load: the shipped model boot.js fetched (none when this browser may hold an autosave) is
// painted as soon as the wasm is ready, rather than once the training worker has started, been
// given the module and fetched it (docs/performance.md). Not when it does not fit the address's
// settings or other weights came first. The worker is given the same bytes (or told there are
// none), so the file is fetched once.
shippedModel.then(async (buffer) => {
  if (!buffer) return;
  const bytes = new Uint8Array(buffer);
  worker.postMessage({ type: 'shipped', bytes: bytes.slice() });
  await explorer.sliderImage.ready;
  const meta = describeCheckpoint(bytes);
  if (page.weightsSeen || meta.dataset !== page.values.dataset || !fitsShipped(meta, page.values)) return;
  page.shownShipped = true;
  page.weightsSeen = true;
  showWeights(bytes);
}).catch(() => {}).finally(() => worker.postMessage({ type: 'shipped', bytes: null }));

// First build: the autosaved model of the address's data set and kind if it fits the sizes the
// address named, else the shipped one, else fresh.
install('loading', client.init({
  config: modelConfig(page.values),
  dataset: page.values.dataset,
  source: 'auto',
  wanted: Object.fromEntries(PARAMS.filter((p) => p.restart && p.key !== 'dataset' && start.given.has(p.key)).map((p) => [p.key, page.values[p.key]])),
}));

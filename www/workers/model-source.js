// Where a model comes from: this browser's autosave (the last model of each data set and kind),
// the shipped pretrained one, fresh random weights, a checkpoint file, or the user's own IDX files.
// Each builds a Lab and installs it (model.js) as a new generation.
import { training, describeCheckpoint } from './wasm-for-training.js';
import { FACTS } from '../state/facts.js';
import { loadAutosave, autosaveKey } from './autosave.js';
import { shippedFor, shippedUrl, fitsShipped } from '../state/shipped-model.js';
import { loadData, keepData, pairUp, isShipped } from './data.js';
import { model, install, postWeights } from './model.js';
import { autosave, reset as resetAutosave } from './autosaver.js';
import { loop } from './training-loop.js';

export const wasm = { Lab: null, threads: 1 }; // the training module's Lab class, once loaded

/// The training module, loaded on first use (after the shipped weights went to the page).
export const ready = () => training().then((t) => { wasm.Lab = t.Lab; wasm.threads = t.threads; loop.wasmMemory = t.memory; });

// At page load the page says when the shipped weights are on screen ({type: 'shown'}); the data
// and the training module (in an isolated page a second 2 MB wasm and its pool of workers) wait
// for it, so that they do not share the two cores with the first image (see build). It also hands
// over the shipped model it fetched ({type: 'shipped'}; null when none), so the file comes once.
export const page = { imageShown: false };
let shown;
const firstImageShown = new Promise((resolve) => { shown = resolve; });
let fromPage;
const shippedFromPage = new Promise((resolve) => { fromPage = resolve; });
/// The page's messages about load order; true when `data` was one.
export function loadOrder(data) {
  if (data?.type === 'shown') { page.imageShown = true; shown(); return true; }
  if (data?.type === 'shipped') { fromPage(data.bytes); return true; } // the first one counts
  return false;
}

/// Replaces the model with `next` (a new generation); the old one is autosaved first if it
/// changed. `keep`: the new one is worth autosaving as it is.
async function replaceWith(next, options, keep) {
  loop.running = false;
  if (next !== model.lab) await autosave();
  install(next, { ...options, threads: wasm.threads });
  resetAutosave(keep);
}

/// A new model on `dataset`; replaces the current one only once it is fully built.
async function newLab(config, dataset) {
  await ready();
  const [images, labels, testImages, testLabels] = await loadData(dataset);
  return new wasm.Lab(config, dataset, images, labels, testImages, testLabels); // throws on bad settings
}

// The autosave for the first model is read as soon as the worker starts (opening IndexedDB takes
// about 100 ms), while the wasm is still compiling.
let firstRead = null;
export const readEarly = (key) => { firstRead = { key, read: loadAutosave(key) }; };

/// The autosaved model of `dataset` and `wanted.model` if there is one, it loads, and it fits
/// `wanted` (the settings asked for explicitly). Returns {lab, …} or {notice} saying why not.
async function restore(dataset, wanted) {
  const key = autosaveKey(dataset, wanted.model);
  const read = firstRead?.key === key ? firstRead.read : loadAutosave(key);
  firstRead = null;
  const { record: saved, problem } = await read;
  if (problem) return { notice: `The autosaved model could not be restored: ${problem}. Starting afresh.` };
  if (!saved) return {};
  try {
    const meta = await describeCheckpoint(saved.checkpoint);
    if (!Object.entries(wanted).every(([k, v]) => meta.config[k] === v)) return {};
    const next = await newLab(meta.config, saved.dataset);
    const loaded = next.loadCheckpoint(saved.checkpoint);
    return { lab: next, history: saved.history, run: saved.run, ownSteps: Number(saved.ownSteps ?? 1), from: { kind: 'autosave', step: loaded.step, savedAt: saved.savedAt, resumed: loaded.resumed } };
  } catch (e) {
    return { notice: `The autosaved model could not be restored: ${e?.message ?? e}. Starting afresh.` };
  }
}

/// The bytes of `shipped` (the shipped model that has `config`'s kind and sizes, from
/// shipped-model.js), checked to fit; at load the page's copy when it is that file.
async function pretrainedBytes(shipped, config, dataset, early) {
  const given = early ? await shippedFromPage : null;
  let bytes = null;
  if (given) {
    const meta = await describeCheckpoint(given);
    if (meta.dataset === dataset && fitsShipped(meta, config)) bytes = given;
  }
  if (!bytes) {
    const res = await fetch(shippedUrl(shipped));
    if (!res.ok) return null;
    bytes = new Uint8Array(await res.arrayBuffer());
  }
  return fitsShipped(await describeCheckpoint(bytes), config) ? bytes : null;
}

/// The shipped model's loss curve (one point per epoch, scripts/history-from-logs.mjs: the step,
/// each figure its kind's step reports, and the test −ELBO, null where none was measured, as for a
/// GAN), if it is there and ends at the model's step; else none (the chart then starts empty).
async function historyFor(shipped, step) {
  try {
    const res = await fetch(shippedUrl(shipped, 'history.json'));
    if (!res.ok) return null;
    const h = await res.json();
    const keys = ['step', ...FACTS.kinds[shipped.model].terms, 'test'];
    const fits = keys.every((k) => Array.isArray(h[k]) && h[k].length === h.step.length) && h.step.at(-1) === step;
    return fits ? Object.fromEntries(keys.map((k) => [k, h[k].map((v) => (v === null ? null : Number(v)))])) : null;
  } catch {
    return null;
  }
}

/// A model for the page: `source` 'auto' (the autosave of this data set and kind when it fits
/// `wanted`, else the shipped one when it fits, else fresh), 'pretrained' (shipped, else fresh) or
/// 'fresh'. Returns what the page is told once it is ready.
export async function build({ config, dataset, source = 'auto', wanted = {} }) {
  loop.running = false;
  const early = !model.lab; // page load: the page has no weights yet
  // The shipped model is fetched while the autosave is looked up (opening IndexedDB takes a while);
  // a failure is met below, if what failed is needed at all. So is the data, except at page load
  // when the shipped weights are to be the first image: then it waits until they are on screen.
  const entry = source !== 'fresh' && isShipped(dataset) ? shippedFor(dataset, config) : null;
  const shipped = entry ? pretrainedBytes(entry, config, dataset, early) : Promise.resolve(null);
  shipped.catch(() => {});
  if (isShipped(dataset) && !(early && source !== 'fresh')) loadData(dataset).catch(() => {});
  const notices = [];
  if (source === 'auto' && isShipped(dataset)) {
    const back = await restore(dataset, { ...wanted, model: config.model });
    if (back.lab) {
      await replaceWith(back.lab, back, false);
      return { history: model.history };
    }
    if (back.notice) notices.push(back.notice);
  }
  // At page load the sliders need only the weights: they are sent first, and the data is fetched
  // and read into a model (200 ms of work) once the page shows them.
  if (early) {
    const first = await shipped.catch(() => null);
    if (first) {
      // The page usually paints its own copy at load and has said so by now; if not, it gets
      // these (and drops them, tagged, should its own come first after all).
      if (!page.imageShown) postWeights(first.slice(), { shipped: true });
      await firstImageShown;
    }
  }
  const next = await newLab(config, dataset);
  const bytes = await shipped;
  let from = { kind: 'fresh' };
  let history = null;
  if (bytes) {
    const meta = next.loadCheckpoint(bytes);
    from = { kind: 'pretrained', step: meta.step };
    history = await historyFor(entry, meta.step);
  }
  // A fresh model is autosaved once it trains, not before: until then the autosave keeps the
  // last one of its kind that did.
  await replaceWith(next, { from, history, weightsSent: early && !!bytes }, false);
  return { notices, ...(history ? { history } : {}) };
}

/// Loads a checkpoint file; switches data set first when it was trained on another known one.
export async function loadFile({ bytes, name }) {
  await ready();
  const meta = await describeCheckpoint(bytes); // throws with the reason on a bad file
  const kind = FACTS.kinds[meta.config.model];
  if (!kind?.inPage) throw new Error(`this file holds a ${kind?.name ?? meta.config.model}, which the page cannot show yet (the command line trains, samples and evaluates it); nothing was changed`);
  const target = isShipped(meta.dataset) ? meta.dataset : model.lab.dataset;
  const next = target === model.lab.dataset ? model.lab : await newLab(meta.config, target);
  if (next === model.lab) await autosave(); // the model it replaces, as it stood
  const loaded = next.loadCheckpoint(bytes);
  const from = { kind: 'file', name, step: meta.step, resumed: loaded.resumed, trainer: meta.trainer ?? null };
  await replaceWith(next, { from }, true);
  return {};
}

/// Trains from now on on the user's own files: a fresh model with the page's settings.
export async function useFiles({ files, config }) {
  await ready();
  const data = pairUp(files, (b, n) => wasm.Lab.idxDims(b, n));
  const name = `your files: ${files.map((f) => f.name).join(', ')}`.slice(0, 120);
  const next = new wasm.Lab(config, name, ...data); // checks every file whole; throws with the reason
  keepData(name, data);
  await replaceWith(next, { from: { kind: 'files' } }, false);
  return {};
}

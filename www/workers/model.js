// The model in memory and what goes with it: its generation (a new number for every model
// installed, see protocol.js), where it came from, its loss curve, its run in the page's runs log,
// and how many steps it trained here since it was last loaded, shipped or saved to a file (the
// page asks before replacing such work).
import { halve } from '../lib/series.js';
import { FACTS } from '../state/facts.js';

const HISTORY_MAX = 4000; // loss points kept (and autosaved); past it every other one is dropped

/// A loss curve: steps, one column per figure the kind's step reports, and the test −ELBO.
export const emptyHistory = (terms = ['recon', 'kl', 'loss']) => ({ step: [], ...Object.fromEntries(terms.map((t) => [t, []])), test: [] });
export const newRun = () => ({ id: `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`, trainMs: 0 });

export const model = {
  lab: null, // the wasm Lab, or null until the first model is built
  gen: 0, // its generation
  from: null, // {kind: 'pretrained'|'autosave'|'fresh'|'file'|'files', …}
  history: emptyHistory(),
  run: newRun(),
  ownSteps: 0, // steps trained here since loaded, shipped or saved to a file
  weightsStep: -1, // the step whose weights the page has
};

/// The current weights to the page (which decodes the sliders' image and passes them on to the
/// grid's worker), when they changed since it last got them.
export function sendWeights(force = false) {
  const { lab } = model;
  if (!lab || (!force && lab.step === model.weightsStep)) return;
  model.weightsStep = lab.step;
  postWeights(lab.modelCheckpoint());
}

export const postWeights = (bytes, extra = {}) => postMessage({ status: 'weights', bytes, gen: model.gen, ...extra }, [bytes.buffer]);

/// Makes `next` the model (a new generation). `weightsSent`: the page already has these weights.
export function install(next, { from, history = null, run = null, ownSteps = 0, weightsSent = false, threads = 1 }) {
  if (next !== model.lab) model.lab?.free();
  model.lab = next;
  model.gen += 1;
  next.setThreads(threads);
  model.from = from;
  model.history = history ?? emptyHistory(FACTS.kinds[next.config().model].terms);
  model.run = run?.id ? { id: String(run.id), trainMs: Number(run.trainMs) || 0 } : newRun();
  model.ownSteps = ownSteps;
  if (weightsSent) model.weightsStep = next.step;
  else sendWeights(true);
}

/// One point of the loss curve (each of its columns from `p`'s figure of that name); `test` holds
/// the test −ELBO where one was measured, else null.
export function record(p) {
  const h = model.history;
  h.test ??= h.step.map(() => null); // saved before the test curve existed
  for (const [key, column] of Object.entries(h)) column.push(p[key] ?? null);
  if (h.step.length > HISTORY_MAX) halve(Object.values(h));
}

/// What the page is told when a model is ready.
export function describe(extra = {}) {
  const { lab, run } = model;
  return {
    gen: model.gen,
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
    from: model.from,
    ownSteps: model.ownSteps,
    ...extra,
  };
}

// The autosave's policy: the model in memory is saved (with its optimiser state, loss curve and
// run) under its data set and kind once it trained here, at most every AUTOSAVE_MS while it trains,
// whenever it stops, and before it is replaced; one save at a time. The user's own data is not kept
// in the browser, so a model trained on it is not either. A failed save is said once.
import { saveAutosave, autosaveKey } from './autosave.js';
import { model } from './model.js';
import { isShipped } from './data.js';

const AUTOSAVE_MS = 5000;
export const saving = { dirty: false, at: 0, failed: false };
let chain = Promise.resolve(); // saves run one after another, each seeing the model as it is then

/// The model changed in a way worth keeping.
export function touched() { saving.dirty = true; }

/// Saves (after any save in progress) if the model changed since the last save; resolves once done.
export function autosave() {
  chain = chain.then(saveNow);
  return chain;
}

async function saveNow() {
  const { lab } = model;
  if (!saving.dirty || !lab || !isShipped(lab.dataset)) return;
  saving.dirty = false;
  const key = autosaveKey(lab.dataset, lab.config().model);
  const { history, run, ownSteps, gen } = model;
  try {
    const checkpoint = lab.saveCheckpoint();
    await saveAutosave(key, { savedAt: Date.now(), dataset: lab.dataset, step: lab.step, checkpoint, history, run, ownSteps });
    saving.at = performance.now();
    postMessage({ status: 'autosaved', step: lab.step, key, runId: run.id, gen });
  } catch (e) {
    saving.dirty = true;
    if (!saving.failed) postMessage({ status: 'error', during: 'autosave', message: `${e?.message ?? e}; the model stays in this tab only` });
    saving.failed = true;
  }
}

/// While training: saves when AUTOSAVE_MS passed since the last save (or at once when `now`).
export function autosaveSoon(now) {
  if (!now && performance.now() - saving.at < AUTOSAVE_MS) return;
  saving.at = performance.now(); // counted from the start, so that slow saves do not queue up
  autosave();
}

/// A new model is installed: nothing of it to save until it changes (`keep`: save it as it is).
export function reset(keep) {
  saving.dirty = keep;
  if (keep) autosave();
}

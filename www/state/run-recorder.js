// Keeps the current model's entry in the runs log up to date from what the worker reports, and
// the runs table with it. A model is a run once it trains (or, for PCA, once it is solved and
// measured): opening the page on a shipped model records nothing until Train.
import { allRuns, putRun, clearRuns, thinCurve, runsCsv } from './runs.js';
import { FACTS } from './facts.js';

/// A kind solved exactly (PCA) is fixed by its data and size: solving it again is the same run.
const solved = (model) => !FACTS.kinds[model]?.trainable;

const SAVE_EVERY_MS = 3000; // while training; at once when it pauses or something is measured

export class RunRecorder {
  constructor(table, chart, onProblem) {
    Object.assign(this, { table, chart, onProblem });
    this.run = null;
    this.savedAt = 0;
    this.failed = false;
    this.refresh();
  }

  /// A model is ready (the worker's `ready` message): its run goes on if it was recorded before
  /// (an autosave restored), else a new one starts.
  async begin(d, settings) {
    const c = d.config;
    this.run = {
      id: d.runId, started: Date.now(), startStep: d.step, dataset: d.dataset, model: c.model, latent: c.latent, beta: c.beta,
      settings: settings(c), step: d.step, seconds: d.trainSeconds ?? 0, curve: { step: [], loss: [], test: [] },
    };
    const same = solved(c.model) ? (r) => r.model === c.model && r.dataset === d.dataset && r.latent === c.latent : (r) => r.id === d.runId;
    const runs = await this.list();
    const known = runs.find(same);
    // What was measured before the reload stays; where it trained to and its settings are now's.
    if (known && this.run?.id === d.runId) {
      const { step, seconds, latent, beta, settings: s } = this.run;
      this.run = { ...known, step, seconds, latent, beta, settings: s, recorded: true };
    }
    const id = this.run.id;
    this.table.show(runs, id);
  }

  /// Adds `fields` to the current run; saves it (throttled unless `now`) once it is a run.
  note(fields, { now = false } = {}) {
    const r = this.run;
    if (!r) return;
    Object.assign(r, fields);
    const isRun = r.step > r.startStep || solved(r.model) || r.recorded;
    if (!isRun || (!now && performance.now() - this.savedAt < SAVE_EVERY_MS)) return;
    r.recorded = true;
    const h = this.chart.headline();
    if (h.step.length) r.curve = { ...thinCurve(h.step, h.loss, h.test), term: h.term };
    this.savedAt = performance.now();
    putRun(structuredClone(r)).then(() => this.refresh(), (e) => {
      if (!this.failed) this.onProblem(`The runs log could not be saved (${e?.message ?? e}); runs are not recorded in this tab.`);
      this.failed = true;
    });
  }

  /// The autosave under `key` now holds run `runId`'s weights: other runs it held lose theirs, and
  /// their rows say so (a row never points to weights that are gone).
  async autosaved(key, runId) {
    if (this.run?.id === runId) Object.assign(this.run, { slot: key, weights: 'in this browser' });
    const gone = (await this.list()).filter((r) => r.slot === key && r.id !== runId && !String(r.weights).startsWith('gone'));
    for (const r of gone) await putRun({ ...r, weights: 'gone (replaced in the autosave)' }).catch(() => {});
    if (gone.length) this.refresh();
  }

  async list() {
    try {
      return await allRuns();
    } catch (e) {
      if (!this.failed) this.onProblem(`The runs log could not be read (${e?.message ?? e}).`);
      this.failed = true;
      return [];
    }
  }

  async refresh() {
    this.table.show(await this.list(), this.run?.id);
  }

  async csv() {
    return runsCsv(await this.list());
  }

  async clear() {
    await clearRuns();
    if (this.run) this.run.recorded = false;
    await this.refresh();
  }
}

// The runs log: one record per model trained (or solved) in this browser, kept in IndexedDB beside
// the autosave (a database of its own, so neither can damage the other): its kind and settings,
// how far it trained and what was measured of it, and its loss curve thinned to a few hundred
// points for overlaying on the chart.

const DB_NAME = 'vae-lab-runs';
const STORE = 'runs';
const CURVE_POINTS = 400;
export const RUNS_MAX = 200; // the oldest go past this

const done = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

let opened = null;
function open() {
  opened ??= (async () => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
    const db = await done(req);
    db.onversionchange = () => db.close();
    return db;
  })();
  return opened;
}

/// Every recorded run, oldest first.
export async function allRuns() {
  const db = await open();
  const runs = await done(db.transaction(STORE, 'readonly').objectStore(STORE).getAll());
  return runs.filter((r) => r && typeof r.id === 'string').sort((a, b) => a.started - b.started);
}

/// Writes (or rewrites) one run; past RUNS_MAX the oldest are dropped.
export async function putRun(run) {
  const db = await open();
  const tx = db.transaction(STORE, 'readwrite');
  const store = tx.objectStore(STORE);
  store.put(run);
  const keys = await done(store.getAllKeys());
  if (keys.length > RUNS_MAX) {
    const runs = await done(store.getAll());
    runs.sort((a, b) => a.started - b.started).slice(0, runs.length - RUNS_MAX).forEach((r) => store.delete(r.id));
  }
  await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); });
}

export async function clearRuns() {
  const db = await open();
  await done(db.transaction(STORE, 'readwrite').objectStore(STORE).clear());
}

/// The loss curve {step, loss, test} of `data` (the chart's columns), thinned evenly.
export function thinCurve(steps, loss, test) {
  const every = Math.max(1, Math.ceil(steps.length / CURVE_POINTS));
  const pick = (a) => a.filter((_, i) => i % every === 0 || i === steps.length - 1);
  return { step: pick(steps), loss: pick(loss), test: pick(test) };
}

/// The columns of the runs table and of its CSV: key, heading, and how a value is shown.
export const COLUMNS = [
  { key: 'started', label: 'Started', show: (v) => new Date(v).toLocaleString([], { dateStyle: 'short', timeStyle: 'short' }), csv: (v) => new Date(v).toISOString() },
  { key: 'dataset', label: 'Data' },
  { key: 'model', label: 'Model' },
  { key: 'latent', label: 'Latent' },
  { key: 'beta', label: 'β' },
  { key: 'settings', label: 'Settings' },
  { key: 'step', label: 'Steps', show: (v) => v.toLocaleString() },
  { key: 'seconds', label: 'Train time (s)', show: (v) => v.toFixed(0) },
  { key: 'trainLoss', label: 'Train loss', show: (v) => v.toFixed(2) },
  { key: 'testError', label: 'Test −ELBO / error', show: (v) => v.toFixed(2) },
  { key: 'iw', label: '−log p(x) (IW)', show: (v) => v.toFixed(2) },
  { key: 'activeUnits', label: 'Active units' },
  { key: 'accuracy', label: 'Class accuracy', show: (v) => `${(v * 100).toFixed(1)} %`, csv: (v) => v.toFixed(4) },
  { key: 'weights', label: 'Weights' }, // where the run's model is: in this browser's autosave, or gone
];

/// The runs as CSV (RFC 4180 quoting), one row per run, the table's columns plus the IW k and
/// the sampler the accuracy was measured with.
export function runsCsv(runs) {
  const extra = [{ key: 'iwK', label: 'IW k' }, { key: 'accuracySampler', label: 'accuracy sampler' }];
  const cols = [...COLUMNS, ...extra];
  const quote = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const cell = (c, r) => (r[c.key] == null ? '' : quote(String(c.csv ? c.csv(r[c.key]) : r[c.key])));
  return [cols.map((c) => quote(c.label)).join(','), ...runs.map((r) => cols.map((c) => cell(c, r)).join(','))].join('\n') + '\n';
}

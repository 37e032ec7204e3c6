// Autosave in IndexedDB: the last model of each data set and kind (a checkpoint with its optimiser
// state), its loss history and when it was saved, so that reloading the page, or switching back to
// a kind, picks up where it stood.
//
// One record per data set and kind, under the key `<dataset>-<kind>`, written by one `put` in one
// transaction: IndexedDB commits a
// transaction whole or not at all, so a tab closed or crashed mid-save keeps the previous record.
// A store that is not ours (another version, other tables) or a record that does not check out is
// reported and replaced, never trusted.

const DB_NAME = 'vae-lab';
const DB_VERSION = 1;
const STORE = 'autosave';
export const FORMAT = 'vae-lab-autosave/1';

function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function openOnce() {
  const req = indexedDB.open(DB_NAME, DB_VERSION);
  req.onupgradeneeded = () => req.result.createObjectStore(STORE);
  const db = await done(req);
  if (!db.objectStoreNames.contains(STORE)) {
    db.close();
    throw new Error('the browser store is not one this page wrote');
  }
  db.onversionchange = () => db.close(); // let another tab's reset through
  return db;
}

let opened = null;
/// The database, replaced by an empty one when what is there is foreign. Returns {db, problem}.
async function open() {
  if (!opened) {
    opened = (async () => {
      try {
        return { db: await openOnce(), problem: null };
      } catch (e) {
        // VersionError (a newer or foreign store), missing tables: start the store afresh.
        await done(indexedDB.deleteDatabase(DB_NAME)).catch(() => {});
        return { db: await openOnce(), problem: `${e?.message ?? e}; it was cleared` };
      }
    })();
  }
  return opened;
}

const isSeries = (a) => Array.isArray(a) && a.every((v) => typeof v === 'number');

/// Why `record` is not a usable autosave, or null when it is.
function problemWith(record) {
  if (!record || typeof record !== 'object') return 'the saved record is not an object';
  if (record.format !== FORMAT) return `the saved record's format '${String(record.format).slice(0, 40)}' is not ${FORMAT}`;
  if (!(record.checkpoint instanceof Uint8Array) || record.checkpoint.length === 0) return 'the saved record has no model';
  if (typeof record.dataset !== 'string' || !Number.isFinite(record.savedAt)) return 'the saved record lacks its data set or time';
  const h = record.history;
  // The steps, and a column per figure of the kind's step (the test curve is checked below).
  const columns = h && typeof h === 'object' ? Object.keys(h).filter((k) => k !== 'test') : [];
  if (!h || !isSeries(h.step) || columns.length < 2 || !columns.every((k) => isSeries(h[k]) && h[k].length === h.step.length)) {
    return 'the saved loss history is damaged';
  }
  // The test curve (absent in records saved before it existed): a number or null per step.
  if (h.test !== undefined && !(Array.isArray(h.test) && h.test.length === h.step.length && h.test.every((v) => v === null || typeof v === 'number'))) {
    return 'the saved loss history is damaged';
  }
  return null;
}

/// The autosave's key for a data set and model kind.
export const autosaveKey = (dataset, kind) => `${dataset}-${kind}`;

/// The autosaved state under `key`: `{record}` when there is a usable one, `{problem}` when what
/// was there cannot be used (that record is then deleted), `{}` when nothing was saved.
export async function loadAutosave(key) {
  try {
    const { db, problem } = await open();
    if (problem) return { problem };
    const record = await done(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
    if (record === undefined) return {};
    const bad = problemWith(record);
    if (bad) {
      await clearAutosave(key);
      return { problem: bad };
    }
    return { record };
  } catch (e) {
    return { problem: `the browser store cannot be read (${e?.message ?? e})` };
  }
}

/// Writes `record` (see problemWith for its shape) under `key` in one transaction; resolves once
/// committed.
export async function saveAutosave(key, record) {
  const { db } = await open();
  const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
  tx.objectStore(STORE).put({ format: FORMAT, ...record }, key);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('autosave aborted'));
  });
}

export async function clearAutosave(key) {
  const { db } = await open();
  const tx = db.transaction(STORE, 'readwrite');
  tx.objectStore(STORE).delete(key);
  await new Promise((resolve) => { tx.oncomplete = resolve; tx.onerror = resolve; });
}

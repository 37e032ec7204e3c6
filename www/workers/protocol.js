// The one protocol between the page and the training worker: the request names, one function per
// request on the page's side (a typed client whose calls return promises), and the worker's side
// that answers them. Replies and errors are routed here, and only here.
//
// Model generations: every model the worker installs (a kind or data set switch, a load, Start
// fresh, a restore, the user's files) gets a new generation number. Every request carries the
// generation the page made it for; the worker refuses one made for another model ('stale'), and
// the page drops any reply for a generation it no longer shows, so no figure of one model is ever
// shown under another.

/// Requests that replace the model: answered with {gen} of the model they installed.
export const MODEL_CHANGES = ['init', 'load', 'files'];
/// Requests about the model as it stands (refused when made for another generation).
export const FIGURES = ['save', 'train', 'step', 'set', 'encode', 'interpolate', 'map', 'reconstructions', 'sample',
  'latent', 'iw', 'probe', 'walk', 'stepOn', 'fitted', 'classify', 'evaluate', 'evaluateFirst', 'accuracy', 'generation', 'sampleFigures', 'compare'];
/// Requests that need no particular model.
export const CONTROLS = ['pause', 'iwCancel'];
export const REQUESTS = [...MODEL_CHANGES, ...FIGURES, ...CONTROLS];
/// What the worker says unasked: training progress, new weights, autosaves, notices, the bound's progress.
export const EVENTS = ['progress', 'weights', 'autosaved', 'notice', 'iw-progress', 'error'];

/// A reply for a model the page no longer shows (or a request the worker refused as such): callers
/// drop it without a word (see `quiet`).
export class Stale extends Error {
  constructor(type) { super(`${type}: answered for another model`); this.stale = true; }
}

/// Drops a stale reply's rejection; any other error goes to `onError`.
export const quiet = (onError = () => {}) => (e) => { if (!e?.stale) onError(e); };

/// The page's side: `client.sample({...})` and so on, one function per request, each returning a
/// promise of the reply. `on(event, fn)` subscribes to what the worker says unasked.
export function makeClient(worker) {
  let nextId = 1;
  const waiting = new Map(); // id → {resolve, reject, type, gen}
  const listeners = new Map();
  const client = {
    gen: 0, // the generation of the model the page shows (0: none yet)
    changing: 0, // model changes in flight: figures asked meanwhile are for the model on its way out
    worker,
    on(event, fn) { listeners.set(event, [...(listeners.get(event) ?? []), fn]); },
    /// Sends `type` with `args`; resolves with the reply, rejects with an Error (or Stale).
    call(type, args = {}, transfer = []) {
      const id = nextId++;
      const gen = client.gen;
      if (MODEL_CHANGES.includes(type)) client.changing++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject, type, gen });
        worker.postMessage({ ...args, type, id, gen }, transfer);
      });
    },
  };
  for (const type of REQUESTS) client[type] = (args, transfer) => client.call(type, args, transfer);

  const emit = (event, data) => (listeners.get(event) ?? []).forEach((fn) => fn(data));
  worker.onmessage = ({ data }) => {
    const w = data.re ? waiting.get(data.re) : null;
    if (!w) {
      // Unasked: progress of another model than the one shown is dropped here.
      if (data.status === 'progress' && (data.gen !== client.gen || client.changing)) return;
      emit(data.status, data);
      return;
    }
    waiting.delete(data.re);
    if (MODEL_CHANGES.includes(w.type)) {
      client.changing--;
      if (data.status === 'error') w.reject(Object.assign(new Error(data.message), { during: w.type }));
      else { client.gen = data.gen; w.resolve(data); }
      return;
    }
    if (data.status === 'stale' || data.gen !== client.gen || w.gen !== client.gen || client.changing) w.reject(new Stale(w.type));
    else if (data.status === 'error') w.reject(Object.assign(new Error(data.message), { during: w.type }));
    else w.resolve(data);
  };
  return client;
}

/// The worker's side: routes each request to `handlers[type]`, which returns the reply (or
/// [reply, transfer]); `current()` gives the generation of the model in memory. A request made for
/// another generation than the current one is answered 'stale' without running.
export function serve(handlers, current, before = () => false) {
  const send = (msg, transfer) => postMessage(msg, transfer ?? []);
  onmessage = async ({ data }) => {
    if (before(data)) return;
    const { type, id } = data;
    try {
      if (!REQUESTS.includes(type) || !handlers[type]) throw new Error(`unknown request '${type}'`);
      if (FIGURES.includes(type) && data.gen !== current()) { send({ re: id, status: 'stale', gen: current() }); return; }
      const gen = current();
      const out = (await handlers[type](data)) ?? {};
      const [reply, transfer] = Array.isArray(out) ? out : [out, []];
      // A figure computed across a model change (an awaited download) is of the old model.
      send({ status: 'ok', gen: MODEL_CHANGES.includes(type) ? current() : gen, ...reply, re: id }, transfer);
    } catch (e) {
      send({ re: id, status: 'error', gen: current(), during: type, message: String(e?.message ?? e) });
    }
  };
  return send;
}

// A classic script in <head>, run while the page's modules are still loading: it starts the slow
// things at once: the wasm's compilation, the download of the shipped model the address asks
// for (main.js paints it as soon as the wasm is ready) and, when the first image has to come from
// it instead, the training worker (which instantiates the compiled module and fetches data and
// model). main.js takes them from window.vaeLabBoot.
window.vaeLabBoot = (() => {
  // The big downloads (the 270 KB wasm, the 1.7 MB model) start once the first frame is painted,
  // so that on a slow connection the page's text and layout are not queued behind them; on
  // loopback that costs the first image about 70 ms (docs/performance.md).
  const painted = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const wasmModule = painted.then(() => WebAssembly.compileStreaming(fetch('pkg/vae_lab_bg.wasm')));
  const startWorker = (url) => {
    const worker = new Worker(url, { type: 'module' });
    wasmModule.then((module) => worker.postMessage({ type: 'module', module }), () => {});
    return worker;
  };

  // Hints, kept when the worker says it saved, that this browser may hold an autosave of a data set
  // and kind (`<dataset>-<kind>`): the worker restores it if it fits, and that is the model to
  // show. localStorage answers at once, where asking IndexedDB took 50-100 ms at load.
  const HINT = 'vae-lab-autosaved';
  const hinted = (() => { try { const v = JSON.parse(localStorage.getItem(HINT) ?? '[]'); return Array.isArray(v) ? v : null; } catch { return null; } })();
  const noteAutosave = (dataset, kind) => {
    try { localStorage.setItem(HINT, JSON.stringify([...new Set([...(hinted ?? []), `${dataset}-${kind}`])])); } catch { /* no storage: no early image */ }
  };

  // The address's data set and model kind, as state.js reads them (FACTS' defaults when not
  // named, or not known); main.js checks the file against the settings before painting it. The
  // shipped models have the default sizes, which addresses leave out (state.js writeHash): one
  // that names a size would not fit, and the worker builds its model.
  const named = new URLSearchParams(location.hash.slice(1));
  const sized = ['latent', 'hidden', 'layers', 'meansSpread'].some((k) => named.has(k));
  const facts = import('./state/facts.js').then((m) => m.FACTS);
  const pick = (key, known, fallback) => (Object.hasOwn(known, named.get(key)) ? named.get(key) : fallback);
  // Only the kinds the page has views for (inPage), as state.js's model menu.
  const shown = (kinds) => Object.fromEntries(Object.entries(kinds).filter(([, k]) => k.inPage));
  const file = facts.then((F) => `${pick('dataset', F.datasets, Object.keys(F.datasets)[0])}-${pick('model', shown(F.kinds), F.defaultKind)}`);
  // Any hint, or none readable, may mean an autosave of this kind: the worker then decides.
  const pageShowsShipped = hinted !== null && !sized;
  const shippedModel = pageShowsShipped
    ? Promise.all([file, painted]).then(([f]) => (hinted.includes(f) ? null : fetch(`models/${f}.safetensors`)))
      .then((r) => (r?.ok ? r.arrayBuffer() : null)).catch(() => null)
    : Promise.resolve(null);

  // The training worker: started now when the first image waits for it; otherwise by main.js
  // once it runs, so that the worker's start does not share the two cores with the page's
  // parsing, layout and compilation (measured in docs/performance.md, "Why the code is so").
  let worker = null;
  // Its address carries the page's, so that it can read the right autosave at once.
  const trainingWorker = () => (worker ??= startWorker(`www/workers/worker.js${location.hash}`));
  if (!pageShowsShipped) trainingWorker();
  return { wasmModule, startWorker, trainingWorker, shippedModel, noteAutosave };
})();

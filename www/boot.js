// The page's first script, in <head> (bundled by scripts/bundle.mjs into www/dist/boot.js, a
// classic script run while the page's modules are still loading): it starts the slow things at
// once: the wasm's compilation, the download of the shipped model the address asks for (main.js
// paints it as soon as the wasm is ready) and, when the first image has to come from it instead,
// the training worker (which instantiates the compiled module and fetches data and model). main.js
// takes them from window.vaeLabBoot.
import { shippedForAddress } from './state/shipped-choice.js';

window.vaeLabBoot = (() => {
  // The big downloads (the page's wasm, the 1.7 MB model) start once the first frame is painted,
  // so that on a slow connection the page's text and layout are not queued behind them; on
  // loopback that costs the first image about 70 ms (docs/performance.md).
  const painted = new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  // The page's own wasm (pkg/page/: the decoder alone, a third the size of the training
  // worker's, which that worker compiles itself): what the first image waits for.
  const wasmModule = painted.then(() => WebAssembly.compileStreaming(fetch('pkg/page/vae_lab_bg.wasm')));
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

  // The shipped model for the address's settings, read by state.js's own rules (its data set,
  // kind and sizes: the defaults where the address names none), from the one list of shipped
  // files (shipped-model.js), at once: bundled in, it needs no module fetched first. None when no
  // shipped file has those sizes, and the worker builds the model. main.js checks the file
  // against the settings before painting it.
  const shipped = (() => { try { return Promise.resolve(shippedForAddress(location.hash)); } catch { return Promise.resolve(null); } })();
  // Any hint, or none readable, may mean an autosave of this data set and kind: the worker then decides.
  const mayShowShipped = hinted !== null;
  const shippedModel = mayShowShipped
    ? Promise.all([shipped, painted]).then(([s]) => (s && !hinted.includes(`${s.dataset}-${s.model}`) ? fetch(`models/${s.file}.safetensors`) : null))
      .then((r) => (r?.ok ? r.arrayBuffer() : null)).catch(() => null)
    : Promise.resolve(null);

  // The training worker: started now when the first image waits for it; otherwise by main.js
  // once it runs, so that the worker's start does not share the two cores with the page's
  // parsing, layout and compilation (measured in docs/performance.md, "Why the code is so").
  let worker = null;
  // Its address carries the page's, so that it can read the right autosave at once. It is
  // www/workers/worker.js and its modules, bundled (scripts/bundle.mjs).
  const trainingWorker = () => (worker ??= startWorker(`www/dist/worker.js${location.hash}`));
  if (!mayShowShipped) trainingWorker();
  else shipped.then((s) => { if (!s) trainingWorker(); });
  return { wasmModule, startWorker, trainingWorker, shippedModel, noteAutosave };
})();

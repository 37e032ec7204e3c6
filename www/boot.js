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

  // A hint, kept when the worker says it saved, that this browser may hold an autosave: the
  // worker restores it if it fits, and that is the model to show. localStorage answers at once,
  // where asking IndexedDB took 50-100 ms at load while the worker opened it.
  const HINT = 'vae-lab-autosaved';
  const mayHaveAutosave = (() => { try { return localStorage.getItem(HINT) !== null; } catch { return true; } })();
  const noteAutosave = () => { try { localStorage.setItem(HINT, '1'); } catch { /* no storage: no early image */ } };

  // The address's data set and model kind, as state.js reads them (its defaults when not named);
  // main.js checks the file against the settings before painting it. The shipped models have the
  // default sizes, which addresses leave out (state.js writeHash): one that names a size would not
  // fit, and the worker builds its model.
  const named = new URLSearchParams(location.hash.slice(1));
  const file = `${named.get('dataset') ?? 'mnist'}-${named.get('model') ?? 'cvae'}`.toLowerCase();
  const sized = ['latent', 'hidden', 'layers', 'meansSpread'].some((k) => named.has(k));
  const pageShowsShipped = !mayHaveAutosave && !sized && /^(mnist|fashion)-(c?vae|sohn|ae|pca)$/.test(file);
  const shippedModel = pageShowsShipped
    ? painted.then(() => fetch(`models/${file}.safetensors`)).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null)
    : Promise.resolve(null);

  // The training worker: started now when the first image waits for it; otherwise by main.js
  // once it runs, so that the worker's start does not share the two cores with the page's
  // parsing, layout and compilation (measured in docs/performance.md, "Why the code is so").
  let worker = null;
  const trainingWorker = () => (worker ??= startWorker('www/workers/worker.js'));
  if (!pageShowsShipped) trainingWorker();
  return { wasmModule, startWorker, trainingWorker, shippedModel, noteAutosave };
})();

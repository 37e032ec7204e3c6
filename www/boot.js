// A classic script in <head>, run while the page's modules are still loading: it starts the slow
// things at once, the wasm's compilation, the training worker (which then instantiates the
// compiled module and fetches data and model) and the download of the shipped model the address
// asks for, which main.js paints as soon as the wasm is ready. main.js takes them from
// window.vaeLabBoot.
window.vaeLabBoot = (() => {
  const wasmModule = WebAssembly.compileStreaming(fetch('pkg/vae_lab_bg.wasm'));
  const startWorker = (url) => {
    const worker = new Worker(url, { type: 'module' });
    wasmModule.then((module) => worker.postMessage({ type: 'module', module }), () => {});
    return worker;
  };
  const worker = startWorker('www/worker.js');
  // The address's data set and model kind, as state.js reads them (its defaults when not named);
  // main.js checks the file against the settings before painting it. The shipped models have the
  // default sizes, which addresses leave out (state.js writeHash): one that names a size would not
  // fit, and the worker builds its model.
  const named = new URLSearchParams(location.hash.slice(1));
  const file = `${named.get('dataset') ?? 'mnist'}-${named.get('model') ?? 'cvae'}`.toLowerCase();
  const sized = ['latent', 'hidden', 'layers', 'meansSpread'].some((k) => named.has(k));
  const shippedModel = !sized && /^(mnist|fashion)-c?vae$/.test(file)
    ? fetch(`models/${file}.safetensors`).then((r) => (r.ok ? r.arrayBuffer() : null)).catch(() => null)
    : Promise.resolve(null);
  return { wasmModule, startWorker, worker, shippedModel };
})();

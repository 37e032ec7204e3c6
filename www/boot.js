// A classic script in <head>, run while the page's modules are still loading: it starts the two
// slow things at once, the wasm's compilation and the training worker (which then instantiates
// the compiled module and fetches data and model). main.js takes them from window.vaeLabBoot.
window.vaeLabBoot = (() => {
  const wasmModule = WebAssembly.compileStreaming(fetch('pkg/vae_lab_bg.wasm'));
  const startWorker = (url) => {
    const worker = new Worker(url, { type: 'module' });
    wasmModule.then((module) => worker.postMessage({ type: 'module', module }), () => {});
    return worker;
  };
  return { wasmModule, startWorker, worker: startWorker('www/worker.js') };
})();

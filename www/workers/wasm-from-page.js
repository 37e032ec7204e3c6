// For the workers: the wasm module the page compiled once ({type: 'module', module}), instead of
// each worker compiling the 4 MB itself; on two cores three compilations at start delayed the
// first image by a few hundred milliseconds.
import init from '../../pkg/vae_lab.js';

let arrive;
const compiled = new Promise((resolve) => { arrive = resolve; });

/// Resolves to the module's exports once the page's module is here and instantiated.
export const ready = init({ module_or_path: compiled });

/// Call first in onmessage: true when the message was the module (and is now taken).
export function takeModule(data) {
  if (data?.type !== 'module') return false;
  arrive(data.module);
  return true;
}

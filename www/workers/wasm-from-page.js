// For the workers: the page's own wasm module (pkg/page/: the decoder and describeCheckpoint),
// which the page compiled once and posts ({type: 'module', module}), instead of each worker
// compiling it again; on two cores three compilations at start delayed the first image by a few
// hundred milliseconds. The grid's worker decodes with it; the training worker describes
// checkpoints with it before its own, larger module (wasm-for-training.js) is compiled.
import init, { describeCheckpoint as describe } from '../../pkg/page/vae_lab.js';

let arrive;
const compiled = new Promise((resolve) => { arrive = resolve; });

/// Resolves to the module's exports once the page's module is here and instantiated.
export const ready = init({ module_or_path: compiled });

/// A checkpoint's description from its header (throws with the reason on a bad file), once the
/// page's module is here.
export const describeCheckpoint = async (bytes) => { await ready; return describe(bytes); };

/// Call first in onmessage: true when the message was the module (and is now taken).
export function takeModule(data) {
  if (data?.type !== 'module') return false;
  arrive(data.module);
  return true;
}

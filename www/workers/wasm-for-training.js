// The training worker's wasm. Where the page is cross-origin isolated (scripts/serve.mjs sends
// COOP/COEP when the two-thread build exists) it is pkg/threads/: the same Lab built with shared
// memory, whose steps take their gradient on a rayon pool of Web Workers, one per core (at most
// four). Anywhere else, or if that build fails to start, it is the page's one-thread module,
// compiled once by the page (wasm-from-page.js).
import * as oneThread from '../../pkg/vae_lab.js';
import { ready as oneThreadReady, takeModule } from './wasm-from-page.js';

export { takeModule };

// One thread per core, at most four: measured only with two (this machine's cores); the cap keeps
// a many-core machine from cutting the page's batch of 64 into parts of a few rows (src/train.rs
// takes no part under 16 rows anyway).
const MAX_THREADS = 4;

async function twoThreadBuild() {
  const cores = Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS);
  if (!self.crossOriginIsolated || cores < 2) return null;
  try {
    const mod = await import('../../pkg/threads/vae_lab.js');
    const exports = await mod.default();
    await mod.initThreadPool(cores);
    return { Lab: mod.Lab, memory: exports.memory, threads: mod.Lab.availableThreads() };
  } catch (e) {
    console.warn(`training on one thread: the two-thread build did not start (${e?.message ?? e})`);
    return null;
  }
}

let loading = null;

/// Resolves to `{ Lab, memory, threads }`: the class to build models with, the linear memory it
/// lives in, and how many threads its steps may use. Loads on the first call, so that a worker
/// can send the shipped weights to the sliders before compiling a second module.
export function training() {
  loading ??= twoThreadBuild().then(async (built) => built
    ?? { Lab: oneThread.Lab, memory: (await oneThreadReady).memory, threads: 1 });
  return loading;
}

/// The one-thread module's Lab, for what needs no model (describing a checkpoint): it is the
/// page's module, here at once.
export const oneThreadLab = oneThreadReady.then(() => oneThread.Lab);

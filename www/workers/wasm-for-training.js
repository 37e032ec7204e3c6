// The training worker's wasm. Where the page is cross-origin isolated (scripts/serve.mjs sends
// COOP/COEP when the two-thread build exists) it is pkg/threads/: the same Lab built with shared
// memory, whose steps take their gradient on a rayon pool of Web Workers, one per core (at most
// four). Anywhere else, or if that build fails to start, it is the one-thread pkg/, which this
// worker fetches and compiles itself on first use (the page's thread compiles only its own small
// module, pkg/page/, so its first image does not wait for this one).
import * as oneThread from '../../pkg/vae_lab.js';
import { takeModule, describeCheckpoint } from './wasm-from-page.js';

export { takeModule, describeCheckpoint };

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

// Named here rather than left to the glue, which would look beside itself: from the worker's
// bundle (www/dist/worker.js) that would be www/dist/. www/dist/ and www/workers/ are as deep.
const ONE_THREAD_WASM = new URL('../../pkg/vae_lab_bg.wasm', import.meta.url);

let loading = null;

/// Resolves to `{ Lab, memory, threads }`: the class to build models with, the linear memory it
/// lives in, and how many threads its steps may use. Loads on the first call, so that a worker
/// can send the shipped weights to the sliders before compiling a second module.
export function training() {
  loading ??= twoThreadBuild().then(async (built) => built
    ?? { Lab: oneThread.Lab, memory: (await oneThread.default({ module_or_path: ONE_THREAD_WASM })).memory, threads: 1 });
  return loading;
}

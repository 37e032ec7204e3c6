// Threads on hosts that send no cross-origin isolation headers (a static host such as GitHub
// Pages): the training worker's two-thread build needs the page cross-origin isolated (COOP +
// COEP), which scripts/serve.mjs sends but most static hosts cannot. A service worker can add the
// headers to every response instead: npm's coi-serviceworker, copied to the site's root by
// scripts/build.sh (a service worker controls only what is at or below its own folder).
//
// It is registered after the first image, and only where it would help: the page is not isolated,
// the browser has service workers and more than one core, and the two-thread build is on the
// host. It takes effect from the next load: the page is not reloaded under the person, who is
// told instead. Where any of this fails (service workers blocked, a
// private window), the page trains on one thread as before.

// Whether the build made the two-thread module (pkg/threads/): scripts/bundle.mjs writes it into the
// bundle (esbuild's `define`), so that no request has to ask; unbundled, none is assumed.
/* global __THREADS_BUILT__ */
const THREADS_BUILT = typeof __THREADS_BUILT__ === 'boolean' && __THREADS_BUILT__;

/// Registers the isolating service worker when it would help; `tell(text)` is told once it is
/// active (the next load trains on more threads). Resolves whether it is.
export async function isolateFromNextLoad(tell) {
  if (self.crossOriginIsolated !== false || !navigator.serviceWorker || !self.isSecureContext) return false;
  if ((navigator.hardwareConcurrency || 1) < 2) return false;
  if (!THREADS_BUILT) return false; // no two-thread build on this host: nothing to isolate for
  // Registered here rather than by the library's own page half, which reloads the page at once
  // (the person may be dragging a slider or training) and fails loudly where registration is
  // blocked; its service worker half is used as it is.
  try {
    const registration = await navigator.serviceWorker.register('coi-serviceworker.js');
    if (!registration) return false; // blocked (some browsers' automation answers so)
    const active = await Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
    if (active) tell('This host sends no cross-origin isolation headers, so training runs on one thread. A service worker now adds them: from the next load of this page, training uses one thread per core.');
    return active;
  } catch {
    return false; // service workers refused (a private window, a policy): one thread, as before
  }
}

// The diagnostics panel: KL per latent dimension with the active units (or, for a kind without a
// KL term, how far its codes spread), and the importance-weighted bound, compared with the −ELBO
// of the same test images. Cleared on a new generation and measured again.
import { paintBars } from '../views/bars.js';
import { quiet } from '../workers/protocol.js';
import { coerce } from '../state/state.js';
import { FACTS } from '../state/facts.js';
import { $, page, kindOf, say } from './page.js';

const LATENT_EVERY_MS = 3000; // the KL per dimension (the test set encoded once more)
const THRESHOLD = FACTS.limits.activeUnitThreshold;
/// An active unit's bar is in the accent colour, an inactive one's grey (Var(μ) ≤ threshold, Burda et al.).
const activeColour = (variance) => (variance > THRESHOLD ? 'var(--accent)' : 'var(--muted)');

export function createDiagnostics({ client, onLatent, onBound }) {
  let latentAt = -Infinity;

  function showKl(d) {
    const box = $('kl-dims');
    const top = Math.max(...d.klPerDim, 1e-9);
    paintBars(box, d.klPerDim.map((kl, u) => ({
      height: kl / top, colour: activeColour(d.activity[u]), label: String(u + 1), title: `z${u + 1}: KL ${kl.toFixed(2)} nats, Var(μ) ${d.activity[u].toFixed(3)}`,
    })), `KL per latent dimension: ${d.klPerDim.map((k, u) => `z${u + 1} ${k.toFixed(2)}`).join(', ')}`);
    box.dataset.activeUnits = String(d.activeUnits);
    const total = d.klPerDim.reduce((a, b) => a + b, 0);
    $('kl-caption').textContent = `KL to the prior per latent dimension on the ${d.images.toLocaleString()} test images (nats; ${total.toFixed(1)} in all), step ${d.step.toLocaleString()}. `
      + `Active units: ${d.activeUnits} of ${d.klPerDim.length} (grey bars: the dimension's μ barely moves with the image, Var(μ) ≤ ${THRESHOLD}; a collapsed dimension carries nothing).`;
  }

  /// A kind without a KL term: Var(μ) per dimension, with the active units.
  function showActivity(d) {
    const box = $('kl-dims');
    const top = Math.max(...d.activity, 1e-9);
    paintBars(box, d.activity.map((a, u) => ({ height: a / top, colour: activeColour(a), label: String(u + 1), title: `z${u + 1}: Var(μ) ${a.toFixed(3)}` })),
      `variance of the code per latent dimension: ${d.activity.map((a, u) => `z${u + 1} ${a.toFixed(2)}`).join(', ')}`);
    box.dataset.activeUnits = String(d.activeUnits);
    const kind = kindOf();
    const solved = !kind.trainable ? ' For PCA they follow its directions\' variances on the training images (the covariance\'s top eigenvalues), largest first.' : '';
    $('kl-caption').textContent = `${kind.trainable ? `The ${kind.name}` : kind.name} has no KL term and no prior: bars show how far its codes spread per dimension, Var(μ), on the ${d.images.toLocaleString()} test images `
      + `(largest ${top.toFixed(2)}; N(0, I) would give 1). Active units: ${d.activeUnits} of ${d.activity.length}.${solved}`;
  }

  function requestLatent() {
    latentAt = performance.now();
    if (!kindOf().hasEncoder) return; // nothing to encode with: the panel says so (page.js showKindParts)
    client.latent().then((d) => {
      if (kindOf().variational && d.klPerDim.length) showKl(d);
      else showActivity(d);
      onLatent(d);
    }, quiet((e) => say(`latent: ${e.message}`, 'error')));
  }

  const idle = () => { $('iw-run').disabled = false; $('iw-cancel').disabled = true; };
  $('iw-run').addEventListener('click', () => {
    const { value, problem } = coerce({ label: 'k', kind: 'int', min: 1, max: FACTS.limits.iwMaxK, fallback: 1000 }, $('iw-k').value);
    if (problem) { say(`${problem}: nothing was run`, 'warn'); return; }
    $('iw-run').disabled = true;
    $('iw-cancel').disabled = false;
    $('iw-bar').value = 0;
    $('iw-result').textContent = `Estimating with k = ${value.toLocaleString()}…`;
    client.iw({ k: value }).then((d) => {
      idle();
      const bound = kindOf().conditional ? '−log p(x | y)' : '−log p(x)';
      const over = d.cancelled ? `the first ${d.images.toLocaleString()} of ${d.total.toLocaleString()} test images (cancelled)` : `all ${d.total.toLocaleString()} test images`;
      // The −ELBO beside it is of the same images, so the gap is the bound's own.
      $('iw-result').textContent = d.negElbo === null ? `Cancelled before any image was done (k = ${d.k.toLocaleString()}).`
        : `${bound} ≤ ${d.negLogLikelihood.toFixed(2)} nats per image with k = ${d.k.toLocaleString()}, over ${over}; `
        + `the −ELBO of the same images is ${d.negElbo.toFixed(2)}: the bound is ${(d.negElbo - d.negLogLikelihood).toFixed(2)} nats tighter.`;
      if (!d.cancelled) onBound(d);
    }, (e) => {
      idle();
      if (e.stale) return;
      $('iw-result').textContent = '';
      say(`iw: ${e.message}`, 'error');
    });
  });
  $('iw-cancel').addEventListener('click', () => client.iwCancel());
  client.on('iw-progress', (d) => { if (d.gen === client.gen) $('iw-bar').value = d.done / d.total; });

  return {
    reset(why) {
      const box = $('kl-dims');
      box.replaceChildren();
      delete box.dataset.activeUnits;
      box.setAttribute('aria-label', 'KL per latent dimension: not measured yet');
      $('kl-caption').textContent = `Out of date: ${why}; measuring the new model…`;
      $('iw-result').textContent = '';
      $('iw-bar').value = 0;
      idle();
    },
    ready() { requestLatent(); },
    progress() { if (!(performance.now() - latentAt < LATENT_EVERY_MS)) requestLatent(); },
  };
}

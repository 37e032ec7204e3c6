// The Compare panel (issue 26, item 7): the model in memory against the other family's model of
// the same data set (FACTS' `rival`: a GAN beside a VAE), samples side by side and one table of the
// same figures with the real test images' row as the reference. Run on demand (it takes seconds);
// the other model comes from the worker (autosave, else shipped) and the model in memory stays.
// On a new generation it says it is out of date; a reply for a model no longer shown is dropped.
import { paintSide, clearSide, showTable } from '../views/compare.js';
import { currentClassNames } from '../views/palette.js';
import { FACTS } from '../state/facts.js';
import { $, page, kindOf } from './page.js';

const SAMPLES = 1000; // prior draws of each model (the CLI's `vae-lab eval` takes 10,000)
const SEED = 3;

/// "latent 8, 2 × 400 hidden" (PCA: "latent 8, linear").
const sizeWords = (s) => `latent ${s.latent}, ${s.hidden === null ? 'linear' : `${s.layers} × ${s.hidden} hidden`}`;
const stepWords = (step) => `step ${step.toLocaleString()}`;

/// Where the model in memory (of `kind`) came from, and its step, in a few words.
function ourSource(kind, from, ownSteps, step) {
  if (!kind.trainable) return 'solved exactly (nothing to train)';
  const on = ownSteps > 0 ? ', trained on here' : '';
  switch (from?.kind) {
    case 'pretrained': return `shipped pretrained${on}, ${stepWords(step)}`;
    case 'file': return `loaded from ${from.name}${on}, ${stepWords(step)}`;
    case 'files': return `trained here on your files, ${stepWords(step)}`;
    default: return `trained here, ${stepWords(step)}`; // restored from the autosave, or fresh
  }
}

/// Where the other model came from, and its step.
function otherSource(from, step) {
  if (from.kind === 'autosave') return `trained here, ${stepWords(step)} (this browser's autosave, saved ${new Date(from.savedAt).toLocaleString()})`;
  return `shipped pretrained, ${stepWords(step)}`;
}

export function createCompare({ client }) {
  let asked = 0; // the last run's number: a reply of an older run is dropped
  const status = (text) => { $('compare-status').textContent = text; };
  const problem = (text) => { $('compare-error').textContent = text; $('compare-error').hidden = !text; };
  const busy = (on) => { $('compare-run').disabled = on || !page.model; $('compare-bar').hidden = !on; };
  const names = () => ({ ours: kindOf().name, other: FACTS.kinds[kindOf().rival].name });

  function clear(words) {
    const n = names();
    clearSide($('compare-ours'), `${n.ours} (the model in memory): ${words}`);
    clearSide($('compare-other'), `${n.other}: ${words}`);
    $('compare-ours-caption').textContent = '';
    $('compare-other-caption').textContent = '';
    $('compare-sizes').textContent = '';
    $('compare-table').replaceChildren();
    $('compare-sides').hidden = true;
    delete $('compare-panel').dataset.step;
  }

  /// The titles above the grids, for the kind shown and its rival.
  function titles() {
    const n = names();
    $('compare-ours-title').textContent = `${n.ours}: the model in memory`;
    $('compare-other-title').textContent = n.other;
    $('compare-run').textContent = `Compare with the ${n.other}`;
  }

  function show(d) {
    const ours = FACTS.kinds[d.ours.kind].name;
    const other = FACTS.kinds[d.other.kind].name;
    const draws = `${(d.gridSide ** 2).toLocaleString()} prior draws`;
    $('compare-sides').hidden = false;
    paintSide($('compare-ours'), d.ours, d.gridSide, `${draws} of the ${ours}, the model in memory`);
    paintSide($('compare-other'), d.other, d.gridSide, `${draws} of the ${other}`);
    $('compare-ours-caption').textContent = `${ourSource(FACTS.kinds[d.ours.kind], d.ourFrom, d.ownSteps, d.ours.step)}; ${sizeWords(d.ours.sizes)}.`;
    $('compare-other-caption').textContent = `${otherSource(d.otherFrom, d.other.step)}; ${sizeWords(d.other.sizes)}.`;
    $('compare-sizes').textContent = (d.sameSize
      ? `Same latent size and hidden layers: a fair comparison. `
      : `The sizes differ (${ours}: ${sizeWords(d.ours.sizes)}; ${other}: ${sizeWords(d.other.sizes)}): the comparison is fair only at the same latent size and hidden layers. `)
      + (d.sameZ ? `Both grids decode the same ${d.gridSide ** 2} codes z ~ N(0, I), cell by cell.` : 'The grids decode different draws of z: the latent sizes or the priors differ.');
    showTable($('compare-table'), d, [
      { heading: `${ours} (in memory)`, side: d.ours },
      { heading: other, side: d.other },
    ], currentClassNames());
    $('compare-panel').dataset.step = String(d.ours.step);
    status(`Measured in ${(d.ms / 1000).toFixed(1)} s: ${d.samples.toLocaleString()} prior draws of each model (z ~ N(0, I), τ = 1), read by the independent classifier; the grids show the first ${d.gridSide ** 2}.`);
  }

  function run() {
    const mine = ++asked;
    const other = names().other;
    busy(true);
    problem('');
    status(`Measuring… ${SAMPLES.toLocaleString()} prior draws of the model in memory and of the ${other}, and the real test images, read by the classifier (a few seconds).`);
    client.compare({ samples: SAMPLES, seed: SEED }).then((d) => {
      if (mine !== asked) return;
      busy(false);
      problem(d.problems.join('; '));
      if (d.missing) {
        clear('nothing to compare with');
        status(`Train a ${other} on this data set first: choose ${other} in Model and press Train.`);
        return;
      }
      show(d);
    }, (e) => {
      if (mine !== asked || e.stale) return; // another model: reset() has said so
      busy(false);
      status('');
      problem(`Compare failed: ${e.message}`);
    });
  }
  $('compare-run').addEventListener('click', run);

  return {
    reset(why) {
      asked++; // a run under way is of the model on its way out
      busy(false);
      $('compare-run').disabled = true;
      problem('');
      clear('out of date');
      status(`Out of date: ${why}. Once the new model is ready, press Compare to measure it.`);
    },
    ready() {
      titles();
      busy(false);
      clear('not measured yet');
      status(`Press Compare: ${SAMPLES.toLocaleString()} prior draws of each (a few seconds). The ${names().other} is this browser's autosaved one when you trained one here, else the shipped pretrained one.`);
    },
    progress() {}, // run on demand: the grids keep the step they were measured at (their captions say it)
  };
}

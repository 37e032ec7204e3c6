// The loss chart, the Measure panel's test figure and the runs log: the chart starts with the
// model's own history, the test −ELBO is measured for every model when it is ready (and shown as
// training measures it), and the runs log records each model that trained here.
import { LossChart } from '../views/chart.js';
import { chartWords, headlineTerm } from '../views/chart-series.js';
import { renderText, typeset } from '../views/formulas.js';
import { RunsTable } from '../views/runs-table.js';
import { RunRecorder } from '../state/run-recorder.js';
import { referenceText } from '../state/reference.js';
import { downloadBlob } from '../lib/files.js';
import { quiet } from '../workers/protocol.js';
import { FACTS } from '../state/facts.js';
import { $, page, kindOf, say } from './page.js';

/// A run's settings beyond its kind, latent size and β, in a few words (those its kind has).
function runSettings(c) {
  const kind = FACTS.kinds[c.model];
  if (!kind.trainable) return 'exact';
  return `${c.layers}×${c.hidden} hidden, lr ${c.learningRate}, batch ${c.batch}, seed ${c.seed}`
    + (kind.settings.includes('meansSpread') ? `, means spread ${c.meansSpread}` : '') + (c.warmup ? `, warm-up ${c.warmup}` : '');
}

// The Measure panel's figures of a kind without a likelihood: this many prior samples (a few seconds
// of the training worker; `vae-lab eval --classifier` takes 10,000).
const GENERATION_SAMPLES = 2000;

export function createChartRuns({ client }) {
  const chart = new LossChart($('chart'));
  const runs = new RunRecorder(new RunsTable($('runs'), { onOverlay: (list) => chart.setOverlays(list) }), chart, (m) => say(m, 'warn'));
  page.chart = chart;

  /// The chart's title, formula and notes for the figures of the kind shown.
  function showChartWords(kind) {
    const words = chartWords(kind.terms);
    $('chart-title').textContent = words.title;
    $('chart-note').textContent = words.note;
    const formula = $('chart-formula');
    if (formula.dataset.tex !== words.tex) {
      formula.textContent = words.plain; // until KaTeX has typeset it
      delete formula.dataset.typeset;
      typeset(formula, words.tex);
    }
    renderText($('chart-explain'), words.explain);
    $('chart').setAttribute('aria-label', words.aria);
    chart.setTerms(kind.terms, kind.hasEncoder, words.empty);
  }

  /// A kind without a likelihood (a GAN): the classifier's figures of its samples beside the real
  /// test images', the same figures `vae-lab eval --classifier` prints.
  function showGeneration(d) {
    const s = d.samples;
    const r = d.real;
    $('test-elbo').textContent = `no ELBO (${kindOf().name} has no likelihood). ${s.images.toLocaleString()} samples: classifier score ${s.score.toFixed(2)} `
      + `(real test images ${r.score.toFixed(2)}), Fréchet distance ${d.frechet.toFixed(1)}, least-drawn class ${(s.coverage * 100).toFixed(1)} %, `
      + `grey pixels ${(s.greyShare * 100).toFixed(1)} % (real ${(r.greyShare * 100).toFixed(1)} %); step ${d.step.toLocaleString()}`;
  }

  /// The Measure panel's test figure, in the words of the model's objective.
  function showEvaluation(d) {
    const kind = kindOf();
    $('test-elbo').textContent = kind.objective === 'squaredError'
      ? `no ELBO (${kind.name} is not a probabilistic model here); squared reconstruction error ${d.recon.toFixed(2)} per image on ${d.images} images, step ${d.step.toLocaleString()}`
      : !kind.variational
      ? `no ELBO (an autoencoder is not a probabilistic model); reconstruction error ${d.recon.toFixed(1)} on ${d.images} images, step ${d.step.toLocaleString()}`
      : `${d.negElbo.toFixed(1)} (recon ${d.recon.toFixed(1)} + KL ${d.kl.toFixed(1)}) on ${d.images} images, step ${d.step.toLocaleString()}`;
  }
  function evaluate() {
    $('test-elbo').textContent = 'evaluating…';
    if (!kindOf().hasEncoder) {
      client.generation({ samples: GENERATION_SAMPLES, seed: 2 }).then((d) => {
        showGeneration(d);
        runs.note({ testError: d.frechet }, { now: true });
      }, quiet((e) => { $('test-elbo').textContent = '–'; say(`evaluate: ${e.message}`, 'error'); }));
      return;
    }
    client.evaluate().then((d) => {
      showEvaluation(d);
      runs.note({ testError: d.negElbo }, { now: true });
    }, quiet((e) => { $('test-elbo').textContent = '–'; say(`evaluate: ${e.message}`, 'error'); }));
  }
  $('evaluate').addEventListener('click', evaluate);

  function chartDisplay() {
    const weight = Number($('chart-smooth').value);
    $('chart-smooth-out').textContent = weight.toFixed(2);
    chart.setSmoothing(weight);
  }
  $('chart-smooth').addEventListener('input', chartDisplay);
  $('chart-log').addEventListener('change', () => chart.setLog($('chart-log').checked));
  chartDisplay();
  $('runs-csv').addEventListener('click', async () => downloadBlob(new Blob([await runs.csv()], { type: 'text/csv' }), 'vae-lab-runs.csv'));
  $('runs-clear').addEventListener('click', () => runs.clear().catch((e) => say(`The runs log could not be cleared: ${e?.message ?? e}`, 'warn')));

  return {
    chart,
    runs,
    reset(why) {
      $('test-elbo').textContent = `computing… (${why})`;
    },
    ready(d) {
      runs.begin(d, runSettings);
      showChartWords(kindOf());
      $('reference').textContent = referenceText(d.dataset, d.config);
      chart.show(); // here too, should no weights have come (it waits for the first image otherwise)
      if (d.history) chart.load(d.history);
      else chart.clear();
      evaluate(); // the Measure panel shows this model's figure, never the last one's
    },
    progress(d) {
      chart.add(d.step, d, d.test);
      runs.note({ step: d.step, seconds: d.trainSeconds, trainLoss: d[headlineTerm(kindOf().terms)], ...(d.test !== null ? { testError: d.test } : {}) }, { now: !d.running });
      if (d.test !== null) {
        page.lastTest = { step: d.step, negElbo: d.test, ms: d.testMs, images: d.testImages };
        $('test-elbo').textContent = `${d.test.toFixed(1)} on the first ${d.testImages.toLocaleString()} test images, step ${d.step.toLocaleString()} (Evaluate: all of them)`;
      }
      if (!d.running && page.lastTest?.step !== d.step) evaluate(); // paused: the figure of the model as it stands
    },
    updated(config) { runs.note({ beta: config.beta, settings: runSettings(config) }); },
    note: (fields, options) => runs.note(fields, options),
  };
}

// The latent explorer: the sliders' image (decoded on this thread), the class buttons and their
// readout, Sample with its classifier reading, and the per-class accuracy bars. Every figure is
// of the model shown: on a new generation it is cleared and asked for again.
import { LatentSliders, ClassButtons, Z_RANGE } from '../views/latent.js';
import { SliderImage } from '../views/slider-image.js';
import { paintImages, labelSamples } from '../views/digits.js';
import { paintClassBars } from '../views/bars.js';
import { CLASS_COLOURS } from '../views/palette.js';
import { OneInFlight } from '../lib/one-in-flight.js';
import { quiet } from '../workers/protocol.js';
import { BY_KEY, coerce } from '../state/state.js';
import { renderText } from '../views/formulas.js';
import { FACTS } from '../state/facts.js';
import { $, page, kindOf, datasetOf, say, showText } from './page.js';

const SAMPLE_COUNT = 8;
// Per-class accuracy bars: draws per class, and how often they follow the model while it trains
// (100 draws per class take the training worker a moment away from training).
const ACCURACY_DRAWS = 100;
const ACCURACY_EVERY_MS = 20000;
const SAMPLES_EVERY_MS = 3000; // the samples strip follows a training model this often
// The histogram of a kind that takes no class: prior draws read by the classifier (with the test
// images, a few hundred ms of the training worker), and its full height as a multiple of an even
// share (2.5: a class drawn two and a half times as often as it should fills the bar).
const HISTOGRAM_DRAWS = 500;
const HISTOGRAM_EVERY_MS = 5000;
const HISTOGRAM_TOP = 2.5;

export function createExplorer({ client, wasmModule, onZ, saveHashSoon }) {
  const sliderImage = new SliderImage($('decoded'), wasmModule);
  const sliders = new LatentSliders($('sliders'), () => moveZ());
  const classButtons = new ClassButtons($('classes'), (c) => { pickClass(c); requestSamples(); });
  const state = { pendingZ: null, userMovedZ: false, accuracyAt: -Infinity, samplesAt: -Infinity, accuracyDraws: ACCURACY_DRAWS, samplesId: 0, tauTimer: 0 };
  /// The class the decoder is given: the chosen one for a kind that takes the label, else none.
  const decodeClass = () => (kindOf().takesLabel ? page.cls ?? page.values.class : null);

  // Latency: ms from the user's input (the pointer or key event that moved z) to the frame that paints its image.
  let inputAt = -Infinity;
  for (const type of ['pointerdown', 'pointermove', 'keydown']) addEventListener(type, (e) => { inputAt = e.timeStamp; }, { capture: true, passive: true });
  function recordLatency() {
    const now = performance.now();
    const since = now - inputAt < 100 ? inputAt : now; // a move without input (a click handler's) counts from now
    requestAnimationFrame(() => { page.latencies.push(performance.now() - since); page.latencies.splice(0, page.latencies.length - 2000); });
  }

  /// The sliders' z: its image painted at once, the other views following.
  function showZ() {
    const painted = sliderImage.show(sliders.values());
    onZ(sliders.values());
    return painted;
  }

  /// The user moved z (a slider, the map, z = 0): stop following a class mean, move the sliders.
  function moveZ(z = null) {
    page.followClass = null;
    state.userMovedZ = true;
    if (kindOf().hasClassMeans) selectClass(null); // z left μʸ; a kind that takes the label keeps its y
    if (z) sliders.set(z);
    if (showZ()) recordLatency();
    saveHashSoon();
  }

  function selectClass(c) {
    page.cls = c;
    classButtons.select(c);
    if (c !== null) page.values.class = c;
    explorer.onClass?.(c);
    showReadout();
  }

  /// A class button: with class means z moves to μʸ (and follows it while training); a kind that
  /// takes the label is told y and z stays (the sliders then move the style within y).
  function pickClass(c) {
    const latent = sliders.inputs.length;
    selectClass(c);
    if (kindOf().hasClassMeans) {
      page.followClass = c;
      sliders.set(page.classMeans.subarray(c * latent, (c + 1) * latent));
    } else {
      sliderImage.setClass(c);
      explorer.onLabel?.();
    }
    showZ();
    saveHashSoon();
  }

  /// The data set's class names (Fashion-MNIST's garments, MNIST's digits); none for the user's own files.
  const classNames = () => datasetOf(page.values.dataset)?.classNames ?? null;
  const className = (y) => classNames()?.[y] ?? String(y);

  /// One line under the class buttons: why samples of the chosen class may show another one.
  function showReadout() {
    const el = $('class-readout');
    const kind = kindOf();
    const c = page.cls;
    const latent = sliders.inputs.length;
    if (kind.takesLabel) {
      el.textContent = `The decoder is told y = ${className(c ?? page.values.class)}; the sliders move z, what the label leaves open (style, thickness), and every z decodes as that class.`;
    } else if (!kind.conditional) {
      el.textContent = '';
    } else if (c === null || page.classMeans.length < (c + 1) * latent) {
      el.textContent = 'Pick a class: z moves to its learned prior mean.';
    } else {
      const mean = (k) => page.classMeans.subarray(k * latent, (k + 1) * latent);
      let nearest = null;
      for (let k = 0; k < page.classMeans.length / latent; k++) {
        if (k === c) continue;
        const d = Math.hypot(...mean(k).map((v, i) => v - mean(c)[i]));
        if (!nearest || d < nearest.d) nearest = { k, d };
      }
      el.textContent = nearest ? `Class ${className(c)}'s nearest other class mean is ${className(nearest.k)}'s, ${nearest.d.toFixed(2)} prior widths (σ = 1) away in ${latent}-D: `
        + `${nearest.d < 4 ? 'their prior clouds overlap, so draws from the class\'s prior can decode as the neighbour' : 'their prior clouds barely touch'}.` : '';
    }
  }

  // ---- Samples, read by the shipped classifier.
  function requestSamples() {
    if (!page.model) return; // not ready yet
    state.samplesAt = performance.now();
    const cls = kindOf().conditional ? page.cls : null;
    const { tau } = page.values;
    const sampler = samplerInUse();
    client.sample({ cls, n: SAMPLE_COUNT, sampler, tau }).then(showSamples, quiet((e) => say(`Sample: ${e.message}`, 'error')));
  }
  function showSamples(d) {
    paintImages($('samples'), d.images, d.n);
    page.samples = d;
    page.samplesId = ++state.samplesId;
    page.sampleLabels = null;
    $('sample-labels').replaceChildren();
    // The sampler's own words (Rust's, inline TeX between $…$) stay in data-distribution for tests.
    $('samples-caption').dataset.distribution = d.distribution;
    renderText($('samples-caption'), `${d.n} samples at step ${d.step.toLocaleString()}: ${d.distribution}.`);
    if (!datasetOf(page.values.dataset)) return; // no classifier for the user's own data
    const id = state.samplesId;
    client.classify({ pixels: d.images, id }).then((r) => {
      if (id !== state.samplesId) return; // the reading of samples since replaced
      page.sampleLabels = Array.from(r.labels);
      labelSamples($('sample-labels'), page.sampleLabels, d.labels ?? [], CLASS_COLOURS, classNames());
    }, () => {}); // the samples stay without their reading (no classifier)
  }

  // ---- Conditional accuracy per class, for the sampler and τ chosen; for a kind that takes no
  // class, what its prior's draws show (the per-class histogram); one request at a time.
  const accuracyFlight = new OneInFlight(() => {
    if (!page.model || !datasetOf(page.values.dataset)) return false;
    state.accuracyAt = performance.now();
    if (!kindOf().conditional) return requestHistogram();
    const { tau } = page.values;
    const sampler = samplerInUse();
    const gen = client.gen;
    client.accuracy({ perClass: state.accuracyDraws, sampler, tau }).then((d) => {
      accuracyFlight.answered();
      const per = d.perClass.map((p, y) => `${className(y)}: ${Math.round(p * 100)} %`).join(', ');
      $('accuracy').textContent = `${(d.accuracy * 100).toFixed(1)} % at step ${d.step.toLocaleString()}, ${d.sampler} τ = ${d.tau} (classifier's own test accuracy ${(d.classifierTestAccuracy * 100).toFixed(1)} %)`;
      $('accuracy').title = `per class: ${per}`;
      showAccuracy(d);
      explorer.onAccuracy?.(d);
    }, (e) => {
      accuracyFlight.failed();
      if (e.stale || gen !== client.gen) return;
      $('accuracy').textContent = '–';
      showAccuracy(null, e.message);
      say(`accuracy: ${e.message}`, 'error');
    });
    state.accuracyDraws = ACCURACY_DRAWS;
  });
  const requestAccuracy = () => accuracyFlight.request();

  /// The classes of HISTOGRAM_DRAWS prior draws as the classifier reads them (the same z each time,
  /// so the bars follow the model, not the noise), with the KL to an even split and the classes
  /// missing: mode collapse made visible.
  function requestHistogram() {
    const gen = client.gen;
    client.sampleFigures({ samples: HISTOGRAM_DRAWS, seed: 1 }).then((d) => {
      accuracyFlight.answered();
      showHistogram(d);
    }, (e) => {
      accuracyFlight.failed();
      if (e.stale || gen !== client.gen) return;
      showAccuracy(null, e.message);
      say(`histogram: ${e.message}`, 'error');
    });
  }

  function showHistogram(d) {
    const box = $('class-accuracy');
    const shares = d.samples.classShares;
    const top = HISTOGRAM_TOP / shares.length;
    paintClassBars(box, shares.map((p) => p / top), CLASS_COLOURS, {
      title: (y) => `${className(y)}: ${(shares[y] * 100).toFixed(1)} % of the draws`,
      ariaLabel: `share of each class among ${d.samples.images} samples: ${shares.map((p, y) => `${className(y)}: ${(p * 100).toFixed(1)} %`).join(', ')}`,
      names: classNames(),
    });
    box.dataset.klToUniform = String(d.samples.klToUniform);
    box.dataset.missing = d.samples.missing.join(',');
    delete box.dataset.accuracy;
    const missing = d.samples.missing.length === 0 ? 'every class is drawn'
      : `missing (under ${(100 * FACTS.limits.missingShare / shares.length).toFixed(0)} % of the draws): ${d.samples.missing.map(className).join(', ')}, so G has dropped classes (mode collapse)`;
    renderText($('accuracy-caption'), `What ${d.samples.images.toLocaleString()} draws $z \\sim \\mathcal N(0, I)$ show, as the independent classifier reads them `
      + `(bars: share of each class, full height = ${(100 * top).toFixed(0)} %; an even split is ${(100 / shares.length).toFixed(0)} %): ${missing}; `
      + `KL to an even split ${d.samples.klToUniform.toFixed(3)} nats. Step ${d.step.toLocaleString()}.`);
  }

  /// The per-class bars (`d`: an accuracy reply, or null to clear them, with `why` in place).
  function showAccuracy(d, why = null) {
    const box = $('class-accuracy');
    if (!d) {
      box.replaceChildren();
      delete box.dataset.accuracy;
      box.setAttribute('aria-label', 'conditional accuracy per class: not measured');
      const kind = kindOf();
      $('accuracy-caption').textContent = why ?? (!datasetOf(page.values.dataset)
        ? 'No classifier for your own data: the classes of the samples cannot be read.'
        : kind.conditional ? 'How often a draw for each class shows that class, as an independent classifier judges it: measuring…'
        : 'Which classes the model’s draws show, as an independent classifier reads them: measuring…');
      return;
    }
    paintClassBars(box, d.perClass, CLASS_COLOURS, {
      title: (y, p) => `class ${className(y)}: ${(p * 100).toFixed(0)} %`,
      ariaLabel: `conditional accuracy per class: ${d.perClass.map((p, y) => `${className(y)}: ${Math.round(p * 100)} %`).join(', ')}`,
      names: classNames(),
    });
    box.dataset.accuracy = String(d.accuracy);
    renderText($('accuracy-caption'), `${(d.accuracy * 100).toFixed(1)} % of ${d.perClassDraws} draws per class show their class `
      + `(bars: per class, full height = 100 %), drawn as ${d.distribution}; step ${d.step.toLocaleString()}, judged by an independent classifier `
      + `(${(d.classifierTestAccuracy * 100).toFixed(1)} % on real test images).`);
  }

  // ---- The sampler controls: the setting's sampler where the kind has it, else its first (a GAN,
  // without an encoder, has no codes to fit a Gaussian to: its prior alone).
  const samplerInUse = () => (kindOf().samplers.includes(page.values.sampler) ? page.values.sampler : kindOf().samplers[0]);
  function showSampler() {
    for (const option of $('sampler').options) option.disabled = !kindOf().samplers.includes(option.value);
    $('sampler').value = samplerInUse();
    $('tau').value = String(page.values.tau);
    $('tau-out').textContent = Number(page.values.tau).toFixed(2);
  }
  for (const key of ['sampler', 'tau']) {
    $(key).addEventListener(key === 'tau' ? 'input' : 'change', () => {
      const { value, problem } = coerce(BY_KEY[key], $(key).value);
      if (problem) { say(`${problem}: nothing changed`, 'warn'); showSampler(); return; }
      page.values[key] = value;
      $('tau-out').textContent = Number(page.values.tau).toFixed(2);
      saveHashSoon();
      requestSamples();
      if (key === 'sampler' || !state.tauTimer) {
        // While τ is being dragged the bars follow once it settles.
        clearTimeout(state.tauTimer);
        state.tauTimer = setTimeout(() => { state.tauTimer = 0; requestAccuracy(); }, key === 'tau' ? 400 : 0);
      }
    });
  }
  showSampler();
  showText($('explore-kind'), kindOf().explorer); // at once, from the address's kind (no layout shift)
  $('sample').addEventListener('click', requestSamples);
  $('zero').addEventListener('click', () => moveZ(new Array(sliders.inputs.length).fill(0)));
  $('measure-accuracy').addEventListener('click', () => {
    $('accuracy').textContent = 'measuring…';
    state.accuracyDraws = 500;
    accuracyFlight.request();
  });

  /// Sliders for `latent` dimensions, at `z`, else the address's z, else 0.
  function sizeSliders(latent, z = null) {
    sliders.build(latent, z ?? (state.pendingZ?.length === latent ? state.pendingZ : null));
    state.pendingZ = null;
    explorer.onSize?.(latent);
  }

  /// New weights (the worker's, or the shipped file at load): the sliders' image follows.
  function weights(bytes) {
    // z from the address before the sliders exist (at load the weights come first), else 0; with
    // class means, the chosen class's mean μʸ, a crisp image (z = 0 blends classes).
    const fallback = (latent, image) => {
      if (state.pendingZ?.length === latent) return state.pendingZ;
      const means = kindOf().hasClassMeans ? image.classMeans() : [];
      const c = page.values.class;
      return means.length >= (c + 1) * latent
        ? means.slice(c * latent, (c + 1) * latent).map((v) => Math.round(100 * Math.max(-Z_RANGE, Math.min(Z_RANGE, v))) / 100)
        : new Float32Array(latent);
    };
    sliderImage.setClass(kindOf().takesLabel ? page.values.class : null);
    return sliderImage.setWeights(bytes, fallback).then(() => {
      if (sliders.inputs.length !== sliderImage.latent) sizeSliders(sliderImage.latent, sliderImage.z);
    });
  }

  const explorer = {
    sliders, sliderImage, decodeClass, showZ, moveZ, pickClass, requestSamples, requestAccuracy, weights, showSampler,
    setPendingZ(z, fromAddress) { state.pendingZ = z; state.zFromAddress = fromAddress; },
    /// A model change is under way (`why`): nothing of the old model stays on show.
    reset(why) {
      accuracyFlight.failed();
      state.samplesId++;
      $('samples-caption').textContent = `samples: computing… (${why})`;
      delete $('samples-caption').dataset.distribution;
      $('sample-labels').replaceChildren();
      $('accuracy').textContent = '–';
      showAccuracy(null, `Out of date: ${why}.`);
      $('sample').disabled = true;
    },
    ready(d) {
      const kind = kindOf();
      showText($('explore-kind'), kind.explorer);
      showSampler();
      if (!d.classesPresent.includes(page.values.class)) page.values.class = d.classesPresent[0] ?? 0;
      if (sliders.inputs.length !== d.latent || state.pendingZ) sizeSliders(d.latent);
      classButtons.build(d.classesPresent, kind.conditional, kind);
      $('classes-note').hidden = kind.conditional;
      $('measure-accuracy').disabled = !kind.conditional;
      $('sample').disabled = false;
      showAccuracy(null);
      // A conditional model opens on a class: with class means at its mean μʸ (a crisp image), unless
      // the address named a z or the person already moved z; a kind that takes the label keeps z.
      if (!kind.conditional) selectClass(null);
      else if (kind.hasClassMeans && (state.zFromAddress || state.userMovedZ)) selectClass(null);
      else pickClass(page.values.class);
      state.zFromAddress = false;
      state.userMovedZ = false;
      sliderImage.setClass(decodeClass());
      showZ();
      requestSamples();
      requestAccuracy();
    },
    progress(d) {
      if (page.followClass !== null) pickClass(page.followClass);
      else showReadout();
      const now = performance.now();
      if (!d.running || now - state.samplesAt >= SAMPLES_EVERY_MS) requestSamples();
      const every = kindOf().conditional ? ACCURACY_EVERY_MS : HISTOGRAM_EVERY_MS;
      if (!d.running || now - state.accuracyAt >= every) requestAccuracy();
    },
    showReadout,
  };
  return explorer;
}

// Module worker that owns the wasm model: a router from the page's requests (protocol.js) to the
// modules that hold the state: the data sources (data.js), the model in memory and its generation
// (model.js), where a model comes from (model-source.js), the training loop (training-loop.js) and
// the autosave (autosaver.js). The sliders' image and the grid are decoded elsewhere (the page's
// thread, grid.worker.js) with the weights this worker sends as it trains.
import { takeModule } from './wasm-for-training.js';
import { serve } from './protocol.js';
import { model, describe, sendWeights } from './model.js';
import { build, loadFile, useFiles, loadOrder, readEarly } from './model-source.js';
import { loop, start, pause, stepOnce, yieldToEvents } from './training-loop.js';
import { autosave, touched } from './autosaver.js';
import { classifier } from './data.js';
import { compareWithRival } from './rival.js';
import { autosaveKey } from './autosave.js';
import { FACTS } from '../state/facts.js';

// The fitted sampler's Gaussians are refitted to the moving model at most this often while it
// trains (a refit encodes up to 500 training images per class), and whenever it is paused.
const REFIT_EVERY_MS = 10000;
let fittedAt = -Infinity;
let iwRun = null; // the importance-weighted bound being computed: {cancelled}

const floats = (arr) => (arr instanceof Float32Array ? arr : Float32Array.from(arr));
const lab = () => model.lab;
/// Whether the model's decoder takes the class (FACTS, for the model's kind).
const takesLabel = () => FACTS.kinds[lab().config().model].takesLabel;

/// Whether the fitted Gaussians may be refitted now (see REFIT_EVERY_MS); notes the time if so.
function mayRefit() {
  if (loop.running && performance.now() - fittedAt < REFIT_EVERY_MS) return false;
  fittedAt = performance.now();
  return true;
}

/// The walkthrough's image and label: training image `train`, or the drawing's pixels as `cls`.
function walkInput(source) {
  if (source.pixels) return { x: floats(source.pixels), label: source.cls ?? 0 };
  const i = Math.max(0, Math.min(lab().trainSize - 1, Math.round(Number(source.train) || 0)));
  return { x: lab().trainImage(i), label: lab().trainLabel(i) };
}

/// A model change's reply: the new model described, with what the change said on the way.
const installed = async (change) => {
  if (iwRun) iwRun.cancelled = true;
  const extra = await change;
  return describe(extra);
};

const handlers = {
  init: (d) => installed(build(d)),
  load: (d) => installed(loadFile(d)),
  files: (d) => installed(useFiles(d)),
  save() {
    const bytes = lab().saveCheckpoint();
    model.ownSteps = 0; // the file holds it now (and the autosave learns so)
    touched();
    autosave();
    return [{ bytes, dataset: lab().dataset, model: lab().config().model, step: lab().step }, [bytes.buffer]];
  },
  train({ until = null }) {
    if (iwRun) iwRun.cancelled = true; // the bound is of the model as it stood
    return start(until) ? { training: true } : { training: false, step: lab().step, epoch: lab().epoch, until };
  },
  pause() {
    pause();
    return { step: lab()?.step ?? 0 };
  },
  step() { stepOnce(); },
  encode({ pixels, cls }) {
    // The label-input CVAE encodes and decodes the drawing as the class chosen on the page.
    const mu = lab().encode(floats(pixels), cls ?? undefined);
    const recon = lab().decode(mu, cls ?? undefined);
    return [{ mu, recon }, [mu.buffer, recon.buffer]];
  },
  interpolate({ a, b, steps, cls }) {
    // A test image comes with its own label; the drawing takes the class chosen on the page.
    const labels = lab().testLabels();
    const image = (e) => (e.pixels ? floats(e.pixels) : lab().testImage(e.test));
    const label = (e) => (e.pixels ? cls ?? undefined : labels[e.test]);
    const [pa, pb] = [image(a), image(b)];
    const path = lab().interpolate(pa, pb, steps, label(a), label(b));
    return [{ a: pa, b: pb, path, steps }, [path.buffer]];
  },
  map() {
    const mu = lab().encodeTest();
    return [{ mu, labels: lab().testLabels(), latent: lab().latent }, [mu.buffer]];
  },
  reconstructions({ perClass = 1 }) {
    const { originals, reconstructions, count } = lab().reconstructions(perClass);
    return [{ originals, reconstructions, count }, [originals.buffer, reconstructions.buffer]];
  },
  sample({ cls, n, sampler = 'prior', tau = 1 }) {
    const { z, images, labels, distribution } = lab().sample(cls ?? undefined, n, sampler, tau, sampler === 'fitted' && mayRefit());
    return [{ cls, n, z, images, labels, distribution, step: lab().step }, [z.buffer, images.buffer]];
  },
  latent() {
    return { ...lab().latentReport(), step: lab().step };
  },
  async iw({ k }) {
    // The importance-weighted bound over the test set from image 0 in order, a few images per
    // slice so that the worker stays responsive; training is paused first (the bound is of one
    // model, not a moving one). Its −ELBO is over the same images: all, or those done when cancelled.
    loop.running = false;
    iwRun = { cancelled: false };
    const run = iwRun;
    const m = lab(); // a new model (rebuilt, loaded) ends the run
    const total = m.testSize;
    let sum = 0;
    let done = 0;
    let perSlice = 1;
    while (done < total && !run.cancelled && lab() === m) {
      const t0 = performance.now();
      const count = Math.min(perSlice, total - done);
      for (const b of m.iwBounds(k, done, count)) sum += b;
      done += count;
      perSlice = Math.max(1, Math.round((perSlice * 50) / Math.max(performance.now() - t0, 1)));
      postMessage({ status: 'iw-progress', gen: model.gen, done, total, k });
      await yieldToEvents();
    }
    if (iwRun === run) iwRun = null;
    if (lab() !== m) throw new Error('the model changed while the bound was computed');
    const negElbo = done === 0 ? null : done === total ? m.evaluate().negElbo : m.evaluateFirst(done).negElbo;
    return { k, images: done, total, cancelled: run.cancelled, negLogLikelihood: sum / Math.max(done, 1), negElbo };
  },
  probe({ index }) {
    // A test image and its reconstruction from μ (for the map's hover).
    const image = lab().testImage(index);
    const label = lab().testLabels()[index];
    const cls = takesLabel() ? label : undefined;
    const recon = lab().decode(lab().encode(image, cls), cls);
    return [{ index, label, image, recon }, [recon.buffer]];
  },
  walk({ source, seed }) {
    loop.running = false; // the walkthrough shows one model, not a moving one
    const { x, label } = walkInput(source);
    return { walk: { ...lab().walk(x, label, seed), fromDrawing: !!source.pixels }, seed, source };
  },
  stepOn({ source, seed }) {
    loop.running = false;
    const { x, label } = walkInput(source);
    const s = lab().stepOn(x, label, seed);
    model.ownSteps += 1;
    sendWeights(); // the model moved: the sliders' image and the grid follow
    touched();
    autosave();
    return { ...s, ownSteps: model.ownSteps };
  },
  iwCancel() {
    if (iwRun) iwRun.cancelled = true;
  },
  fitted() {
    return { fitted: lab().fitted(mayRefit()), step: lab().step };
  },
  async classify({ pixels, id }) {
    const clf = await classifier(lab().dataset);
    return { id, labels: lab().classify(clf, floats(pixels)) };
  },
  evaluate() {
    return { ...lab().evaluate(), step: lab().step };
  },
  async generation({ samples = 500, seed = 1 }) {
    // `samples` prior draws read by the classifier beside the real test images: the same figures
    // for every kind, and a GAN's only measure (it has no likelihood). A fixed seed: while it
    // trains, the histogram follows the same z through the changing G.
    const clf = await classifier(lab().dataset);
    const t0 = performance.now();
    const report = lab().generationReport(clf, samples, seed);
    return { ...report, step: lab().step, ms: performance.now() - t0 };
  },
  async sampleFigures({ samples = 500, seed = 1 }) {
    // The same draws' figures without the test images: the live histogram's, every few seconds
    // while training, so it need not read the test set each time.
    const clf = await classifier(lab().dataset);
    return { samples: lab().sampleFigures(clf, samples, seed), step: lab().step };
  },
  async compare({ samples = 1000, seed = 3 }) {
    // Compare: the model in memory against the other family's model of this data set (rival.js
    // finds its bytes; Rust builds it for the comparison alone). With where the model in memory
    // came from, for its caption.
    const m = lab();
    const clf = await classifier(m.dataset);
    const report = await compareWithRival(m, clf, () => lab() === m, { samples, seed });
    const reply = { ...report, ourFrom: model.from, ownSteps: model.ownSteps };
    return report.missing ? reply : [reply, [report.ours.grid.buffer, report.other.grid.buffer]];
  },
  evaluateFirst({ n }) {
    return { ...lab().evaluateFirst(n), step: lab().step };
  },
  async accuracy({ perClass = 200, sampler = 'prior', tau = 1 }) {
    const clf = await classifier(lab().dataset);
    const t0 = performance.now();
    const report = lab().conditionalAccuracy(clf, perClass, sampler, tau, sampler === 'fitted' && mayRefit());
    return { ...report, perClassDraws: perClass, sampler, tau, step: lab().step, ms: performance.now() - t0 };
  },
  set({ beta, learningRate, warmup }) {
    lab().changeSettings({ beta, learningRate, warmup }); // all or none, one safe point
    touched();
    if (!loop.running) autosave();
    return { config: lab().config() };
  },
};

// The first model's autosave is read at once, while the wasm compiles (see model-source.js): the
// worker's address carries the page's, whose data set and kind name it.
const address = new URLSearchParams(self.location.hash.slice(1));
const named = (key, known, fallback) => (Object.hasOwn(known, address.get(key)) ? address.get(key) : fallback);
const pageKinds = Object.fromEntries(Object.entries(FACTS.kinds).filter(([, k]) => k.inPage)); // as state.js's model menu
readEarly(autosaveKey(named('dataset', FACTS.datasets, Object.keys(FACTS.datasets)[0]), named('model', pageKinds, FACTS.defaultKind)));

serve(handlers, () => model.gen, (data) => {
  if (takeModule(data)) return true;
  if (loadOrder(data)) return true;
  if (data?.type !== 'init' && data?.type !== 'pause' && !model.lab) {
    postMessage({ re: data.id, status: 'error', gen: 0, during: data.type, message: 'the model is still loading' });
    return true;
  }
  return false;
});

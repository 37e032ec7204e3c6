// Live training chart: one curve per figure the model's training step reports (its kind's
// `terms`, drawn as chart-series.js says: the VAEs' reconstruction and total on the left axis and
// KL on its own right axis; a GAN's losses with the 2 log 2 line, and D's outputs on the right),
// and the test −ELBO as points where the worker measured it. A shipped model's chart starts with
// its own training history (one point per epoch). Display options: smoothing of the training
// curves (an exponential moving average, as TensorBoard's), a log scale, and up to two other
// runs' headline curves overlaid. When the pointer is not over the plot the legend shows the
// latest values.
// uPlot (145 KB) is fetched and evaluated only when `show` is called, once the page has its first
// image: evaluating it took about 60 ms of the page's thread during load, and preloading it put
// its parse on the two cores while the page loaded. Points that come in before are kept.
import { halve } from '../lib/series.js';
import { themeColours, onSchemeChange } from './palette.js';
import { AXES, TERM_SERIES, headlineTerm } from './chart-series.js';

const MAX_POINTS = 1500;
const HEIGHT = 260;
const OVERLAY_COLOURS = ['#9333ea', '#ea580c'];
const VAE_TERMS = ['recon', 'kl', 'loss'];

export class LossChart {
  constructor(container) {
    this.container = container;
    this.terms = VAE_TERMS; // the figures drawn (the model's kind's terms)
    this.withTest = true; // whether the model has a held-out −ELBO to draw as points
    this.data = this.emptyData(); // step, one column per term, test (null between measurements)
    this.plot = null; // until show()
    this.loading = null;
    this.overlays = []; // other runs' curves drawn with this one: [{label, curve: {step, loss}}]
    this.smoothing = 0;
    this.log = false;
    this.empty = document.createElement('p');
    this.empty.className = 'chart-empty note';
    this.empty.textContent = 'The loss appears here once training starts: reconstruction, KL and their total per step, with the test −ELBO every 5 s.';
    onSchemeChange(() => this.remake()); // uPlot paints on a canvas: its axes take the new colours
  }

  emptyData() { return [[], ...this.terms.map(() => []), []]; }

  /// The figures to draw (a kind's terms) and whether test points come: a new, empty chart when
  /// they differ from the ones drawn.
  setTerms(terms, withTest, emptyText) {
    this.empty.textContent = emptyText;
    if (terms.join() === this.terms.join() && withTest === this.withTest) return;
    this.terms = terms;
    this.withTest = withTest;
    this.data = this.emptyData();
    this.pointsAdded = 0;
    this.container.dataset.points = '0';
    this.remake();
  }

  /// Loads uPlot and draws the chart (the first call; later ones return the same promise).
  show() {
    this.loading ??= import('../vendor/uPlot.esm.js').then(({ default: uPlot }) => {
      this.uPlot = uPlot;
      this.remake();
      new ResizeObserver(() => this.plot.setSize({ width: this.container.clientWidth, height: HEIGHT })).observe(this.container);
    }, (e) => {
      this.container.textContent = `The chart could not be loaded (${e?.message ?? e}); training goes on.`;
    });
    return this.loading;
  }

  /// One point: `values` holds each term by name; `test` the held-out figure, or null.
  add(step, values, test = null) {
    const d = this.data;
    d[0].push(step);
    this.terms.forEach((t, i) => d[i + 1].push(values[t] ?? null));
    d.at(-1).push(test);
    if (d[0].length > MAX_POINTS) halve(d);
    this.redraw();
    this.container.dataset.points = String(this.pointsAdded = (this.pointsAdded ?? 0) + 1);
  }

  /// Replaces the curve with a saved history {step, <term>: [...], test} (an autosave's or a
  /// shipped model's; older autosaves have no test curve).
  load(h) {
    this.data = [h.step.slice(), ...this.terms.map((t) => (h[t] ?? h.step.map(() => null)).slice()), (h.test ?? h.step.map(() => null)).slice()];
    this.pointsAdded = h.step.length;
    this.container.dataset.points = String(this.pointsAdded);
    this.redraw();
  }

  clear() {
    this.data = this.emptyData();
    this.pointsAdded = 0;
    this.container.dataset.points = '0';
    this.redraw();
  }

  /// The run's headline curve (the objective, or a GAN's D loss) with its test points, for the
  /// runs log and other runs' charts.
  headline() {
    const i = this.terms.indexOf(headlineTerm(this.terms)) + 1;
    return { step: this.data[0], loss: this.data[i] ?? [], test: this.data.at(-1), term: headlineTerm(this.terms) };
  }

  /// Draws other runs' headline curves beside this one's (an empty list removes them).
  setOverlays(overlays) {
    this.overlays = overlays;
    this.container.dataset.overlays = String(overlays.length);
    this.remake();
  }

  /// Smoothing weight from 0 (raw) to below 1 (heavier); the test points are never smoothed.
  setSmoothing(weight) {
    this.smoothing = weight;
    this.redraw();
  }

  setLog(on) {
    this.log = on;
    this.remake();
  }

  /// A new plot: uPlot fixes its series and scales when made (and its delSeries throws with
  /// cursor points off, 1.6.32).
  remake() {
    if (!this.uPlot) return;
    this.plot?.destroy();
    this.plot = new this.uPlot(options(this.container, this.terms, this.withTest, this.overlays, this.log), this.shown(), this.container);
    this.container.append(this.empty);
    this.redraw();
  }

  redraw() {
    this.empty.hidden = this.data[0].length > 0 || this.overlays.length > 0;
    this.plot?.setData(this.shown());
  }

  /// The columns uPlot draws: this run's terms (smoothed), each term's reference line, the test
  /// points where drawn, then each overlay's headline, on the union of their steps.
  shown() {
    const steps = this.data[0];
    const own = [
      steps,
      ...this.terms.map((_, i) => smooth(this.data[i + 1], this.smoothing)),
      ...references(this.terms).map((r) => steps.map(() => r.value)),
      ...(this.withTest ? [this.data.at(-1)] : []),
    ];
    if (!this.overlays.length) return own;
    const all = [...new Set([...steps, ...this.overlays.flatMap((o) => o.curve.step)])].sort((a, b) => a - b);
    const at = new Map(all.map((s, i) => [s, i]));
    const column = (xs, ys) => {
      const out = new Array(all.length).fill(null);
      xs.forEach((x, i) => { out[at.get(x)] = ys[i]; });
      return out;
    };
    return [all, ...own.slice(1).map((ys) => column(steps, ys)), ...this.overlays.map((o) => column(o.curve.step, smooth(o.curve.loss, this.smoothing)))];
  }
}

/// The constant lines the terms come with (a GAN's 2 log 2), in the terms' order.
const references = (terms) => terms.flatMap((t) => (TERM_SERIES[t]?.reference ? [TERM_SERIES[t].reference] : []));

/// Exponential moving average with the start-up bias removed (TensorBoard's smoothing).
function smooth(values, weight) {
  if (!weight) return values;
  let [last, norm] = [0, 0];
  return values.map((v) => {
    if (v == null || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    norm = norm * weight + (1 - weight);
    return last / norm;
  });
}

function options(container, terms, withTest, overlays, log) {
  const theme = themeColours();
  const colour = (c) => theme[c] ?? c;
  const axis = (o) => ({ stroke: theme.fg, grid: { stroke: theme.line }, ticks: { stroke: theme.line }, ...o });
  const curve = (label, scale, stroke, extra = {}) => ({ label, scale, stroke, width: 1.5, spanGaps: true, points: { show: false }, value: latest, ...extra });
  const series = terms.map((t) => TERM_SERIES[t] ?? { label: t, scale: 'nats', colour: 'fg' });
  const scales = [...new Set(['nats', ...series.map((s) => s.scale)])];
  return {
    width: container.clientWidth || 480,
    height: HEIGHT,
    scales: {
      x: { time: false },
      ...Object.fromEntries(scales.map((k) => [k, AXES[k].range ? { range: AXES[k].range } : { auto: true, distr: log ? 3 : 1 }])),
    },
    axes: [
      axis({ label: 'step' }),
      ...scales.map((k) => axis({ label: AXES[k].label, scale: k, side: AXES[k].side, ...(AXES[k].side === 1 ? { grid: { show: false } } : {}) })),
    ],
    series: [
      { label: 'step', value: (u, v, si, idx) => (idx == null ? lastOf(u.data[0]) : v)?.toLocaleString() ?? '–' },
      ...series.map((s) => curve(s.label, s.scale, colour(s.colour), s.dash ? { dash: s.dash } : {})),
      ...references(terms).map((r) => curve(r.label, 'nats', colour(r.colour), { dash: [8, 4], width: 1 })),
      ...(withTest ? [curve('test −ELBO', 'nats', '#16a34a', { dash: [4, 3], points: { show: true, size: 5 } })] : []),
      ...overlays.map((o, i) => curve(`${TERM_SERIES[o.curve.term ?? 'loss']?.short ?? 'total'}, ${o.label}`, 'nats', OVERLAY_COLOURS[i], { dash: [6, 4] })),
    ],
    legend: { live: true },
    cursor: { points: { show: false } },
  };
}

/// A legend value: at the pointer, or the latest one when the pointer is elsewhere.
function latest(u, v, si, idx) {
  const shown = idx == null ? lastOf(u.data[si]) : v;
  return shown == null ? '–' : Math.abs(shown) < 10 ? shown.toFixed(3) : shown.toFixed(1);
}

function lastOf(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i];
  return null;
}

// Live loss chart: reconstruction and total on the left axis, KL on its own right axis (it is an
// order of magnitude smaller), and the test −ELBO as points where the worker measured it. A
// shipped model's chart starts with its own training history (one point per epoch). Display
// options: smoothing of the training curves (an exponential moving average, as TensorBoard's),
// a log scale, and up to two other runs' totals overlaid. When the pointer is not over the plot
// the legend shows the latest values.
// uPlot (145 KB) is fetched and evaluated only when `show` is called, once the page has its first
// image: evaluating it took about 60 ms of the page's thread during load, and preloading it put
// its parse on the two cores while the page loaded. Points that come in before are kept.
import { halve } from '../lib/series.js';
import { themeColours, onSchemeChange } from './palette.js';

const MAX_POINTS = 1500;
const HEIGHT = 260;
const OVERLAY_COLOURS = ['#9333ea', '#ea580c'];

export class LossChart {
  constructor(container) {
    this.container = container;
    this.data = [[], [], [], [], []]; // step, recon, kl, total, test −ELBO (null between measurements)
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

  add(step, recon, kl, total, test = null) {
    const d = this.data;
    d[0].push(step); d[1].push(recon); d[2].push(kl); d[3].push(total); d[4].push(test);
    if (d[0].length > MAX_POINTS) halve(d);
    this.redraw();
    this.container.dataset.points = String(this.pointsAdded = (this.pointsAdded ?? 0) + 1);
  }

  /// Replaces the curve with a saved history {step, recon, kl, loss, test} (an autosave's or a
  /// shipped model's; older autosaves have no test curve).
  load(h) {
    this.data = [h.step, h.recon, h.kl, h.loss, h.test ?? h.step.map(() => null)].map((a) => a.slice());
    this.pointsAdded = h.step.length;
    this.container.dataset.points = String(this.pointsAdded);
    this.redraw();
  }

  clear() {
    this.data = [[], [], [], [], []];
    this.pointsAdded = 0;
    this.container.dataset.points = '0';
    this.redraw();
  }

  /// Draws other runs' total loss beside this one's (an empty list removes them).
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
    this.plot = new this.uPlot(options(this.container, this.overlays, this.log), this.shown(), this.container);
    this.container.append(this.empty);
    this.redraw();
  }

  redraw() {
    this.empty.hidden = this.data[0].length > 0 || this.overlays.length > 0;
    this.plot?.setData(this.shown());
  }

  /// The columns uPlot draws: this run's (smoothed), then each overlay's total, on the union of
  /// their steps.
  shown() {
    const own = [this.data[0], ...[1, 2, 3].map((i) => smooth(this.data[i], this.smoothing)), this.data[4]];
    if (!this.overlays.length) return own;
    const steps = [...new Set([...own[0], ...this.overlays.flatMap((o) => o.curve.step)])].sort((a, b) => a - b);
    const at = new Map(steps.map((s, i) => [s, i]));
    const column = (xs, ys) => {
      const out = new Array(steps.length).fill(null);
      xs.forEach((x, i) => { out[at.get(x)] = ys[i]; });
      return out;
    };
    return [steps, ...own.slice(1).map((ys) => column(own[0], ys)), ...this.overlays.map((o) => column(o.curve.step, smooth(o.curve.loss, this.smoothing)))];
  }
}

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

function options(container, overlays, log) {
  const { fg, line, accent, bad } = themeColours();
  const axis = (o) => ({ stroke: fg, grid: { stroke: line }, ticks: { stroke: line }, ...o });
  const curve = (label, scale, stroke, extra = {}) => ({ label, scale, stroke, width: 1.5, spanGaps: true, points: { show: false }, value: latest, ...extra });
  return {
    width: container.clientWidth || 480,
    height: HEIGHT,
    scales: { x: { time: false }, nats: { distr: log ? 3 : 1 }, kl: { auto: true, distr: log ? 3 : 1 } },
    axes: [
      axis({ label: 'step' }),
      axis({ label: 'nats per image', scale: 'nats' }),
      axis({ label: 'KL', scale: 'kl', side: 1, grid: { show: false } }),
    ],
    series: [
      { label: 'step', value: (u, v, si, idx) => (idx == null ? lastOf(u.data[0]) : v)?.toLocaleString() ?? '–' },
      curve('reconstruction', 'nats', accent),
      curve('KL', 'kl', bad),
      curve('total (recon + β·KL)', 'nats', fg),
      curve('test −ELBO', 'nats', '#16a34a', { dash: [4, 3], points: { show: true, size: 5 } }),
      ...overlays.map((o, i) => curve(`total, ${o.label}`, 'nats', OVERLAY_COLOURS[i], { dash: [6, 4] })),
    ],
    legend: { live: true },
    cursor: { points: { show: false } },
  };
}

/// A legend value: at the pointer, or the latest one when the pointer is elsewhere.
function latest(u, v, si, idx) {
  const shown = idx == null ? lastOf(u.data[si]) : v;
  return shown == null ? '–' : shown.toFixed(1);
}

function lastOf(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] != null) return values[i];
  return null;
}

// Live loss chart: reconstruction and total on the left axis, KL on its own right axis (it is an
// order of magnitude smaller), and the test −ELBO as points where the worker measured it. uPlot draws without animation; points are thinned past MAX_POINTS.
// uPlot (145 KB) is fetched and evaluated only when `show` is called, once the page has its first
// image: evaluating it took about 60 ms of the page's thread during load, and preloading it put
// its parse on the two cores while the page loaded. Points that come in before are kept.
import { halve } from './series.js';

const MAX_POINTS = 1500;

export class LossChart {
  constructor(container) {
    this.container = container;
    this.data = [[], [], [], [], []]; // step, recon, kl, total, test −ELBO (null between measurements)
    this.plot = null; // until show()
    this.loading = null;
    this.overlays = []; // other runs' curves drawn with this one: [{label, curve: {step, loss}}]
  }

  /// Loads uPlot and draws the chart (the first call; later ones return the same promise).
  show() {
    this.loading ??= import('./vendor/uPlot.esm.js').then(({ default: uPlot }) => {
      const container = this.container;
      this.uPlot = uPlot;
      this.plot = new uPlot(options(container, this.overlays), this.shown(), container);
      new ResizeObserver(() => this.plot.setSize({ width: container.clientWidth, height: 240 })).observe(container);
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

  /// Replaces the curve with a saved history {step, recon, kl, loss, test} (an autosave's; older
  /// ones have no test curve).
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
  /// The plot is made anew: uPlot's delSeries fails when cursor points are off (1.6.32).
  setOverlays(overlays) {
    this.overlays = overlays;
    this.container.dataset.overlays = String(overlays.length);
    if (!this.plot) return;
    this.plot.destroy();
    this.plot = new this.uPlot(options(this.container, overlays), this.shown(), this.container);
  }

  redraw() {
    this.plot?.setData(this.shown());
  }

  /// The columns uPlot draws: this run's, then each overlay's total, on the union of their steps.
  shown() {
    if (!this.overlays.length) return this.data;
    const steps = [...new Set([...this.data[0], ...this.overlays.flatMap((o) => o.curve.step)])].sort((a, b) => a - b);
    const at = new Map(steps.map((s, i) => [s, i]));
    const column = (xs, ys) => {
      const out = new Array(steps.length).fill(null);
      xs.forEach((x, i) => { out[at.get(x)] = ys[i]; });
      return out;
    };
    return [steps, ...this.data.slice(1).map((ys) => column(this.data[0], ys)), ...this.overlays.map((o) => column(o.curve.step, o.curve.loss))];
  }
}

const OVERLAY_COLOURS = ['#9333ea', '#ea580c'];

function options(container, overlays) {
  return {
    width: container.clientWidth || 480,
    height: 240,
    scales: { x: { time: false }, kl: { auto: true } },
    axes: [
      { label: 'step' },
      { label: 'nats per image', scale: 'nats' },
      { label: 'KL', scale: 'kl', side: 1, grid: { show: false } },
    ],
    series: [
      { label: 'step' },
      { label: 'reconstruction', scale: 'nats', stroke: '#2563eb', width: 1.5, spanGaps: true, points: { show: false }, value: fmt },
      { label: 'KL', scale: 'kl', stroke: '#dc2626', width: 1.5, spanGaps: true, points: { show: false }, value: fmt },
      { label: 'total (recon + β·KL)', scale: 'nats', stroke: '#111827', width: 1.5, spanGaps: true, points: { show: false }, value: fmt },
      { label: 'test −ELBO', scale: 'nats', stroke: '#16a34a', width: 1.5, dash: [4, 3], spanGaps: true, points: { show: true, size: 5 }, value: fmt },
      ...overlays.map((o, i) => ({
        label: `total, ${o.label}`, scale: 'nats', stroke: OVERLAY_COLOURS[i], width: 1.5, dash: [6, 4], spanGaps: true, points: { show: false }, value: fmt,
      })),
    ],
    legend: { live: true },
    cursor: { points: { show: false } },
  };
}

function fmt(_, v) {
  return v == null ? '–' : v.toFixed(1);
}

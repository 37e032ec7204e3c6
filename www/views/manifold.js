// The manifold grid: decoded images over a grid of two chosen latent dimensions, the others held
// at the sliders' current z. One request in flight at a time; the newest settings win. Its axes
// carry ticks with the values of z at the first, middle and last cells, and the dimensions' names.
import { paintGrid } from './digits.js';
import { OneInFlight } from '../lib/one-in-flight.js';

export class ManifoldGrid {
  constructor({ canvas, xSelect, ySelect, range, size }, post) {
    Object.assign(this, { canvas, xSelect, ySelect, range, size, post });
    this.flight = new OneInFlight(() => this.send());
    this.base = [];
    this.sent = null; // the settings of the grid asked for last (its axes are labelled with them)
    this.axesBox = makeAxes(canvas);
    for (const el of [xSelect, ySelect, range, size]) el.addEventListener('change', () => { this.request(this.base); this.onChange?.(); });
  }

  /// New model: one option per latent dimension; x = z₁ and y = z₂ by default.
  build(latent) {
    for (const [select, pick] of [[this.xSelect, 0], [this.ySelect, Math.min(1, latent - 1)]]) {
      select.replaceChildren(...Array.from({ length: latent }, (_, i) => new Option(`z${i + 1}`, String(i))));
      select.value = String(pick);
    }
  }

  /// The two dimensions shown: [horizontal, vertical].
  axes() {
    return [Number(this.xSelect.value), Number(this.ySelect.value)];
  }

  settings() {
    const clamp = (el, lo, hi, fallback) => {
      const v = Number(el.value);
      const ok = Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : fallback;
      if (String(ok) !== el.value) el.value = String(ok);
      return ok;
    };
    return {
      dx: Number(this.xSelect.value),
      dy: Number(this.ySelect.value),
      range: clamp(this.range, 0.5, 8, 3),
      n: Math.round(clamp(this.size, 3, 20, 10)),
    };
  }

  /// Asks the worker for the grid around `base` (the current z).
  request(base) {
    this.base = base;
    this.flight.request();
  }

  send() {
    const { dx, dy, range, n } = this.settings();
    const z = codes(this.base, n * n, (row, k) => {
      row[dx] = sweep(range, k % n, n); // left to right
      row[dy] = -sweep(range, Math.floor(k / n), n); // top to bottom
    });
    this.sent = { dx, dy, range, n };
    this.post({ type: 'grid', z, n }, [z.buffer]);
  }

  /// Codes for a traversal figure around `base`: one row per latent dimension, that dimension
  /// swept over ±r with the grid's r and size. Returns { z, rows, cols }.
  traversal(base) {
    const { range, n } = this.settings();
    const z = codes(base, base.length * n, (row, k) => { row[Math.floor(k / n)] = sweep(range, k % n, n); });
    return { z, rows: base.length, cols: n };
  }

  /// Paints a grid; `pushed` ones were redrawn by new weights, not asked for.
  paint({ pixels, n, pushed = false }) {
    paintGrid(this.canvas, pixels, n, n);
    if (this.sent) labelAxes(this.axesBox, { ...this.sent, n });
    this.canvas.dataset.paints = String(Number(this.canvas.dataset.paints ?? 0) + 1);
    if (!pushed) this.flight.answered();
  }

  failed() {
    this.flight.failed();
  }
}

/// Wraps `canvas` in a box with an axis under it and one beside it; returns the two axes.
function makeAxes(canvas) {
  const box = document.createElement('div');
  box.className = 'grid-box';
  const [x, y] = ['grid-axis-x', 'grid-axis-y'].map((c) => {
    const axis = document.createElement('div');
    axis.className = `grid-axis ${c}`;
    axis.setAttribute('aria-hidden', 'true'); // the caption says the same in words
    return axis;
  });
  canvas.replaceWith(box);
  box.append(y, canvas, document.createElement('span'), x);
  return { x, y };
}

/// Ticks at the cells where z is −r, 0 and r (each cell's centre is its z), and the names.
function labelAxes({ x, y }, { dx, dy, range, n }) {
  const value = (v) => (v < 0 ? `−${Number((-v).toPrecision(3))}` : String(Number(v.toPrecision(3))));
  const at = (v) => (((v + range) * (n - 1)) / (2 * range) + 0.5) / n; // a value's place, 0 to 1
  const ticks = (axis, vertical, name) => axis.replaceChildren(...[-range, 0, range].map((v) => {
    const t = document.createElement('span');
    t.className = 'tick';
    t.textContent = value(v);
    t.style.setProperty(vertical ? 'top' : 'left', `${(vertical ? 1 - at(v) : at(v)) * 100}%`);
    return t;
  }), Object.assign(document.createElement('span'), { className: 'name', textContent: name }));
  ticks(x, false, `z${dx + 1} →`);
  ticks(y, true, `z${dy + 1} ↑`);
}

/// Position `i` of `n` evenly spaced from −range to +range.
function sweep(range, i, n) {
  return -range + (2 * range * i) / (n - 1);
}

/// `count` copies of `base` in one flat array, each then adjusted by `edit(row, k)`.
function codes(base, count, edit) {
  const latent = base.length;
  const z = new Float32Array(count * latent);
  for (let k = 0; k < count; k++) {
    const row = z.subarray(k * latent, (k + 1) * latent);
    row.set(base);
    edit(row, k);
  }
  return z;
}

// The manifold grid: decoded images over a grid of two chosen latent dimensions, the others held
// at the sliders' current z. One request in flight at a time; the newest settings win.
import { paintGrid } from './digits.js';
import { OneInFlight } from '../lib/one-in-flight.js';

export class ManifoldGrid {
  constructor({ canvas, xSelect, ySelect, range, size }, post) {
    Object.assign(this, { canvas, xSelect, ySelect, range, size, post });
    this.flight = new OneInFlight(() => this.send());
    this.base = [];
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
    this.canvas.dataset.paints = String(Number(this.canvas.dataset.paints ?? 0) + 1);
    if (!pushed) this.flight.answered();
  }

  failed() {
    this.flight.failed();
  }
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

// Interpolation: two images (test images by number, or the drawing as the start), their codes μ
// joined by a straight line, and the images decoded along it, painted between the two originals.
import { paintGrid } from './digits.js';
import { OneInFlight } from '../lib/one-in-flight.js';

export class Interpolation {
  /// `els`: {canvas, from, to, steps, useDrawing, random}; `send(msg)` posts to the worker;
  /// `drawing()` gives the drawing's pixels, or null when nothing is drawn.
  constructor(els, send, drawing) {
    Object.assign(this, { els, send, drawing });
    this.testSize = 1;
    this.flight = new OneInFlight(() => this.sendNow());
    for (const input of [els.from, els.to, els.steps]) input.addEventListener('change', () => this.request());
    els.useDrawing.addEventListener('change', () => this.request());
    els.random.addEventListener('click', () => {
      const pick = () => Math.floor(Math.random() * this.testSize);
      els.from.value = String(pick());
      els.to.value = String(pick());
      this.request();
    });
  }

  /// The model changed size or data: keep the chosen numbers inside the test set.
  setTestSize(n) {
    this.testSize = n;
    for (const input of [this.els.from, this.els.to]) {
      input.max = String(n - 1);
      this.endpoint(input);
    }
  }

  /// The test image an input names, clamped into the test set (and shown so).
  endpoint(input) {
    const n = Math.min(this.testSize - 1, Math.max(0, Math.round(Number(input.value)) || 0));
    input.value = String(n);
    return { test: n };
  }

  /// Asks for the path; at most one request in flight, the newest settings win.
  request() {
    this.flight.request();
  }

  sendNow() {
    const drawn = this.els.useDrawing.checked ? this.drawing() : null;
    const steps = Math.min(16, Math.max(3, Math.round(Number(this.els.steps.value)) || 8));
    this.els.steps.value = String(steps);
    this.send({ type: 'interpolate', a: drawn ? { pixels: drawn } : this.endpoint(this.els.from), b: this.endpoint(this.els.to), steps });
  }

  /// Paints [original a, path…, original b] in one row.
  paint({ a, b, path, steps }) {
    const all = new Float32Array(a.length * (steps + 2));
    all.set(a);
    all.set(path, a.length);
    all.set(b, a.length * (steps + 1));
    paintGrid(this.els.canvas, all, steps + 2, 1);
    this.done();
  }

  /// The request was answered or failed: ask again if the choices changed meanwhile.
  done() {
    this.flight.answered();
  }
}

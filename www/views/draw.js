// The drawing pad: a 28×28 canvas drawn on with mouse, finger or pen (Pointer Events cover all
// three). What the model sees is the drawing prepared like MNIST: shrunk to fit a 20×20 box if
// larger, and centred on its centre of mass.

const SIDE = 28;
const BRUSH = 1.7; // radius in pixels: MNIST strokes are 2–3 pixels wide
const BOX = 20; // MNIST digits fit a 20×20 box inside the 28×28 image

export class DrawPad {
  constructor(canvas, onStroke) {
    Object.assign(this, { canvas, onStroke });
    this.ink = new Float32Array(SIDE * SIDE);
    this.last = null;
    canvas.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      try { canvas.setPointerCapture(e.pointerId); } catch { /* a pointer the browser no longer tracks */ }
      this.last = this.toPad(e);
      this.dab(...this.last);
      this.changed(false);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      const next = this.toPad(e);
      this.line(this.last, next);
      this.last = next;
      this.changed(false);
    });
    const end = () => { if (this.last) { this.last = null; this.changed(true); } };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    this.paint();
  }

  toPad(e) {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
  }

  /// A soft round dab of ink centred at (x, y).
  dab(x, y) {
    for (let py = Math.floor(y - BRUSH); py <= Math.ceil(y + BRUSH); py++) {
      for (let px = Math.floor(x - BRUSH); px <= Math.ceil(x + BRUSH); px++) {
        if (px < 0 || py < 0 || px >= SIDE || py >= SIDE) continue;
        const d = Math.hypot(px + 0.5 - x, py + 0.5 - y);
        const v = Math.min(1, 1.6 * (1 - d / BRUSH));
        const i = py * SIDE + px;
        if (v > this.ink[i]) this.ink[i] = v;
      }
    }
  }

  line([x0, y0], [x1, y1]) {
    const n = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) * 4));
    for (let k = 1; k <= n; k++) this.dab(x0 + ((x1 - x0) * k) / n, y0 + ((y1 - y0) * k) / n);
  }

  changed(final) {
    this.paint();
    this.onStroke(final);
  }

  paint() {
    const ctx = this.canvas.getContext('2d');
    const img = ctx.createImageData(SIDE, SIDE);
    this.ink.forEach((v, i) => {
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = Math.round(v * 255);
      img.data[4 * i + 3] = 255;
    });
    ctx.putImageData(img, 0, 0);
  }

  clear() {
    this.ink.fill(0);
    this.paint();
  }

  isEmpty() {
    return !this.ink.some((v) => v > 0);
  }

  /// The drawing as the model expects a digit: at most 20×20, centre of mass at the centre.
  pixels() {
    const { ink } = this;
    let [mass, cx, cy] = [0, 0, 0];
    let [minX, minY, maxX, maxY] = [SIDE, SIDE, -1, -1];
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const v = ink[y * SIDE + x];
        if (v <= 0) continue;
        mass += v; cx += v * (x + 0.5); cy += v * (y + 0.5);
        minX = Math.min(minX, x); maxX = Math.max(maxX, x); minY = Math.min(minY, y); maxY = Math.max(maxY, y);
      }
    }
    if (mass === 0) return new Float32Array(SIDE * SIDE);
    cx /= mass; cy /= mass;
    const scale = Math.min(1, BOX / (Math.max(maxX - minX, maxY - minY) + 1));
    const out = new Float32Array(SIDE * SIDE);
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        // Where this output pixel's centre falls in the drawing, read bilinearly.
        const sx = (x + 0.5 - SIDE / 2) / scale + cx - 0.5;
        const sy = (y + 0.5 - SIDE / 2) / scale + cy - 0.5;
        out[y * SIDE + x] = bilinear(ink, sx, sy);
      }
    }
    return out;
  }
}

function bilinear(img, x, y) {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const at = (px, py) => (px < 0 || py < 0 || px >= SIDE || py >= SIDE ? 0 : img[py * SIDE + px]);
  const v = (1 - fy) * ((1 - fx) * at(x0, y0) + fx * at(x0 + 1, y0)) + fy * ((1 - fx) * at(x0, y0 + 1) + fx * at(x0 + 1, y0 + 1));
  return Math.min(1, Math.max(0, v));
}

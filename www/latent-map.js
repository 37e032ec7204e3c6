// The latent map: every test image's μ as a dot coloured by class, on two chosen dimensions
// (the manifold grid's), with the class means μ^Y labelled and the current z as a cross.
// Clicking or dragging on it moves those two dimensions of z.
import { Z_RANGE } from './latent.js';

export const CLASS_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export class LatentMap {
  constructor(canvas, onPick) {
    Object.assign(this, { canvas, onPick });
    this.mu = new Float32Array(0);
    this.labels = new Uint8Array(0);
    this.means = new Float32Array(0);
    this.latent = 2;
    this.axes = [0, 1];
    this.z = [];
    this.drawn = null; // μ of the user's drawing, marked ◆
    let dragging = false;
    const pick = (e) => {
      const r = canvas.getBoundingClientRect();
      const toZ = (f) => Math.round((-Z_RANGE + 2 * Z_RANGE * f) * 100) / 100;
      this.onPick(this.axes, [toZ((e.clientX - r.left) / r.width), toZ(1 - (e.clientY - r.top) / r.height)]);
    };
    canvas.addEventListener('pointerdown', (e) => { dragging = true; canvas.setPointerCapture(e.pointerId); pick(e); });
    canvas.addEventListener('pointermove', (e) => { if (dragging) pick(e); });
    canvas.addEventListener('pointerup', () => { dragging = false; });
  }

  set({ mu, labels, means, latent, axes, z, drawn }) {
    if (drawn !== undefined) this.drawn = drawn;
    if (mu) this.mu = mu;
    if (labels) this.labels = labels;
    if (means) this.means = means;
    if (latent) this.latent = latent;
    const axesChanged = axes && (axes[0] !== this.axes[0] || axes[1] !== this.axes[1]);
    if (axes) this.axes = axes;
    if (z) this.z = z;
    // The dots change with the model, z with every slider move: redraw the dots only when needed.
    if (mu || labels || means || latent || axesChanged || !this.layer) this.drawDots();
    this.draw();
  }

  /// The test codes and class means, drawn once into an off-screen layer.
  drawDots() {
    const { canvas, latent, axes: [dx, dy] } = this;
    const size = canvas.width;
    this.layer ??= new OffscreenCanvas(size, size);
    const ctx = this.layer.getContext('2d');
    const px = (v) => ((v + Z_RANGE) / (2 * Z_RANGE)) * size;
    const py = (v) => size - px(v);
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = '#e5e7eb';
    ctx.beginPath();
    ctx.moveTo(px(0), 0); ctx.lineTo(px(0), size); ctx.moveTo(0, py(0)); ctx.lineTo(size, py(0));
    ctx.stroke();
    const n = this.labels.length;
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = CLASS_COLOURS[this.labels[i] % 10];
      ctx.fillRect(px(this.mu[i * latent + dx]) - 1.5, py(this.mu[i * latent + dy]) - 1.5, 3, 3);
    }
    ctx.font = 'bold 14px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    for (let c = 0; c < this.means.length / latent; c++) {
      const [x, y] = [px(this.means[c * latent + dx]), py(this.means[c * latent + dy])];
      ctx.fillStyle = '#fff';
      ctx.beginPath(); ctx.arc(x, y, 9, 0, 2 * Math.PI); ctx.fill();
      ctx.strokeStyle = CLASS_COLOURS[c % 10]; ctx.lineWidth = 2; ctx.stroke();
      ctx.fillStyle = '#111827';
      ctx.fillText(String(c), x, y + 1);
    }
    this.dots = n;
  }

  /// The dots layer, then z's cross and the drawing's diamond on top.
  draw() {
    const { canvas, axes: [dx, dy] } = this;
    const size = canvas.width;
    const ctx = canvas.getContext('2d');
    const px = (v) => ((v + Z_RANGE) / (2 * Z_RANGE)) * size;
    const py = (v) => size - px(v);
    ctx.drawImage(this.layer, 0, 0);
    if (this.z.length > Math.max(dx, dy)) {
      const [x, y] = [px(this.z[dx]), py(this.z[dy])];
      ctx.strokeStyle = '#111827'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x - 8, y); ctx.lineTo(x + 8, y); ctx.moveTo(x, y - 8); ctx.lineTo(x, y + 8); ctx.stroke();
    }
    if (this.drawn && this.drawn.length > Math.max(dx, dy)) {
      const [x, y] = [px(this.drawn[dx]), py(this.drawn[dy])];
      ctx.fillStyle = '#f59e0b'; ctx.strokeStyle = '#111827'; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(x, y - 9); ctx.lineTo(x + 9, y); ctx.lineTo(x, y + 9); ctx.lineTo(x - 9, y); ctx.closePath();
      ctx.fill(); ctx.stroke();
      canvas.dataset.drawn = `${x.toFixed(1)},${y.toFixed(1)}`;
    } else delete canvas.dataset.drawn;
    canvas.dataset.points = String(this.dots);
  }
}

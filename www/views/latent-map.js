// The latent map: every test image's μ as a dot coloured by class, on two chosen dimensions
// (the manifold grid's), with the class means labelled and the current z as a cross; ticks and
// values on both axes, and a key of the classes' names under it where they are words.
// For the chosen class it draws where samples come from: the prior's 1σ and 2σ circles (for the
// class-mean CVAE around the class's mean, with the other classes' 1σ circles dashed, so their
// overlap shows) and the fitted Gaussian's 1σ and 2σ ellipses. Clicking or dragging on it moves
// those two dimensions of z. Its colours are the page's (CSS custom properties), read at each
// paint, and it repaints when the system switches between light and dark.
import { Z_RANGE } from './latent.js';
import { CLASS_COLOURS, currentClassNames, themeColours, onSchemeChange } from './palette.js';

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
    // Where samples of the chosen class come from: {cls, kind, fitted} (fitted: Lab.fitted()).
    this.overlay = null;
    this.names = null; // the classes' names (default: the data set shown)
    this.key = document.createElement('ul');
    this.key.className = 'map-key';
    this.key.setAttribute('aria-label', 'classes on the map');
    canvas.closest('.map-box')?.after(this.key);
    onSchemeChange(() => { if (this.layer) { this.drawDots(); this.draw(); } });
    let dragging = false;
    const pick = (e) => {
      const r = canvas.getBoundingClientRect();
      const toZ = (f) => Math.round((-Z_RANGE + 2 * Z_RANGE * f) * 100) / 100;
      this.onPick(this.axes, [toZ((e.clientX - r.left) / r.width), toZ(1 - (e.clientY - r.top) / r.height)]);
    };
    canvas.addEventListener('pointerdown', (e) => { dragging = true; canvas.setPointerCapture(e.pointerId); pick(e); });
    canvas.addEventListener('pointermove', (e) => {
      if (dragging) pick(e);
      else if (e.pointerType === 'mouse') this.hover(e);
    });
    canvas.addEventListener('pointerup', () => { dragging = false; });
    canvas.addEventListener('pointerleave', () => { this.hovered = null; this.onHover?.(null); });
  }

  /// The test image whose dot is nearest the pointer (within 8 screen pixels), for `onHover(i, e)`.
  hover(e) {
    const r = this.canvas.getBoundingClientRect();
    const [dx, dy] = this.axes;
    const scale = r.width / (2 * Z_RANGE);
    const [mx, my] = [e.clientX - r.left, e.clientY - r.top];
    let [best, bestD] = [null, 8];
    for (let i = 0; i < this.labels.length; i++) {
      const x = (this.mu[i * this.latent + dx] + Z_RANGE) * scale;
      const y = r.height - (this.mu[i * this.latent + dy] + Z_RANGE) * scale;
      const d = Math.hypot(x - mx, y - my);
      if (d < bestD) [best, bestD] = [i, d];
    }
    if (best !== this.hovered) {
      this.hovered = best;
      this.onHover?.(best, e);
    }
  }

  set({ mu, labels, means, latent, axes, z, drawn, overlay, names }) {
    if (names !== undefined) this.names = names;
    if (drawn !== undefined) this.drawn = drawn;
    if (overlay !== undefined) this.overlay = overlay;
    if (mu) this.mu = mu;
    if (labels) this.labels = labels;
    if (means) this.means = means;
    if (latent) this.latent = latent;
    const axesChanged = axes && (axes[0] !== this.axes[0] || axes[1] !== this.axes[1]);
    if (axes) this.axes = axes;
    if (z) this.z = z;
    // The dots change with the model, z with every slider move: redraw the dots only when needed.
    if (mu || labels || means || latent || axesChanged || names !== undefined || !this.layer) this.drawDots();
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
    const theme = themeColours();
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, size, size);
    drawAxes(ctx, size, px, py, theme, [dx, dy]);
    const n = this.labels.length;
    for (let i = 0; i < n; i++) {
      ctx.fillStyle = CLASS_COLOURS[this.labels[i] % 10];
      ctx.fillRect(px(this.mu[i * latent + dx]) - 1.5, py(this.mu[i * latent + dy]) - 1.5, 3, 3);
    }
    ctx.font = 'bold 14px system-ui, sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const classes = this.means.length / latent;
    const at = Array.from({ length: classes }, (_, c) => [px(this.means[c * latent + dx]), py(this.means[c * latent + dy])]);
    const labels = spread(at, 20, size);
    for (let c = 0; c < classes; c++) {
      const [[mx, my], [x, y]] = [at[c], labels[c]];
      ctx.strokeStyle = CLASS_COLOURS[c % 10];
      if (Math.hypot(x - mx, y - my) > 1) { // moved apart from a neighbour: a leader to where it is
        ctx.lineWidth = 1; ctx.beginPath(); ctx.moveTo(mx, my); ctx.lineTo(x, y); ctx.stroke();
        ctx.fillStyle = CLASS_COLOURS[c % 10]; ctx.beginPath(); ctx.arc(mx, my, 2.5, 0, 2 * Math.PI); ctx.fill();
      }
      ctx.fillStyle = theme.bg;
      ctx.beginPath(); ctx.arc(x, y, 9, 0, 2 * Math.PI); ctx.fill();
      ctx.lineWidth = 2; ctx.stroke();
      ctx.fillStyle = theme.fg;
      ctx.fillText(String(c), x, y + 1);
    }
    this.dots = n;
    this.showKey(Math.max(classes, n ? Math.max(...this.labels) + 1 : 0));
  }

  /// Under the map, each class's colour and name, where the names are words (Fashion-MNIST's
  /// garments); the map's circles carry the class numbers.
  showKey(classes) {
    const names = this.names ?? currentClassNames();
    const words = names && names.slice(0, classes).some((name, c) => name !== String(c));
    this.key.hidden = !words;
    if (!words) { this.key.replaceChildren(); return; }
    this.key.replaceChildren(...names.slice(0, classes).map((name, c) => {
      const li = document.createElement('li');
      li.style.setProperty('--class', CLASS_COLOURS[c % 10]);
      li.textContent = `${c} ${name}`;
      return li;
    }));
  }

  /// The dots layer, then z's cross and the drawing's diamond on top.
  draw() {
    const { canvas, axes: [dx, dy] } = this;
    const size = canvas.width;
    const ctx = canvas.getContext('2d');
    const px = (v) => ((v + Z_RANGE) / (2 * Z_RANGE)) * size;
    const py = (v) => size - px(v);
    ctx.drawImage(this.layer, 0, 0);
    this.drawOverlay(ctx, px, py, size / (2 * Z_RANGE));
    if (this.z.length > Math.max(dx, dy)) {
      // Held inside the map so that the whole cross shows, even for z at the sliders' ends.
      const inside = (v) => Math.min(size - 9, Math.max(9, v));
      const [x, y] = [inside(px(this.z[dx])), inside(py(this.z[dy]))];
      ctx.strokeStyle = themeColours().fg; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(x - 8, y); ctx.lineTo(x + 8, y); ctx.moveTo(x, y - 8); ctx.lineTo(x, y + 8); ctx.stroke();
    }
    if (this.drawn && this.drawn.length > Math.max(dx, dy)) {
      const [x, y] = [px(this.drawn[dx]), py(this.drawn[dy])];
      ctx.fillStyle = '#f59e0b'; ctx.strokeStyle = themeColours().fg; ctx.lineWidth = 1.5;
      ctx.beginPath(); ctx.moveTo(x, y - 9); ctx.lineTo(x + 9, y); ctx.lineTo(x, y + 9); ctx.lineTo(x - 9, y); ctx.closePath();
      ctx.fill(); ctx.stroke();
      canvas.dataset.drawn = `${x.toFixed(1)},${y.toFixed(1)}`;
    } else delete canvas.dataset.drawn;
    canvas.dataset.points = String(this.dots);
  }

  /// The chosen class's prior circles (and, for the seeds' CVAE, the other classes' 1σ circles)
  /// and its fitted Gaussian's ellipses, projected on the map's two dimensions. `unit`: pixels
  /// per unit of z.
  drawOverlay(ctx, px, py, unit) {
    const o = this.overlay;
    const { latent, axes: [dx, dy] } = this;
    const drawnOn = [];
    if (!o || Math.max(dx, dy) >= latent) { this.canvas.dataset.overlay = ''; return; }
    const classes = this.means.length / latent;
    const centre = (c) => (o.kind.hasClassMeans && c < classes ? [this.means[c * latent + dx], this.means[c * latent + dy]] : [0, 0]);
    const circle = ([x, y], r, colour, dash) => {
      ctx.strokeStyle = colour; ctx.lineWidth = 1.5; ctx.setLineDash(dash);
      ctx.beginPath(); ctx.arc(px(x), py(y), r * unit, 0, 2 * Math.PI); ctx.stroke();
    };
    const colour = o.cls === null ? themeColours().fg : CLASS_COLOURS[o.cls % 10];
    if (o.kind.hasClassMeans && o.cls !== null) {
      for (let c = 0; c < classes; c++) if (c !== o.cls) circle(centre(c), 1, `${CLASS_COLOURS[c % 10]}99`, [4, 4]);
    }
    if (o.kind.hasClassMeans ? o.cls !== null : true) {
      const at = centre(o.cls ?? 0);
      circle(at, 1, colour, []);
      circle(at, 2, colour, [2, 3]);
      drawnOn.push('prior');
    }
    const g = o.fitted && (!o.kind.conditional ? o.fitted.all : o.cls !== null ? o.fitted.perClass[o.cls] : null);
    if (g && g.mean.length === latent) {
      // The 2×2 covariance on the map's axes: its eigenvectors are the ellipse's axes.
      const [a, b, d] = [g.covariance[dx * latent + dx], g.covariance[dx * latent + dy], g.covariance[dy * latent + dy]];
      const mid = (a + d) / 2;
      const half = Math.sqrt(((a - d) / 2) ** 2 + b * b);
      const [l1, l2] = [Math.max(mid + half, 0), Math.max(mid - half, 0)];
      const angle = 0.5 * Math.atan2(2 * b, a - d);
      ctx.fillStyle = `${colour}22`;
      for (const k of [1, 2]) {
        ctx.strokeStyle = colour; ctx.lineWidth = k === 1 ? 2.5 : 1.5; ctx.setLineDash(k === 1 ? [] : [6, 3]);
        ctx.beginPath();
        ctx.ellipse(px(g.mean[dx]), py(g.mean[dy]), k * Math.sqrt(l1) * unit, k * Math.sqrt(l2) * unit, -angle, 0, 2 * Math.PI);
        if (k === 1) ctx.fill();
        ctx.stroke();
      }
      drawnOn.push('fitted');
    }
    ctx.setLineDash([]);
    this.canvas.dataset.overlay = drawnOn.join(' ');
  }
}

/// Grid lines at every whole unit of z, the axes through 0, and along the left and bottom edges a
/// tick and its value every 2 units, with the two dimensions' names.
function drawAxes(ctx, size, px, py, theme, [dx, dy]) {
  ctx.save();
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.line;
  ctx.globalAlpha = 0.6;
  ctx.beginPath();
  for (let v = -Z_RANGE + 1; v < Z_RANGE; v++) {
    if (v === 0) continue;
    ctx.moveTo(px(v) + 0.5, 0); ctx.lineTo(px(v) + 0.5, size); ctx.moveTo(0, py(v) + 0.5); ctx.lineTo(size, py(v) + 0.5);
  }
  ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.strokeStyle = theme.muted;
  ctx.beginPath();
  ctx.moveTo(px(0) + 0.5, 0); ctx.lineTo(px(0) + 0.5, size); ctx.moveTo(0, py(0) + 0.5); ctx.lineTo(size, py(0) + 0.5);
  ctx.stroke();
  ctx.fillStyle = theme.muted;
  ctx.font = '13px system-ui, sans-serif';
  ctx.beginPath();
  for (let v = -Z_RANGE + 2; v < Z_RANGE; v += 2) {
    const text = v < 0 ? `−${-v}` : String(v);
    ctx.moveTo(px(v) + 0.5, size); ctx.lineTo(px(v) + 0.5, size - 6); // bottom edge
    ctx.moveTo(0, py(v) + 0.5); ctx.lineTo(6, py(v) + 0.5); // left edge
    // Beside their lines, not on them (a line through "2" reads as "−2").
    ctx.textAlign = 'left'; ctx.textBaseline = 'bottom';
    ctx.fillText(text, px(v) + 3, size - 2);
    if (v !== 0) ctx.fillText(text, 3, py(v) - 2);
  }
  ctx.stroke();
  ctx.font = 'italic 14px system-ui, sans-serif';
  ctx.textAlign = 'right'; ctx.textBaseline = 'bottom';
  ctx.fillText(`z${dx + 1} →`, size - 4, py(0) - 3);
  ctx.textAlign = 'left'; ctx.textBaseline = 'top';
  ctx.fillText(`↑ z${dy + 1}`, px(0) + 4, 4);
  ctx.restore();
}

/// Label positions near `points` ([x, y] each) but at least `gap` pixels apart and inside the
/// map: overlapping pairs push each other apart along the line between them, a few rounds.
function spread(points, gap, size) {
  const out = points.map(([x, y]) => [x, y]);
  for (let round = 0; round < 30; round++) {
    let moved = false;
    for (let i = 0; i < out.length; i++) {
      for (let j = i + 1; j < out.length; j++) {
        const [dx, dy] = [out[j][0] - out[i][0], out[j][1] - out[i][1]];
        const d = Math.hypot(dx, dy);
        if (d >= gap) continue;
        // Coincident labels part along a direction of their own.
        const [ux, uy] = d > 1e-6 ? [dx / d, dy / d] : [Math.cos(i + j), Math.sin(i + j)];
        const push = (gap - d) / 2;
        out[i][0] -= ux * push; out[i][1] -= uy * push;
        out[j][0] += ux * push; out[j][1] += uy * push;
        moved = true;
      }
    }
    out.forEach((p) => { p[0] = Math.min(size - 10, Math.max(10, p[0])); p[1] = Math.min(size - 10, Math.max(10, p[1])); });
    if (!moved) break;
  }
  return out;
}

// "Walk through one step": one image through the model, stage by stage, with the model's own
// numbers (src/walkthrough.rs): x → (μ, σ) → ε → z = μ + ε·σ → x̂ and the cross-entropy per
// pixel → KL per dimension and the total → one optimiser step on this image alone. Next/Back by
// buttons and the arrow keys; focus follows the stage. μ, σ, ε and z are drawn on one shared
// scale (with its axis), so bars of different stages compare; the KL per dimension on its own.
// The exact numbers are also in data-* attributes (for the tests).
import { typeset, renderText } from './formulas.js';
import { paintImages } from './digits.js';
import { className } from './palette.js';

const SIDE = 28;

/// Each stage: its title, its formula (TeX, and plain text until KaTeX is here), one sentence
/// tied to the derivation, and what it draws. `w` is the walk, `kind` the model kind's facts
/// (FACTS.kinds[…]: solved rather than trained, variational, with class means).
const STAGES = [
  {
    title: 'The image x',
    tex: () => 'x \\in [0, 1]^{784}',
    text: (w, kind) => `A training example${w.fromDrawing ? ' (your drawing)' : ''} of class ${className(w.label)}. The model's job: make $\\log p(x)$ large${!kind.variational ? '; an autoencoder just reconstructs it' : ', via a lower bound (the ELBO) it can compute'}.`,
    draw: (w, box) => images(box, [['x', w.x]]),
  },
  {
    title: 'Encoder: μ and σ',
    tex: (kind) => (!kind.trainable ? 'z = W^\\top (x - m)' : !kind.variational ? '\\mu = \\mathrm{enc}(x)' : '(\\mu, \\log\\sigma^2) = \\mathrm{enc}_\\phi(x), \\quad \\sigma = e^{\\frac12 \\log\\sigma^2}'),
    text: (w, kind) => (w.sigma.length
      ? 'The encoder does not give one code but a Gaussian $q(z \\mid x) = \\mathcal N(\\mu, \\sigma^2)$: where this image\'s code probably lies, and how sure it is, per dimension.'
      : !kind.trainable ? 'PCA projects the centred image on its top principal directions: one code, no spread.' : 'The plain autoencoder gives one code μ(x): its encoder variance is zero.'),
    draw: (w, box) => { signed(box, 'μ', w.mu, codeScale(w)); if (w.sigma.length) signed(box, 'σ', w.sigma, codeScale(w)); },
  },
  {
    title: 'Noise ε',
    tex: () => '\\varepsilon \\sim \\mathcal{N}(0, I)',
    text: (w) => (w.eps.length
      ? 'The randomness is drawn outside the network, from a standard normal: this is the reparameterisation trick, which lets the gradient reach μ and σ.'
      : 'No noise: this model has no σ to scale it with.'),
    draw: (w, box) => { if (w.eps.length) signed(box, 'ε', w.eps, codeScale(w)); else note(box, 'z = μ'); },
  },
  {
    title: 'The code z = μ + ε·σ',
    tex: (kind) => (!kind.variational ? 'z = \\mu' : 'z = \\mu + \\varepsilon \\odot \\sigma'),
    text: (w) => (w.eps.length
      ? 'A sample from $q(z \\mid x)$, written as a differentiable function of $\\mu$ and $\\sigma$. Point at (or focus) a bar to see its arithmetic.'
      : 'The code is μ itself.'),
    draw: (w, box) => {
      const line = note(box, '');
      line.className = 'walk-arith';
      const explain = (i) => {
        line.textContent = w.eps.length
          ? `z${i + 1} = μ${i + 1} + ε${i + 1}·σ${i + 1} = ${f(w.mu[i])} + (${f(w.eps[i])})·${f(w.sigma[i])} = ${f(w.z[i])}`
          : `z${i + 1} = μ${i + 1} = ${f(w.z[i])}`;
        line.dataset.dim = String(i);
      };
      signed(box, 'z', w.z, codeScale(w), explain);
      explain(0);
    },
  },
  {
    title: 'Decoder: x̂ and the reconstruction error',
    tex: (kind) => (!kind.trainable ? '\\hat x = m + W z, \\quad \\textstyle\\sum_j (x_j - \\hat x_j)^2'
      : '\\hat x = \\mathrm{dec}_\\theta(z), \\quad -\\log p(x \\mid z) = -\\textstyle\\sum_j \\big[x_j \\log \\hat x_j + (1 - x_j) \\log(1 - \\hat x_j)\\big]'),
    text: (w, kind) => `$\\hat x$ beside $x$, and each pixel's share of the error (bright: costly). Summed over the 784 pixels: ${f(w.recon)}${kind.objective === 'squaredError' ? '' : ' nats'}.`,
    draw: (w, box) => {
      const top = Math.max(...w.reconPerPixel, 1e-9);
      images(box, [['x', w.x], ['x̂', w.xHat], ['error per pixel', w.reconPerPixel.map((v) => v / top)]]);
    },
  },
  {
    title: 'KL to the prior, and the total',
    tex: (kind) => (!kind.variational ? '\\text{loss} = \\text{reconstruction error}'
      : kind.hasClassMeans ? '\\mathrm{KL} = \\tfrac12 \\textstyle\\sum_i \\big((\\mu_i - \\mu^y_i)^2 + \\sigma_i^2 - \\log\\sigma_i^2 - 1\\big), \\quad \\text{loss} = \\text{recon} + \\beta\\,\\mathrm{KL}'
        : '\\mathrm{KL} = \\tfrac12 \\textstyle\\sum_i \\big(\\mu_i^2 + \\sigma_i^2 - \\log\\sigma_i^2 - 1\\big), \\quad \\text{loss} = \\text{recon} + \\beta\\,\\mathrm{KL}'),
    text: (w, kind) => (w.klPerDim.length
      ? `How far $q(z \\mid x)$ is from the prior (${kind.hasClassMeans ? `$\\mathcal N(\\mu^{${w.label}}, I)$, the learned mean of class ${className(w.label)}` : '$\\mathcal N(0, I)$'}), per dimension. ${totalText(w)}`
      : `No KL term: the loss is the reconstruction error alone, ${f(w.total)}. Nothing asks the codes to fill a prior, so $z$ drawn from $\\mathcal N(0, I)$ need not decode to anything.`),
    draw: (w, box) => { if (w.klPerDim.length) signed(box, 'KL', w.klPerDim, scaleOf(w.klPerDim, 0)); },
  },
  {
    title: 'One optimiser step',
    tex: (kind) => (!kind.trainable ? 'W = \\text{top eigenvectors of } \\mathrm{Cov}(x)' : '(\\phi, \\theta) \\leftarrow (\\phi, \\theta) - \\mathrm{Adam}\\big(\\nabla_{\\phi,\\theta}\\, \\text{loss}\\big)'),
    text: (w, kind) => (!kind.trainable ? 'PCA is solved exactly, not trained: there is no step to take.'
      : 'Backpropagation takes the gradient of this loss through $\\hat x$, $z$, and (thanks to $\\varepsilon$ being an input) $\\mu$ and $\\sigma$; one Adam step on this image alone moves every weight. Same $\\varepsilon$ before and after.'),
    draw: (w, box, view) => {
      if (!view.kind.trainable) return;
      const b = document.createElement('button');
      b.type = 'button';
      b.id = 'walk-step';
      b.textContent = 'Take the step';
      b.addEventListener('click', () => { b.disabled = true; view.onStep(); });
      const out = note(box, view.stepped ? stepText(view.stepped) : '');
      out.id = 'walk-step-result';
      box.prepend(b);
    },
  },
];

export const STAGE_COUNT = STAGES.length;

export class Walkthrough {
  /// `els`: {stage, title, formula, text, figure, pos, back, next, nav}; `ask(stage)` when the
  /// person moves on; `onStep()` when they take the step.
  constructor(els, onStep) {
    Object.assign(this, { els, onStep });
    this.walk = null;
    this.at = 0;
    this.kind = null; // the facts of the walk's model kind, set with the walk
    this.stepped = null;
    // Focus follows the stage: Back/Next keep it unless they become disabled at an end (then the
    // stage's heading takes it); the arrow keys put it on the stage's own button in the list, so
    // a screen reader says where the walk now stands.
    const byButton = (to, button) => { this.go(to); if (button.disabled) this.focusStage(); };
    els.back.addEventListener('click', () => byButton(this.at - 1, els.back));
    els.next.addEventListener('click', () => byButton(this.at + 1, els.next));
    els.title.tabIndex = -1;
    els.panel.addEventListener('keydown', (e) => {
      if (e.target.matches('input, select') || e.altKey || e.ctrlKey || e.metaKey) return;
      const to = { ArrowRight: this.at + 1, ArrowLeft: this.at - 1 }[e.key];
      if (to === undefined) return;
      e.preventDefault();
      const moved = to >= 0 && to < STAGES.length;
      this.go(to);
      if (moved) els.nav.querySelectorAll('button')[this.at].focus();
    });
    els.nav.replaceChildren(...STAGES.map((s, i) => {
      const li = document.createElement('li');
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = `${i + 1}. ${s.title}`;
      b.addEventListener('click', () => this.go(i));
      li.append(b);
      return li;
    }));
  }

  /// A new walk (the worker's answer) for a model whose kind's facts are `kind`, shown from stage `at`.
  show(walk, kind, at = this.at) {
    Object.assign(this, { walk, kind, stepped: null });
    const p = this.els.panel;
    p.dataset.total = String(walk.total);
    p.dataset.recon = String(walk.recon);
    p.dataset.kl = String(walk.kl);
    p.dataset.beta = String(walk.beta);
    p.dataset.walk = JSON.stringify({ mu: walk.mu, sigma: walk.sigma, eps: walk.eps, z: walk.z });
    this.go(at);
  }

  stepDone(s) {
    this.stepped = s;
    this.els.panel.dataset.before = String(s.before);
    this.els.panel.dataset.after = String(s.after);
    const out = document.getElementById('walk-step-result');
    if (out) out.textContent = stepText(s);
  }

  /// Moves focus to the stage's heading (when the control that had it is gone or disabled).
  focusStage() {
    this.els.title.focus({ preventScroll: true });
  }

  go(at) {
    this.at = Math.max(0, Math.min(STAGES.length - 1, at));
    const { els } = this;
    els.panel.dataset.stage = String(this.at);
    els.pos.textContent = `${this.at + 1} / ${STAGES.length}`;
    els.back.disabled = this.at === 0;
    els.next.disabled = this.at === STAGES.length - 1;
    [...els.nav.querySelectorAll('button')].forEach((b, i) => b.setAttribute('aria-current', String(i === this.at)));
    const stage = STAGES[this.at];
    els.title.textContent = stage.title;
    if (!this.walk) { els.text.textContent = 'Pick an image and press Start.'; els.figure.replaceChildren(); return; }
    typeset(els.formula, stage.tex(this.kind));
    renderText(els.text, stage.text(this.walk, this.kind));
    els.figure.replaceChildren();
    stage.draw(this.walk, els.figure, this);
  }
}

const f = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2));
const stepText = (s) => `Loss on this image: ${f(s.before)} before, ${f(s.after)} after the step (${s.after < s.before ? '' : '+'}${(s.after - s.before).toFixed(3)}); the model is now at step ${s.step.toLocaleString()}.`;

/// The total in words: at β = 1 it is the −ELBO; otherwise the β-weighted loss training lowers,
/// with the −ELBO (recon + KL) beside it, so the two are never taken for one another.
function totalText(w) {
  const elbo = w.recon + w.kl;
  return w.beta === 1
    ? `Total: ${f(w.recon)} + ${f(w.kl)} = ${f(w.total)}, the −ELBO, which training lowers.`
    : `Loss training lowers (β-weighted): ${f(w.recon)} + ${f(w.beta)} × ${f(w.kl)} = ${f(w.total)}; this image's −ELBO (β = 1) is ${f(w.recon)} + ${f(w.kl)} = ${f(elbo)}.`;
}

/// One scale for μ, σ, ε and z of a walk (they are all in units of z), so their bars compare.
function codeScale(w) {
  return scaleOf([...w.mu, ...w.sigma, ...w.eps, ...w.z], 0);
}

/// A scale {top, ticks} for bars of `values` from a middle line: top is a round number ≥ every |v|.
function scaleOf(values, floor) {
  const m = Math.max(floor, ...values.map(Math.abs), 1e-9);
  const p = 10 ** Math.floor(Math.log10(m));
  const top = [1, 2, 2.5, 5, 10].map((k) => k * p).find((t) => t >= m - 1e-12);
  return { top };
}

function note(box, text) {
  const p = document.createElement('p');
  p.className = 'note';
  p.textContent = text;
  box.append(p);
  return p;
}

/// Labelled 28×28 images side by side.
function images(box, list) {
  const row = document.createElement('div');
  row.className = 'walk-images';
  for (const [label, pixels] of list) {
    const fig = document.createElement('figure');
    const c = document.createElement('canvas');
    c.width = SIDE; c.height = SIDE;
    c.className = 'digit';
    c.setAttribute('role', 'img');
    c.setAttribute('aria-label', label);
    paintImages(c, Float32Array.from(pixels), 1);
    const cap = document.createElement('figcaption');
    cap.textContent = label;
    fig.append(c, cap);
    row.append(fig);
  }
  box.append(row);
}

/// One bar per dimension from a middle line, up for positive values and down for negative, on
/// `scale` (shared by the quantities measured in the same units), with its axis: +top, 0, −top.
/// `onPoint(i)` when a bar is pointed at or focused.
function signed(box, name, values, scale, onPoint = null) {
  const { top } = scale;
  const figure = document.createElement('div');
  figure.className = 'sbars-box';
  const axis = document.createElement('div');
  axis.className = 'sbars-axis';
  axis.setAttribute('aria-hidden', 'true');
  axis.append(...[top, 0, -top].map((v) => {
    const t = document.createElement('span');
    t.textContent = v === 0 ? '0' : `${v > 0 ? '+' : '−'}${tick(Math.abs(v))}`;
    return t;
  }));
  const row = document.createElement('div');
  row.className = 'sbars';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', `${name} per latent dimension, on a scale from −${tick(top)} to +${tick(top)}`);
  row.dataset.top = String(top);
  values.forEach((v, i) => {
    const bar = document.createElement('div');
    bar.className = 'sbar';
    bar.tabIndex = onPoint ? 0 : -1;
    bar.setAttribute('role', 'img');
    bar.title = `${name}${i + 1} = ${v.toFixed(4)}`;
    bar.setAttribute('aria-label', bar.title);
    const fill = document.createElement('span');
    const h = Math.min(1, Math.abs(v) / top) * 50;
    fill.style.height = `${h}%`;
    fill.style.top = v >= 0 ? `${50 - h}%` : '50%';
    fill.className = v >= 0 ? 'up' : 'down';
    bar.append(fill);
    if (onPoint) {
      bar.addEventListener('pointerenter', () => onPoint(i));
      bar.addEventListener('focus', () => onPoint(i));
    }
    row.append(bar);
  });
  const dims = document.createElement('div');
  dims.className = 'sbars-dims';
  dims.setAttribute('aria-hidden', 'true');
  dims.append(...values.map((v, i) => {
    const t = document.createElement('span');
    t.textContent = String(i + 1);
    return t;
  }));
  figure.append(axis, row, document.createElement('span'), dims);
  const label = document.createElement('p');
  label.className = 'note';
  label.textContent = `${name} (dimensions 1–${values.length}): ${values.map((v) => v.toFixed(2)).join(', ')}`;
  box.append(figure, label);
}

const tick = (v) => String(Number(v.toPrecision(3)));

// "Walk through one step": one image through the model, stage by stage, with the model's own
// numbers (src/walkthrough.rs): x → (μ, σ) → ε → z = μ + ε·σ → x̂ and the cross-entropy per
// pixel → KL per dimension and the total → one optimiser step on this image alone. Next/Back by
// buttons and the arrow keys. The exact numbers are also in data-* attributes (for the tests).
import { typeset } from './formulas.js';
import { paintImages } from './digits.js';

const SIDE = 28;

/// Each stage: its title, its formula (TeX, and plain text until KaTeX is here), one sentence
/// tied to the derivation, and what it draws. `w` is the walk, `kind` the model kind.
const STAGES = [
  {
    title: 'The image x',
    tex: () => 'x \\in [0, 1]^{784}',
    text: (w, kind) => `A training example${w.fromDrawing ? ' (your drawing)' : ''} of class ${w.label}. The model's job: make log p(x) large${kind === 'pca' || kind === 'ae' ? '; an autoencoder just reconstructs it' : ', via a lower bound (the ELBO) it can compute'}.`,
    draw: (w, box) => images(box, [['x', w.x]]),
  },
  {
    title: 'Encoder: μ and σ',
    tex: (kind) => (kind === 'pca' ? 'z = W^\\top (x - m)' : kind === 'ae' ? '\\mu = \\mathrm{enc}(x)' : '(\\mu, \\log\\sigma^2) = \\mathrm{enc}_\\phi(x), \\quad \\sigma = e^{\\frac12 \\log\\sigma^2}'),
    text: (w, kind) => (w.sigma.length
      ? 'The encoder does not give one code but a Gaussian q(z | x) = N(μ, σ²): where this image\'s code probably lies, and how sure it is, per dimension.'
      : kind === 'pca' ? 'PCA projects the centred image on its top principal directions: one code, no spread.' : 'The plain autoencoder gives one code μ(x): its encoder variance is zero.'),
    draw: (w, box) => { signed(box, 'μ', w.mu); if (w.sigma.length) signed(box, 'σ', w.sigma); },
  },
  {
    title: 'Noise ε',
    tex: () => '\\varepsilon \\sim \\mathcal{N}(0, I)',
    text: (w) => (w.eps.length
      ? 'The randomness is drawn outside the network, from a standard normal: this is the reparameterisation trick, which lets the gradient reach μ and σ.'
      : 'No noise: this model has no σ to scale it with.'),
    draw: (w, box) => { if (w.eps.length) signed(box, 'ε', w.eps); else note(box, 'z = μ'); },
  },
  {
    title: 'The code z = μ + ε·σ',
    tex: (kind) => (kind === 'ae' || kind === 'pca' ? 'z = \\mu' : 'z = \\mu + \\varepsilon \\odot \\sigma'),
    text: (w) => (w.eps.length
      ? 'A sample from q(z | x), written as a differentiable function of μ and σ. Point at (or focus) a bar to see its arithmetic.'
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
      signed(box, 'z', w.z, explain);
      explain(0);
    },
  },
  {
    title: 'Decoder: x̂ and the reconstruction error',
    tex: (kind) => (kind === 'pca' ? '\\hat x = m + W z, \\quad \\textstyle\\sum_j (x_j - \\hat x_j)^2'
      : '\\hat x = \\mathrm{dec}_\\theta(z), \\quad -\\log p(x \\mid z) = -\\textstyle\\sum_j \\big[x_j \\log \\hat x_j + (1 - x_j) \\log(1 - \\hat x_j)\\big]'),
    text: (w, kind) => `x̂ beside x, and each pixel's share of the error (bright: costly). Summed over the 784 pixels: ${f(w.recon)}${kind === 'pca' ? '' : ' nats'}.`,
    draw: (w, box) => {
      const top = Math.max(...w.reconPerPixel, 1e-9);
      images(box, [['x', w.x], ['x̂', w.xHat], ['error per pixel', w.reconPerPixel.map((v) => v / top)]]);
    },
  },
  {
    title: 'KL to the prior, and the total',
    tex: (kind) => (kind === 'ae' || kind === 'pca' ? '\\text{loss} = \\text{reconstruction error}'
      : kind === 'cvae' ? '\\mathrm{KL} = \\tfrac12 \\textstyle\\sum_i \\big((\\mu_i - \\mu^y_i)^2 + \\sigma_i^2 - \\log\\sigma_i^2 - 1\\big), \\quad \\text{loss} = \\text{recon} + \\beta\\,\\mathrm{KL}'
        : '\\mathrm{KL} = \\tfrac12 \\textstyle\\sum_i \\big(\\mu_i^2 + \\sigma_i^2 - \\log\\sigma_i^2 - 1\\big), \\quad \\text{loss} = \\text{recon} + \\beta\\,\\mathrm{KL}'),
    text: (w, kind) => (w.klPerDim.length
      ? `How far q(z | x) is from the prior (${kind === 'cvae' ? `N(μ^${w.label}, I), this class's learned mean` : 'N(0, I)'}), per dimension. Total: ${f(w.recon)} + ${f(w.beta)} × ${f(w.kl)} = ${f(w.total)}, the −ELBO (at β = 1) training lowers.`
      : `No KL term: the loss is the reconstruction error alone, ${f(w.total)}. Nothing asks the codes to fill a prior, so z drawn from N(0, I) need not decode to anything.`),
    draw: (w, box) => { if (w.klPerDim.length) signed(box, 'KL', w.klPerDim); },
  },
  {
    title: 'One optimiser step',
    tex: (kind) => (kind === 'pca' ? 'W = \\text{top eigenvectors of } \\mathrm{Cov}(x)' : '(\\phi, \\theta) \\leftarrow (\\phi, \\theta) - \\mathrm{Adam}\\big(\\nabla_{\\phi,\\theta}\\, \\text{loss}\\big)'),
    text: (w, kind) => (kind === 'pca' ? 'PCA is solved exactly, not trained: there is no step to take.'
      : 'Backpropagation takes the gradient of this loss through x̂, z, and (thanks to ε being an input) μ and σ; one Adam step on this image alone moves every weight. Same ε before and after.'),
    draw: (w, box, view) => {
      if (view.kind === 'pca') return;
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
    this.kind = 'vae';
    this.stepped = null;
    els.back.addEventListener('click', () => this.go(this.at - 1));
    els.next.addEventListener('click', () => this.go(this.at + 1));
    els.panel.addEventListener('keydown', (e) => {
      if (e.target.matches('input, select')) return;
      if (e.key === 'ArrowRight') { this.go(this.at + 1); e.preventDefault(); }
      if (e.key === 'ArrowLeft') { this.go(this.at - 1); e.preventDefault(); }
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

  /// A new walk (the worker's answer) for a model of `kind`, shown from stage `at`.
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
    els.text.textContent = stage.text(this.walk, this.kind);
    els.figure.replaceChildren();
    stage.draw(this.walk, els.figure, this);
  }
}

const f = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2));
const stepText = (s) => `Loss on this image: ${f(s.before)} before, ${f(s.after)} after the step (${s.after < s.before ? '' : '+'}${(s.after - s.before).toFixed(3)}); the model is now at step ${s.step.toLocaleString()}.`;

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

/// One bar per dimension from a middle line, up for positive values and down for negative;
/// `onPoint(i)` when a bar is pointed at or focused.
function signed(box, name, values, onPoint = null) {
  const top = Math.max(...values.map(Math.abs), 1e-9);
  const row = document.createElement('div');
  row.className = 'sbars';
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', `${name} per latent dimension`);
  values.forEach((v, i) => {
    const bar = document.createElement('div');
    bar.className = 'sbar';
    bar.tabIndex = onPoint ? 0 : -1;
    bar.setAttribute('role', 'img');
    bar.title = `${name}${i + 1} = ${v.toFixed(4)}`;
    bar.setAttribute('aria-label', bar.title);
    const fill = document.createElement('span');
    const h = (Math.abs(v) / top) * 50;
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
  const label = document.createElement('p');
  label.className = 'note';
  label.textContent = `${name}: ${values.map((v) => v.toFixed(2)).join(', ')}`;
  box.append(row, label);
}

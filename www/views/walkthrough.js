// "Walk through one step": one image through the model, stage by stage, with the model's own
// numbers (src/evaluation/walkthrough.rs). A VAE's walk: x → (μ, σ) → ε → z = μ + ε·σ → x̂ and the
// cross-entropy per pixel → KL per dimension and the total → one optimiser step on this image
// alone. A GAN's (the walk says which, `family`): the real x → z and G(z) → D's verdict on both →
// D's loss → G's loss and the push D's verdict gives each pixel of G(z) → D's step, then G's step.
// Next/Back by buttons and the arrow keys; focus follows the stage. μ, σ, ε and z are drawn on
// one shared scale (with its axis), so bars of different stages compare; the KL per dimension on
// its own. The exact numbers are also in data-* attributes (for the tests).
import { typeset, renderText } from './formulas.js';
import { paintImages } from './digits.js';
import { className } from './palette.js';

const SIDE = 28;

/// Each stage: its title, its formula (TeX, and plain text until KaTeX is here), one sentence
/// tied to the derivation, and what it draws. `w` is the walk, `kind` the model kind's facts
/// (FACTS.kinds[…]: solved rather than trained, variational, with class means).
const OBJECTIVE_STAGES = [
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

/// A GAN's stages: what D and G each see and say of one real image and one z, then their steps.
/// Text reads the walk's numbers; D is read as it judges outside training (no dropout, no noise).
const ADVERSARIAL_STAGES = [
  {
    title: 'The real image x',
    tex: () => 'x \\sim p_{\\text{data}}',
    text: (w) => `A training example${w.fromDrawing ? ' (your drawing)' : ''} of class ${className(w.label)}. The discriminator $D$ is trained to call images like this one real ($D(x) \\to 1$) and $G$'s images generated ($D(G(z)) \\to 0$).`,
    draw: (w, box) => images(box, [['x (real)', w.x]]),
  },
  {
    title: "Noise z and G's image",
    tex: (kind) => (kind.takesLabel ? 'z \\sim \\mathcal N(0, I), \\quad \\tilde x = G_\\theta(z, y)' : 'z \\sim \\mathcal N(0, I), \\quad \\tilde x = G_\\theta(z)'),
    text: (w, kind) => `$G$ turns a draw of noise into an image${kind.takesLabel ? `, given the class's one-hot (here ${className(w.label)})` : ''}; it never sees a real image, only what $D$ says of its own.`
      + (w.averaged ? ' Sample and the explorer show an average of $G$\'s weights (the weight average is on); this is $G$\'s own, the one a step moves.' : ''),
    draw: (w, box) => { signed(box, 'z', w.z, scaleOf(w.z, 0)); images(box, [['G(z)', w.fake]]); },
  },
  {
    title: "D's verdict",
    tex: () => 'D_\\varphi(x) = \\Pr(\\text{real} \\mid x), \\qquad D^*(x) = \\frac{p_{\\text{data}}(x)}{p_{\\text{data}}(x) + p_G(x)}',
    text: (w) => `$D$ says $D(x) = ${f(w.dReal)}$ for the real image and $D(G(z)) = ${f(w.dFake)}$ for $G$'s. For a fixed $G$ the best $D$ is $D^*$: where $G$ matches the data it says ½ to both, and it cannot do better.`,
    draw: (w, box) => chances(box, [['D(x)', w.dReal], ['D(G(z))', w.dFake]]),
  },
  {
    title: "D's loss",
    tex: () => '-V(G, D) = -\\log D(x) - \\log\\big(1 - D(G(z))\\big)',
    text: (w) => `For this pair: ${f(w.realTerm)} + ${f(w.fakeTerm)} = ${f(w.dLoss)} nats. If $D$ could not tell them apart ($D = \\tfrac12$ on both) it would be $2 \\log 2 \\approx 1.386$; lower means $D$ tells them apart, and $(\\log 4 - (-V))/2$ is the Jensen–Shannon bound the chart draws.`
      + (w.gLossForm === 'hinge' ? ' With the hinge loss $D$ trains on $\\max(0, 1 - f(x)) + \\max(0, 1 + f(G(z)))$ of its raw scores $f$ instead; $-V$ is shown as the texts\' measure.'
        : w.target < 1 ? ` In training $D$ aims at ${w.target} for real images rather than 1 (one-sided label smoothing), so it never grows quite sure.` : ''),
    draw: (w, box) => chances(box, [['−log D(x)', w.realTerm], ['−log(1 − D(G(z)))', w.fakeTerm], ['2 log 2', 2 * Math.LN2]], Math.max(2 * Math.LN2, w.realTerm, w.fakeTerm)),
  },
  {
    title: "G's loss, and what D tells G",
    tex: (kind, w) => G_LOSS_TEX[w?.gLossForm ?? 'nonSaturating'],
    text: (w) => `$G$'s loss on its image: ${f(w.gLoss)}. Its gradient reaches $G$ only through $D$: the right-hand picture shows which way $D$'s verdict pushes each pixel (light: brighten, dark: darken, grey: no push; strongest ${f(Math.max(...w.push.map(Math.abs)))}).`
      + G_LOSS_WORDS[w.gLossForm],
    draw: (w, box) => {
      const top = Math.max(...w.push.map(Math.abs), 1e-12);
      images(box, [['G(z)', w.fake], ['push per pixel', w.push.map((v) => 0.5 + 0.5 * v / top)]]);
    },
  },
  {
    title: 'One D step, then one G step',
    tex: () => '\\varphi \\leftarrow \\varphi - \\mathrm{Adam}\\big(\\nabla_\\varphi (-V)\\big), \\quad \\theta \\leftarrow \\theta - \\mathrm{Adam}\\big(\\nabla_\\theta L_G\\big)',
    text: (w) => `$D$ takes ${w.dSteps > 1 ? `${w.dSteps} steps` : 'one step'} on this pair as training does (dropout, smoothing and instance noise as set), then $G$ one step on this $z$ through the updated $D$. $D$'s verdict is read before, between and after, each time without dropout.`,
    draw: (w, box, view) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.id = 'walk-step';
      b.textContent = 'Take the steps';
      b.addEventListener('click', () => { b.disabled = true; view.onStep(); });
      box.append(b);
      const out = document.createElement('div');
      out.id = 'walk-step-result';
      box.append(out);
      if (view.stepped) showGanStep(out, view.stepped);
    },
  },
];

const STAGES_OF = { objective: OBJECTIVE_STAGES, adversarial: ADVERSARIAL_STAGES };

/// G's loss in each form the settings offer (config.rs GanLoss), and what it means for the push.
const G_LOSS_TEX = {
  nonSaturating: 'L_G = -\\log D(G(z))',
  saturating: 'L_G = \\log\\big(1 - D(G(z))\\big)',
  hinge: 'L_G = -f_\\varphi(G(z)), \\quad D = \\sigma(f_\\varphi)',
};
const G_LOSS_WORDS = {
  nonSaturating: ' The non-saturating form pushes hardest where $D(G(z))$ is near 0, where the saturating $\\log(1 - D(G(z)))$ goes flat.',
  saturating: ' This is the saturating form: where $D$ is sure the image is fake, $D(G(z)) \\approx 0$ and the push fades to nothing.',
  hinge: ' The hinge form: $G$ raises $D$\'s raw score $f(G(z))$ (the logit) itself, with no logarithm, so the push never fades as $D$ grows sure.',
};

export class Walkthrough {
  /// `els`: {stage, title, formula, text, figure, pos, back, next, nav}; `ask(stage)` when the
  /// person moves on; `onStep()` when they take the step.
  constructor(els, onStep) {
    Object.assign(this, { els, onStep });
    this.walk = null;
    this.at = 0;
    this.kind = null; // the facts of the walk's model kind, set with the walk
    this.stepped = null;
    this.stages = OBJECTIVE_STAGES; // the walk's family's (set with each walk)
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
      const moved = to >= 0 && to < this.stages.length;
      this.go(to);
      if (moved) els.nav.querySelectorAll('button')[this.at].focus();
    });
    this.listStages();
  }

  /// The stage buttons, for the current family's stages.
  listStages() {
    this.els.nav.replaceChildren(...this.stages.map((s, i) => {
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
    const stages = STAGES_OF[walk.family];
    if (stages !== this.stages) {
      this.stages = stages;
      this.listStages();
    }
    const p = this.els.panel;
    p.dataset.family = walk.family;
    for (const key of ['before', 'after', 'step']) delete p.dataset[key];
    if (walk.family === 'adversarial') {
      for (const key of ['dReal', 'dFake', 'dLoss', 'gLoss']) p.dataset[key] = String(walk[key]);
      p.dataset.walk = JSON.stringify({ z: walk.z });
    } else {
      p.dataset.total = String(walk.total);
      p.dataset.recon = String(walk.recon);
      p.dataset.kl = String(walk.kl);
      p.dataset.beta = String(walk.beta);
      p.dataset.walk = JSON.stringify({ mu: walk.mu, sigma: walk.sigma, eps: walk.eps, z: walk.z });
    }
    this.go(at);
  }

  /// The step's answer: {moments: [[name, figures]…], images: [[name, pixels]…], step}.
  stepDone(s) {
    const moments = Object.fromEntries(s.moments);
    this.stepped = { ...s, moments, images: Object.fromEntries(s.images) };
    this.els.panel.dataset.step = JSON.stringify(moments);
    if (moments.after) {
      this.els.panel.dataset.before = String(moments.before.loss);
      this.els.panel.dataset.after = String(moments.after.loss);
    }
    const out = document.getElementById('walk-step-result');
    if (!out) return;
    if (moments.after) out.textContent = stepText(this.stepped);
    else showGanStep(out, this.stepped);
  }

  /// Moves focus to the stage's heading (when the control that had it is gone or disabled).
  focusStage() {
    this.els.title.focus({ preventScroll: true });
  }

  go(at) {
    const { stages } = this;
    this.at = Math.max(0, Math.min(stages.length - 1, at));
    const { els } = this;
    els.panel.dataset.stage = String(this.at);
    els.pos.textContent = `${this.at + 1} / ${stages.length}`;
    els.back.disabled = this.at === 0;
    els.next.disabled = this.at === stages.length - 1;
    [...els.nav.querySelectorAll('button')].forEach((b, i) => b.setAttribute('aria-current', String(i === this.at)));
    const stage = stages[this.at];
    els.title.textContent = stage.title;
    if (!this.walk) { els.text.textContent = 'Pick an image and press Start.'; els.figure.replaceChildren(); return; }
    typeset(els.formula, stage.tex(this.kind, this.walk));
    renderText(els.text, stage.text(this.walk, this.kind));
    els.figure.replaceChildren();
    stage.draw(this.walk, els.figure, this);
  }
}

const f = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : v.toFixed(2));
const stepText = (s) => {
  const [before, after] = [s.moments.before.loss, s.moments.after.loss];
  return `Loss on this image: ${f(before)} before, ${f(after)} after the step (${after < before ? '' : '+'}${(after - before).toFixed(3)}); the model is now at step ${s.step.toLocaleString()}.`;
};

/// A GAN step's figures: D's verdict and both losses before, after D's step and after G's, and
/// G(z) before and after; a sentence says what moved.
function showGanStep(box, s) {
  const { before, afterD, afterG } = s.moments;
  const table = document.createElement('table');
  table.className = 'walk-steps';
  const row = (cells, tag = 'td') => {
    const tr = document.createElement('tr');
    tr.append(...cells.map((c, i) => {
      const el = document.createElement(i === 0 && tag === 'td' ? 'th' : tag);
      if (i === 0 && tag === 'td') el.scope = 'row';
      if (tag === 'th') el.scope = 'col';
      el.textContent = c;
      return el;
    }));
    return tr;
  };
  const head = document.createElement('thead');
  head.append(row(['', 'before', "after D's step", "after G's step"], 'th'));
  const body = document.createElement('tbody');
  body.append(...[['D(x)', 'dReal'], ['D(G(z))', 'dFake'], ["D's loss (−V)", 'dLoss'], ["G's loss", 'gLoss']]
    .map(([label, key]) => row([label, f(before[key]), f(afterD[key]), f(afterG[key])])));
  table.append(head, body);
  const caption = document.createElement('caption');
  caption.textContent = `One D step, then one G step, on this pair; the model is now at step ${s.step.toLocaleString()}.`;
  table.prepend(caption);
  const says = document.createElement('p');
  says.className = 'note';
  // One pair's gradient is larger than a batch's mean, and Adam divides by the running size of
  // whole batches' gradients: the step is larger than a training step and can overshoot (measured
  // natively: after 200 steps D's step lowered the pair's loss for 19 of 20 pairs).
  const rose = [afterD.dLoss > before.dLoss ? "D's loss" : '', afterG.gLoss > afterD.gLoss ? "G's loss" : ''].filter(Boolean);
  says.textContent = `D's step moved D(x) ${dir(before.dReal, afterD.dReal)} and D(G(z)) ${dir(before.dFake, afterD.dFake)}; G's step then moved D(G(z)) ${dir(afterD.dFake, afterG.dFake)}, `
    + `and G's loss from ${f(afterD.gLoss)} to ${f(afterG.gLoss)}.`
    + (rose.length ? ` ${rose.join(' and ')} rose on this pair: one Adam step on a single pair is larger than a training step (Adam scales by the running size of whole batches' gradients, and one pair's gradient is bigger), so it can overshoot.` : '');
  box.replaceChildren(table, says);
  images(box, [['G(z) before', s.images.before], ['G(z) after', s.images.after]]);
}

const dir = (a, b) => `${b > a ? 'up' : b < a ? 'down' : 'not at all'} (${f(a)} → ${f(b)})`;

/// Horizontal bars of probabilities (or, with `top`, of values up to top), each with its value,
/// on a shared scale from 0 with a mark at ½ of it.
function chances(box, rows, top = 1) {
  const list = document.createElement('div');
  list.className = 'walk-chances';
  list.setAttribute('role', 'list');
  for (const [label, v] of rows) {
    const item = document.createElement('div');
    item.className = 'walk-chance';
    item.setAttribute('role', 'listitem');
    const name = document.createElement('span');
    name.textContent = label;
    const track = document.createElement('span');
    track.className = 'walk-track';
    track.setAttribute('aria-hidden', 'true');
    const fill = document.createElement('span');
    fill.style.width = `${Math.min(1, Math.max(0, v / top)) * 100}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.textContent = f(v);
    item.append(name, track, value);
    item.setAttribute('aria-label', `${label} = ${v.toFixed(4)}`);
    list.append(item);
  }
  box.append(list);
}

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

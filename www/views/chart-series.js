// What the loss chart draws for each figure a training step reports (the kind's `terms`, FACTS):
// its legend label, the axis it is read on, and its colour. The chart is built from the terms of
// the model shown, so a family with new figures adds its rows here and nothing else.
// The words beside the chart (its title, formula and note) go with the figures drawn: the VAEs'
// objective, or the GAN's value function.

const LN4 = Math.log(4);

/// Axes by scale: the left one in nats, the right one for a figure of another size.
export const AXES = {
  nats: { label: 'nats per image', side: 3 },
  kl: { label: 'KL', side: 1 },
  prob: { label: 'D’s mean output', side: 1, range: [0, 1] },
};

/// Per term: legend label, scale (AXES), colour (a theme colour's name, or a CSS colour).
export const TERM_SERIES = {
  recon: { label: 'reconstruction', scale: 'nats', colour: 'accent' },
  kl: { label: 'KL', scale: 'kl', colour: 'bad' },
  loss: { label: 'total (recon + β·KL)', short: 'total', scale: 'nats', colour: 'fg', headline: true },
  dLoss: { label: 'D’s loss', short: 'D’s loss', scale: 'nats', colour: 'accent', headline: true,
    // At the equilibrium (D = ½ everywhere) D's loss is −V = log 4 = 2 log 2.
    reference: { label: '2 log 2 (D at ½)', value: LN4, colour: 'muted' } },
  gLoss: { label: 'G’s loss', scale: 'nats', colour: 'bad' },
  jsd: { label: 'JSD bound (log 4 − D’s loss) / 2', scale: 'nats', colour: '#16a34a' },
  gGradNorm: { label: 'G’s gradient norm', scale: 'nats', colour: '#a16207', dash: [2, 3] },
  dReal: { label: 'D(x)', scale: 'prob', colour: '#0891b2' },
  dFake: { label: 'D(G(z))', scale: 'prob', colour: '#c026d3' },
};

/// The chart's words for a set of terms: an adversarial pair's, or a bound's.
export function chartWords(terms) {
  if (terms.includes('dLoss')) {
    return {
      title: 'D and G, per step',
      note: 'The two players’ losses as they train, and D’s mean output on real and generated images.',
      tex: String.raw`V(G, D) = \mathbb E_x[\log D(x)] + \mathbb E_z[\log(1 - D(G(z)))], \quad D^*(x) = \frac{p_{\text{data}}(x)}{p_{\text{data}}(x) + p_G(x)}`,
      plain: 'V(G, D) = E log D(x) + E log(1 − D(G(z))); D’s optimum: the data’s density over the data’s and G’s',
      explain: 'D’s loss is −V (with label smoothing, a little above it). When G matches the data, D* = ½ everywhere and D’s loss sits at 2 log 2 ≈ 1.386 (the grey line); '
        + '(log 4 − D’s loss) / 2 is then the Jensen–Shannon divergence between the data and G’s images, and a lower bound on it while D is not at its optimum. '
        + 'G’s loss does not say how good its images are: the classifier’s figures below the explorer do. D(x) → 1 and D(G(z)) → 0 mean D has won and G learns nothing.',
      empty: 'The losses appear here once training starts: D’s and G’s, D(x) and D(G(z)), per step.',
      aria: 'training figures: D’s and G’s losses, the JSD bound, G’s gradient norm, D(x) and D(G(z)), per step',
    };
  }
  return {
    title: 'Loss per image (nats)',
    note: 'The objective training lowers, per training step, and the test −ELBO beside it.',
    tex: String.raw`\text{loss}(x) = \underbrace{-\log p_\theta(x \mid z)}_{\text{reconstruction}} + \beta\,\mathrm{KL}\big(q_\phi(z \mid x)\,\|\,p(z)\big), \quad z = \mu + \varepsilon \odot \sigma`,
    plain: 'loss(x) = −log p(x | z) + β·KL(q(z | x) ‖ p(z)), z = μ + ε·σ',
    explain: 'Total = reconstruction + β·KL, the objective being minimised (at β = 1 it is the −ELBO, an upper bound on −log p(x)); the KL uses the right-hand axis. '
      + 'The dashed green points are the test −ELBO (recon + KL) on the first 1,000 test images, measured every 5 s while training. '
      + 'For the class-mean CVAE the KL is to $\\mathcal N(\\mu^y, I)$, the prior of the image’s own class.',
    empty: 'The loss appears here once training starts: reconstruction, KL and their total per step, with the test −ELBO every 5 s.',
    aria: 'training losses: reconstruction, KL and total, per step',
  };
}

/// The term a run's log keeps as its training loss (and overlays on another run's chart).
export const headlineTerm = (terms) => terms.find((t) => TERM_SERIES[t]?.headline) ?? terms[0];

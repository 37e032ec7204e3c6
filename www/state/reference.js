// "What is a good loss?": the project's own measured figures (docs/results.md, printed by the
// CLI) for the data set and model kind shown, so a person can judge a curve against them.

import { FACTS } from './facts.js';

// Shipped models (latent 8, two hidden layers of 400): test −ELBO (or, for the autoencoders, the
// reconstruction error) and the importance-weighted bound, after `epochs`; `atLatent` holds those
// shipped at another latent size (src/shipped.rs), trained as long (docs/results.md).
const SHIPPED = {
  mnist: {
    epochs: 40, steps: 5600,
    cvae: { elbo: 107.53, iw: 102.32 }, vae: { elbo: 111.12, iw: 105.56 }, sohn: { elbo: 106.0, iw: 100.68 },
    ae: { recon: 90.21 }, pca: { squared: 29.64 },
    atLatent: { 2: { cvae: { elbo: 142.89, iw: 138.46 }, sohn: { elbo: 130.78, iw: 127.86 } } },
    more: 'the same CVAE reaches 177.74 after 1 epoch and 123.38 after 5; at latent 20, 102.97; at latent 2, 142.89; pytorch/examples\' VAE (784-400-20) 119.47 after 10 epochs',
  },
  fashion: {
    epochs: 30, steps: 28110,
    cvae: { elbo: 236.24, iw: 233.41 }, vae: { elbo: 239.46, iw: 236.95 }, sohn: { elbo: 237.02, iw: 234.44 },
    ae: { recon: 219.01 }, pca: { squared: 20.86 },
    atLatent: { 2: { cvae: { elbo: 253.76 }, sohn: { elbo: 249.43 } } }, // the bound not measured
    more: 'the same CVAE reaches 241.03 after 5 epochs; pytorch/examples\' VAE 244.53 after 10 epochs and 241.37 after 30',
  },
};

/// One or two sentences for the chart's explainer, or '' for data without measured figures.
export function referenceText(dataset, config) {
  const d = SHIPPED[dataset];
  if (!d) return '';
  // The figures of the shipped model at this latent size if there is one, else at latent 8.
  const own = d.atLatent?.[config.latent]?.[config.model];
  const r = own ?? d[config.model];
  if (!r) return ''; // a kind without shipped figures here (the GANs: their measure is the classifier's)
  const at = own ? config.latent : 8;
  const size = config.latent === at ? '' : ` (measured at latent ${at}; this model has ${config.latent})`;
  const which = at === 8 ? '' : `latent-${at} `;
  // An untrained decoder outputs ½ for every pixel: 784·ln 2 nats, whatever the image.
  const start = 'A fresh model starts near 543 nats (784 · ln 2: every pixel ½).';
  if (r.elbo) {
    const bound = r.iw ? `, and the importance-weighted bound puts −log p(x) at ${r.iw}` : '';
    // `more` is about the latent-8 models; beside another size, the latent-8 model's own figure.
    const more = own ? `the shipped latent-8 ${FACTS.kinds[config.model].name} reaches ${d[config.model].elbo}` : d.more;
    return `What is a good value? The shipped ${which}${FACTS.kinds[config.model].name} reaches a test −ELBO of ${r.elbo} nats after ${d.epochs} epochs `
      + `(${d.steps.toLocaleString()} steps)${bound}${size}; ${more}. ${start}`;
  }
  if (r.recon) return `What is a good value? The shipped autoencoder's test reconstruction error is ${r.recon} nats after ${d.epochs} epochs${size}; it has no ELBO. ${start}`;
  return `PCA is solved, not trained: its test squared error at latent 8 is ${r.squared} per image${size}.`;
}

// What each model kind is, in the words the views' captions use: the explorer's line says what
// decoder(z) and Sample mean for this kind, the latent-space line what its codes should look like
// (the seeds' contrasts: an autoencoder's codes need not fill N(0, I); PCA is linear).

export const KIND_NAMES = {
  vae: 'VAE',
  cvae: 'CVAE with class means μ^y',
  sohn: 'CVAE with label input',
  ae: 'plain autoencoder',
  pca: 'PCA (the linear autoencoder, solved exactly)',
};

const NOTES = {
  vae: {
    explorer: 'A VAE: decoder(z) is the Bernoulli mean of p(x | z); Sample draws z from the prior N(0, I) (or a fitted Gaussian).',
    views: 'The KL term pulls every code towards N(0, I), so the codes fill the prior\'s circle and most z decode to something digit-like.',
  },
  cvae: {
    explorer: 'The seeds\' CVAE: each class y has a learned prior mean μ^y (unit variance); pick a class to jump to μ^y, and Sample draws z ~ N(μ^y, I).',
    views: 'Codes gather around their class means μ^y: the prior over z is the mixture Σ_y p(y) N(μ^y, I). Where clouds overlap, a draw can cross classes.',
  },
  sohn: {
    explorer: 'The standard CVAE: the class y goes into the encoder and decoder; z carries the rest (style). The same z with another class keeps the style.',
    views: 'The label is an input, so all classes share the prior N(0, I): the classes\' codes overlap on purpose, and the map shows style, not class.',
  },
  ae: {
    explorer: 'A plain autoencoder: the VAE with zero encoder variance, z = μ(x), no KL. It reconstructs well but was never asked to make N(0, I) decode to digits.',
    views: 'Nothing pulls its codes towards N(0, I): they spread as they like, leaving holes, so z drawn from N(0, I) often decodes to a smudge (the seed\'s point: it cannot generate).',
  },
  pca: {
    explorer: 'PCA: z = Wᵀ(x − m), x̂ = m + W z with W the top principal directions; a linear autoencoder can do no better (the seed\'s "a linear autoencoder is an SVD"). Solved, not trained.',
    views: 'Codes are projections on the principal directions, the first ones spread far wider than 1; decoding is linear, so the manifold is a flat sheet of blends, and N(0, I) draws stay near the mean image.',
  },
};

/// The line for `view` ('explorer' or 'views') of `kind`.
export const kindNote = (kind, view) => NOTES[kind]?.[view] ?? '';

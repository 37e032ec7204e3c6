// One typed table of the page's settings. It drives the controls, their ranges, the URL hash
// (both ways) and the config sent to the model, so a setting is added in exactly one place.
// `group` is the side panel's section a setting sits in; `place: 'explorer'` ones are the
// explorer's own controls.

export const PARAMS = [
  { key: 'dataset', group: 'data', label: 'Data', kind: 'enum', options: { mnist: 'MNIST digits (10k)', fashion: 'Fashion-MNIST (70k)' }, fallback: 'mnist', restart: true,
    help: 'MNIST: 10,000 handwritten digits. Fashion-MNIST: 70,000 clothing images (a larger download).' },
  { key: 'model', group: 'model', label: 'Model', kind: 'enum', options: { cvae: 'CVAE, class means μ^y', sohn: 'CVAE, label input', vae: 'VAE / β-VAE', ae: 'Autoencoder (no noise)', pca: 'PCA (linear, exact)' }, fallback: 'cvae', restart: true,
    help: 'CVAE, class means (the seeds\' model): each class y has a learned prior mean μ^y, encoder and decoder see no label. CVAE, label input (Sohn et al. 2015): the label joins the encoder\'s and decoder\'s input, prior N(0, I). VAE: one prior N(0, I), no label. Autoencoder: the VAE with zero encoder variance, z = μ(x), no KL; nothing makes its codes fill N(0, I), so samples from it are not digits. PCA: the linear autoencoder\'s optimum, the top principal directions of the training images, solved exactly (nothing to train).' },
  { key: 'beta', group: 'training', label: 'β (KL weight)', kind: 'real', min: 0, max: 20, step: 0.1, fallback: 1,
    help: 'β = 1 is the plain VAE; β > 1 trades reconstruction for a more regular latent space.' },
  { key: 'warmup', group: 'training', label: 'KL warm-up (steps)', kind: 'int', min: 0, max: 100000, step: 100, fallback: 0,
    help: 'β grows linearly from 0 to its value over this many steps from step 0; 0 turns it off.' },
  { key: 'latent', group: 'model', label: 'Latent size', kind: 'int', min: 2, max: 32, step: 1, fallback: 8, restart: true,
    help: 'Number of z dimensions, one slider each.' },
  { key: 'hidden', group: 'model', label: 'Hidden units', kind: 'int', min: 16, max: 1024, step: 16, fallback: 400, restart: true,
    help: 'Width of the hidden layers of encoder and decoder.' },
  { key: 'layers', group: 'model', label: 'Hidden layers', kind: 'int', min: 1, max: 4, step: 1, fallback: 2, restart: true,
    help: 'Hidden layers on each side (encoder and decoder), each followed by ReLU.' },
  { key: 'meansSpread', group: 'model', label: 'Class means spread', kind: 'real', min: 0, max: 20, step: 0.5, fallback: 1, restart: true,
    help: 'CVAE: the class means μ^Y start as N(0, s²I) draws with this s. 8 keeps classes apart, so each class generates its own digit even with 2 latent dimensions (at some cost in test −ELBO).' },
  { key: 'learningRate', group: 'training', label: 'Learning rate', kind: 'real', min: 1e-5, max: 0.05, step: 0.0001, fallback: 0.001,
    help: 'Adam step size.' },
  { key: 'batch', group: 'training', label: 'Batch size', kind: 'int', min: 8, max: 512, step: 8, fallback: 64, restart: true,
    help: 'Samples per step.' },
  // The explorer's own controls (not the model's settings): how Sample draws z, and the class.
  { key: 'sampler', label: 'Sampler', kind: 'enum', options: { fitted: 'fitted Gaussian', prior: 'prior' }, fallback: 'fitted', place: 'explorer',
    help: 'prior: the model\'s own prior. fitted: a full-covariance Gaussian fitted to the encoder\'s means of each class\'s training images.' },
  { key: 'tau', label: 'τ', kind: 'real', min: 0, max: 1, step: 0.05, fallback: 0.7, place: 'explorer',
    help: 'Temperature: draws are centre + τ·spread; below 1 they stay nearer the class\'s centre (sharper, more often the right class, less varied).' },
  { key: 'class', label: 'Class', kind: 'int', min: 0, max: 255, step: 1, fallback: 0, place: 'explorer',
    help: 'The class the explorer opens on.' },
  // Training's stop condition (the run bar's own controls): train until this step or epoch, then pause.
  { key: 'until', label: 'Train until', kind: 'int', min: 0, max: 10_000_000, step: 100, fallback: 0, place: 'run',
    help: 'Training pauses by itself once it reaches this step (or epoch); 0: no limit.' },
  { key: 'untilUnit', label: 'Unit', kind: 'enum', options: { step: 'steps', epoch: 'epochs' }, fallback: 'step', place: 'run',
    help: 'Whether the stop condition counts optimiser steps or epochs.' },
  // A lesson's link: panels and controls to hide, and the walkthrough's stage to open on.
  { key: 'hide', label: 'Hidden', kind: 'list', options: ['settings', 'train', 'stats', 'explorer', 'sliders', 'classes', 'samples', 'chart', 'walkthrough', 'latent', 'draw', 'diagnostics', 'runs'], fallback: '', place: 'page',
    help: 'Panels and controls hidden by the link (teacher.js names them).' },
  { key: 'walk', label: 'Walkthrough stage', kind: 'int', min: 0, max: 7, step: 1, fallback: 0, place: 'page',
    help: 'Opens the walkthrough at this stage (1–7) on training image 0; 0: closed.' },
  { key: 'seed', group: 'model', label: 'Seed', kind: 'int', min: 0, max: 2 ** 31 - 1, step: 1, fallback: 1, restart: true,
    help: 'Same seed, same initial weights, noise and shuffles.' },
];

export const BY_KEY = Object.fromEntries(PARAMS.map((p) => [p.key, p]));

/// The model's settings among `values`: what the worker builds a model from (not the data set,
/// not the explorer's own controls).
export function modelConfig(values) {
  return Object.fromEntries(PARAMS.filter((p) => p.key !== 'dataset' && !p.place).map((p) => [p.key, values[p.key]]));
}

export function defaults() {
  return Object.fromEntries(PARAMS.map((p) => [p.key, p.fallback]));
}

/// Parses one value for `param`; returns {value, problem}. Out-of-range numbers are clamped.
export function coerce(param, raw) {
  if (param.kind === 'list') {
    // Names from param.options, comma-separated; unknown ones are dropped with a message.
    const names = String(raw).split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const unknown = names.filter((n) => !param.options.includes(n));
    const value = [...new Set(names.filter((n) => param.options.includes(n)))].join(',');
    return unknown.length ? { value, problem: `${param.label}: '${unknown.join("', '")}' is not a panel or control this page has (${param.options.join(', ')}); ignored` } : { value };
  }
  if (param.kind === 'enum') {
    const v = String(raw).toLowerCase();
    return v in param.options
      ? { value: v }
      : { value: param.fallback, problem: `${param.label}: '${raw}' is not one of ${Object.keys(param.options).join(', ')}` };
  }
  const n = Number(raw);
  if (raw === '' || raw === null || !Number.isFinite(n)) {
    return { value: param.fallback, problem: `${param.label}: '${raw}' is not a number; using ${param.fallback}` };
  }
  let v = param.kind === 'int' ? Math.round(n) : n;
  if (v < param.min || v > param.max) {
    const clamped = Math.min(param.max, Math.max(param.min, v));
    return { value: clamped, problem: `${param.label}: ${raw} is outside ${param.min}–${param.max}; using ${clamped}` };
  }
  return { value: v };
}

/// Reads settings from a URL hash like "#model=vae&latent=2"; unknown keys and bad values are
/// reported, never thrown. `given` lists the settings the hash named.
export function readHash(hash) {
  const values = defaults();
  const problems = [];
  const given = new Set();
  const query = new URLSearchParams(hash.replace(/^#/, ''));
  for (const [key, raw] of query) {
    const param = BY_KEY[key];
    if (!param) {
      if (key !== 'z') problems.push(`unknown setting '${key}' in the address ignored`);
      continue;
    }
    const { value, problem } = coerce(param, raw);
    values[key] = value;
    given.add(key);
    if (problem) problems.push(problem);
  }
  const z = query.get('z');
  const zValues = z ? z.split(',').map(Number).filter(Number.isFinite) : null;
  return { values, z: zValues, problems, given };
}

/// Writes settings (only those that differ from the defaults) and the current z to a hash.
export function writeHash(values, z) {
  const query = new URLSearchParams();
  for (const p of PARAMS) {
    // The user's own data set cannot travel in an address: it is left out.
    if (p.kind === 'enum' && !(values[p.key] in p.options)) continue;
    if (values[p.key] !== p.fallback) query.set(p.key, String(values[p.key]));
  }
  if (z && z.some((v) => v !== 0)) query.set('z', z.map((v) => v.toFixed(2)).join(','));
  const s = query.toString();
  return s ? `#${s}` : '';
}

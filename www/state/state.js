// One typed table of the page's settings. It drives the controls, the URL hash (both ways) and the
// config sent to the model, so a setting is added in exactly one place. What a model setting
// accepts is FACTS.settings' range (Rust's Config::validate): one rule for every way in. A value
// outside it is refused with the reason and changes nothing; in the address at load, the setting
// keeps its default and the message says so.
// `group` is the side panel's section a setting sits in; `place: 'explorer'` ones are the
// explorer's own controls.
import { FACTS } from './facts.js';

/// A model setting's range and default from FACTS, as the table's fields.
const range = (key) => {
  const r = FACTS.settings[key];
  return { min: r.min, max: r.max, minExclusive: !!r.minExclusive, fallback: r.default, kind: r.integer ? 'int' : 'real' };
};
const titles = (table, field) => Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v[field]]));
const inOrder = (order, table) => Object.fromEntries(order.map((k) => [k, table[k]]));
/// The kinds the page has views for (FACTS.kinds[k].inPage), in the menu's order.
export const PAGE_KINDS = FACTS.order.filter((k) => FACTS.kinds[k].inPage);

export const PARAMS = [
  { key: 'dataset', group: 'data', label: 'Data', kind: 'enum', options: titles(FACTS.datasets, 'name'), fallback: Object.keys(FACTS.datasets)[0], restart: true,
    help: 'MNIST: 10,000 handwritten digits. Fashion-MNIST: 70,000 clothing images (a larger download).' },
  { key: 'model', group: 'model', label: 'Model', kind: 'enum', options: inOrder(PAGE_KINDS, titles(FACTS.kinds, 'title')), fallback: FACTS.defaultKind, restart: true,
    help: 'The model family; the line under the menu says what the chosen one is.' },
  { key: 'beta', group: 'training', label: 'β (KL weight)', ...range('beta'), step: 0.1,
    help: 'β = 1 is the plain VAE; β > 1 trades reconstruction for a more regular latent space.' },
  { key: 'warmup', group: 'training', label: 'KL warm-up (steps)', ...range('warmup'), step: 100,
    help: 'β grows linearly from 0 to its value over this many steps from step 0; 0 turns it off.' },
  { key: 'latent', group: 'model', label: 'Latent size', ...range('latent'), step: 1, restart: true,
    help: 'Number of z dimensions, one slider each.' },
  { key: 'hidden', group: 'model', label: 'Hidden units', ...range('hidden'), step: 16, restart: true,
    help: 'Width of the hidden layers of encoder and decoder.' },
  { key: 'layers', group: 'model', label: 'Hidden layers', ...range('layers'), step: 1, restart: true,
    help: 'Hidden layers on each side (encoder and decoder), each followed by ReLU.' },
  { key: 'meansSpread', group: 'model', label: 'Class means spread', ...range('meansSpread'), step: 0.5, restart: true,
    help: 'CVAE: the class means μʸ start as N(0, s²I) draws with this s. 8 keeps classes apart, so each class generates its own digit even with 2 latent dimensions (at some cost in test −ELBO).' },
  { key: 'learningRate', group: 'training', label: 'Learning rate', ...range('learningRate'), step: 0.0001,
    help: 'Adam step size.' },
  { key: 'batch', group: 'training', label: 'Batch size', ...range('batch'), step: 8, restart: true,
    help: 'Samples per step.' },
  // The GANs' own (FACTS.kinds[k].settings says which kinds have which): the recipe's knobs.
  { key: 'dSteps', group: 'training', label: 'D steps per G step', ...range('dSteps'), step: 1, restart: true,
    help: 'k: the discriminator takes this many steps for each step of the generator (the original GAN paper’s k).' },
  { key: 'ganLoss', group: 'training', label: 'G’s loss', kind: 'enum', options: { nonSaturating: 'non-saturating: −log D(G(z))', saturating: 'saturating: log(1 − D(G(z)))', hinge: 'hinge (D’s loss too)' },
    fallback: FACTS.choices.ganLoss.default, restart: true,
    help: 'The saturating loss is the minimax game’s own; its gradient vanishes while D easily rejects G’s images, so G learns slowly at first. The non-saturating loss has the same fixed point and a strong early gradient.' },
  { key: 'labelSmoothing', group: 'training', label: 'Real label (smoothing)', ...range('labelSmoothing'), step: 0.05, restart: true,
    help: 'One-sided label smoothing: D is trained to say this (not 1) for real images, so it never becomes certain; 1 turns it off.' },
  { key: 'instanceNoise', group: 'training', label: 'Instance noise', ...range('instanceNoise'), step: 0.05, restart: true,
    help: 'Gaussian noise of this standard deviation added to D’s inputs, real and generated, fading to 0 over training; 0 turns it off.' },
  { key: 'dropout', group: 'model', label: 'D’s dropout', ...range('dropout'), step: 0.05, restart: true,
    help: 'Dropout in the discriminator’s hidden layers while training.' },
  { key: 'beta1', group: 'training', label: 'Adam β₁', ...range('beta1'), step: 0.05, restart: true,
    help: 'Adam’s momentum for both players (0.5 as in DCGAN; 0.9 is Adam’s usual default).' },
  { key: 'ganOutput', group: 'model', label: 'G’s output', kind: 'enum', options: { tanh: 'tanh (images in [−1, 1] for D)', sigmoid: 'sigmoid (images in [0, 1])' },
    fallback: FACTS.choices.ganOutput.default, restart: true,
    help: 'The generator’s last activation. With sigmoid outputs D wins early here and G saturates to black images.' },
  { key: 'ganActivation', group: 'model', label: 'G’s hidden activation', kind: 'enum', options: { leakyRelu: 'LeakyReLU 0.2', relu: 'ReLU' },
    fallback: FACTS.choices.ganActivation.default, restart: true,
    help: 'The activation after G’s hidden layers (D always uses LeakyReLU 0.2).' },
  { key: 'dLrScale', group: 'training', label: 'D’s rate × G’s', ...range('dLrScale'), step: 0.5, restart: true,
    help: 'D’s learning rate as a multiple of G’s (the two time-scale update rule); 1: the same rate.' },
  { key: 'minibatchStd', group: 'model', label: 'Minibatch std in D', ...range('minibatchStd'), step: 1, restart: true,
    help: '1: D also sees how much its batch varies (the minibatch standard deviation), so a batch of near-identical images gives G away and collapse costs it; 0: off.' },
  { key: 'ema', group: 'training', label: 'G’s weight average', ...range('ema'), step: 0.001, restart: true,
    help: 'Samples come from an exponential moving average of G’s weights with this decay (e.g. 0.999); 0: G’s own weights.' },
  { key: 'translation', group: 'training', label: 'Shift D’s images', ...range('translation'), step: 1, restart: true,
    help: 'D sees every image, real and generated, moved by a random shift of up to this many pixels each way (differentiable augmentation: G learns through the shift), so it cannot memorise the training images; 0: off.' },
  { key: 'spectralNorm', group: 'model', label: 'Spectral norm in D', ...range('spectralNorm'), step: 1, restart: true,
    help: '1: each of D’s weight matrices is divided by its largest singular value (found by power iteration), so D cannot sharpen without bound and G keeps a useful gradient; 0: off.' },
  // The explorer's own controls (not the model's settings): how Sample draws z, and the class.
  { key: 'sampler', label: 'Sampler', kind: 'enum', options: { fitted: 'fitted Gaussian', prior: 'prior' }, fallback: 'fitted', place: 'explorer',
    help: 'prior: the model\'s own prior. fitted: a full-covariance Gaussian fitted to the encoder\'s means of each class\'s training images.' },
  { key: 'tau', label: 'τ', ...range('tau'), step: 0.05, place: 'explorer',
    help: 'Temperature: draws are centre + τ·spread; below 1 they stay nearer the class\'s centre (sharper, more often the right class, less varied).' },
  { key: 'class', label: 'Class', kind: 'int', min: 0, max: 255, step: 1, fallback: 0, place: 'explorer',
    help: 'The class the explorer opens on.' },
  // Training's stop condition (the run bar's own controls): train until this step or epoch, then pause.
  { key: 'until', label: 'Train until', kind: 'int', min: 0, max: 10_000_000, step: 100, fallback: 0, place: 'run',
    help: 'Training pauses by itself once it reaches this step (or epoch); 0: no limit.' },
  { key: 'untilUnit', label: 'Unit', kind: 'enum', options: { step: 'steps', epoch: 'epochs' }, fallback: 'step', place: 'run',
    help: 'Whether the stop condition counts optimiser steps or epochs.' },
  // A lesson's link: panels and controls to hide, and the walkthrough's stage to open on.
  { key: 'hide', label: 'Hidden', kind: 'list', options: ['settings', 'train', 'stats', 'explorer', 'sliders', 'classes', 'samples', 'chart', 'walkthrough', 'latent', 'draw', 'diagnostics', 'runs', 'compare'], fallback: '', place: 'page',
    help: 'Panels and controls hidden by the link (teacher.js names them).' },
  { key: 'walk', label: 'Walkthrough stage', kind: 'int', min: 0, max: 7, step: 1, fallback: 0, place: 'page',
    help: 'Opens the walkthrough at this stage (1–7) on training image 0; 0: closed.' },
  { key: 'seed', group: 'model', label: 'Seed', ...range('seed'), step: 1, restart: true,
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

/// A numeric setting's range in words: "1–256", "0–10 (0 excluded)".
export const rangeText = (p) => `${p.min}–${p.max}${p.minExclusive ? ` (${p.min} excluded)` : ''}`;

/// Parses one value for `param`; returns {value} or, for a value it refuses, {problem} saying why
/// (with `value` the default, which the address falls back to). Nothing is clamped.
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
    return { value: param.fallback, problem: `${param.label}: '${raw}' is not a number` };
  }
  if (param.kind === 'int' && !Number.isInteger(n)) return { value: param.fallback, problem: `${param.label}: ${raw} is not a whole number` };
  if (n < param.min || (param.minExclusive && n === param.min) || n > param.max) {
    return { value: param.fallback, problem: `${param.label}: ${raw} is outside ${rangeText(param)}` };
  }
  return { value: n };
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
    if (problem && param.kind === 'list') problems.push(problem); // the names it knows are kept
    else if (problem) {
      problems.push(`${problem}; using the default, ${param.kind === 'enum' ? `'${param.fallback}'` : param.fallback}`);
      continue;
    }
    values[key] = value;
    given.add(key);
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

// The pretrained models shipped in models/ (trained by the CLI, scripts/train-models.sh): FACTS.shipped
// lists them (Rust's src/shipped.rs: file, data set, kind and sizes; one per data set and kind at
// the default sizes, and latent-2 ones of the conditional kinds), and this picks the one that
// fits a configuration. boot.js asks it too, to fetch the file before the page's modules run.

import { FACTS } from './facts.js';

/// The sizes a configuration of `model` has (FACTS: PCA has a latent size alone, only the
/// class-mean CVAE the class means' starting spread).
const SIZES = ['latent', 'hidden', 'layers', 'meansSpread'];
const sizesOf = (model) => FACTS.kinds[model]?.settings.filter((k) => SIZES.includes(k)) ?? [];

/// The shipped model of `dataset` with `config`'s kind and sizes ({file, dataset, model, latent,
/// …}), or null when there is none (another size, or the user's own data).
export function shippedFor(dataset, config) {
  const keys = sizesOf(config.model);
  return FACTS.shipped.find((s) => s.dataset === dataset && s.model === config.model && keys.every((k) => s[k] === config[k])) ?? null;
}

/// The shipped model of `dataset` and `config`'s kind nearest `config`'s sizes: the one at those
/// sizes, else the first listed (the default sizes); null when none of that kind is shipped.
/// Compare's other side takes it, sizes differing or not (the panel says when they do).
export function shippedOfKind(dataset, config) {
  return shippedFor(dataset, config) ?? FACTS.shipped.find((s) => s.dataset === dataset && s.model === config.model) ?? null;
}

/// A shipped model's file (`ext`: 'safetensors', or 'history.json' for its loss curve).
export const shippedUrl = (shipped, ext = 'safetensors') => new URL(`../../models/${shipped.file}.${ext}`, import.meta.url);

/// Whether a shipped checkpoint (`meta` as describeCheckpoint gives it) has the kind and the
/// sizes `config` asks for.
export function fitsShipped(meta, config) {
  return meta.config.model === config.model && sizesOf(config.model).every((k) => meta.config[k] === config[k]);
}

// The pretrained models shipped in models/ (trained by the CLI, scripts/train-models.sh), one per data set and
// model kind: which file, and whether it fits a configuration. (boot.js names the file too, to
// fetch it before any module has run.)

import { FACTS } from './facts.js';

export const shippedModelUrl = (dataset, model) => new URL(`../../models/${dataset}-${model}.safetensors`, import.meta.url);

/// Whether a shipped checkpoint (`meta` as Lab.describeCheckpoint gives it) has the sizes `config`
/// asks for: those of the sizes its kind has (FACTS: PCA has a latent size alone, only the
/// class-mean CVAE the class means' starting spread).
const SIZES = ['latent', 'hidden', 'layers', 'meansSpread'];
export function fitsShipped(meta, config) {
  const keys = FACTS.kinds[config.model].settings.filter((k) => SIZES.includes(k));
  return meta.config.model === config.model && keys.every((k) => meta.config[k] === config[k]);
}

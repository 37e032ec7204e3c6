// The pretrained models shipped in models/ (trained by the CLI, scripts/train-models.sh), one per data set and
// model kind: which file, and whether it fits a configuration. (boot.js names the file too, to
// fetch it before any module has run.)

export const shippedModelUrl = (dataset, model) => new URL(`../../models/${dataset}-${model}.safetensors`, import.meta.url);

/// Whether a shipped checkpoint (`meta` as Lab.describeCheckpoint gives it) has the sizes `config`
/// asks for; so must the class means' starting spread, which only a CVAE has. PCA, being linear,
/// has a latent size alone.
export function fitsShipped(meta, config) {
  const keys = config.model === 'pca' ? ['latent'] : ['latent', 'hidden', 'layers', ...(config.model === 'cvae' ? ['meansSpread'] : [])];
  return keys.every((k) => meta.config[k] === config[k]);
}

//! The command line's words: the usage text, the flags read into [`Args`], and the run
//! configuration they make (a preset with the explicit flags on top, checked).

use std::path::PathBuf;

use crate::config::{Config, GanActivation, GanLoss, GanOutput};
use crate::evaluation::classifier::Augment;
use crate::evaluation::sampler::Sampler;
use crate::kinds::ModelKind;

pub const USAGE: &str = "\
usage:
  vae-lab train  [--dataset mnist|fashion] [--preset page|pytorch-example] [--model cvae|sohn|vae|ae|pca]
                 [--latent N] [--hidden N] [--layers N] [--beta B] [--warmup STEPS] [--means-spread S] [--lr R] [--batch N] [--epochs N] [--seed N]
                 [--init CKPT] [--save CKPT] [--half] [--threads N]
                 GAN (--model gan|cgan): [--d-steps K] [--gan-loss non-saturating|saturating|hinge] [--label-smoothing T]
                 [--instance-noise S] [--beta1 B] [--dropout P] [--gan-output tanh|sigmoid] [--gan-activation leaky-relu|relu]
                 [--minibatch-std 0|1] [--ema D] [--d-lr-scale S] [--spectral-norm 0|1] [--translation N]
                 [--classifier CLF --eval-every STEPS [--samples N]]
  vae-lab eval   --checkpoint CKPT [--dataset mnist|fashion] [--iw K] [--classifier CLF] [--per-class N] [--sampler prior|fitted] [--tau T] [--samples N] [--json]
  vae-lab sample --checkpoint CKPT [--class Y] [--sampler prior|fitted] [--tau T] [--n N] [--seed N]
                 (prints the codes, classes and images as JSON)
  vae-lab classifier [--dataset mnist|fashion] [--epochs N] [--seed N] [--augment A] --save CLF
  vae-lab decode --checkpoint CKPT --z z1,z2,... [--class Y]   (prints the 784 intensities as JSON)
  vae-lab facts  (prints www/state/facts.js: what the page is told about kinds, settings and data sets)
  vae-lab bench  [--steps N] [--repeats N] [--threads N]    training samples/s of the benchmark model (VAE 784-512-20,
                 batch 128) on MNIST; set RAYON_NUM_THREADS=1 for one core. Prints JSON last.
options:
  --dataset      mnist: 10,000 digits, 9,003/997 split; fashion: Fashion-MNIST 60,000/10,000 (default mnist)
  --data-root    folder holding mnist/ and fashion/ (default data, prepared by scripts/setup.sh)
  --preset       page: the page's defaults (CVAE, latent 8, 2 hidden layers of 400, β 1, lr 0.001, batch 64), 5 epochs;
                 pytorch-example: pytorch/examples' VAE (VAE, latent 20, hidden 400, lr 0.001, batch 128), 10 epochs
  --layers N     hidden layers on each side, each --hidden wide (default 2)
  --means-spread S  CVAE: class means start as N(0, S²I) draws (default 1; 8 makes classes separate)
  --threads N    cut each batch into N parts whose gradients are taken on N threads (default 1;
                 Candle's matrix products use every core either way unless RAYON_NUM_THREADS says)
  --init CKPT    continue training from a checkpoint (its model; --beta/--lr/--batch override)
  --save CKPT    write a safetensors checkpoint after training; --half stores it as f16
  --model        cvae: the seeds' CVAE, a trainable prior mean μ^y per class (default);
                 sohn: the standard CVAE (Sohn et al. 2015), the label's one-hot into encoder and decoder;
                 vae: prior N(0, I) (β-VAE with --beta); ae: the plain autoencoder (z = μ(x), no KL);
                 pca: the linear autoencoder's optimum, solved exactly (nothing to train)
  --classifier   with eval of a conditional model: conditional accuracy, the share of images generated
                 for class y that this classifier labels y (--per-class draws per class, default 1000),
                 for each sampler (or the one --sampler names) at τ = 1 and at --tau (default 0.7)
  --sampler      prior: the model's prior (N(μ^y, I) for cvae, N(0, I) for vae and sohn);
                 fitted: a full-covariance Gaussian fitted to each class's encoder means (default prior)
  --iw K         with eval: the importance-weighted bound on −log p(x) with K samples per test image
                 (1 to 5000; Burda et al. use 5000), and its gap to the −ELBO
  --json         with eval: also print the figures unrounded as one JSON line, last
  --samples N    with --classifier: samples drawn from the prior for the generation figures (classifier score,
                 Fréchet distance, class coverage, grey pixels) against the test images (default 10000 in eval,
                 2000 while training)
  --eval-every S train with --classifier: the generation figures every S steps
  --d-steps K    GAN: discriminator steps per generator step (default 1)
  --gan-loss     GAN: G's loss, non-saturating −log D(G(z)) (default) or saturating log(1 − D(G(z))),
                 or hinge (D: E max(0, 1 − D(x)) + E max(0, 1 + D(G(z))) on logits, G: −E D(G(z)))
  --label-smoothing T  GAN: D's target for real images (default 0.9; 1 is none)
  --instance-noise S   GAN: σ of noise on D's inputs, fading to 0 over 5000 steps (default 0)
  --beta1 B      GAN: Adam's β1 (default 0.5); its learning rate defaults to 2e-4 (--lr)
  --dropout P    GAN: dropout on D's hidden layers (default 0.3)
  --minibatch-std 1  GAN: D's output layer also reads the batch's mean standard deviation of its last hidden features (default 1)
  --ema D        GAN: sample from an average of G's weights, avg ← D·avg + (1 − D)·w each G step (default 0.999; 0: G's own)
  --d-lr-scale S GAN: D's learning rate is S times G's (--lr) (default 1)
  --spectral-norm 1  GAN: each of D's weight matrices divided by its largest singular value (power iteration) (default 0)
  --translation N  GAN: D sees real and generated images each moved by up to N pixels each way (default 0)
  --gan-output   GAN: G's output, tanh (D reads images in [−1, 1], default) or sigmoid (the VAE decoder's)
  --gan-activation  GAN: G's hidden activation, leaky-relu (default) or relu (the VAE decoder's)
  --tau T        temperature in [0, 1]: z = centre + T·(spread) (default 1 for sample, 0.7 for eval)
  --class Y      the class to sample or decode (sample: default, classes drawn by their frequency)
  --augment A    classifier training images: none (default), shift=N (random shifts of up to N pixels
                 each way), flip (mirrored left-right half of the time), or both: shift=N,flip";

#[derive(Default)]
pub struct Args {
    pub command: String,
    pub dataset: Option<String>,
    pub data_root: Option<PathBuf>,
    pub epochs: Option<usize>,
    pub preset: Option<String>,
    pub model: Option<ModelKind>,
    pub latent: Option<usize>,
    pub hidden: Option<usize>,
    pub layers: Option<usize>,
    pub beta: Option<f64>,
    pub lr: Option<f64>,
    pub batch: Option<usize>,
    pub seed: Option<u64>,
    pub warmup: Option<u64>,
    pub means_spread: Option<f64>,
    pub init: Option<PathBuf>,
    pub save: Option<PathBuf>,
    pub half: bool,
    pub json: bool,
    pub checkpoint: Option<PathBuf>,
    pub z: Option<Vec<f32>>,
    pub classifier: Option<PathBuf>,
    pub per_class: Option<usize>,
    pub iw: Option<usize>,
    pub sampler: Option<Sampler>,
    pub tau: Option<f64>,
    pub class: Option<usize>,
    pub n: Option<usize>,
    pub steps: Option<u32>,
    pub repeats: Option<usize>,
    pub threads: Option<usize>,
    pub augment: Augment,
    pub samples: Option<usize>,
    pub eval_every: Option<u64>,
    pub d_steps: Option<usize>,
    pub gan_loss: Option<GanLoss>,
    pub label_smoothing: Option<f64>,
    pub instance_noise: Option<f64>,
    pub beta1: Option<f64>,
    pub dropout: Option<f64>,
    pub minibatch_std: Option<usize>,
    pub ema: Option<f64>,
    pub d_lr_scale: Option<f64>,
    pub spectral_norm: Option<usize>,
    pub translation: Option<usize>,
    pub gan_output: Option<GanOutput>,
    pub gan_activation: Option<GanActivation>,
}

pub fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = match it.next() {
        Some(c) if ["train", "eval", "sample", "decode", "classifier", "bench", "facts"].contains(&c.as_str()) => c,
        Some(h) if h == "-h" || h == "--help" => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command '{other}'\n{USAGE}")),
        None => return Err(USAGE.into()),
    };
    let mut a = Args { command, ..Args::default() };
    while let Some(flag) = it.next() {
        if flag == "--half" || flag == "--json" {
            if flag == "--half" { a.half = true } else { a.json = true }
            continue;
        }
        let v = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
            v.parse().map_err(|_| format!("{flag}: '{v}' is not a valid number here"))
        }
        match flag.as_str() {
            "--dataset" => a.dataset = Some(v),
            "--data-root" => a.data_root = Some(v.into()),
            "--preset" => a.preset = Some(v),
            "--model" => a.model = Some(v.parse()?),
            "--latent" => a.latent = Some(num(&flag, &v)?),
            "--hidden" => a.hidden = Some(num(&flag, &v)?),
            "--layers" => a.layers = Some(num(&flag, &v)?),
            "--beta" => a.beta = Some(num(&flag, &v)?),
            "--lr" => a.lr = Some(num(&flag, &v)?),
            "--batch" => a.batch = Some(num(&flag, &v)?),
            "--seed" => a.seed = Some(num(&flag, &v)?),
            "--warmup" => a.warmup = Some(num(&flag, &v)?),
            "--means-spread" => a.means_spread = Some(num(&flag, &v)?),
            "--epochs" => a.epochs = Some(num(&flag, &v)?),
            "--init" => a.init = Some(v.into()),
            "--save" => a.save = Some(v.into()),
            "--checkpoint" => a.checkpoint = Some(v.into()),
            "--classifier" => a.classifier = Some(v.into()),
            "--per-class" => a.per_class = Some(num(&flag, &v)?),
            "--sampler" => a.sampler = Some(v.parse()?),
            "--iw" => a.iw = Some(num(&flag, &v)?),
            "--tau" => a.tau = Some(num(&flag, &v)?),
            "--class" => a.class = Some(num(&flag, &v)?),
            "--n" => a.n = Some(num(&flag, &v)?),
            "--steps" => a.steps = Some(num(&flag, &v)?),
            "--repeats" => a.repeats = Some(num(&flag, &v)?),
            "--threads" => a.threads = Some(num(&flag, &v)?),
            "--augment" => a.augment = parse_augment(&v)?,
            "--samples" => a.samples = Some(num(&flag, &v)?),
            "--eval-every" => a.eval_every = Some(num(&flag, &v)?),
            "--d-steps" => a.d_steps = Some(num(&flag, &v)?),
            "--label-smoothing" => a.label_smoothing = Some(num(&flag, &v)?),
            "--instance-noise" => a.instance_noise = Some(num(&flag, &v)?),
            "--beta1" => a.beta1 = Some(num(&flag, &v)?),
            "--dropout" => a.dropout = Some(num(&flag, &v)?),
            "--minibatch-std" => a.minibatch_std = Some(num(&flag, &v)?),
            "--ema" => a.ema = Some(num(&flag, &v)?),
            "--d-lr-scale" => a.d_lr_scale = Some(num(&flag, &v)?),
            "--spectral-norm" => a.spectral_norm = Some(num(&flag, &v)?),
            "--translation" => a.translation = Some(num(&flag, &v)?),
            "--gan-loss" => a.gan_loss = Some(match v.as_str() {
                "non-saturating" | "nonSaturating" => GanLoss::NonSaturating,
                "saturating" => GanLoss::Saturating,
                "hinge" => GanLoss::Hinge,
                _ => return Err(format!("--gan-loss: '{v}' is not non-saturating, saturating or hinge")),
            }),
            "--gan-output" => a.gan_output = Some(match v.as_str() {
                "tanh" => GanOutput::Tanh,
                "sigmoid" => GanOutput::Sigmoid,
                _ => return Err(format!("--gan-output: '{v}' is not tanh or sigmoid")),
            }),
            "--gan-activation" => a.gan_activation = Some(match v.as_str() {
                "leaky-relu" | "leakyRelu" => GanActivation::LeakyRelu,
                "relu" => GanActivation::Relu,
                _ => return Err(format!("--gan-activation: '{v}' is not leaky-relu or relu")),
            }),
            "--z" => a.z = Some(v.split(',').map(|s| num(&flag, s.trim())).collect::<Result<_, _>>()?),
            _ => return Err(format!("unknown option '{flag}'\n{USAGE}")),
        }
    }
    Ok(a)
}

/// "none", "flip", "shift=N" or "shift=N,flip".
fn parse_augment(v: &str) -> Result<Augment, String> {
    let mut aug = Augment::default();
    for part in v.split(',').map(str::trim).filter(|p| *p != "none") {
        match part.split_once('=') {
            None if part == "flip" => aug.flip = true,
            Some(("shift", n)) if n.parse::<usize>().is_ok_and(|n| n <= 8) => aug.shift = n.parse().unwrap_or(0),
            _ => return Err(format!("--augment: '{part}' is not none, flip or shift=N (N at most 8)")),
        }
    }
    Ok(aug)
}

/// The preset's configuration and epochs, with every explicit flag applied on top.
pub fn config_of(a: &Args) -> Result<(Config, usize), String> {
    let (mut c, epochs) = match a.preset.as_deref().unwrap_or("page") {
        "page" => (Config::default(), 5),
        "pytorch-example" => (
            Config { model: ModelKind::Vae, latent: 20, hidden: 400, layers: 1, beta: 1.0, learning_rate: 1e-3, batch: 128, seed: 1, means_spread: 1.0, warmup: 0, ..Config::default() },
            10,
        ),
        other => return Err(format!("unknown preset '{other}': use page or pytorch-example")),
    };
    if let Some(v) = a.model { c.model = v }
    if let Some(v) = a.latent { c.latent = v }
    if let Some(v) = a.hidden { c.hidden = v }
    if let Some(v) = a.layers { c.layers = v }
    if let Some(v) = a.beta { c.beta = v }
    if let Some(v) = a.batch { c.batch = v }
    if let Some(v) = a.seed { c.seed = v }
    if let Some(v) = a.warmup { c.warmup = v }
    if let Some(v) = a.means_spread { c.means_spread = v }
    // Each kind starts at its own learning rate unless one is given (a GAN's Adams at 2e-4).
    c.learning_rate = a.lr.unwrap_or(c.model.facts().learning_rate);
    if let Some(v) = a.d_steps { c.d_steps = v }
    if let Some(v) = a.gan_loss { c.gan_loss = v }
    if let Some(v) = a.label_smoothing { c.label_smoothing = v }
    if let Some(v) = a.instance_noise { c.instance_noise = v }
    if let Some(v) = a.beta1 { c.beta1 = v }
    if let Some(v) = a.dropout { c.dropout = v }
    if let Some(v) = a.minibatch_std { c.minibatch_std = v }
    if let Some(v) = a.ema { c.ema = v }
    if let Some(v) = a.d_lr_scale { c.d_lr_scale = v }
    if let Some(v) = a.spectral_norm { c.spectral_norm = v }
    if let Some(v) = a.translation { c.translation = v }
    if let Some(v) = a.gan_output { c.gan_output = v }
    if let Some(v) = a.gan_activation { c.gan_activation = v }
    c.validate()?;
    Ok((c, a.epochs.unwrap_or(epochs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn augment_flag_reads_shift_and_flip() {
        assert_eq!(parse_augment("none").unwrap(), Augment::default());
        assert_eq!(parse_augment("flip").unwrap(), Augment { shift: 0, flip: true });
        assert_eq!(parse_augment("shift=2, flip").unwrap(), Augment { shift: 2, flip: true });
        for bad in ["shift", "shift=-1", "shift=9", "mirror"] {
            assert!(parse_augment(bad).unwrap_err().contains("--augment"), "{bad}");
        }
        let a = parse_args(["classifier", "--augment", "shift=1"].map(String::from).into_iter()).unwrap();
        assert_eq!(a.augment, Augment { shift: 1, flip: false });
    }
}

//! What a run is made of: the model's shape and the training settings, with their allowed ranges.
//!
//! Every way in (page controls, URL hash, CLI flags, checkpoint metadata) goes through
//! [`Config::validate`], so an absurd value is refused with a message before anything is built.

use serde::{Deserialize, Serialize};

use crate::kinds::ModelKind;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Config {
    pub model: ModelKind,
    /// Size of z. 8 by default: few enough sliders to hold in view, enough for sharp digits.
    pub latent: usize,
    /// Width of the hidden layers in encoder and decoder.
    pub hidden: usize,
    /// Hidden layers on each side. Two by default: on Fashion-MNIST a one-layer MLP levels out near
    /// 238 nats, two reach 236.2 (docs/results.md). Checkpoints from before this setting have one.
    #[serde(default = "one_layer")]
    pub layers: usize,
    /// Weight of the KL term; 1 is the plain VAE, other values make a β-VAE.
    pub beta: f64,
    pub learning_rate: f64,
    pub batch: usize,
    pub seed: u64,
    /// The CVAE's class means start as N(0, s²I) draws with this s. Far-apart means (s = 8) make
    /// z ~ N(μ^Y, I) decode as class y far more reliably at a small latent size, at a cost in
    /// test −ELBO (docs/results.md).
    pub means_spread: f64,
    /// Linear KL warm-up: β grows from 0 to its value over this many steps (0: off).
    pub warmup: u64,
    /// GAN: discriminator steps per generator step (the texts' k).
    pub d_steps: usize,
    /// GAN: the generator's loss, saturating log(1 − D(G(z))) or non-saturating −log D(G(z)), or
    /// the hinge loss (D's and G's both).
    pub gan_loss: GanLoss,
    /// GAN: the target D is trained to give real images (one-sided label smoothing; 1: off).
    pub label_smoothing: f64,
    /// GAN: σ of Gaussian noise added to D's inputs at step 0, fading linearly to 0 over
    /// `crate::models::gan::NOISE_FADE_STEPS` generator steps (0: off).
    pub instance_noise: f64,
    /// GAN: Adam's β1 for both networks (0.5 as in DCGAN; the VAE family's Adam keeps 0.9).
    pub beta1: f64,
    /// GAN: dropout rate on D's hidden layers while training.
    pub dropout: f64,
    /// GAN: G's output layer: tanh (images scaled to [−1, 1] for D) or sigmoid (D sees [0, 1]).
    pub gan_output: GanOutput,
    /// GAN: G's hidden activation: LeakyReLU 0.2 or ReLU (the VAE decoder's).
    pub gan_activation: GanActivation,
    /// GAN: 1 gives D's output layer one more input, the batch's standard deviation over rows of
    /// its last hidden features, averaged (Karras et al. 2018's minibatch standard deviation): a
    /// batch of near-identical generated images stands out, so collapse costs G (0: off).
    /// Files from before this setting have it off (hence 0 when absent, not the default 1).
    #[serde(default)]
    pub minibatch_std: usize,
    /// GAN: samples come from an exponential moving average of G's weights, avg ← ema·avg +
    /// (1 − ema)·w after each G step (Yazıcı et al. 2019); 0: G's own weights. Files from before
    /// this setting have none (hence 0 when absent, not the default 0.999).
    #[serde(default)]
    pub ema: f64,
    /// GAN: D's learning rate as a multiple of G's (the two time-scale rule, Heusel et al. 2017;
    /// 1: the same rate).
    pub d_lr_scale: f64,
    /// GAN: 1 divides each of D's weight matrices by its largest singular value σ(W) (Miyato et
    /// al. 2018's spectral normalisation), σ estimated by one power-iteration step per D update
    /// from a vector kept per layer, so D is 1-Lipschitz per layer and cannot grow sharp enough to
    /// leave G without a gradient (0: off, D's weights as they are).
    pub spectral_norm: usize,
    /// GAN: D sees every image, real and generated, moved by its own random shift of up to this
    /// many pixels each way, background moving in (differentiable augmentation, Zhao et al. 2020:
    /// G's gradient passes through the shift), so D cannot memorise the few training images
    /// (0: off).
    pub translation: usize,
}

/// The generator's loss (issue 26): both have the same fixed point, but the saturating one's
/// gradient vanishes where D rejects G's samples confidently, which is where training starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GanLoss {
    /// −log D(G(z)) (Goodfellow et al. 2014, §3: "strong gradients early in learning").
    #[default]
    NonSaturating,
    /// log(1 − D(G(z))), the minimax game's own term.
    Saturating,
    /// The hinge loss (Lim & Ye 2017; Miyato et al. 2018's pairing with spectral normalisation):
    /// D minimises E max(0, 1 − l(x)) + E max(0, 1 + l(G(z))) on its logits l (no label
    /// smoothing), G minimises −E l(G(z)). The one choice here that changes D's loss too.
    Hinge,
}

/// The generator's output layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GanOutput {
    /// tanh, D reading images as 2x − 1 (the recipe that trains, measured: src/models/gan/mod.rs and docs/gan.md).
    #[default]
    Tanh,
    /// sigmoid, D reading images in [0, 1] (the VAE decoder's output; D wins, G saturates black).
    Sigmoid,
}

/// The generator's hidden activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GanActivation {
    #[default]
    LeakyRelu,
    /// The VAE decoder's own activation.
    Relu,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            model: ModelKind::DEFAULT,
            latent: 8,
            hidden: 400,
            layers: 2,
            beta: 1.0,
            learning_rate: 1e-3,
            batch: 64,
            seed: 1,
            means_spread: 1.0,
            warmup: 0,
            d_steps: 1,
            gan_loss: GanLoss::NonSaturating,
            label_smoothing: 0.9,
            instance_noise: 0.0,
            beta1: 0.5,
            dropout: 0.3,
            gan_output: GanOutput::Tanh,
            gan_activation: GanActivation::LeakyRelu,
            // The recipe that measured best on MNIST (docs/gan.md, run E): minibatch std in D and
            // samples from G's weight average.
            minibatch_std: 1,
            ema: 0.999,
            d_lr_scale: 1.0,
            spectral_norm: 0,
            translation: 0,
        }
    }
}

/// A numeric setting's allowed values: the one rule every way in (page, address, CLI, checkpoint)
/// is held to; the page is told these (`crate::facts`).
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Range {
    #[serde(skip)]
    pub key: &'static str,
    pub min: f64,
    /// The minimum itself is not allowed (a learning rate must be above 0).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub min_exclusive: bool,
    pub max: f64,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
    pub default: f64,
    /// What the number counts, for messages ("steps").
    #[serde(skip)]
    pub unit: &'static str,
}

const fn whole(key: &'static str, min: f64, max: f64, default: f64) -> Range {
    Range { key, min, min_exclusive: false, max, integer: true, default, unit: "" }
}

const fn real(key: &'static str, min: f64, max: f64, default: f64) -> Range {
    Range { key, min, min_exclusive: false, max, integer: false, default, unit: "" }
}

pub const LATENT: Range = whole("latent", 1.0, 256.0, 8.0);
pub const HIDDEN: Range = whole("hidden", 1.0, 4096.0, 400.0);
pub const LAYERS: Range = whole("layers", 1.0, 4.0, 2.0);
pub const BATCH: Range = whole("batch", 1.0, 4096.0, 64.0);
pub const SEED: Range = whole("seed", 0.0, 4_294_967_295.0, 1.0);
pub const BETA: Range = real("beta", 0.0, 1000.0, 1.0);
pub const LEARNING_RATE: Range = Range { min_exclusive: true, ..real("learningRate", 0.0, 10.0, 1e-3) };
pub const MEANS_SPREAD: Range = real("meansSpread", 0.0, 100.0, 1.0);
pub const WARMUP: Range = Range { unit: " steps", ..whole("warmup", 0.0, 1_000_000.0, 0.0) };
pub const D_STEPS: Range = Range { unit: " discriminator steps per generator step", ..whole("dSteps", 1.0, 10.0, 1.0) };
/// The real images' target: from ½ (D told nothing) to 1 (no smoothing).
pub const LABEL_SMOOTHING: Range = real("labelSmoothing", 0.5, 1.0, 0.9);
pub const INSTANCE_NOISE: Range = real("instanceNoise", 0.0, 2.0, 0.0);
/// Adam's β1 below 1: at 1 the first moment never moves from 0.
pub const BETA1: Range = real("beta1", 0.0, 0.999, 0.5);
/// A rate below 1: at 1 every unit is dropped.
pub const DROPOUT: Range = real("dropout", 0.0, 0.9, 0.3);
pub const MINIBATCH_STD: Range = Range { unit: " (0: off, 1: on)", ..whole("minibatchStd", 0.0, 1.0, 1.0) };
/// Below 1: at 1 the average never moves from G's first weights.
pub const EMA: Range = real("ema", 0.0, 0.9999, 0.999);
pub const D_LR_SCALE: Range = Range { min_exclusive: true, ..real("dLrScale", 0.0, 10.0, 1.0) };
pub const SPECTRAL_NORM: Range = Range { unit: " (0: off, 1: on)", ..whole("spectralNorm", 0.0, 1.0, 0.0) };
pub const TRANSLATION: Range = Range { unit: " pixels", ..whole("translation", 0.0, 8.0, 0.0) };
/// The samplers' temperature τ (not part of a model's configuration, but a setting all the same).
pub const TAU: Range = real("tau", 0.0, 1.0, 0.7);

/// Every numeric setting's range, in the order of [`Config`]'s fields, then τ.
pub const SETTINGS: [Range; 20] = [
    LATENT, HIDDEN, LAYERS, BETA, LEARNING_RATE, BATCH, SEED, MEANS_SPREAD, WARMUP, D_STEPS, LABEL_SMOOTHING, INSTANCE_NOISE, BETA1, DROPOUT, MINIBATCH_STD, EMA,
    D_LR_SCALE, SPECTRAL_NORM, TRANSLATION, TAU,
];

/// A setting that is one of a few named options rather than a number.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    #[serde(skip)]
    pub key: &'static str,
    pub options: &'static [&'static str],
    pub default: &'static str,
}

/// Every named-option setting, with the names its serde form uses (checked by a test below).
pub const CHOICES: [Choice; 3] = [
    Choice { key: "ganLoss", options: &["nonSaturating", "saturating", "hinge"], default: "nonSaturating" },
    Choice { key: "ganOutput", options: &["tanh", "sigmoid"], default: "tanh" },
    Choice { key: "ganActivation", options: &["leakyRelu", "relu"], default: "leakyRelu" },
];

impl Range {
    /// Checks one value; the message names the setting, the value and what is allowed.
    pub fn check(&self, value: f64) -> Result<(), String> {
        let above_min = if self.min_exclusive { value > self.min } else { value >= self.min };
        let whole = !self.integer || value.fract() == 0.0;
        if value.is_finite() && above_min && value <= self.max && whole {
            return Ok(());
        }
        let (key, lo, hi, unit) = (self.key, self.min, self.max, self.unit);
        if self.integer {
            Err(format!("{key} = {value} is out of range: it must be a whole number from {lo} to {hi}{unit}"))
        } else {
            let open = if self.min_exclusive { "(" } else { "[" };
            Err(format!("{key} = {value} is out of range: it must be a number in {open}{lo}, {hi}]"))
        }
    }
}

impl Config {
    /// β at `step`: ramps linearly from 0 over the warm-up, then stays at `beta`.
    pub fn beta_at(&self, step: u64) -> f64 {
        if self.warmup == 0 || step >= self.warmup {
            self.beta
        } else {
            self.beta * step as f64 / self.warmup as f64
        }
    }

    /// Checks every field against [`SETTINGS`]; the message names the field, the value and the
    /// allowed range.
    pub fn validate(&self) -> Result<(), String> {
        LATENT.check(self.latent as f64)?;
        HIDDEN.check(self.hidden as f64)?;
        LAYERS.check(self.layers as f64)?;
        BATCH.check(self.batch as f64)?;
        BETA.check(self.beta)?;
        LEARNING_RATE.check(self.learning_rate)?;
        MEANS_SPREAD.check(self.means_spread)?;
        WARMUP.check(self.warmup as f64)?;
        D_STEPS.check(self.d_steps as f64)?;
        LABEL_SMOOTHING.check(self.label_smoothing)?;
        INSTANCE_NOISE.check(self.instance_noise)?;
        BETA1.check(self.beta1)?;
        DROPOUT.check(self.dropout)?;
        MINIBATCH_STD.check(self.minibatch_std as f64)?;
        EMA.check(self.ema)?;
        D_LR_SCALE.check(self.d_lr_scale)?;
        SPECTRAL_NORM.check(self.spectral_norm as f64)?;
        TRANSLATION.check(self.translation as f64)?;
        SEED.check(self.seed as f64)
    }
}

fn one_layer() -> usize {
    1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choices_table_names_what_serde_reads() {
        let c = Config::default();
        let current = serde_json::to_value(&c).unwrap();
        for choice in CHOICES {
            assert_eq!(current[choice.key], choice.default, "{}", choice.key);
            for option in choice.options {
                let mut v = current.clone();
                v[choice.key] = serde_json::Value::from(*option);
                serde_json::from_value::<Config>(v).unwrap_or_else(|e| panic!("{}: {option}: {e}", choice.key));
            }
        }
    }

    #[test]
    fn every_setting_a_kind_names_exists_and_gan_settings_are_the_gans() {
        // Here rather than in kinds.rs: config depends on kinds, not the other way round.
        let known: Vec<&str> = SETTINGS.iter().map(|r| r.key).chain(CHOICES.iter().map(|c| c.key)).collect();
        for kind in ModelKind::ALL {
            let f = kind.facts();
            for s in f.settings {
                assert!(known.contains(s), "{kind:?}: {s}");
            }
            assert_eq!(f.settings.contains(&"dSteps"), kind.is_adversarial(), "{kind:?}");
            // Without an encoder there is nothing to fit a Gaussian to.
            assert_eq!(f.samplers.contains(&"fitted"), f.has_encoder, "{kind:?}");
        }
    }

    #[test]
    fn a_configuration_from_before_minibatch_std_and_the_average_reads_them_as_off() {
        // A GAN saved before these two settings existed was trained without them: its file has
        // neither D's extra input nor G's average, so the defaults (on) would not fit it.
        let old: Config = serde_json::from_str(r#"{"model":"gan","latent":8,"hidden":400,"layers":2}"#).unwrap();
        assert_eq!((old.minibatch_std, old.ema), (0, 0.0));
        let new = Config { model: ModelKind::Gan, ..Config::default() };
        assert_eq!((new.minibatch_std, new.ema), (1, 0.999));
        let round: Config = serde_json::from_value(serde_json::to_value(&new).unwrap()).unwrap();
        assert_eq!(round, new);
    }

    #[test]
    fn warmup_ramps_beta_linearly() {
        let c = Config { beta: 4.0, warmup: 100, ..Config::default() };
        assert_eq!([c.beta_at(0), c.beta_at(25), c.beta_at(100), c.beta_at(5000)], [0.0, 1.0, 4.0, 4.0]);
        assert_eq!(Config { warmup: 0, ..c }.beta_at(0), 4.0);
        assert!(Config { warmup: 1_000_001, ..c }.validate().unwrap_err().starts_with("warmup"));
    }

    #[test]
    fn default_is_valid_and_the_table_holds_the_defaults() {
        let c = Config::default();
        c.validate().unwrap();
        let fields = [
            c.latent as f64, c.hidden as f64, c.layers as f64, c.beta, c.learning_rate, c.batch as f64, c.seed as f64, c.means_spread, c.warmup as f64,
            c.d_steps as f64, c.label_smoothing, c.instance_noise, c.beta1, c.dropout, c.minibatch_std as f64, c.ema, c.d_lr_scale,
            c.spectral_norm as f64, c.translation as f64,
        ];
        for (range, value) in SETTINGS.iter().zip(fields) {
            assert_eq!(range.default, value, "{}", range.key);
        }
    }

    #[test]
    fn absurd_values_are_refused_with_the_field_named() {
        let bad = [
            Config { latent: 0, ..Config::default() },
            Config { latent: 1_000_000, ..Config::default() },
            Config { batch: 0, ..Config::default() },
            Config { beta: f64::NAN, ..Config::default() },
            Config { beta: -1.0, ..Config::default() },
            Config { learning_rate: 0.0, ..Config::default() },
            Config { learning_rate: f64::INFINITY, ..Config::default() },
            Config { layers: 0, ..Config::default() },
            Config { means_spread: -1.0, ..Config::default() },
            Config { means_spread: 1e6, ..Config::default() },
            Config { d_steps: 0, ..Config::default() },
            Config { label_smoothing: 0.2, ..Config::default() },
            Config { beta1: 1.0, ..Config::default() },
            Config { dropout: 1.0, ..Config::default() },
            Config { instance_noise: f64::NAN, ..Config::default() },
            Config { minibatch_std: 2, ..Config::default() },
            Config { ema: 1.0, ..Config::default() },
            Config { d_lr_scale: 0.0, ..Config::default() },
            Config { spectral_norm: 2, ..Config::default() },
            Config { translation: 9, ..Config::default() },
        ];
        let names = [
            "latent", "latent", "batch", "beta", "beta", "learningRate", "learningRate", "layers", "meansSpread", "meansSpread",
            "dSteps", "labelSmoothing", "beta1", "dropout", "instanceNoise", "minibatchStd", "ema", "dLrScale", "spectralNorm", "translation",
        ];
        for (cfg, name) in bad.iter().zip(names) {
            let err = cfg.validate().unwrap_err();
            assert!(err.starts_with(name), "{err}");
        }
    }
}

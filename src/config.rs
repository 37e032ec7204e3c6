//! What a run is made of: the model's shape and the training settings, with their allowed ranges.
//!
//! Every way in (page controls, URL hash, CLI flags, checkpoint metadata) goes through
//! [`Config::validate`], so an absurd value is refused with a message before anything is built.

use serde::{Deserialize, Serialize};

/// Which model: its prior and what the label does.
/// - `Vae`: plain VAE / β-VAE, prior N(0, I), no label.
/// - `Cvae`: the seeds' conditional VAE: encoder and decoder see no label; each class y has a
///   trainable prior mean μ^y (unit variance), so its prior over z is Σ_y p(y) N(μ^y, I).
/// - `Sohn`: the standard conditional VAE (Sohn, Lee & Yan 2015): the label's one-hot joins the
///   encoder's and the decoder's input, prior N(0, I); z holds what the label does not (style).
/// - `Ae`: the plain autoencoder, the VAE with zero encoder variance: z = μ(x), no noise, no KL,
///   no prior; the seeds' contrast: its codes need not fill N(0, I), so draws from it decode badly.
/// - `Pca`: the linear autoencoder's optimum, solved exactly (`pca`) rather than trained: the
///   seeds' "a linear autoencoder is an SVD". Its error is squared, not cross-entropy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    Vae,
    Cvae,
    Sohn,
    Ae,
    Pca,
}

impl ModelKind {
    /// Has a trainable prior mean per class (the seeds' CVAE).
    pub fn has_class_means(self) -> bool {
        self == Self::Cvae
    }

    /// Encoder and decoder take the label's one-hot as input (the standard CVAE).
    pub fn takes_label(self) -> bool {
        self == Self::Sohn
    }

    /// Generates a chosen class.
    pub fn is_conditional(self) -> bool {
        matches!(self, Self::Cvae | Self::Sohn)
    }

    /// The encoder gives a variance (log σ²) and the objective has a KL term: every kind but the
    /// plain autoencoder.
    pub fn is_variational(self) -> bool {
        !matches!(self, Self::Ae | Self::Pca)
    }

    /// Solved in closed form when built (PCA), so there is nothing to train.
    pub fn is_solved(self) -> bool {
        self == Self::Pca
    }

    /// Hidden layers on each side of a model of this kind with `cfg.layers` asked for: none for
    /// PCA, which is linear.
    pub fn hidden_layers(self, layers: usize) -> usize {
        if self == Self::Pca { 0 } else { layers }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "vae" | "beta-vae" | "bvae" => Ok(Self::Vae),
            "cvae" => Ok(Self::Cvae),
            "sohn" | "standard-cvae" => Ok(Self::Sohn),
            "ae" | "autoencoder" => Ok(Self::Ae),
            "pca" => Ok(Self::Pca),
            other => Err(format!("unknown model '{other}': use vae, cvae (class means), sohn (the standard CVAE), ae (plain autoencoder) or pca")),
        }
    }
}

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
}

impl Default for Config {
    fn default() -> Self {
        Self {
            model: ModelKind::Cvae,
            latent: 8,
            hidden: 400,
            layers: 2,
            beta: 1.0,
            learning_rate: 1e-3,
            batch: 64,
            seed: 1,
            means_spread: 1.0,
            warmup: 0,
        }
    }
}

/// Allowed ranges; the page's controls use narrower ones of their own inside these.
pub const LATENT_RANGE: (usize, usize) = (1, 256);
pub const HIDDEN_RANGE: (usize, usize) = (1, 4096);
pub const LAYERS_RANGE: (usize, usize) = (1, 4);
pub const BATCH_RANGE: (usize, usize) = (1, 4096);
pub const BETA_MAX: f64 = 1000.0;
pub const LEARNING_RATE_MAX: f64 = 10.0;
pub const WARMUP_MAX: u64 = 1_000_000;
pub const MEANS_SPREAD_MAX: f64 = 100.0;

impl Config {
    /// β at `step`: ramps linearly from 0 over the warm-up, then stays at `beta`.
    pub fn beta_at(&self, step: u64) -> f64 {
        if self.warmup == 0 || step >= self.warmup {
            self.beta
        } else {
            self.beta * step as f64 / self.warmup as f64
        }
    }

    /// Checks every field; the message names the field, the value and the allowed range.
    pub fn validate(&self) -> Result<(), String> {
        check_range("latent", self.latent, LATENT_RANGE)?;
        check_range("hidden", self.hidden, HIDDEN_RANGE)?;
        check_range("layers", self.layers, LAYERS_RANGE)?;
        check_range("batch", self.batch, BATCH_RANGE)?;
        check_real("beta", self.beta, 0.0, BETA_MAX, true)?;
        check_real("learningRate", self.learning_rate, 0.0, LEARNING_RATE_MAX, false)?;
        check_real("meansSpread", self.means_spread, 0.0, MEANS_SPREAD_MAX, true)?;
        if self.warmup > WARMUP_MAX {
            return Err(format!("warmup = {} is out of range: it must be from 0 to {WARMUP_MAX} steps", self.warmup));
        }
        Ok(())
    }
}

fn one_layer() -> usize {
    1
}

fn check_range(name: &str, value: usize, (lo, hi): (usize, usize)) -> Result<(), String> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("{name} = {value} is out of range: it must be from {lo} to {hi}"))
    }
}

/// A real setting must be finite and within (lo, hi], or [lo, hi] where `lo_inclusive`.
pub fn check_real(name: &str, value: f64, lo: f64, hi: f64, lo_inclusive: bool) -> Result<(), String> {
    let above_lo = if lo_inclusive { value >= lo } else { value > lo };
    if value.is_finite() && above_lo && value <= hi {
        Ok(())
    } else {
        let open = if lo_inclusive { "[" } else { "(" };
        Err(format!("{name} = {value} is out of range: it must be a number in {open}{lo}, {hi}]"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warmup_ramps_beta_linearly() {
        let c = Config { beta: 4.0, warmup: 100, ..Config::default() };
        assert_eq!([c.beta_at(0), c.beta_at(25), c.beta_at(100), c.beta_at(5000)], [0.0, 1.0, 4.0, 4.0]);
        assert_eq!(Config { warmup: 0, ..c }.beta_at(0), 4.0);
        assert!(Config { warmup: WARMUP_MAX + 1, ..c }.validate().unwrap_err().starts_with("warmup"));
    }

    #[test]
    fn default_is_valid() {
        Config::default().validate().unwrap();
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
        ];
        let names = ["latent", "latent", "batch", "beta", "beta", "learningRate", "learningRate", "layers", "meansSpread", "meansSpread"];
        for (cfg, name) in bad.iter().zip(names) {
            let err = cfg.validate().unwrap_err();
            assert!(err.starts_with(name), "{err}");
        }
    }
}

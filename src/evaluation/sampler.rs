//! Where generated codes come from. Each model kind has its own prior: N(0, I) for the VAE and
//! the standard CVAE (whose decoder is told the class), the mixture Σ_y p(y) N(μ^y, I) for the
//! seeds' CVAE. Beside the prior, a Gaussian fitted to the encoder's means of each class's
//! training images (ex-post density estimation, Ghosh et al. 2020), and a temperature τ that
//! scales either draw's spread around its centre (z = m + τ·L·ε, as Glow and BigGAN sample).
//!
//! Without a class, a conditional kind draws y from the training set's class frequencies first,
//! so a *Sample* follows the model's own joint distribution.

use candle_core::{Device, Tensor};
use faer::{Mat, Side};
use serde::Serialize;

use crate::data::Dataset;
use crate::error::{invalid, Result};
use crate::evaluation::classifier::Classifier;
use crate::data::batch::MAX_SAMPLES_PER_CALL;
use crate::evaluation::codes::encode_rows;
use crate::kinds::ModelKind;
use crate::models::model::Model;
use crate::models::network::Vae;
use crate::rng::Rng;

/// Each class's Gaussian is fitted to at most this many of its training images (the first, in
/// training-set order): enough for a covariance in up to 32 dimensions, and a refit while
/// training stays a fraction of a second in the page.
pub const FIT_PER_CLASS: usize = 500;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sampler {
    /// The model's own prior.
    Prior,
    /// A full-covariance Gaussian fitted to the encoder's means (per class where there is one).
    Fitted,
}

impl std::str::FromStr for Sampler {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "prior" => Ok(Self::Prior),
            "fitted" => Ok(Self::Fitted),
            other => Err(format!("unknown sampler '{other}': use prior or fitted")),
        }
    }
}

/// A sampler and its temperature τ in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sampling {
    pub sampler: Sampler,
    pub tau: f64,
}

impl Sampling {
    /// Checks τ: a number from 0 (the centre itself) to 1 (the distribution as fitted or assumed).
    pub fn new(sampler: Sampler, tau: f64) -> Result<Self> {
        if !(tau.is_finite() && (0.0..=1.0).contains(&tau)) {
            invalid!("tau = {tau} is out of range: the temperature must be a number from 0 to 1");
        }
        Ok(Self { sampler, tau })
    }

    /// The distribution the codes come from, in words and inline TeX (between `$…$`), for
    /// captions.
    pub fn describe(&self, kind: ModelKind, class: Option<usize>) -> String {
        if !kind.is_conditional() {
            return self.describe_unconditional(kind);
        }
        match class {
            Some(c) => self.describe_class(kind, &c.to_string()),
            None => format!("$y$ drawn from the training set's class frequencies, then {}", self.describe_class(kind, "y")),
        }
    }

    /// As [`Sampling::describe`] for a class y named by a letter (for per-class figures).
    pub fn describe_each_class(&self, kind: ModelKind) -> String {
        if kind.is_conditional() {
            self.describe_class(kind, "y")
        } else {
            self.describe_unconditional(kind)
        }
    }

    /// "τ^2 " where τ < 1, for the covariance's scale (TeX).
    fn scale(&self) -> String {
        if self.tau == 1.0 { String::new() } else { format!(r"{}^2\,", self.tau) }
    }

    /// A conditional kind's distribution for class `c` (a number or a letter).
    fn describe_class(&self, kind: ModelKind, c: &str) -> String {
        let scale = self.scale();
        let class = if c == "y" { "$y$".to_string() } else { c.to_string() };
        match (kind.has_class_means(), self.sampler) {
            (true, Sampler::Prior) => format!(r"$z \sim \mathcal N(\mu^{{{c}}}, {scale}I)$, the prior of class {class}"),
            (false, Sampler::Prior) => format!(r"$z \sim \mathcal N(0, {scale}I)$, decoded with $y = {c}$"),
            (_, Sampler::Fitted) => format!(r"$z \sim \mathcal N(m_{{{c}}}, {scale}\Sigma_{{{c}}})$, fitted to the encoder means of class {class}"),
        }
    }

    /// A kind without classes: its prior, or the Gaussian fitted to all training codes.
    fn describe_unconditional(&self, kind: ModelKind) -> String {
        let scale = self.scale();
        let prior = format!(r"$z \sim \mathcal N(0, {scale}I)$");
        if kind.is_adversarial() {
            return format!("{prior}, the generator's input distribution");
        }
        match (kind.is_variational(), kind.is_solved(), self.sampler) {
            (true, _, Sampler::Prior) => format!("{prior}, the prior"),
            (false, true, Sampler::Prior) => format!("{prior}, a VAE's prior; PCA's codes spread as wide as their directions' variances, not 1"),
            (false, false, Sampler::Prior) => format!("{prior}, a VAE's prior, which the autoencoder's codes were never made to fill"),
            (_, _, Sampler::Fitted) => format!(r"$z \sim \mathcal N(m, {scale}\Sigma)$, fitted to the encoder means of all training images"),
        }
    }
}

/// N(mean, L·Lᵀ) in latent space: `factor` is L, lower-triangular, row-major.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Gaussian {
    pub mean: Vec<f32>,
    pub covariance: Vec<f32>,
    pub factor: Vec<f32>,
    /// Codes it was fitted to.
    pub images: usize,
}

/// The fitted sampler's Gaussians: one per class (`None` for a class with fewer than two
/// training images) and one over all classes, at the step they were fitted.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Fitted {
    pub step: u64,
    /// The model version (`Trainer::version`) they were fitted to.
    #[serde(skip)]
    pub version: (u64, u64),
    pub per_class: Vec<Option<Gaussian>>,
    pub all: Gaussian,
}

/// Fits the Gaussians to the encoder's means μ(x) (with x's label for the standard CVAE) of up to
/// [`FIT_PER_CLASS`] training images per class.
pub fn fit(model: &Vae, data: &Dataset, version: (u64, u64)) -> Result<Fitted> {
    let latent = model.latent;
    let mut per_class = Vec::with_capacity(model.classes);
    let mut every = Vec::new();
    for y in 0..model.classes {
        let picked: Vec<usize> = (0..data.len()).filter(|&i| data.labels[i] as usize == y).take(FIT_PER_CLASS).collect();
        if picked.len() < 2 {
            per_class.push(None);
            continue;
        }
        let codes = encode_rows(model, data, &picked)?;
        per_class.push(Some(gaussian(&codes, latent)?));
        every.extend(codes);
    }
    if every.len() < 2 * latent.max(1) {
        invalid!("too few training images to fit a Gaussian to their codes (need at least 2 in one class)");
    }
    Ok(Fitted { step: version.1, version, per_class, all: gaussian(&every, latent)? })
}

/// The sample mean and covariance of `codes` (rows × latent, at least two rows) and the
/// covariance's Cholesky factor (faer). A tiny ridge on the diagonal keeps a degenerate cloud
/// (all codes alike, or fewer codes than dimensions) factorisable.
fn gaussian(codes: &[f32], latent: usize) -> Result<Gaussian> {
    let n = codes.len() / latent;
    let mut mean = vec![0f64; latent];
    for row in codes.chunks_exact(latent) {
        mean.iter_mut().zip(row).for_each(|(m, &v)| *m += v as f64);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    let mut cov = vec![0f64; latent * latent];
    for row in codes.chunks_exact(latent) {
        for i in 0..latent {
            let di = row[i] as f64 - mean[i];
            for j in 0..=i {
                cov[i * latent + j] += di * (row[j] as f64 - mean[j]);
            }
        }
    }
    let trace: f64 = (0..latent).map(|i| cov[i * latent + i]).sum::<f64>() / (n - 1) as f64;
    let ridge = 1e-6 * (trace / latent as f64).max(1e-6);
    let c = Mat::from_fn(latent, latent, |i, j| {
        let (a, b) = if j <= i { (i, j) } else { (j, i) };
        cov[a * latent + b] / (n - 1) as f64 + if i == j { ridge } else { 0.0 }
    });
    let llt = c.llt(Side::Lower).map_err(|e| format!("fitted sampler: the codes' covariance has no Cholesky factor ({e:?})"))?;
    let l = llt.L();
    let at = |m: faer::MatRef<'_, f64>, i: usize, j: usize| m[(i, j)] as f32;
    Ok(Gaussian {
        mean: mean.iter().map(|&m| m as f32).collect(),
        covariance: (0..latent * latent).map(|k| at(c.as_ref(), k / latent, k % latent)).collect(),
        factor: (0..latent * latent).map(|k| if k % latent <= k / latent { at(l, k / latent, k % latent) } else { 0.0 }).collect(),
        images: n,
    })
}

/// Codes drawn for a model, and the class each was drawn for (empty for the VAE without a class).
pub struct Drawn {
    pub z: Vec<f32>,
    pub labels: Vec<u32>,
}

/// Draws `n` codes. `class` picks the class (the conditional kinds); without one, a conditional
/// kind draws each row's class from `class_counts` (the training set's). `fitted` is needed for
/// [`Sampler::Fitted`].
pub fn draw(model: &dyn Model, fitted: Option<&Fitted>, class_counts: &[usize], class: Option<usize>, n: usize, sampling: Sampling, rng: &mut Rng) -> Result<Drawn> {
    if n == 0 || n > MAX_SAMPLES_PER_CALL {
        invalid!("sample count {n} is out of range: it must be from 1 to {MAX_SAMPLES_PER_CALL}");
    }
    let latent = model.latent();
    let conditional = model.kind().is_conditional();
    if let Some(c) = class {
        if !conditional {
            invalid!("the {} has no classes; sample without a class, or train a conditional model", model.kind().facts().name);
        }
        if c >= model.classes() {
            invalid!("class {c} does not exist: this model knows classes 0 to {}", model.classes() - 1);
        }
    }
    let means = match model.class_means() {
        Some(m) => m.as_tensor().flatten_all()?.to_vec1::<f32>()?,
        None => Vec::new(),
    };
    let total: usize = class_counts.iter().take(model.classes()).sum();
    if conditional && class.is_none() && total == 0 {
        invalid!("no training labels to draw classes from");
    }
    let (mut z, mut labels) = (Vec::with_capacity(n * latent), Vec::new());
    for _ in 0..n {
        let y = match class {
            Some(c) => Some(c),
            None if conditional => Some(pick_class(class_counts, total, rng)),
            None => None,
        };
        // The centre and the factor (None: the identity) of this row's distribution.
        let (centre, factor): (&[f32], Option<&[f32]>) = match sampling.sampler {
            Sampler::Prior => match y {
                Some(y) if !means.is_empty() => (&means[y * latent..(y + 1) * latent], None),
                _ => (&[], None),
            },
            Sampler::Fitted => {
                let fitted = fitted.ok_or_else(|| "the fitted sampler has not been fitted yet".to_string())?;
                let g = match y {
                    Some(y) => fitted.per_class[y].as_ref().ok_or_else(|| format!("class {y} has fewer than 2 training images: no Gaussian can be fitted to it; use the prior"))?,
                    None => &fitted.all,
                };
                (&g.mean[..], Some(&g.factor[..]))
            }
        };
        let eps = rng.normals(latent);
        for i in 0..latent {
            let spread = match factor {
                Some(l) => (0..=i).map(|j| l[i * latent + j] * eps[j]).sum::<f32>(),
                None => eps[i],
            };
            z.push(centre.get(i).copied().unwrap_or(0.0) + sampling.tau as f32 * spread);
        }
        if let Some(y) = y {
            labels.push(y as u32);
        }
    }
    Ok(Drawn { z, labels })
}

/// A class drawn with probability count / total.
fn pick_class(counts: &[usize], total: usize, rng: &mut Rng) -> usize {
    let mut at = rng.below(total);
    for (y, &c) in counts.iter().enumerate() {
        if at < c {
            return y;
        }
        at -= c;
    }
    counts.len() - 1
}

/// Decodes drawn codes, each with its class for the standard CVAE.
pub fn decode_drawn(model: &dyn Model, drawn: &Drawn) -> Result<Tensor> {
    let z = Tensor::from_slice(&drawn.z, (drawn.z.len() / model.latent(), model.latent()), &Device::Cpu)?;
    let condition = model.condition(&drawn.labels)?;
    model.decode(&z, condition.as_ref())
}

/// Samples for the page or the CLI: codes (n × latent), images (n × pixels) and the class each
/// was drawn for (empty for the VAE without a class).
#[derive(Clone, Debug)]
pub struct Sample {
    pub z: Vec<f32>,
    pub images: Vec<f32>,
    pub labels: Vec<u32>,
}

/// Conditional accuracy: per class y, the share of `per_class` images generated for y by
/// `sampling` that `classifier` labels y. Returns (the mean over classes, per class).
pub fn conditional_accuracy(model: &dyn Model, fitted: Option<&Fitted>, classifier: &Classifier, sampling: Sampling, per_class: usize, seed: u64) -> Result<(f64, Vec<f64>)> {
    if !model.kind().is_conditional() {
        invalid!("conditional accuracy needs a conditional model: the {} has no classes", model.kind().facts().name);
    }
    if classifier.classes() < model.classes() {
        invalid!("the classifier knows {} classes, the model {}", classifier.classes(), model.classes());
    }
    if !(1..=10_000).contains(&per_class) {
        invalid!("conditional accuracy: draws per class must be from 1 to 10000, got {per_class}");
    }
    let mut rng = Rng::new(seed);
    let mut per = Vec::with_capacity(model.classes());
    for y in 0..model.classes() {
        let mut right = 0;
        for start in (0..per_class).step_by(MAX_SAMPLES_PER_CALL) {
            let n = (per_class - start).min(MAX_SAMPLES_PER_CALL);
            let drawn = draw(model, fitted, &[], Some(y), n, sampling, &mut rng)?;
            right += classifier.predict(&decode_drawn(model, &drawn)?)?.iter().filter(|&&p| p as usize == y).count();
        }
        per.push(right as f64 / per_class as f64);
    }
    Ok((per.iter().sum::<f64>() / per.len() as f64, per))
}

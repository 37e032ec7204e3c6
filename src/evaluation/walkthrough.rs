//! One training step laid bare, for the page's walkthrough: for one image, every quantity the
//! objective is made of, with this model's own numbers. For the VAEs (and the autoencoders and
//! PCA): μ, σ, the ε drawn, z = μ + ε·σ, x̂, the cross-entropy per pixel, the KL per dimension,
//! the total. For a GAN: the real image, the z drawn and G(z), D's verdict on each, D's and G's
//! losses, and which way D's verdict pushes each pixel of G(z). The optimiser step on that image
//! alone is the trainer's (`Trainer::step_on`: for a GAN, D's step and then G's), with the same
//! noise.

use candle_core::{Device, Tensor};
use serde::Serialize;

use crate::config::{Config, GanLoss};
use crate::data::batch::image_tensor;
use crate::error::{invalid, Result};
use crate::models::gan::Gan;
use crate::models::model::{autoencoder, example_noise, Model};

/// Every stage of the objective for one image, in the order the walkthrough shows them.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Walk {
    pub x: Vec<f32>,
    pub label: u32,
    pub mu: Vec<f32>,
    /// σ = exp(½ log σ²); empty for the autoencoders (z = μ).
    pub sigma: Vec<f32>,
    pub logvar: Vec<f32>,
    /// ε ~ N(0, I), drawn from the walkthrough's seed; empty for the autoencoders.
    pub eps: Vec<f32>,
    pub z: Vec<f32>,
    /// The prior's mean: μ^y for the seeds' CVAE, zeros for the other variational kinds.
    pub prior_mean: Vec<f32>,
    /// x̂ = decoder(z), intensities in [0, 1].
    pub x_hat: Vec<f32>,
    /// Each pixel's term of the reconstruction error: Bernoulli cross-entropy (PCA: squared error).
    pub recon_per_pixel: Vec<f32>,
    /// ½ ((μᵢ − mᵢ)² + σᵢ² − log σᵢ² − 1) per dimension; empty for the autoencoders.
    pub kl_per_dim: Vec<f32>,
    pub recon: f64,
    pub kl: f64,
    /// β at the current step (the warm-up's, if one is on).
    pub beta: f64,
    /// recon + β·KL, the β-weighted objective one optimiser step lowers.
    pub total: f64,
    /// recon + KL, the −ELBO (the bound on −log p(x)), whatever β is.
    pub neg_elbo: f64,
}

/// The walkthrough's numbers for `x` (pixels in [0, 1]) with label `label`, ε drawn from `seed`
/// (the same ε `Trainer::step_on` steps with), at KL weight `beta`.
pub fn walk(model: &dyn Model, x: &[f32], label: u32, seed: u64, beta: f64) -> Result<Walk> {
    let net = autoencoder(model)?;
    if x.len() != net.pixels {
        invalid!("walkthrough: the image has {} pixels, the model takes {}", x.len(), net.pixels);
    }
    if label as usize >= net.classes {
        invalid!("walkthrough: class {label} is not one of the model's {} classes", net.classes);
    }
    let xt = image_tensor(net.pixels, x)?;
    let yt = Tensor::from_vec(vec![label], 1, &Device::Cpu)?;
    let eps = example_noise(seed, net.latent)?;
    let condition = net.condition(&[label])?;
    let out = net.forward(&xt, &eps, condition.as_ref())?;
    let row = |t: &Tensor| -> Result<Vec<f32>> { Ok(t.flatten_all()?.to_vec1::<f32>()?) };
    let per_pixel = net.recon_per_pixel(&out.logits, &xt)?;
    let prior = net.prior_means(&yt)?;
    let (kl_per_dim, sigma, logvar, eps_shown, prior_mean) = match &out.logvar {
        Some(lv) => {
            let m = match &prior {
                Some(p) => p.clone(),
                None => out.mu.zeros_like()?,
            };
            let kl = crate::models::loss::kl_per_dim(&out.mu, lv, Some(&m))?;
            (row(&kl)?, row(&(lv * 0.5)?.exp()?)?, row(lv)?, row(&eps)?, row(&m)?)
        }
        None => (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new()),
    };
    let recon_per_pixel = row(&per_pixel)?;
    let recon = recon_per_pixel.iter().map(|&v| v as f64).sum::<f64>();
    let kl = kl_per_dim.iter().map(|&v| v as f64).sum::<f64>();
    Ok(Walk {
        x: x.to_vec(),
        label,
        mu: row(&out.mu)?,
        sigma,
        logvar,
        eps: eps_shown,
        z: row(&out.z)?,
        prior_mean,
        x_hat: row(&net.decode(&out.z, condition.as_ref())?)?,
        recon_per_pixel,
        kl_per_dim,
        recon,
        kl,
        beta,
        total: recon + beta * kl,
        neg_elbo: recon + kl,
    })
}

/// A GAN's walkthrough: one real image and one z through both networks, as D judges outside
/// training (no dropout, no instance noise), with G's own weights (the ones a step moves).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GanWalk {
    pub x: Vec<f32>,
    pub label: u32,
    /// z ~ N(0, I), drawn from the walkthrough's seed (the z `Trainer::step_on` steps with).
    pub z: Vec<f32>,
    /// G(z), intensities in [0, 1].
    pub fake: Vec<f32>,
    /// D(x) and D(G(z)).
    pub d_real: f64,
    pub d_fake: f64,
    /// −log D(x) and −log(1 − D(G(z))); their sum is D's loss for this pair, −V(G, D).
    pub real_term: f64,
    pub fake_term: f64,
    pub d_loss: f64,
    /// The real images' target in D's training loss (1, or the one-sided smoothing's).
    pub target: f64,
    /// G's loss on G(z) in its configured form, and which form (with `hinge` D's training loss is
    /// the hinge loss too; the walk still shows the texts' −V).
    pub g_loss: f64,
    pub g_loss_form: GanLoss,
    /// −∂(G's loss)/∂G(z) per pixel (positive: D's verdict asks G to brighten it).
    pub push: Vec<f32>,
    /// D steps per G step.
    pub d_steps: usize,
    /// Samples come from an average of G's weights (`ema`), which a step moves only a little.
    pub averaged: bool,
}

/// The GAN walkthrough's numbers for `x` (pixels in [0, 1]) with `label`, z drawn from `seed`.
pub fn walk_gan(gan: &Gan, x: &[f32], label: u32, seed: u64, config: &Config) -> Result<GanWalk> {
    if x.len() != gan.pixels {
        invalid!("walkthrough: the image has {} pixels, the model takes {}", x.len(), gan.pixels);
    }
    if label as usize >= gan.classes {
        invalid!("walkthrough: class {label} is not one of the model's {} classes", gan.classes);
    }
    let xt = image_tensor(gan.pixels, x)?;
    let z = example_noise(seed, gan.latent)?;
    let condition = gan.condition(&[label])?;
    let verdict = gan.verdict(&xt, &z, condition.as_ref(), config.gan_loss)?;
    Ok(GanWalk {
        x: x.to_vec(),
        label,
        z: z.flatten_all()?.to_vec1()?,
        fake: gan.generated(&z, condition.as_ref())?.flatten_all()?.to_vec1()?,
        d_real: verdict.d_real,
        d_fake: verdict.d_fake,
        real_term: verdict.real_term,
        fake_term: verdict.fake_term,
        d_loss: verdict.real_term + verdict.fake_term,
        target: config.label_smoothing,
        g_loss: verdict.g_loss,
        g_loss_form: config.gan_loss,
        push: gan.pixel_push(&z, condition.as_ref(), config.gan_loss)?,
        d_steps: config.d_steps,
        averaged: config.ema > 0.0,
    })
}

/// A walk of whichever family the model is: the VAE objective's stages, or the GAN's. Tagged
/// `family` ("objective" or "adversarial"), so the page shows the matching stages.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "family", rename_all = "camelCase")]
pub enum Walked {
    Objective(Walk),
    Adversarial(GanWalk),
}

/// The walkthrough for `model` (trained with `config`, now at `step`).
pub fn walk_model(model: &dyn Model, x: &[f32], label: u32, seed: u64, config: &Config, step: u64) -> Result<Walked> {
    match crate::models::gan::of(model) {
        Some(gan) => Ok(Walked::Adversarial(walk_gan(gan, x, label, seed, config)?)),
        None => Ok(Walked::Objective(walk(model, x, label, seed, config.beta_at(step))?)),
    }
}

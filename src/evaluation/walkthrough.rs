//! One training step laid bare, for the page's walkthrough: for one image, every quantity the
//! objective is made of, with this model's own numbers (μ, σ, the ε drawn, z = μ + ε·σ, x̂, the
//! cross-entropy per pixel, the KL per dimension, the total). The optimiser step on that image
//! alone is the trainer's (`Trainer::step_on`), with the same ε.

use candle_core::{Device, Tensor};
use serde::Serialize;

use crate::data::batch::image_tensor;
use crate::error::{invalid, Result};
use crate::models::model::{autoencoder, Model};
use crate::models::vae::example_noise;

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

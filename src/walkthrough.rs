//! One training step laid bare, for the page's walkthrough: for one image, every quantity the
//! objective is made of, with this model's own numbers (μ, σ, the ε drawn, z = μ + ε·σ, x̂, the
//! cross-entropy per pixel, the KL per dimension, the total), and one optimiser step on that
//! image alone, the same step training takes on a batch.

use candle_core::{Device, Tensor};
use serde::Serialize;

use crate::error::{invalid, Result};
use crate::rng::Rng;
use crate::train::Trainer;

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
    /// recon + β·KL, what one optimiser step lowers.
    pub total: f64,
}

/// One optimiser step on the walkthrough's image: its objective before and after (same ε).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepOn {
    pub before: f64,
    pub after: f64,
    pub step: u64,
}

impl Trainer {
    /// The walkthrough's numbers for `x` (pixels in [0, 1]) with label `label`, ε drawn from `seed`.
    pub fn walk(&self, x: &[f32], label: u32, seed: u64) -> Result<Walk> {
        let model = &self.model;
        let (xt, yt, eps) = self.inputs(x, label, seed)?;
        let beta = self.config().beta_at(self.step());
        let condition = model.condition(&[label])?;
        let out = model.forward(&xt, &eps, condition.as_ref())?;
        let row = |t: &Tensor| -> Result<Vec<f32>> { Ok(t.flatten_all()?.to_vec1::<f32>()?) };
        let per_pixel = model.recon_per_pixel(&out.logits, &xt)?;
        let prior = model.prior_means(&yt)?;
        let (kl_per_dim, sigma, logvar, eps_shown, prior_mean) = match &out.logvar {
            Some(lv) => {
                let m = match &prior {
                    Some(p) => p.clone(),
                    None => out.mu.zeros_like()?,
                };
                let kl = crate::loss::kl_per_dim(&out.mu, lv, Some(&m))?;
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
            x_hat: row(&model.decode(&out.z, condition.as_ref())?)?,
            recon_per_pixel,
            kl_per_dim,
            recon,
            kl,
            beta,
            total: recon + beta * kl,
        })
    }

    /// One optimiser step on `x` alone (a batch of one, ε from `seed`), exactly as a training
    /// step takes one on a batch; returns the objective before and after it. PCA has no step.
    pub fn step_on(&mut self, x: &[f32], label: u32, seed: u64) -> Result<StepOn> {
        if self.config().model.is_solved() {
            invalid!("PCA is solved exactly: there is no optimiser step to take");
        }
        let (xt, yt, eps) = self.inputs(x, label, seed)?;
        let beta = self.config().beta_at(self.step());
        let before = self.model.loss_terms(&xt, &yt, &eps)?.objective(beta)?.to_scalar::<f32>()? as f64;
        self.optimizer_step_on(&xt, &yt, &eps, beta)?;
        let after = self.model.loss_terms(&xt, &yt, &eps)?.objective(beta)?.to_scalar::<f32>()? as f64;
        Ok(StepOn { before, after, step: self.step() })
    }

    /// The image (checked as every image from the page is), its label and the walkthrough's ε as
    /// tensors (batch of one).
    fn inputs(&self, x: &[f32], label: u32, seed: u64) -> Result<(Tensor, Tensor, Tensor)> {
        let model = &self.model;
        if x.len() != model.pixels {
            invalid!("walkthrough: the image has {} pixels, the model takes {}", x.len(), model.pixels);
        }
        if label as usize >= model.classes {
            invalid!("walkthrough: class {label} is not one of the model's {} classes", model.classes);
        }
        let eps = Rng::new(seed).normals(model.latent);
        Ok((
            self.image_tensor(x)?,
            Tensor::from_vec(vec![label], 1, &Device::Cpu)?,
            Tensor::from_vec(eps, (1, model.latent), &Device::Cpu)?,
        ))
    }
}

//! What researchers judge a VAE by beyond the ELBO (Burda, Grosse & Salakhutdinov 2016):
//! - the KL to the prior per latent dimension: which dimensions carry information (a collapsed
//!   one has KL near 0 for every image);
//! - active units: dimensions u whose posterior mean moves with the data, Cov_x(E_q[z_u]) > 0.01;
//! - the importance-weighted bound on −log p(x) (−log p(x | y) for the conditional kinds) with k
//!   samples: −log (1/k Σ_j p(x, z_j) / q(z_j | x)), z_j ~ q(z | x); it is ≤ the −ELBO and
//!   tightens as k grows (k = 1 is the ELBO's own estimate).

use candle_core::{Device, Tensor};
use serde::Serialize;

use crate::data::Dataset;
use crate::error::{invalid, Result};
use crate::models::network::Vae;
use crate::rng::Rng;
use crate::data::batch::batch_tensors;

/// Covariance of a dimension's posterior mean over the data above which it counts as active.
pub const ACTIVE_THRESHOLD: f64 = 0.01;
/// The largest k the importance-weighted bound takes (5,000 in Burda et al.).
pub const IW_MAX: usize = 5000;
const CHUNK: usize = 500;
const NOT_VARIATIONAL: &str = "the plain autoencoder and PCA have no encoder variance and no prior: no KL and no likelihood bound to report";

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LatentReport {
    pub images: usize,
    /// Mean over the images of each dimension's KL term, ½(o² + σ² − log σ² − 1), in nats;
    /// o = μ − the prior mean (μ^y for the seeds' CVAE, 0 otherwise). They add up to the KL.
    /// Empty for the plain autoencoder, which has no KL term.
    pub kl_per_dim: Vec<f64>,
    /// Variance over the images of each dimension's posterior mean μ_u.
    pub activity: Vec<f64>,
    pub active_units: usize,
}

/// KL per dimension and active units of `model` over `data`.
pub fn latent_report(model: &Vae, data: &Dataset) -> Result<LatentReport> {
    if data.is_empty() {
        invalid!("latent report: no images");
    }
    let l = model.latent;
    let mut kl = vec![0f64; l];
    let mut means = Vec::with_capacity(data.len() * l); // every image's μ: the variance in two passes
    let all: Vec<usize> = (0..data.len()).collect();
    for chunk in all.chunks(CHUNK) {
        let (x, y) = batch_tensors(data, chunk)?;
        let condition = model.condition(&y.to_vec1()?)?;
        let (mu, logvar) = model.encode(&x, condition.as_ref())?;
        if let Some(logvar) = logvar {
            let per = crate::models::loss::kl_per_dim(&mu, &logvar, model.prior_means(&y)?.as_ref())?.sum(0)?.to_vec1::<f32>()?;
            kl.iter_mut().zip(&per).for_each(|(k, p)| *k += *p as f64);
        }
        means.extend(mu.flatten_all()?.to_vec1::<f32>()?);
    }
    let n = data.len() as f64;
    let centre: Vec<f64> = (0..l).map(|u| means.chunks(l).map(|m| m[u] as f64).sum::<f64>() / n).collect();
    let activity: Vec<f64> = (0..l).map(|u| means.chunks(l).map(|m| (m[u] as f64 - centre[u]).powi(2)).sum::<f64>() / n).collect();
    Ok(LatentReport {
        images: data.len(),
        kl_per_dim: if model.kind.is_variational() { kl.iter().map(|k| k / n).collect() } else { Vec::new() },
        active_units: activity.iter().filter(|&&a| a > ACTIVE_THRESHOLD).count(),
        activity,
    })
}

/// The importance-weighted bound, in nats per image, averaged over the images it covered.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IwReport {
    pub k: usize,
    pub images: usize,
    pub neg_log_likelihood: f64,
}

/// The k-sample importance-weighted bound on −log p(x) of `data`'s images (in order), with ε
/// from `seed`. `progress(done, total)` is called after each image; returning false stops early
/// (the report then covers the images done).
pub fn importance_weighted(model: &Vae, data: &Dataset, k: usize, seed: u64, mut progress: impl FnMut(usize, usize) -> bool) -> Result<IwReport> {
    if data.is_empty() {
        invalid!("importance-weighted bound: no images");
    }
    let (mut total, mut done) = (0.0, 0);
    for i in 0..data.len() {
        total += iw_bounds(model, data, i..i + 1, k, seed)?[0];
        done += 1;
        if !progress(done, data.len()) {
            break;
        }
    }
    Ok(IwReport { k, images: done, neg_log_likelihood: total / done as f64 })
}

/// Each image's k-sample bound for the images `range` of `data`. Image i draws its ε from a stream
/// of its own (seeded by `seed` and i), so any split of the images into ranges (the page takes
/// a few at a time) gives the figures of one pass.
pub fn iw_bounds(model: &Vae, data: &Dataset, range: std::ops::Range<usize>, k: usize, seed: u64) -> Result<Vec<f64>> {
    if !(1..=IW_MAX).contains(&k) {
        invalid!("importance samples k = {k} is out of range: it must be from 1 to {IW_MAX}");
    }
    if range.end > data.len() || range.start > range.end {
        invalid!("importance-weighted bound: images {}..{} are not within the {} there are", range.start, range.end, data.len());
    }
    let (l, p) = (model.latent, model.pixels);
    let mut out = Vec::with_capacity(range.len());
    for i in range {
        let mut rng = Rng::new(seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let (x, y) = batch_tensors(data, &[i])?;
        let labels = y.to_vec1::<u32>()?;
        let (mu, logvar) = model.encode(&x, model.condition(&labels)?.as_ref())?;
        let logvar = logvar.ok_or_else(|| crate::error::LabError::Invalid(NOT_VARIATIONAL.into()))?;
        let (mu, logvar) = (mu.flatten_all()?.to_vec1::<f32>()?, logvar.flatten_all()?.to_vec1::<f32>()?);
        let prior: Vec<f32> = match model.prior_means(&y)? {
            Some(m) => m.flatten_all()?.to_vec1()?,
            None => vec![0.0; l],
        };
        let mut log_w = Vec::with_capacity(k);
        for start in (0..k).step_by(CHUNK) {
            let rows = (k - start).min(CHUNK);
            let eps = rng.normals(rows * l);
            let mut z = Vec::with_capacity(rows * l);
            // log p(z) − log q(z | x) per row: the Gaussians' normalisers cancel but for σ's.
            let mut prior_minus_q = vec![0f64; rows];
            for r in 0..rows {
                for u in 0..l {
                    let e = eps[r * l + u] as f64;
                    let zu = mu[u] as f64 + (0.5 * logvar[u] as f64).exp() * e;
                    z.push(zu as f32);
                    let o = zu - prior[u] as f64;
                    prior_minus_q[r] += -0.5 * o * o + 0.5 * e * e + 0.5 * logvar[u] as f64;
                }
            }
            let z = Tensor::from_vec(z, (rows, l), &Device::Cpu)?;
            let condition = model.condition(&vec![labels[0]; rows])?;
            let logits = model.decode_logits(&z, condition.as_ref())?;
            let targets = x.broadcast_as((rows, p))?.contiguous()?;
            let recon = crate::models::loss::bce_with_logits(&logits, &targets)?.to_vec1::<f32>()?;
            log_w.extend(recon.iter().zip(&prior_minus_q).map(|(r, d)| -(*r as f64) + d));
        }
        let top = log_w.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        out.push(-(top + (log_w.iter().map(|w| (w - top).exp()).sum::<f64>() / k as f64).ln()));
    }
    Ok(out)
}

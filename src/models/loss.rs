//! The two terms of the VAE objective, one value per sample (shape `(batch,)`).
//!
//! Sums run over pixels and latent dimensions; averaging over the batch is the caller's choice.

use candle_core::{Result, Tensor, D};

/// Bernoulli reconstruction loss: Σ over pixels of BCE(sigmoid(x), t), from the logits x.
///
/// Uses max(x, 0) − x·t + ln(1 + e^(−|x|)), which equals −t·ln σ(x) − (1−t)·ln(1−σ(x)) but never
/// takes the log of a saturated sigmoid, so large |x| cannot produce inf or NaN.
pub fn bce_with_logits(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    bce_per_pixel(logits, targets)?.sum(D::Minus1)
}

/// [`bce_with_logits`] before its sum: each pixel's term, same shape as `logits`.
pub fn bce_per_pixel(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let softplus_tail = (logits.abs()?.neg()?.exp()? + 1.0)?.log()?;
    (logits.relu()? - (logits * targets)?)? + softplus_tail
}

/// KL(N(μ, σ²) ‖ N(m, I)) = ½ Σᵢ ((μᵢ − mᵢ)² + σᵢ² − log σᵢ² − 1).
///
/// `prior_mean` is `None` for the standard prior N(0, I) of the VAE, or each sample's class mean
/// μ^Y (same shape as `mu`) for the conditional VAE.
pub fn kl_divergence(mu: &Tensor, logvar: &Tensor, prior_mean: Option<&Tensor>) -> Result<Tensor> {
    kl_twice_per_dim(mu, logvar, prior_mean)?.sum(D::Minus1)? * 0.5
}

/// [`kl_divergence`] before its sum: each dimension's term, same shape as `mu` (the diagnostics'
/// KL per latent dimension, the walkthrough's bars).
pub fn kl_per_dim(mu: &Tensor, logvar: &Tensor, prior_mean: Option<&Tensor>) -> Result<Tensor> {
    kl_twice_per_dim(mu, logvar, prior_mean)? * 0.5
}

/// (μᵢ − mᵢ)² + σᵢ² − log σᵢ² − 1, twice each dimension's KL.
fn kl_twice_per_dim(mu: &Tensor, logvar: &Tensor, prior_mean: Option<&Tensor>) -> Result<Tensor> {
    let offset = match prior_mean {
        Some(m) => (mu - m)?,
        None => mu.clone(),
    };
    ((offset.sqr()? + logvar.exp()?)? - logvar)? - 1.0
}

//! The two terms of the VAE objective, one value per sample (shape `(batch,)`).
//!
//! Sums run over pixels and latent dimensions; averaging over the batch is the caller's choice.

use candle_core::{Result, Tensor, D};

/// Bernoulli reconstruction loss: Σ over pixels of BCE(sigmoid(x), t), from the logits x.
///
/// Uses max(x, 0) − x·t + ln(1 + e^(−|x|)), which equals −t·ln σ(x) − (1−t)·ln(1−σ(x)) but never
/// takes the log of a saturated sigmoid, so large |x| cannot produce inf or NaN.
pub fn bce_with_logits(logits: &Tensor, targets: &Tensor) -> Result<Tensor> {
    let softplus_tail = (logits.abs()?.neg()?.exp()? + 1.0)?.log()?;
    let per_pixel = ((logits.relu()? - (logits * targets)?)? + softplus_tail)?;
    per_pixel.sum(D::Minus1)
}

/// KL(N(μ, σ²) ‖ N(m, I)) = ½ Σᵢ ((μᵢ − mᵢ)² + σᵢ² − log σᵢ² − 1).
///
/// `prior_mean` is `None` for the standard prior N(0, I) of the VAE, or each sample's class mean
/// μ^Y (same shape as `mu`) for the conditional VAE.
pub fn kl_divergence(mu: &Tensor, logvar: &Tensor, prior_mean: Option<&Tensor>) -> Result<Tensor> {
    let offset = match prior_mean {
        Some(m) => (mu - m)?,
        None => mu.clone(),
    };
    let per_dim = ((offset.sqr()? + logvar.exp()?)? - logvar)? - 1.0;
    per_dim?.sum(D::Minus1)? * 0.5
}

//! The held-out figures: −ELBO (reconstruction and KL per image) and the squared error of the
//! mean reconstruction, the one error every kind can be compared by.

use candle_core::Tensor;
use serde::Serialize;

use crate::data::batch::batch_tensors;
use crate::data::Dataset;
use crate::error::Result;
use crate::models::network::Vae;
use crate::rng::Rng;

/// Evaluation draws its own fixed ε so two evaluations of the same weights agree exactly.
const EVAL_SEED: u64 = 0x5EED_E7A1;
const EVAL_CHUNK: usize = 500;

/// Held-out numbers in nats per image; `neg_elbo` = recon + KL whatever β trained with.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub images: usize,
    pub recon: f64,
    pub kl: f64,
    pub neg_elbo: f64,
    /// Σ_pixels (x − x̂)² per image, x̂ decoded from μ: one error every kind can be compared by.
    pub squared_error: f64,
}

/// Average recon, KL and −ELBO of `net` over `data`, with a fixed noise stream. For the
/// conditional kinds it is the bound on −log p(x | y), y the image's label.
pub fn evaluate(net: &Vae, data: &Dataset) -> Result<Evaluation> {
    let mut rng = Rng::new(EVAL_SEED);
    let (mut recon, mut kl, mut squared) = (0.0f64, 0.0f64, 0.0f64);
    let all: Vec<usize> = (0..data.len()).collect();
    for chunk in all.chunks(EVAL_CHUNK) {
        let (x, y) = batch_tensors(data, chunk)?;
        let eps = rng.normal_tensor(chunk.len(), net.latent)?;
        let terms = net.loss_terms(&x, &y, &eps)?;
        recon += terms.recon.sum_all()?.to_scalar::<f32>()? as f64;
        kl += terms.kl.sum_all()?.to_scalar::<f32>()? as f64;
        squared += squared_error(net, &x, &y)?;
    }
    let n = data.len().max(1) as f64;
    Ok(Evaluation { images: data.len(), recon: recon / n, kl: kl / n, neg_elbo: (recon + kl) / n, squared_error: squared / n })
}

/// The same on the first `images` images of `data` (all of them when there are fewer): the fixed
/// subset the page's chart follows while training, and what a cancelled bound is compared with.
pub fn evaluate_first(net: &Vae, data: &Dataset, images: usize) -> Result<Evaluation> {
    if images >= data.len() {
        return evaluate(net, data);
    }
    evaluate(net, &data.subset(&(0..images).collect::<Vec<_>>()))
}

/// Σ over the batch of Σ_pixels (x − x̂)², x̂ decoded from μ: the sigmoid's output, or PCA's
/// linear reconstruction unclipped (the error it minimises).
fn squared_error(net: &Vae, x: &Tensor, labels: &Tensor) -> Result<f64> {
    let condition = net.condition(&labels.to_vec1()?)?;
    let (mu, _) = net.encode(x, condition.as_ref())?;
    let logits = net.decode_logits(&mu, condition.as_ref())?;
    let recon = if net.kind.is_solved() { logits } else { candle_nn::ops::sigmoid(&logits)? };
    Ok((recon - x)?.sqr()?.sum_all()?.to_scalar::<f32>()? as f64)
}

//! What the views look at in a model, whatever its family: its sizes, decoding a code z to
//! pixels (for a class where the kind takes one), its learned class means, and the encoder
//! network where the family has one. Training is the family's (`family`), not the model's.

use candle_core::{Device, Tensor, Var};

use crate::error::Result;
use crate::kinds::ModelKind;
use crate::models::network::Vae;
use crate::rng::Rng;

pub trait Model: Send + Sync {
    fn kind(&self) -> ModelKind;
    fn pixels(&self) -> usize;
    fn latent(&self) -> usize;
    fn classes(&self) -> usize;
    /// The condition the networks take for these labels (the standard CVAE's one-hot rows), or
    /// `None` for a kind that takes no label.
    fn condition(&self, labels: &[u32]) -> Result<Option<Tensor>>;
    /// z (rows, latent) → intensities in [0, 1] (rows, pixels).
    fn decode(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor>;
    /// The learned prior mean of each class (classes, latent), for a kind that has them.
    fn class_means(&self) -> Option<&Var>;
    /// Every tensor by name (the checkpoint's names), sorted by name.
    fn named_tensors(&self) -> Vec<(String, Tensor)>;
    /// The encoder–decoder network, for the views that encode images (the map, reconstructions,
    /// the drawing, diagnostics, the walkthrough); `None` for a family without an encoder.
    fn autoencoder(&self) -> Option<&Vae>;
    /// The model as `Any`, for a view that belongs to one family (the GAN's walkthrough asks
    /// `gan::of(model)`), without this trait naming any family.
    fn as_any(&self) -> &dyn std::any::Any;
}

/// The encoder–decoder network of `model`, or the reason a view that encodes cannot run.
pub fn autoencoder(model: &dyn Model) -> Result<&Vae> {
    model.autoencoder().ok_or_else(|| format!("the {} has no encoder: it cannot encode images", model.kind().facts().name).into())
}

/// The class means of `model` flattened row by row (classes × latent); empty for the kinds
/// without them.
pub fn flat_class_means(model: &dyn Model) -> Result<Vec<f32>> {
    match model.class_means() {
        Some(m) => Ok(m.as_tensor().flatten_all()?.to_vec1()?),
        None => Ok(Vec::new()),
    }
}

/// The walkthrough's noise for one example, (1, latent) draws of N(0, 1) from `seed`: the VAEs'
/// ε, a GAN's z. The walkthrough shows it and [`crate::models::family::Family::step_on_example`]
/// steps with it, so the two agree.
pub fn example_noise(seed: u64, latent: usize) -> Result<Tensor> {
    Ok(Tensor::from_vec(Rng::new(seed).normals(latent), (1, latent), &Device::Cpu)?)
}

//! The models: each family's networks, objective and gradient, and the registry that says which
//! family trains which kind.
//!
//! - `model`: what the views look at in any model (decode, sizes, class means, the encoder);
//! - `family`: what the training loop asks of a family (a step, a rollback, its saved state);
//! - `network`: the encoder–decoder MLP every kind of the VAE family uses;
//! - `loss`, `label_input`: the objective's terms and the standard CVAE's label input;
//! - `gradient`: the VAE objective's gradient by hand (checked against autograd in tests);
//! - `vae`: the VAE family (VAE / β-VAE, both CVAEs, the autoencoder, PCA) and its training step;
//! - `pca`: PCA solved exactly (the linear autoencoder's optimum);
//! - `gan`: the GAN family (GAN and conditional GAN): G against D, two Adams, autograd.
//!
//! A new family is a module here and one line in [`family_for`].

pub mod family;
pub mod gan;
pub mod gradient;
pub mod label_input;
pub mod loss;
pub mod model;
pub mod network;
pub mod pca;
pub mod vae;

use std::collections::HashMap;

use candle_core::Tensor;

use crate::config::Config;
use crate::data::Dataset;
use crate::error::Result;
use crate::kinds::ModelKind;
use crate::models::family::{Family, FamilyDef};
use crate::models::model::Model;
use crate::rng::Rng;

/// The registry: the family that builds and trains each kind.
pub fn family_for(kind: ModelKind) -> &'static FamilyDef {
    match kind {
        ModelKind::Vae | ModelKind::Cvae | ModelKind::Sohn | ModelKind::Ae | ModelKind::Pca => &vae::FAMILY,
        ModelKind::Gan | ModelKind::Cgan => &gan::FAMILY,
    }
}

/// Every tensor's name and shape for a model of `config` on images of `pixels` with `classes`.
pub fn parameter_shapes(config: &Config, pixels: usize, classes: usize) -> Vec<(String, Vec<usize>)> {
    (family_for(config.model).parameter_shapes)(config, pixels, classes)
}

/// A fresh family of `config.model` to train on `train`.
pub fn fresh(config: &Config, train: &Dataset, classes: usize, rng: &mut Rng) -> Result<Box<dyn Family>> {
    (family_for(config.model).fresh)(config, train, classes, rng)
}

/// A family from a checkpoint's checked tensors, with a fresh optimiser.
pub fn trained(config: &Config, pixels: usize, classes: usize, tensors: HashMap<String, Tensor>) -> Result<Box<dyn Family>> {
    (family_for(config.model).trained)(config, pixels, classes, tensors)
}

/// The model alone from a checkpoint's checked tensors.
pub fn model(config: &Config, pixels: usize, classes: usize, tensors: HashMap<String, Tensor>) -> Result<Box<dyn Model>> {
    (family_for(config.model).model)(config, pixels, classes, tensors)
}

//! The GAN family (issue 26): a generator G with the VAE decoder's layers (z, and for the
//! conditional GAN the label's one-hot → `layers` hidden layers of `hidden` → one value per pixel)
//! against a discriminator D that mirrors the encoder (pixels (+ one-hot) → hidden layers → one
//! logit, LeakyReLU 0.2, dropout while training). z ~ N(0, I). Each network has its own Adam.
//!
//! The objective is the texts': V(G, D) = E log D(x) + E log(1 − D(G(z))). D ascends it (`dSteps`
//! steps per G step, real targets optionally smoothed to `labelSmoothing`); G descends either the
//! saturating log(1 − D(G(z))) or the non-saturating −log D(G(z)).
//!
//! Gradients come from Candle's autograd, not by hand as the VAE's: a GAN step is two networks'
//! forward and backward passes that feed each other (G's gradient flows through D), and the hand
//! gradient of `gradient.rs` was written to save the VAE's allocations on its one network. The
//! issue allows either; autograd is the one that needs no second check against itself.
//!
//! The recipe (what the defaults are and why): with G's output a sigmoid, ReLU in G, no dropout
//! and no smoothing (the VAE decoder's shape and the textbook recipe), D wins within about 1,000
//! steps and G's sigmoid saturates to black images (the PyTorch run; reproduced here, see
//! the closing report). A tanh output (D reading images as 2x − 1), LeakyReLU in G, dropout 0.3 in
//! D and one-sided smoothing 0.9 train; those are the defaults, the others stay selectable.
//!
//! One folder, a file a job: `layers` (the networks' building blocks), `network` (G and D),
//! `objective` (the texts' terms), `training` (the family the training loop drives).

mod layers;
mod network;
mod objective;
mod training;

pub use layers::{minibatch_std, power_iteration, spectral_sigma, translate};
pub use network::{of, parameter_shapes, Gan, LEAK};
pub use objective::{discriminator_objective, discriminator_objective_for, generator_objective, jensen_shannon, Objective, Verdict};
pub use training::{GanFamily, NOISE_FADE_STEPS, PINNED_MARGIN, PINNED_STEPS};

use crate::models::family::FamilyDef;

/// The GAN family's entry in the registry.
pub const FAMILY: FamilyDef = FamilyDef {
    parameter_shapes,
    fresh: |config, train, classes, rng| Ok(Box::new(GanFamily::new(Gan::new(config, train.pixels(), classes, rng)?, config)?)),
    trained: |config, pixels, classes, tensors| Ok(Box::new(GanFamily::new(Gan::from_tensors(config, pixels, classes, tensors)?, config)?)),
    model: |config, pixels, classes, tensors| Ok(Box::new(Gan::from_tensors(config, pixels, classes, tensors)?)),
};

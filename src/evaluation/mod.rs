//! What looks at a model without training it: the held-out figures, codes and images, samplers,
//! diagnostics, the walkthrough's numbers, and the independent classifier that judges samples.
//!
//! - `evaluate`: −ELBO and squared error on held-out images;
//! - `codes`: decode z, encode images, reconstructions, interpolation;
//! - `sampler`: each kind's prior, the fitted Gaussians, τ, conditional accuracy;
//! - `generation`: samples scored against the test images (classifier score, Fréchet distance,
//!   class coverage, sharpness), for every kind alike;
//! - `side_by_side`: the model in memory against another of the same data set (a VAE against a
//!   GAN), by those figures, built from checkpoint bytes for the comparison alone;
//! - `explorer`: the sample stream and the fitted Gaussians kept for one model;
//! - `diagnostics`: KL per dimension, active units, the importance-weighted bound;
//! - `walkthrough`: one image through the objective, stage by stage;
//! - `classifier`: the CNN that reads samples (trained by the CLI, shipped in models/).

pub mod classifier;
pub mod codes;
pub mod diagnostics;
pub mod evaluate;
pub mod explorer;
pub mod generation;
pub mod sampler;
pub mod side_by_side;
pub mod walkthrough;

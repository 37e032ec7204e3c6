//! VAE Lab: a VAE, β-VAE, the seeds' class-mean conditional VAE, the standard CVAE, the plain
//! autoencoder and PCA in Candle, trained natively (the CLI) or in a browser tab (the `wasm`
//! module, compiled only for wasm32).
//!
//! Where things live, each folder depending only on those above it:
//! - core: `error`, `rng`, `kinds` (each kind's facts), `config` (settings and their ranges),
//!   `parallel` (threads), `tensor_values` (a tensor's floats in place);
//! - `data`: IDX files, the named data sets, splits, minibatches;
//! - `optim`: Adam with snapshots, and its loops;
//! - `models`: each family's networks, objective and gradient, and the registry of families;
//! - `files`: checkpoints (safetensors) and their tensor bytes;
//! - `training`: the step loop over a family, its divergence guard, the matmul benchmark;
//! - `evaluation`: held-out figures, codes, samplers, diagnostics, the walkthrough, the classifier;
//! - `shipped`: the pretrained models in `models/` (which file has which data set, kind and sizes);
//! - `facts`: what the page is told (`www/state/facts.js`);
//! - the two faces, which convert and forward: `cli` (native) and `wasm` (the page's worker).

pub mod config;
pub mod data;
pub mod error;
pub mod evaluation;
pub mod facts;
pub mod files;
pub mod kinds;
pub mod models;
pub mod optim;
mod parallel;
pub mod rng;
pub mod shipped;
mod tensor_values;
pub mod training;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::Config;
pub use data::Dataset;
pub use error::{LabError, Result};
pub use kinds::ModelKind;
pub use parallel::available_threads;
pub use training::Trainer;

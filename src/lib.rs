//! VAE Lab: a VAE, β-VAE, the seeds' class-mean conditional VAE and the standard CVAE in Candle, trained natively (the CLI)
//! or in a browser tab (the `wasm` module, compiled only for wasm32).
//!
//! Where things live: the math in `loss`, the network in `model` (its gradient by hand in `gradient`), the step loop in `train`, the
//! optimiser in `optim` (its loops in `adam_kernel`), saved models in `checkpoint` (their bytes
//! read by `tensor_bytes`), data files in `idx` and `data`, settings and their ranges in `config`.

mod adam_kernel;
pub mod checkpoint;
pub mod classifier;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod config;
pub mod data;
#[cfg(not(target_arch = "wasm32"))]
pub mod datasets;
pub mod diagnostics;
pub mod error;
pub mod gradient;
pub mod idx;
pub mod label_input;
pub mod loss;
pub mod model;
pub mod optim;
pub mod pca;
mod parallel;
pub mod rng;
pub mod sampler;
pub mod tensor_bytes;
mod tensor_values;
pub mod train;
pub mod views;
pub mod walkthrough;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use config::{Config, ModelKind};
pub use data::Dataset;
pub use error::{LabError, Result};
pub use train::Trainer;

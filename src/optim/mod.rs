//! The optimiser: Adam with snapshots (to roll back a divergence) and moments that can be saved,
//! and its per-element loops.
//!
//! - `adam`: the optimiser, its guard against non-finite gradients, snapshots;
//! - `kernel`: its fused update and sum-of-squares loops (simd128 in wasm).

pub mod adam;
pub mod kernel;

pub use adam::{Adam, AdamParams, Gradients, Refused, Snapshot};

//! Files: saved models (safetensors, configuration in the metadata, checked whole before
//! anything is built) and the tensor bytes they hold.
//!
//! - `checkpoint`: save, describe and checked load of a model and where its training stood;
//! - `tensor_bytes`: f32 and f16 little-endian bytes to floats.

pub mod checkpoint;
pub mod tensor_bytes;

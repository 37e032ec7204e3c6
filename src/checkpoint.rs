//! Model checkpoints as safetensors: weights by name, and in the metadata the configuration and
//! what the model was trained on. Python's `safetensors` package reads them as they are.
//!
//! Reading checks everything (format, configuration, names, shapes, dtype, finite values) and
//! builds nothing until all of it passes, so a bad file never touches the model in memory.

use std::collections::HashMap;

use candle_core::safetensors::Load;
use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{invalid, Result};
use crate::model::{parameter_shapes, Vae};

pub const FORMAT: &str = "vae-lab/1";
/// Larger than any model the settings allow; a longer file is refused before parsing.
pub const MAX_BYTES: usize = 256 << 20;

/// What a checkpoint says about itself, beside the weights.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    pub config: Config,
    pub rows: usize,
    pub cols: usize,
    pub classes: usize,
    /// Data set name ("mnist", "fashion", or a user's label).
    pub dataset: String,
    /// Optimiser steps the weights had when saved.
    pub step: u64,
}

/// Stored precision: f32 (exact) or f16 (half the size, for shipped models).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    F32,
    F16,
}

/// Serialises the model's weights and `meta` to safetensors bytes.
pub fn encode(model: &Vae, meta: &Meta, precision: Precision) -> Result<Vec<u8>> {
    let dtype = match precision {
        Precision::F32 => DType::F32,
        Precision::F16 => DType::F16,
    };
    let tensors = model
        .named_tensors()
        .into_iter()
        .map(|(name, t)| Ok((name, t.to_dtype(dtype)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut info = HashMap::new();
    info.insert("format".to_string(), FORMAT.to_string());
    info.insert("vae_lab".to_string(), serde_json::to_string(meta).expect("meta serialises"));
    safetensors::serialize(tensors, Some(info)).map_err(|e| format!("checkpoint: cannot serialise: {e}").into())
}

/// A checked checkpoint: its metadata and weights (f32), ready to become a model.
pub struct Checkpoint {
    pub meta: Meta,
    pub tensors: HashMap<String, Tensor>,
}

impl Checkpoint {
    pub fn into_model(self) -> Result<Vae> {
        let m = &self.meta;
        Ok(Vae::from_tensors(&m.config, m.rows * m.cols, m.classes, self.tensors)?)
    }
}

/// Parses and checks safetensors bytes written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Checkpoint> {
    if bytes.len() > MAX_BYTES {
        invalid!("checkpoint: {} MiB is larger than any model this lab builds ({} MiB)", bytes.len() >> 20, MAX_BYTES >> 20);
    }
    let (_, header) = safetensors::SafeTensors::read_metadata(bytes)
        .map_err(|e| format!("checkpoint: not a safetensors file ({e})"))?;
    let info = header.metadata().clone().unwrap_or_default();
    match info.get("format").map(String::as_str) {
        Some(FORMAT) => {}
        Some(other) => invalid!("checkpoint: format '{other}' is not supported (this lab reads {FORMAT})"),
        None => invalid!("checkpoint: a safetensors file, but not a VAE Lab checkpoint (no format in its metadata)"),
    }
    let meta: Meta = info
        .get("vae_lab")
        .ok_or_else(|| "checkpoint: its metadata lacks the model description".to_string())
        .and_then(|s| serde_json::from_str(s).map_err(|e| format!("checkpoint: model description unreadable: {e}")))?;
    meta.config.validate().map_err(|e| format!("checkpoint: {e}"))?;
    if meta.rows == 0 || meta.cols == 0 || meta.rows * meta.cols > 4096 || meta.classes == 0 || meta.classes > 256 {
        invalid!("checkpoint: image size {}x{} or class count {} is out of range", meta.rows, meta.cols, meta.classes);
    }
    let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| format!("checkpoint: damaged ({e})"))?;
    let expected = parameter_shapes(&meta.config, meta.rows * meta.cols, meta.classes);
    if st.len() != expected.len() {
        let names: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
        invalid!("checkpoint: has {} tensors, a {:?} of this size has {}: {}", st.len(), meta.config.model, expected.len(), names.join(", "));
    }
    let mut tensors = HashMap::new();
    for (name, shape) in expected {
        let view = st.tensor(&name).map_err(|_| format!("checkpoint: tensor '{name}' is missing"))?;
        if view.shape() != shape.as_slice() {
            invalid!("checkpoint: tensor '{name}' has shape {:?}, the configuration needs {shape:?}", view.shape());
        }
        if !matches!(view.dtype(), safetensors::Dtype::F32 | safetensors::Dtype::F16) {
            invalid!("checkpoint: tensor '{name}' is {:?}; only F32 and F16 are read", view.dtype());
        }
        let t = view.load(&Device::Cpu)?.to_dtype(DType::F32)?;
        let finite = t.flatten_all()?.to_vec1::<f32>()?.iter().all(|v| v.is_finite());
        if !finite {
            invalid!("checkpoint: tensor '{name}' holds NaN or infinite values");
        }
        tensors.insert(name, t);
    }
    Ok(Checkpoint { meta, tensors })
}

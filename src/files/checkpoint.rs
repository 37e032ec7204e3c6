//! Model checkpoints as safetensors: weights by name, and in the metadata the configuration and
//! what the model was trained on. Python's `safetensors` package reads them as they are.
//!
//! A checkpoint may also carry where training stood (`TrainingState`: Adam's moments and step
//! count, the random stream, the epoch's order), so that training resumes exactly as if never
//! stopped: the page's autosave and its "Save model" use that; shipped f16 models leave it out.
//!
//! Other programs write the same layout (`python/vae_lab_torch`, PyTorch) and say so in `trainer`.
//! Keys of the description this version does not know are ignored, so a newer writer's additions
//! do not lock older readers out; the configuration's keys, by contrast, must all be known.
//!
//! Reading checks everything (format, configuration, names, shapes, dtype, finite values) and
//! builds nothing until all of it passes, so a bad file never touches the model in memory.

use std::collections::HashMap;

use candle_core::safetensors::Load;
use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::optim::kernel;
use crate::config::Config;
use crate::error::{invalid, Result};
use crate::models::model::Model;
use crate::models::parameter_shapes;
use crate::rng::Rng;
use crate::files::tensor_bytes;

pub const FORMAT: &str = "vae-lab/1";
/// What this program writes as a checkpoint's `trainer`: who saved the weights.
pub const TRAINER: &str = concat!("vae-lab ", env!("CARGO_PKG_VERSION"), " (Candle)");
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
    /// The program that saved the weights ("vae-lab 0.1.0 (Candle)", "pytorch 2.15.0
    /// vae_lab_torch 0.1.0"); absent in checkpoints from before it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trainer: Option<String>,
}

/// What loading a checkpoint did: its description, and whether training resumes exactly
/// (optimiser moments, random stream and epoch position restored) or with a fresh optimiser.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Loaded {
    #[serde(flatten)]
    pub meta: Meta,
    pub resumed: bool,
}

/// Stored precision: f32 (exact) or f16 (half the size, for shipped models).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    F32,
    F16,
}

/// Where training stood when saved. Moments are by parameter name, in f32 always (a second moment
/// of 1e-9 is zero in f16).
#[derive(Clone, Debug)]
pub struct TrainingState {
    /// Adam's step count (for its bias correction).
    pub adam_steps: u64,
    pub m: HashMap<String, Tensor>,
    pub v: HashMap<String, Tensor>,
    pub rng: Rng,
    /// The current epoch's shuffled order of training samples, and how far into it training is.
    pub order: Vec<u32>,
    pub cursor: usize,
    pub epoch: usize,
    pub recon_average: Option<f64>,
}

/// The scalar part of a [`TrainingState`], stored as JSON in the metadata.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct TrainingMeta {
    adam_steps: u64,
    /// A u64 as text: JSON readers in JS would round it as a number.
    rng_state: String,
    spare_normal: Option<f32>,
    cursor: usize,
    epoch: usize,
    recon_average: Option<f64>,
}

const TRAINING_KEY: &str = "vae_lab_training";
const ORDER: &str = "training.order";
/// The longest training set whose order a checkpoint may hold.
const MAX_ORDER: usize = 10_000_000;

fn moment_name(which: &str, param: &str) -> String {
    format!("optimizer.{which}.{param}")
}

/// Serialises the model's weights and `meta` (and `training`, if given) to safetensors bytes.
pub fn encode(model: &dyn Model, meta: &Meta, precision: Precision, training: Option<&TrainingState>) -> Result<Vec<u8>> {
    let dtype = match precision {
        Precision::F32 => DType::F32,
        Precision::F16 => DType::F16,
    };
    let mut tensors = model
        .named_tensors()
        .into_iter()
        .map(|(name, t)| Ok((name, t.to_dtype(dtype)?)))
        .collect::<Result<Vec<_>>>()?;
    let mut info = HashMap::new();
    info.insert("format".to_string(), FORMAT.to_string());
    info.insert("vae_lab".to_string(), serde_json::to_string(meta).expect("meta serialises"));
    if let Some(t) = training {
        for (which, moments) in [("m", &t.m), ("v", &t.v)] {
            for (name, value) in moments {
                tensors.push((moment_name(which, name), value.to_dtype(DType::F32)?));
            }
        }
        tensors.push((ORDER.to_string(), Tensor::from_slice(&t.order, t.order.len(), &Device::Cpu)?));
        let (state, spare_normal) = t.rng.parts();
        let tm = TrainingMeta {
            adam_steps: t.adam_steps,
            rng_state: state.to_string(),
            spare_normal,
            cursor: t.cursor,
            epoch: t.epoch,
            recon_average: t.recon_average,
        };
        info.insert(TRAINING_KEY.to_string(), serde_json::to_string(&tm).expect("training state serialises"));
    }
    safetensors::serialize(tensors, Some(info)).map_err(|e| format!("checkpoint: cannot serialise: {e}").into())
}

/// A checked checkpoint: its metadata and weights (f32), ready to become a model, and where
/// training stood if the file says.
pub struct Checkpoint {
    pub meta: Meta,
    pub tensors: HashMap<String, Tensor>,
    pub training: Option<TrainingState>,
}

impl Checkpoint {
    /// The model alone, for decoding.
    pub fn into_model(self) -> Result<Box<dyn Model>> {
        let m = &self.meta;
        crate::models::model(&m.config, m.rows * m.cols, m.classes, self.tensors)
    }
}

/// A checkpoint's description from its header alone (format and metadata checked, tensors not
/// read): cheap enough to ask whether a file fits before building anything. [`decode`] checks
/// the rest.
pub fn describe(bytes: &[u8]) -> Result<Meta> {
    Ok(read_header(bytes)?.0)
}

/// Parses and checks safetensors bytes written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Checkpoint> {
    let (meta, training_meta) = read_header(bytes)?;
    let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| format!("checkpoint: damaged ({e})"))?;
    let expected = parameter_shapes(&meta.config, meta.rows * meta.cols, meta.classes);
    // With a training state: each parameter's two moments and the epoch's order as well.
    let count = if training_meta.is_some() { expected.len() * 3 + 1 } else { expected.len() };
    if st.len() != count {
        let names: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
        let extra = if training_meta.is_some() { ", with a moment pair each and the training order" } else { "" };
        invalid!("checkpoint: has {} tensors, a {:?} of this size has {count}: {}{extra}", st.len(), meta.config.model, names.join(", "));
    }
    let mut tensors = HashMap::new();
    for (name, shape) in &expected {
        tensors.insert(name.clone(), load_f32(&st, name, shape)?);
    }
    let training = match training_meta {
        None => None,
        Some(tm) => Some(training_state(&st, tm, &expected)?),
    };
    Ok(Checkpoint { meta, tensors, training })
}

/// The header's metadata, checked: the model's description and, if present, the training state's.
fn read_header(bytes: &[u8]) -> Result<(Meta, Option<TrainingMeta>)> {
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
    let training_meta: Option<TrainingMeta> = match info.get(TRAINING_KEY) {
        None => None,
        Some(s) => Some(serde_json::from_str(s).map_err(|e| format!("checkpoint: training state unreadable: {e}"))?),
    };
    Ok((meta, training_meta))
}

/// Reads tensor `name` as f32 after checking its shape, dtype and that every value is finite.
fn load_f32(st: &safetensors::SafeTensors, name: &str, shape: &[usize]) -> Result<Tensor> {
    let view = st.tensor(name).map_err(|_| format!("checkpoint: tensor '{name}' is missing"))?;
    if view.shape() != shape {
        invalid!("checkpoint: tensor '{name}' has shape {:?}, the configuration needs {shape:?}", view.shape());
    }
    let values = match view.dtype() {
        safetensors::Dtype::F32 => tensor_bytes::f32s(view.data()),
        safetensors::Dtype::F16 => tensor_bytes::f16s(view.data()),
        other => invalid!("checkpoint: tensor '{name}' is {other:?}; only F32 and F16 are read"),
    };
    // Σ v² in f64 is finite exactly when every value is (and it is Adam's vectorised loop).
    if !kernel::sum_of_squares(&values).is_finite() {
        invalid!("checkpoint: tensor '{name}' holds NaN or infinite values");
    }
    Ok(Tensor::from_vec(values, shape, &Device::Cpu)?)
}

/// The training state's tensors, checked: moments shaped like their parameters (second moments
/// never negative), the order a permutation, the cursor inside it.
fn training_state(st: &safetensors::SafeTensors, tm: TrainingMeta, expected: &[(String, Vec<usize>)]) -> Result<TrainingState> {
    let (mut m, mut v) = (HashMap::new(), HashMap::new());
    for (name, shape) in expected {
        m.insert(name.clone(), load_f32(st, &moment_name("m", name), shape)?);
        let second = load_f32(st, &moment_name("v", name), shape)?;
        if second.min_all()?.to_scalar::<f32>()? < 0.0 {
            invalid!("checkpoint: optimiser moment '{}' is negative", moment_name("v", name));
        }
        v.insert(name.clone(), second);
    }
    let view = st.tensor(ORDER).map_err(|_| format!("checkpoint: tensor '{ORDER}' is missing"))?;
    if view.dtype() != safetensors::Dtype::U32 || view.shape().len() != 1 || view.shape()[0] == 0 || view.shape()[0] > MAX_ORDER {
        invalid!("checkpoint: '{ORDER}' must be 1 to {MAX_ORDER} u32 values, found {:?} {:?}", view.dtype(), view.shape());
    }
    let order: Vec<u32> = view.load(&Device::Cpu)?.to_vec1()?;
    let mut seen = vec![false; order.len()];
    for &i in &order {
        match seen.get_mut(i as usize) {
            Some(s) if !*s => *s = true,
            _ => invalid!("checkpoint: '{ORDER}' is not a permutation of the training samples"),
        }
    }
    if tm.cursor > order.len() {
        invalid!("checkpoint: training position {} is past the {} samples of an epoch", tm.cursor, order.len());
    }
    let state: u64 = tm.rng_state.parse().map_err(|_| format!("checkpoint: random state '{}' is not a number", tm.rng_state))?;
    if tm.spare_normal.is_some_and(|x| !x.is_finite()) || tm.recon_average.is_some_and(|x| !x.is_finite() || x < 0.0) {
        invalid!("checkpoint: training state holds a value that is not a finite number");
    }
    Ok(TrainingState {
        adam_steps: tm.adam_steps,
        m,
        v,
        rng: Rng::from_parts(state, tm.spare_normal),
        order,
        cursor: tm.cursor,
        epoch: tm.epoch,
        recon_average: tm.recon_average,
    })
}

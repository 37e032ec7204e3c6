//! An independent digit/garment classifier (a small CNN), trained by the project on the training
//! split, used only to measure conditional accuracy: the share of images generated for class y
//! that it labels y (`sampler::conditional_accuracy`).
//!
//! It shares nothing with the VAE but the data and the optimiser; its checkpoint is safetensors
//! with its own format tag.

use std::collections::HashMap;

use candle_core::safetensors::Load;
use candle_core::{DType, Device, Module, Tensor, Var, D};
use candle_nn::{AdamW, Conv2d, Conv2dConfig, Linear, Optimizer, ParamsAdamW, VarMap};
use serde::{Deserialize, Serialize};

use crate::data::{Batcher, Dataset};
use crate::error::{invalid, Result};
use crate::rng::Rng;
use crate::train::batch_tensors;

pub const FORMAT: &str = "vae-lab-classifier/1";

/// Layers and their weight shapes: conv 5×5 → 16, pool 2, conv 5×5 → 32, pool 2, dense 128,
/// dense classes (for 28×28 inputs). Each has a bias of its output size.
fn layers(classes: usize) -> [(&'static str, Vec<usize>); 4] {
    [
        ("conv1", vec![16, 1, 5, 5]),
        ("conv2", vec![32, 16, 5, 5]),
        ("fc1", vec![128, 32 * 4 * 4]),
        ("fc2", vec![classes, 128]),
    ]
}

/// Every tensor's name and shape, weights and biases.
fn shapes(classes: usize) -> Vec<(String, Vec<usize>)> {
    layers(classes)
        .into_iter()
        .flat_map(|(name, w)| [(format!("{name}.bias"), vec![w[0]]), (format!("{name}.weight"), w)])
        .collect()
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClassifierMeta {
    pub classes: usize,
    pub dataset: String,
    /// Its accuracy on the test split when saved.
    pub test_accuracy: f64,
}

pub struct Classifier {
    classes: usize,
    conv1: Conv2d,
    conv2: Conv2d,
    fc1: Linear,
    fc2: Linear,
    vars: VarMap,
}

impl Classifier {
    pub fn new(classes: usize, rng: &mut Rng) -> Result<Self> {
        // PyTorch's default init: U(±1/√fan_in) for weights and biases alike.
        let mut tensors = HashMap::new();
        for (name, w) in layers(classes) {
            let bound = 1.0 / (w[1..].iter().product::<usize>() as f64).sqrt();
            for (suffix, shape) in [("weight", w.clone()), ("bias", vec![w[0]])] {
                let n: usize = shape.iter().product();
                let values: Vec<f32> = (0..n).map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32).collect();
                tensors.insert(format!("{name}.{suffix}"), Tensor::from_vec(values, shape, &Device::Cpu)?);
            }
        }
        Self::from_tensors(classes, tensors)
    }

    fn from_tensors(classes: usize, mut tensors: HashMap<String, Tensor>) -> Result<Self> {
        let vars = VarMap::new();
        let mut take = |name: &str| -> Result<Tensor> {
            let t = tensors.remove(name).ok_or_else(|| format!("classifier: tensor '{name}' is missing"))?;
            let var = Var::from_tensor(&t.to_dtype(DType::F32)?)?;
            vars.data().lock().expect("var map lock").insert(name.to_string(), var.clone());
            Ok(var.as_tensor().clone())
        };
        let conv = Conv2dConfig::default();
        Ok(Self {
            classes,
            conv1: Conv2d::new(take("conv1.weight")?, Some(take("conv1.bias")?), conv),
            conv2: Conv2d::new(take("conv2.weight")?, Some(take("conv2.bias")?), conv),
            fc1: Linear::new(take("fc1.weight")?, Some(take("fc1.bias")?)),
            fc2: Linear::new(take("fc2.weight")?, Some(take("fc2.bias")?)),
            vars,
        })
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// x (batch, 784) in [0, 1] → class logits (batch, classes).
    pub fn logits(&self, x: &Tensor) -> Result<Tensor> {
        let b = x.dim(0)?;
        let h = x.reshape((b, 1, 28, 28))?;
        let h = self.conv1.forward(&h)?.relu()?.max_pool2d(2)?;
        let h = self.conv2.forward(&h)?.relu()?.max_pool2d(2)?;
        let h = self.fc1.forward(&h.flatten_from(1)?)?.relu()?;
        Ok(self.fc2.forward(&h)?)
    }

    /// Most likely class of each row of x.
    pub fn predict(&self, x: &Tensor) -> Result<Vec<u32>> {
        Ok(self.logits(x)?.argmax(D::Minus1)?.to_vec1()?)
    }

    /// Share of `data` labelled correctly.
    pub fn accuracy(&self, data: &Dataset) -> Result<f64> {
        let all: Vec<usize> = (0..data.len()).collect();
        let mut right = 0usize;
        for chunk in all.chunks(500) {
            let (x, _) = batch_tensors(data, chunk)?;
            let labels = data.batch_labels(chunk);
            right += self.predict(&x)?.iter().zip(&labels).filter(|(p, y)| p == y).count();
        }
        Ok(right as f64 / data.len().max(1) as f64)
    }

    /// Trains with Adam (lr 1e-3, batch 64) for `epochs`, calling `report(epoch, train loss)`.
    pub fn train(&mut self, data: &Dataset, epochs: usize, seed: u64, mut report: impl FnMut(usize, f64)) -> Result<()> {
        let mut rng = Rng::new(seed);
        let mut opt = AdamW::new(self.vars.all_vars(), ParamsAdamW { lr: 1e-3, weight_decay: 0.0, ..ParamsAdamW::default() })?;
        let mut batcher = Batcher::new(data.len(), &mut rng);
        let steps = data.len() / 64;
        for epoch in 1..=epochs {
            let mut total = 0.0;
            for _ in 0..steps {
                let idx = batcher.next(64, &mut rng).to_vec();
                let (x, y) = batch_tensors(data, &idx)?;
                let loss = candle_nn::loss::cross_entropy(&self.logits(&x)?, &y)?;
                opt.backward_step(&loss)?;
                total += loss.to_scalar::<f32>()? as f64;
            }
            report(epoch, total / steps as f64);
        }
        Ok(())
    }

    pub fn encode(&self, meta: &ClassifierMeta) -> Result<Vec<u8>> {
        let data = self.vars.data().lock().expect("var map lock");
        let tensors: Vec<(String, Tensor)> = data.iter().map(|(k, v)| (k.clone(), v.as_tensor().clone())).collect();
        let mut info = HashMap::new();
        info.insert("format".to_string(), FORMAT.to_string());
        info.insert("classifier".to_string(), serde_json::to_string(meta).expect("meta serialises"));
        safetensors::serialize(tensors, Some(info)).map_err(|e| format!("classifier: cannot serialise: {e}").into())
    }

    pub fn decode(bytes: &[u8]) -> Result<(Self, ClassifierMeta)> {
        let (_, header) = safetensors::SafeTensors::read_metadata(bytes)
            .map_err(|e| format!("classifier: not a safetensors file ({e})"))?;
        let info = header.metadata().clone().unwrap_or_default();
        if info.get("format").map(String::as_str) != Some(FORMAT) {
            invalid!("classifier: not a VAE Lab classifier (format should be {FORMAT})");
        }
        let meta: ClassifierMeta = serde_json::from_str(info.get("classifier").map(String::as_str).unwrap_or(""))
            .map_err(|e| format!("classifier: description unreadable: {e}"))?;
        if meta.classes == 0 || meta.classes > 256 {
            invalid!("classifier: {} classes is out of range", meta.classes);
        }
        let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| format!("classifier: damaged ({e})"))?;
        let mut tensors = HashMap::new();
        for (name, shape) in shapes(meta.classes) {
            let view = st.tensor(&name).map_err(|_| format!("classifier: tensor '{name}' is missing"))?;
            if view.shape() != shape.as_slice() || view.dtype() != safetensors::Dtype::F32 {
                invalid!("classifier: tensor '{name}' is {:?} {:?}, expected F32 {shape:?}", view.dtype(), view.shape());
            }
            tensors.insert(name, view.load(&Device::Cpu)?);
        }
        Ok((Self::from_tensors(meta.classes, tensors)?, meta))
    }
}

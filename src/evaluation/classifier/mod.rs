//! An independent digit/garment classifier (a small CNN), trained by the project on the training
//! split, used only to measure conditional accuracy: the share of images generated for class y
//! that it labels y (`sampler::conditional_accuracy`).
//!
//! It shares nothing with the VAE but the data: it trains with candle-nn's AdamW, and its
//! checkpoint is safetensors with its own format tag. Its layers are in `layers`, the
//! augmentation its training may use in `data::augment`.
//!
//! The convolutions are im2col by hand: an `index_select` of each output position's 5×5 patch
//! out of the channels-last activations, then one matrix product. Candle's own CPU conv2d
//! back-propagates to its input through a direct conv_transpose2d, which made an epoch of
//! Fashion-MNIST take minutes; an index_select's backward is a cheap index_add, and the first
//! layer's (the data's) is skipped altogether.

pub mod layers;

use std::collections::HashMap;

use candle_core::safetensors::Load;
use candle_core::{DType, Device, Tensor, Var, D};
use candle_nn::{AdamW, Optimizer, ParamsAdamW, VarMap};
use serde::{Deserialize, Serialize};

use crate::data::{Batcher, Dataset};
use crate::error::{invalid, Result};
use crate::rng::Rng;
use crate::evaluation::classifier::layers::{dropout, max_pool2, Conv};

pub use crate::data::augment::Augment;
use crate::data::batch::batch_tensors;

/// Version 2: the dense layer reads the pooled features channels-last (row, column, channel);
/// version 1 read them channels-first, so its files, though of the same shapes, would load into
/// nonsense and are refused.
pub const FORMAT: &str = "vae-lab-classifier/2";

const SIDE: usize = 28;
const KERNEL: usize = 5;
const C1: usize = 16;
const C2: usize = 32;
const HIDDEN: usize = 128;
/// Dropout rate on the dense layer during training. (0.25 on the pooled features as well, and 0.5
/// here, left this small net underfitting: 90.44 % on Fashion-MNIST after 20 epochs.)
const DROPOUT: f64 = 0.25;
const BATCH: usize = 64;
const LR: f64 = 1e-3;

/// Layers and their weight shapes (PyTorch's (out, in, kh, kw) for the convolutions): conv 5×5 →
/// 16, pool 2, conv 5×5 → 32, pool 2, dense 128, dense classes, for 28×28 inputs, ReLU after
/// each pooling and the first dense layer. Each has a bias of its output size. fc1 reads the
/// second pooling channels-last, (row, column, channel).
fn layers(classes: usize) -> [(&'static str, Vec<usize>); 4] {
    let pooled = (((SIDE - KERNEL + 1) / 2 - KERNEL + 1) / 2).pow(2);
    [
        ("conv1", vec![C1, 1, KERNEL, KERNEL]),
        ("conv2", vec![C2, C1, KERNEL, KERNEL]),
        ("fc1", vec![HIDDEN, C2 * pooled]),
        ("fc2", vec![classes, HIDDEN]),
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
    conv1: Conv,
    conv2: Conv,
    fc1: (Tensor, Tensor),
    fc2: (Tensor, Tensor),
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
        let conv1 = Conv::new(take("conv1.weight")?, take("conv1.bias")?, SIDE)?;
        let conv2 = Conv::new(take("conv2.weight")?, take("conv2.bias")?, (SIDE - KERNEL + 1) / 2)?;
        let fc1 = (take("fc1.weight")?, take("fc1.bias")?);
        let fc2 = (take("fc2.weight")?, take("fc2.bias")?);
        Ok(Self { classes, conv1, conv2, fc1, fc2, vars })
    }

    /// x (batch, 784) in [0, 1] → class logits (batch, classes); with `drop`, dropout as in training.
    fn forward(&self, x: &Tensor, drop: Option<&mut Rng>) -> Result<Tensor> {
        let h = self.penultimate(x)?;
        let h = match drop {
            Some(rng) => dropout(&h, DROPOUT, rng)?,
            None => h,
        };
        self.head(&h)
    }

    /// The last layer: penultimate features → class logits.
    fn head(&self, h: &Tensor) -> Result<Tensor> {
        Ok(h.matmul(&self.fc2.0.t()?)?.broadcast_add(&self.fc2.1)?)
    }

    /// The penultimate layer's features (batch, 128) and the class logits (batch, classes) of x
    /// in [0, 1], without dropout: what the Fréchet distance and the classifier score read
    /// (`evaluation::generation`).
    pub fn features_and_logits(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let h = self.penultimate(x)?;
        let logits = self.head(&h)?;
        Ok((h, logits))
    }

    /// x (batch, 784) → the dense layer's activations after its ReLU (batch, 128).
    fn penultimate(&self, x: &Tensor) -> Result<Tensor> {
        let b = x.dim(0)?;
        let side1 = SIDE - KERNEL + 1;
        let h = self.conv1.forward_input(&x.reshape((b, SIDE * SIDE, 1))?)?;
        // Pooling before the ReLU: the same result on a quarter of the elements.
        let h = max_pool2(&h, side1)?.relu()?;
        let h = self.conv2.forward(&h)?;
        let h = max_pool2(&h, side1 / 2 - KERNEL + 1)?.relu()?.flatten_from(1)?;
        Ok(h.matmul(&self.fc1.0.t()?)?.broadcast_add(&self.fc1.1)?.relu()?)
    }

    pub fn classes(&self) -> usize {
        self.classes
    }

    /// x (batch, 784) in [0, 1] → class logits (batch, classes).
    pub fn logits(&self, x: &Tensor) -> Result<Tensor> {
        self.forward(x, None)
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

    /// Trains with Adam (batch 64, lr 1e-3 decaying along a cosine to 0 over the `epochs`),
    /// dropout, and `augment`ed images, calling `report(epoch, train loss)`.
    pub fn train(&mut self, data: &Dataset, epochs: usize, seed: u64, augment: Augment, mut report: impl FnMut(usize, f64)) -> Result<()> {
        let mut rng = Rng::new(seed);
        let mut opt = AdamW::new(self.vars.all_vars(), ParamsAdamW { lr: LR, weight_decay: 0.0, ..ParamsAdamW::default() })?;
        let mut batcher = Batcher::new(data.len(), &mut rng);
        let steps = data.len() / BATCH;
        let total_steps = (steps * epochs).max(1);
        for epoch in 1..=epochs {
            let mut total = 0.0;
            for step in 0..steps {
                let t = ((epoch - 1) * steps + step) as f64 / total_steps as f64;
                opt.set_learning_rate(LR * 0.5 * (1.0 + (std::f64::consts::PI * t).cos()));
                let idx = batcher.next(BATCH, &mut rng).to_vec();
                let x = Tensor::from_vec(augment.batch_pixels(data, &idx, &mut rng), (idx.len(), data.pixels()), &Device::Cpu)?;
                let y = Tensor::from_vec(data.batch_labels(&idx), idx.len(), &Device::Cpu)?;
                let loss = candle_nn::loss::cross_entropy(&self.forward(&x, Some(&mut rng))?, &y)?;
                opt.backward_step(&loss)?;
                total += loss.to_scalar::<f32>()? as f64;
            }
            report(epoch, total / steps.max(1) as f64);
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
        match info.get("format").map(String::as_str) {
            Some(FORMAT) => {}
            Some(old) if old.starts_with("vae-lab-classifier/") => invalid!(
                "classifier: this file is {old}, an earlier architecture; this version reads {FORMAT} only \
                 (retrain it with `vae-lab classifier`)"
            ),
            _ => invalid!("classifier: not a VAE Lab classifier (format should be {FORMAT})"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Module;

    fn random(shape: &[usize], seed: u64) -> Tensor {
        let n: usize = shape.iter().product();
        let values: Vec<f32> = Rng::new(seed).normals(n);
        Tensor::from_vec(values, shape, &Device::Cpu).unwrap()
    }

    fn max_diff(a: &Tensor, b: &Tensor) -> f32 {
        assert_eq!(a.dims(), b.dims());
        a.sub(b).unwrap().abs().unwrap().flatten_all().unwrap().max(0).unwrap().to_scalar::<f32>().unwrap()
    }

    /// NCHW (b, c, side, side) → channels-last (b, side², c).
    fn channels_last(x: &Tensor) -> Tensor {
        let (b, c, h, w) = x.dims4().unwrap();
        x.permute((0, 2, 3, 1)).unwrap().reshape((b, h * w, c)).unwrap()
    }

    #[test]
    fn hand_made_convolutions_match_candles_conv2d() {
        for (cin, cout, side, seed) in [(1, 4, 28, 1), (3, 5, 12, 2)] {
            let (w, bias, x) = (random(&[cout, cin, 5, 5], seed), random(&[cout], seed + 10), random(&[2, cin, side, side], seed + 20));
            let expected = candle_nn::Conv2d::new(w.clone(), Some(bias.clone()), Default::default()).forward(&x).unwrap();
            let conv = Conv::new(w, bias, side).unwrap();
            let got = conv.forward(&channels_last(&x)).unwrap();
            assert!(max_diff(&got, &channels_last(&expected)) < 1e-4);
            let got = conv.forward_input(&channels_last(&x)).unwrap();
            assert!(max_diff(&got, &channels_last(&expected)) < 1e-4);
        }
    }

    #[test]
    fn channels_last_pooling_matches_candles_max_pool2d() {
        let x = random(&[2, 3, 8, 8], 5);
        let got = max_pool2(&channels_last(&x), 8).unwrap();
        assert!(max_diff(&got, &channels_last(&x.max_pool2d(2).unwrap())) == 0.0);
    }

    #[test]
    fn dropout_zeroes_about_p_and_keeps_the_mean() {
        let x = Tensor::ones((100, 100), DType::F32, &Device::Cpu).unwrap();
        let values: Vec<f32> = dropout(&x, 0.25, &mut Rng::new(3)).unwrap().flatten_all().unwrap().to_vec1().unwrap();
        let zeros = values.iter().filter(|&&v| v == 0.0).count();
        assert!((2200..2800).contains(&zeros), "{zeros} of 10,000 dropped");
        assert!(values.iter().all(|&v| v == 0.0 || (v - 4.0 / 3.0).abs() < 1e-6));
    }

    /// The one bright pixel of a 28×28 image at (row, col), wherever augmentation moved it.
    fn moved(aug: Augment, row: usize, col: usize, rng: &mut Rng) -> (isize, isize) {
        let mut images = vec![0u8; 784];
        images[row * 28 + col] = 255;
        let data = Dataset { rows: 28, cols: 28, images, labels: vec![0] };
        let px = aug.batch_pixels(&data, &[0], rng);
        let lit: Vec<usize> = (0..784).filter(|&i| px[i] > 0.0).collect();
        assert_eq!(lit.len(), 1, "one pixel stays lit");
        assert!((px[lit[0]] - 1.0).abs() < 1e-6);
        ((lit[0] / 28) as isize, (lit[0] % 28) as isize)
    }

    #[test]
    fn augmentation_shifts_within_bounds_and_flips_half_the_time() {
        let mut rng = Rng::new(9);
        assert_eq!(moved(Augment::default(), 10, 6, &mut rng), (10, 6));
        let mut offsets = std::collections::HashSet::new();
        for _ in 0..400 {
            let (r, c) = moved(Augment { shift: 2, flip: false }, 10, 6, &mut rng);
            assert!((r - 10).abs() <= 2 && (c - 6).abs() <= 2);
            offsets.insert((r - 10, c - 6));
        }
        assert_eq!(offsets.len(), 25, "every shift in [−2, 2]² is drawn");
        let flipped = (0..400).filter(|_| moved(Augment { shift: 0, flip: true }, 10, 6, &mut rng) == (10, 21)).count();
        assert!((140..260).contains(&flipped), "{flipped} of 400 mirrored");
        // A pixel shifted off the edge is gone, not wrapped round.
        let data = Dataset { rows: 28, cols: 28, images: vec![255; 784], labels: vec![0] };
        let dark = (0..50).map(|_| Augment { shift: 2, flip: true }.batch_pixels(&data, &[0], &mut rng).iter().filter(|&&p| p == 0.0).count());
        assert!(dark.max().unwrap() > 0);
    }
}

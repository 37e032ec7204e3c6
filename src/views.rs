//! What the page and the CLI look at apart from training: the held-out −ELBO, decoding and
//! encoding, reconstructions and the interpolation path. The standard CVAE's encoder and decoder
//! also take the class (its one-hot, `label_input`); the other kinds ignore it.

use candle_core::{Device, Tensor};
use serde::Serialize;

use crate::data::Dataset;
use crate::error::{invalid, Result};
use crate::model::Vae;
use crate::rng::Rng;
use crate::train::{batch_tensors, normal_tensor, Trainer};

/// Evaluation draws its own fixed ε so two evaluations of the same weights agree exactly.
const EVAL_SEED: u64 = 0x5EED_E7A1;
const EVAL_CHUNK: usize = 500;
pub const MAX_SAMPLES_PER_CALL: usize = 1024;

/// Held-out numbers in nats per image; `neg_elbo` = recon + KL whatever β trained with.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    pub images: usize,
    pub recon: f64,
    pub kl: f64,
    pub neg_elbo: f64,
    /// Σ_pixels (x − x̂)² per image, x̂ decoded from μ: one error every kind can be compared by.
    pub squared_error: f64,
}

impl Trainer {
    /// −ELBO on the held-out test set (one ε draw per image, fixed across calls).
    pub fn evaluate(&self) -> Result<Evaluation> {
        evaluate(&self.model, &self.test)
    }

    /// −ELBO on the first `images` test images (all of them when there are fewer): the fixed
    /// subset the page's chart follows while training.
    pub fn evaluate_first(&self, images: usize) -> Result<Evaluation> {
        if images >= self.test.len() {
            return self.evaluate();
        }
        evaluate(&self.model, &self.test.subset(&(0..images).collect::<Vec<_>>()))
    }

    /// Decodes one latent vector to pixel intensities in [0, 1]; `class` for the standard CVAE.
    pub fn decode(&self, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
        decode_with(&self.model, z, class)
    }

    /// Decodes many latent vectors at once: `z` holds rows × latent numbers; returns rows × pixels.
    pub fn decode_many(&self, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
        decode_many_with(&self.model, z, class)
    }

    /// The first `per_class` test images of each class (in test-set order, class by class) and
    /// their reconstructions decoded from μ (no sampling, so they only change when the model does).
    /// Returns (originals, reconstructions), each count × pixels in [0, 1].
    pub fn reconstructions(&self, per_class: usize) -> Result<(Vec<f32>, Vec<f32>)> {
        let mut picked = Vec::new();
        for y in 0..self.model.classes {
            let of_class = (0..self.test.len()).filter(|&i| self.test.labels[i] as usize == y);
            picked.extend(of_class.take(per_class));
        }
        if picked.is_empty() || picked.len() > MAX_SAMPLES_PER_CALL {
            invalid!("reconstructions: {per_class} per class is out of range");
        }
        let (x, y) = batch_tensors(&self.test, &picked)?;
        let condition = self.model.condition(&y.to_vec1()?)?;
        let (mu, _) = self.model.encode(&x, condition.as_ref())?;
        let recon = self.model.decode(&mu, condition.as_ref())?.flatten_all()?.to_vec1()?;
        Ok((x.flatten_all()?.to_vec1()?, recon))
    }

    /// μ of every test image (test size × latent), for the latent map; labels are `test_set().labels`.
    pub fn encode_test(&self) -> Result<Vec<f32>> {
        let all: Vec<usize> = (0..self.test.len()).collect();
        encode_rows(&self.model, &self.test, &all)
    }

    /// μ for images given as intensities in [0, 1] (rows × pixels, e.g. a drawing); rows × latent.
    /// The standard CVAE encodes them as `class`.
    pub fn encode(&self, pixels: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
        let x = self.image_tensor(pixels)?;
        let condition = class_condition(&self.model, class, x.dim(0)?)?;
        Ok(self.model.encode(&x, condition.as_ref())?.0.flatten_all()?.to_vec1()?)
    }

    /// Test image `i` as intensities in [0, 1].
    pub fn test_image(&self, i: usize) -> Result<Vec<f32>> {
        if i >= self.test.len() {
            invalid!("test image {i} does not exist: there are {} (0 to {})", self.test.len(), self.test.len().saturating_sub(1));
        }
        Ok(batch_tensors(&self.test, &[i])?.0.flatten_all()?.to_vec1()?)
    }

    /// The decoded path between two images: their codes μ_a and μ_b joined by a straight line,
    /// `steps` points from μ_a to μ_b inclusive, each decoded. Returns steps × pixels. For the
    /// standard CVAE, `classes` are the two images' classes and the label moves with z, from
    /// a's one-hot to b's.
    pub fn interpolate(&self, a: &[f32], b: &[f32], steps: usize, classes: (Option<usize>, Option<usize>)) -> Result<Vec<f32>> {
        if !(2..=64).contains(&steps) {
            invalid!("interpolation needs 2 to 64 steps, got {steps}");
        }
        let mut both = a.to_vec();
        both.extend_from_slice(b);
        let x = self.image_tensor(&both)?;
        if x.dim(0)? != 2 {
            invalid!("interpolation needs exactly two images of {} pixels", self.train.pixels());
        }
        let (ca, cb) = (class_condition(&self.model, classes.0, 1)?, class_condition(&self.model, classes.1, 1)?);
        let ends = match (&ca, &cb) {
            (Some(ca), Some(cb)) => Some(Tensor::cat(&[ca, cb], 0)?),
            _ => None,
        };
        let mu = self.model.encode(&x, ends.as_ref())?.0;
        let t: Vec<f32> = (0..steps).map(|k| k as f32 / (steps - 1) as f32).collect();
        let t = Tensor::from_vec(t, (steps, 1), &Device::Cpu)?;
        // p(t) = p_a + t·(p_b − p_a), for z and (standard CVAE) the label's one-hot alike.
        let line = |pa: &Tensor, pb: &Tensor| -> candle_core::Result<Tensor> { t.broadcast_mul(&(pb - pa)?)?.broadcast_add(pa) };
        let path = line(&mu.narrow(0, 0, 1)?, &mu.narrow(0, 1, 1)?)?;
        let labels = match (&ca, &cb) {
            (Some(ca), Some(cb)) => Some(line(ca, cb)?),
            _ => None,
        };
        Ok(self.model.decode(&path, labels.as_ref())?.flatten_all()?.to_vec1()?)
    }

    /// Checks user-given images (whole rows of pixels, finite, in [0, 1]) and makes a tensor.
    pub(crate) fn image_tensor(&self, pixels: &[f32]) -> Result<Tensor> {
        let p = self.train.pixels();
        if pixels.is_empty() || !pixels.len().is_multiple_of(p) || pixels.len() / p > MAX_SAMPLES_PER_CALL {
            invalid!("images must be 1 to {MAX_SAMPLES_PER_CALL} rows of {p} pixels, got {} numbers", pixels.len());
        }
        if pixels.iter().any(|v| !(0.0..=1.0).contains(v)) {
            invalid!("pixel intensities must be numbers from 0 to 1");
        }
        Ok(Tensor::from_slice(pixels, (pixels.len() / p, p), &Device::Cpu)?)
    }
}

/// μ of the given images of `data`, each with its own label where the model takes one.
pub fn encode_rows(model: &Vae, data: &Dataset, indices: &[usize]) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(indices.len() * model.latent);
    for chunk in indices.chunks(EVAL_CHUNK) {
        let (x, y) = batch_tensors(data, chunk)?;
        let condition = model.condition(&y.to_vec1()?)?;
        out.extend(model.encode(&x, condition.as_ref())?.0.flatten_all()?.to_vec1::<f32>()?);
    }
    Ok(out)
}

/// The condition for `rows` inputs of one class: the class's one-hot rows for the standard CVAE
/// (which needs a class), `None` for the other kinds (which ignore it).
pub fn class_condition(model: &Vae, class: Option<usize>, rows: usize) -> Result<Option<Tensor>> {
    if !model.takes_label {
        return Ok(None);
    }
    match class {
        Some(c) if c < model.classes => Ok(model.condition(&vec![c as u32; rows])?),
        Some(c) => invalid!("class {c} does not exist: this model knows classes 0 to {}", model.classes - 1),
        None => invalid!("the standard CVAE decodes and encodes for a class: choose one"),
    }
}

/// Decodes one latent vector with `model`, checking its length and values first.
pub fn decode_with(model: &Vae, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    let l = model.latent;
    if z.len() != l {
        invalid!("decode needs a z of {l} numbers, got {}", z.len());
    }
    decode_rows(model, z, class)
}

/// Decodes rows × latent numbers with `model` (1 to 4096 rows); returns rows × pixels.
pub fn decode_many_with(model: &Vae, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    let l = model.latent;
    if z.is_empty() || !z.len().is_multiple_of(l) || z.len() / l > MAX_SAMPLES_PER_CALL * 4 {
        invalid!("decode needs 1 to {} rows of {l} numbers, got {} numbers", MAX_SAMPLES_PER_CALL * 4, z.len());
    }
    decode_rows(model, z, class)
}

/// Decodes whole rows of latent numbers (callers check the row count) after checking the values.
fn decode_rows(model: &Vae, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    if z.iter().any(|v| !v.is_finite()) {
        invalid!("decode: z contains a value that is not a finite number");
    }
    let rows = z.len() / model.latent;
    let condition = class_condition(model, class, rows)?;
    let z = Tensor::from_slice(z, (rows, model.latent), &Device::Cpu)?;
    Ok(model.decode(&z, condition.as_ref())?.flatten_all()?.to_vec1()?)
}

/// Average recon, KL and −ELBO of `model` over `data`, with a fixed noise stream. For the
/// conditional kinds it is the bound on −log p(x | y), y the image's label.
pub fn evaluate(model: &Vae, data: &Dataset) -> Result<Evaluation> {
    let mut rng = Rng::new(EVAL_SEED);
    let (mut recon, mut kl, mut squared) = (0.0f64, 0.0f64, 0.0f64);
    let all: Vec<usize> = (0..data.len()).collect();
    for chunk in all.chunks(EVAL_CHUNK) {
        let (x, y) = batch_tensors(data, chunk)?;
        let eps = normal_tensor(&mut rng, chunk.len(), model.latent)?;
        let terms = model.loss_terms(&x, &y, &eps)?;
        recon += terms.recon.sum_all()?.to_scalar::<f32>()? as f64;
        kl += terms.kl.sum_all()?.to_scalar::<f32>()? as f64;
        squared += squared_error(model, &x, &y)?;
    }
    let n = data.len().max(1) as f64;
    Ok(Evaluation { images: data.len(), recon: recon / n, kl: kl / n, neg_elbo: (recon + kl) / n, squared_error: squared / n })
}

/// Σ over the batch of Σ_pixels (x − x̂)², x̂ decoded from μ: the sigmoid's output, or PCA's
/// linear reconstruction unclipped (the error it minimises).
fn squared_error(model: &Vae, x: &Tensor, labels: &Tensor) -> Result<f64> {
    let condition = model.condition(&labels.to_vec1()?)?;
    let (mu, _) = model.encode(x, condition.as_ref())?;
    let logits = model.decode_logits(&mu, condition.as_ref())?;
    let recon = if model.kind.is_solved() { logits } else { candle_nn::ops::sigmoid(&logits)? };
    Ok((recon - x)?.sqr()?.sum_all()?.to_scalar::<f32>()? as f64)
}

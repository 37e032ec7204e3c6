//! Codes and images: decoding z to pixels, encoding images to their means μ, reconstructions and
//! the decoded path between two images. The standard CVAE's encoder and decoder also take the
//! class (its one-hot); the other kinds ignore it. Every input from outside is checked here.

use candle_core::{Device, Tensor};

use crate::data::batch::{batch_tensors, image_tensor, MAX_SAMPLES_PER_CALL};
use crate::data::Dataset;
use crate::error::{invalid, Result};
use crate::models::model::{autoencoder, Model};
use crate::models::network::Vae;

const ENCODE_CHUNK: usize = 500;

/// The condition for `rows` inputs of one class: the class's one-hot rows for a kind that takes
/// the label (which needs a class), `None` for the other kinds (which ignore it).
pub fn class_condition(model: &dyn Model, class: Option<usize>, rows: usize) -> Result<Option<Tensor>> {
    if !model.kind().takes_label() {
        return Ok(None);
    }
    match class {
        Some(c) if c < model.classes() => model.condition(&vec![c as u32; rows]),
        Some(c) => invalid!("class {c} does not exist: this model knows classes 0 to {}", model.classes() - 1),
        None => invalid!("the {} decodes and encodes for a class: choose one", model.kind().facts().name),
    }
}

/// Decodes one latent vector, checking its length and values first.
pub fn decode(model: &dyn Model, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    let l = model.latent();
    if z.len() != l {
        invalid!("decode needs a z of {l} numbers, got {}", z.len());
    }
    decode_rows(model, z, class)
}

/// Decodes rows × latent numbers (1 to 4 × [`MAX_SAMPLES_PER_CALL`] rows); returns rows × pixels.
pub fn decode_many(model: &dyn Model, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    let l = model.latent();
    if z.is_empty() || !z.len().is_multiple_of(l) || z.len() / l > MAX_SAMPLES_PER_CALL * 4 {
        invalid!("decode needs 1 to {} rows of {l} numbers, got {} numbers", MAX_SAMPLES_PER_CALL * 4, z.len());
    }
    decode_rows(model, z, class)
}

/// Decodes whole rows of latent numbers (callers check the row count) after checking the values.
fn decode_rows(model: &dyn Model, z: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    if z.iter().any(|v| !v.is_finite()) {
        invalid!("decode: z contains a value that is not a finite number");
    }
    let rows = z.len() / model.latent();
    let condition = class_condition(model, class, rows)?;
    let z = Tensor::from_slice(z, (rows, model.latent()), &Device::Cpu)?;
    Ok(model.decode(&z, condition.as_ref())?.flatten_all()?.to_vec1()?)
}

/// μ of the given images of `data`, each with its own label where the network takes one.
pub fn encode_rows(net: &Vae, data: &Dataset, indices: &[usize]) -> Result<Vec<f32>> {
    let mut out = Vec::with_capacity(indices.len() * net.latent);
    for chunk in indices.chunks(ENCODE_CHUNK) {
        let (x, y) = batch_tensors(data, chunk)?;
        let condition = net.condition(&y.to_vec1()?)?;
        out.extend(net.encode(&x, condition.as_ref())?.0.flatten_all()?.to_vec1::<f32>()?);
    }
    Ok(out)
}

/// μ of every test image (test size × latent), for the latent map; the labels are the test set's.
pub fn encode_test(model: &dyn Model, test: &Dataset) -> Result<Vec<f32>> {
    let all: Vec<usize> = (0..test.len()).collect();
    encode_rows(autoencoder(model)?, test, &all)
}

/// μ for images given as intensities in [0, 1] (rows × pixels, e.g. a drawing); rows × latent.
/// The standard CVAE encodes them as `class`.
pub fn encode(model: &dyn Model, pixels: &[f32], class: Option<usize>) -> Result<Vec<f32>> {
    let net = autoencoder(model)?;
    let x = image_tensor(model.pixels(), pixels)?;
    let condition = class_condition(model, class, x.dim(0)?)?;
    Ok(net.encode(&x, condition.as_ref())?.0.flatten_all()?.to_vec1()?)
}

/// Image `i` of `data` as intensities in [0, 1].
pub fn image(data: &Dataset, i: usize, which: &str) -> Result<Vec<f32>> {
    if i >= data.len() {
        invalid!("{which} image {i} does not exist: there are {} (0 to {})", data.len(), data.len().saturating_sub(1));
    }
    Ok(data.batch_pixels(&[i]))
}

/// The first `per_class` test images of each class (in test-set order, class by class) and
/// their reconstructions decoded from μ (no sampling, so they only change when the model does).
/// Returns (originals, reconstructions), each count × pixels in [0, 1].
pub fn reconstructions(model: &dyn Model, test: &Dataset, per_class: usize) -> Result<(Vec<f32>, Vec<f32>)> {
    let net = autoencoder(model)?;
    let mut picked = Vec::new();
    for y in 0..net.classes {
        let of_class = (0..test.len()).filter(|&i| test.labels[i] as usize == y);
        picked.extend(of_class.take(per_class));
    }
    if picked.is_empty() || picked.len() > MAX_SAMPLES_PER_CALL {
        invalid!("reconstructions: {per_class} per class is out of range");
    }
    let (x, y) = batch_tensors(test, &picked)?;
    let condition = net.condition(&y.to_vec1()?)?;
    let (mu, _) = net.encode(&x, condition.as_ref())?;
    let recon = net.decode(&mu, condition.as_ref())?.flatten_all()?.to_vec1()?;
    Ok((x.flatten_all()?.to_vec1()?, recon))
}

/// The decoded path between two images: their codes μ_a and μ_b joined by a straight line,
/// `steps` points from μ_a to μ_b inclusive, each decoded. Returns steps × pixels. For the
/// standard CVAE, `classes` are the two images' classes and the label moves with z, from
/// a's one-hot to b's.
pub fn interpolate(model: &dyn Model, a: &[f32], b: &[f32], steps: usize, classes: (Option<usize>, Option<usize>)) -> Result<Vec<f32>> {
    let net = autoencoder(model)?;
    if !(2..=64).contains(&steps) {
        invalid!("interpolation needs 2 to 64 steps, got {steps}");
    }
    let mut both = a.to_vec();
    both.extend_from_slice(b);
    let x = image_tensor(net.pixels, &both)?;
    if x.dim(0)? != 2 {
        invalid!("interpolation needs exactly two images of {} pixels", net.pixels);
    }
    let (ca, cb) = (class_condition(model, classes.0, 1)?, class_condition(model, classes.1, 1)?);
    let ends = match (&ca, &cb) {
        (Some(ca), Some(cb)) => Some(Tensor::cat(&[ca, cb], 0)?),
        _ => None,
    };
    let mu = net.encode(&x, ends.as_ref())?.0;
    let t: Vec<f32> = (0..steps).map(|k| k as f32 / (steps - 1) as f32).collect();
    let t = Tensor::from_vec(t, (steps, 1), &Device::Cpu)?;
    // p(t) = p_a + t·(p_b − p_a), for z and (standard CVAE) the label's one-hot alike.
    let line = |pa: &Tensor, pb: &Tensor| -> candle_core::Result<Tensor> { t.broadcast_mul(&(pb - pa)?)?.broadcast_add(pa) };
    let path = line(&mu.narrow(0, 0, 1)?, &mu.narrow(0, 1, 1)?)?;
    let labels = match (&ca, &cb) {
        (Some(ca), Some(cb)) => Some(line(ca, cb)?),
        _ => None,
    };
    Ok(net.decode(&path, labels.as_ref())?.flatten_all()?.to_vec1()?)
}

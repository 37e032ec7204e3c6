//! Images as the networks take them: a minibatch of a data set (pixels scaled to [0, 1] and
//! labels), or images given from outside, checked.

use candle_core::{Device, Tensor};

use crate::data::Dataset;
use crate::error::{invalid, Result};

/// The most images (or codes) one call encodes, decodes or draws; decoding many takes 4×.
pub const MAX_SAMPLES_PER_CALL: usize = 1024;

/// Pixels (batch, pixels) f32 in [0, 1] and labels (batch,) u32 for the given samples.
pub fn batch_tensors(data: &Dataset, indices: &[usize]) -> Result<(Tensor, Tensor)> {
    let x = Tensor::from_vec(data.batch_pixels(indices), (indices.len(), data.pixels()), &Device::Cpu)?;
    let y = Tensor::from_vec(data.batch_labels(indices), indices.len(), &Device::Cpu)?;
    Ok((x, y))
}

/// Checks images given from outside (whole rows of `pixels`, 1 to [`MAX_SAMPLES_PER_CALL`], in
/// [0, 1]) and makes a (rows, pixels) tensor.
pub fn image_tensor(pixels: usize, values: &[f32]) -> Result<Tensor> {
    if values.is_empty() || !values.len().is_multiple_of(pixels) || values.len() / pixels > MAX_SAMPLES_PER_CALL {
        invalid!("images must be 1 to {MAX_SAMPLES_PER_CALL} rows of {pixels} pixels, got {} numbers", values.len());
    }
    if values.iter().any(|v| !(0.0..=1.0).contains(v)) {
        invalid!("pixel intensities must be numbers from 0 to 1");
    }
    Ok(Tensor::from_slice(values, (values.len() / pixels, pixels), &Device::Cpu)?)
}

//! The standard conditional VAE's label input (Sohn, Lee & Yan 2015): the label y as a one-hot
//! row appended to the encoder's input x and to the decoder's input z, so q(z | x, y) and
//! p(x | z, y) both see the class and z is left to hold the rest (style). The other model kinds
//! take no label input (the seeds' CVAE puts the label in its prior instead: `model::CLASS_MEANS`).
//!
//! A condition is a (rows, classes) f32 tensor: one-hot rows for a label, or any mixture of them
//! (the interpolation between two images of different classes moves along both z and y).

use candle_core::{Device, Result, Tensor};

/// One-hot rows for `labels`; a label outside 0..classes is an error that names it.
pub fn one_hot(labels: &[u32], classes: usize) -> Result<Tensor> {
    let mut rows = vec![0f32; labels.len() * classes];
    for (r, &y) in labels.iter().enumerate() {
        if y as usize >= classes {
            candle_core::bail!("label {y} does not exist: the model knows classes 0 to {}", classes.saturating_sub(1));
        }
        rows[r * classes + y as usize] = 1.0;
    }
    Tensor::from_vec(rows, (labels.len(), classes), &Device::Cpu)
}

/// `input` (rows, n) with `condition` (rows, classes) appended: (rows, n + classes).
pub fn append(input: &Tensor, condition: &Tensor) -> Result<Tensor> {
    if condition.dim(0)? != input.dim(0)? {
        candle_core::bail!("{} label rows for {} input rows", condition.dim(0)?, input.dim(0)?);
    }
    Tensor::cat(&[input, condition], 1)
}

//! The classifier's layers that Candle's CPU backend makes slow to train through: convolutions
//! as an index_select of each output position's patch and one matrix product (im2col by hand),
//! 2×2 max pooling, and dropout from the project's seeded stream.

use candle_core::{Device, Tensor};

use crate::error::Result;
use crate::rng::Rng;

/// For a `side`×`side` channels-last input flattened to (side², channels): the input position of
/// each (output row, output column, kernel row, kernel column) of a valid `k`×`k` convolution.
fn patch_index(side: usize, k: usize) -> Result<Tensor> {
    let out = side - k + 1;
    let mut idx = Vec::with_capacity(out * out * k * k);
    for r in 0..out {
        for c in 0..out {
            for i in 0..k {
                for j in 0..k {
                    idx.push(((r + i) * side + c + j) as u32);
                }
            }
        }
    }
    Ok(Tensor::from_vec(idx, out * out * k * k, &Device::Cpu)?)
}

/// A valid, stride-1 convolution of channels-last x (batch, side², in) → (batch, out_side², out).
pub struct Conv {
    weight: Tensor,
    bias: Tensor,
    side: usize,
    index: Tensor,
}

impl Conv {
    pub fn new(weight: Tensor, bias: Tensor, side: usize) -> Result<Self> {
        let k = weight.dim(2)?;
        Ok(Self { index: patch_index(side, k)?, weight, bias, side })
    }

    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let (b, _, cin) = x.dims3()?;
        let (_, _, k, _) = self.weight.dims4()?;
        let out = (self.side - k + 1).pow(2);
        self.apply(&x.index_select(&self.index, 1)?.reshape((b * out, k * k * cin))?, b)
    }

    /// The same for one input channel that needs no gradient (the images): the patches gathered
    /// in plain loops, several times faster than index_select's element-by-element copy.
    pub fn forward_input(&self, x: &Tensor) -> Result<Tensor> {
        let (b, _, cin) = x.dims3()?;
        let (_, _, k, _) = self.weight.dims4()?;
        if cin != 1 {
            return self.forward(x);
        }
        let (side, out_side) = (self.side, self.side - k + 1);
        let pixels = x.flatten_all()?.to_vec1::<f32>()?;
        let mut patches = Vec::with_capacity(b * out_side * out_side * k * k);
        for image in pixels.chunks_exact(side * side) {
            for r in 0..out_side {
                for c in 0..out_side {
                    for i in 0..k {
                        patches.extend_from_slice(&image[(r + i) * side + c..(r + i) * side + c + k]);
                    }
                }
            }
        }
        self.apply(&Tensor::from_vec(patches, (b * out_side * out_side, k * k), x.device())?, b)
    }

    /// patches (batch · out positions, k·k·in) → (batch, out positions, out channels).
    fn apply(&self, patches: &Tensor, b: usize) -> Result<Tensor> {
        let (cout, cin, k, _) = self.weight.dims4()?;
        let out = patches.dim(0)? / b;
        // (out, in, kh, kw) → (out, kh·kw·in), the patches' order.
        let w = self.weight.permute((0, 2, 3, 1))?.reshape((cout, k * k * cin))?;
        Ok(patches.matmul(&w.t()?)?.broadcast_add(&self.bias)?.reshape((b, out, cout))?)
    }
}

/// 2×2 max pooling of channels-last x (batch, side², channels) → (batch, (side/2)², channels).
pub fn max_pool2(x: &Tensor, side: usize) -> Result<Tensor> {
    let (b, _, c) = x.dims3()?;
    let half = side / 2;
    Ok(x.reshape((b, half, 2, half, 2 * c))?.max(2)?.reshape((b, half * half, 2, c))?.max(2)?)
}

/// Inverted dropout with the project's seeded generator: zeroes each element with probability p
/// and scales the rest by 1/(1 − p).
pub fn dropout(x: &Tensor, p: f64, rng: &mut Rng) -> Result<Tensor> {
    let keep = (1.0 / (1.0 - p)) as f32;
    let mask: Vec<f32> = (0..x.elem_count()).map(|_| if rng.uniform() < p { 0.0 } else { keep }).collect();
    Ok(x.mul(&Tensor::from_vec(mask, x.shape(), x.device())?)?)
}

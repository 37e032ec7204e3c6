//! The GAN's building blocks: an MLP whose layers may be spectrally normalised and whose output
//! may read the batch's minibatch standard deviation, dropout from the training stream, the
//! power iteration for σ(W), DiffAugment's translation, and a softplus that does not overflow.

use candle_core::{Module, Tensor, Var};
use candle_nn::Linear;

use crate::rng::Rng;

/// x / ‖x‖ for a column vector (‖x‖ floored at 10⁻¹²).
pub(super) fn normalised(x: &Tensor) -> candle_core::Result<Tensor> {
    let norm = (x.sqr()?.sum_all()?.sqrt()? + 1e-12)?;
    x.broadcast_div(&norm)
}

/// One power-iteration step for W's largest singular value from the left vector `u` (out,):
/// v = Wᵀu/‖Wᵀu‖, u' = Wv/‖Wv‖. Returns u' (out,), with no gradient.
pub fn power_iteration(w: &Tensor, u: &Tensor) -> candle_core::Result<Tensor> {
    let w = w.detach();
    let v = normalised(&w.t()?.matmul(&u.detach().unsqueeze(1)?)?)?;
    normalised(&w.matmul(&v)?)?.squeeze(1)
}

/// σ(W) ≈ uᵀWv with v = Wᵀu/‖Wᵀu‖ (u, v held fixed, so the gradient of σ with respect to W is
/// uvᵀ: Miyato et al.'s), as a (1, 1) tensor; equal to σ₁(W) once u is W's top left singular vector.
pub fn spectral_sigma(w: &Tensor, u: &Tensor) -> candle_core::Result<Tensor> {
    let u = u.detach().unsqueeze(1)?;
    let v = normalised(&w.detach().t()?.matmul(&u)?)?;
    u.t()?.matmul(&w.matmul(&v)?)
}

/// Each row of `x` (an image of `height`×`width` pixels, row-major) moved by its own shift
/// (dx right, dy down), the pixels moved in taking `fill`: a gather from `x` with one column of
/// `fill` appended, so the gradient flows back to the pixels that were moved (DiffAugment's
/// translation, Zhao et al. 2020).
pub fn translate(x: &Tensor, height: usize, width: usize, shifts: &[(i64, i64)], fill: f64) -> candle_core::Result<Tensor> {
    let (rows, pixels) = x.dims2()?;
    if pixels != height * width || shifts.len() != rows {
        candle_core::bail!("translate: {rows} rows of {pixels} pixels, {height}×{width} images and {} shifts", shifts.len());
    }
    let outside = pixels as u32;
    let mut index = Vec::with_capacity(rows * pixels);
    for &(dx, dy) in shifts {
        for r in 0..height as i64 {
            for c in 0..width as i64 {
                let (from_r, from_c) = (r - dy, c - dx);
                let inside = (0..height as i64).contains(&from_r) && (0..width as i64).contains(&from_c);
                index.push(if inside { (from_r * width as i64 + from_c) as u32 } else { outside });
            }
        }
    }
    let padded = Tensor::cat(&[x, &Tensor::full(fill as f32, (rows, 1), x.device())?], 1)?;
    padded.gather(&Tensor::from_vec(index, (rows, pixels), x.device())?, 1)
}

/// An MLP: hidden layers, each followed by its activation, then a linear output.
pub(super) struct Mlp {
    pub(super) hidden: Vec<Linear>,
    pub(super) out: Linear,
    /// LeakyReLU's slope, or `None` for ReLU.
    pub(super) leak: Option<f64>,
    /// The output layer also reads the batch's minibatch standard deviation (D with `minibatchStd`).
    pub(super) batch_std: bool,
    /// D with `spectralNorm`: each layer's (hidden ones, then the output) power-iteration vector u;
    /// its weight W is used as W / σ(W).
    pub(super) spectral: Option<Vec<Var>>,
}

impl Mlp {
    /// The output layer's input (the last hidden activation); `drop` masks each hidden layer.
    pub(super) fn forward(&self, x: &Tensor, mut drop: Option<(f64, &mut Rng)>) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for (i, layer) in self.hidden.iter().enumerate() {
            let a = self.linear(i, layer, &h)?;
            h = match self.leak {
                Some(slope) => a.maximum(&(&a * slope)?)?,
                None => a.relu()?,
            };
            if let Some((p, rng)) = drop.as_mut() {
                h = dropout(&h, *p, rng)?;
            }
        }
        if self.batch_std {
            h = Tensor::cat(&[&h, &minibatch_std(&h)?], 1)?;
        }
        self.linear(self.hidden.len(), &self.out, &h)
    }

    /// Layer `i` (the output is the last) on `h`: with spectral normalisation, W / σ(W).
    pub(super) fn linear(&self, i: usize, layer: &Linear, h: &Tensor) -> candle_core::Result<Tensor> {
        let Some(us) = &self.spectral else { return layer.forward(h) };
        let w = layer.weight();
        let normed = w.broadcast_div(&spectral_sigma(w, us[i].as_tensor())?)?;
        Linear::new(normed, layer.bias().cloned()).forward(h)
    }

    /// One power-iteration step on every layer's u (nothing without spectral normalisation).
    pub(super) fn power_step(&self) -> candle_core::Result<()> {
        let Some(us) = &self.spectral else { return Ok(()) };
        for (layer, u) in self.hidden.iter().chain([&self.out]).zip(us) {
            u.set(&power_iteration(layer.weight(), u.as_tensor())?)?;
        }
        Ok(())
    }
}

/// The batch's spread as one more column: each feature's standard deviation over the rows
/// (√(variance + 10⁻⁸)), averaged over the features, the same in every row (Karras et al. 2018).
pub fn minibatch_std(h: &Tensor) -> candle_core::Result<Tensor> {
    let rows = h.dim(0)?;
    let centred = h.broadcast_sub(&h.mean_keepdim(0)?)?;
    let std = (centred.sqr()?.mean_keepdim(0)? + 1e-8)?.sqrt()?;
    std.mean_all()?.reshape((1, 1))?.broadcast_as((rows, 1))?.contiguous()
}

/// Inverted dropout from the training stream: each element zeroed with probability p, the rest
/// scaled by 1/(1 − p). (Candle's own draws from a generator the seed does not fix.)
pub(super) fn dropout(x: &Tensor, p: f64, rng: &mut Rng) -> candle_core::Result<Tensor> {
    if p == 0.0 {
        return Ok(x.clone());
    }
    let keep = (1.0 / (1.0 - p)) as f32;
    let mask: Vec<f32> = (0..x.elem_count()).map(|_| if rng.uniform() < p { 0.0 } else { keep }).collect();
    x.mul(&Tensor::from_vec(mask, x.shape(), x.device())?)
}

/// log(1 + eˣ) without overflow: max(x, 0) + log(1 + e^(−|x|)).
pub(super) fn softplus(x: &Tensor) -> candle_core::Result<Tensor> {
    x.relu()? + (x.abs()?.neg()?.exp()? + 1.0)?.log()?
}

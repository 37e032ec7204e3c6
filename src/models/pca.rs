//! PCA, the linear autoencoder's optimum: with no activations, the encoder and decoder that
//! minimise the summed squared reconstruction error span the top principal directions of the
//! centred training images (the seeds' "a linear autoencoder is an SVD"). It is solved exactly,
//! not trained: z = Wᵀ(x − m), x̂ = m + W z, with W the top `latent` eigenvectors of the training
//! images' covariance. Those are the right singular vectors of the centred data matrix (the SVD
//! the seed names); the covariance route costs one 784×784 eigendecomposition instead of an SVD
//! of a 9,003×784 matrix, and tests/python checks the result against numpy's SVD.
//!
//! The fit lives in the model's two linear layers (`encoder.mu`, `decoder.out`), so every view,
//! checkpoint and decoder of the other kinds works on it unchanged.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use faer::{Mat, Side};

use crate::data::Dataset;
use crate::error::{invalid, Result};

/// Images taken into the covariance per matrix product (bounds the f32 copy held at once).
const CHUNK: usize = 4096;

/// The fitted directions: `components` is latent × pixels (row i the i-th direction, unit
/// length), `variances` the training codes' variance along each (the covariance's eigenvalues,
/// largest first), `mean` the training images' mean.
pub struct Fit {
    pub mean: Vec<f32>,
    pub components: Vec<f32>,
    pub variances: Vec<f64>,
    /// The variance no kept direction explains: the training set's mean squared reconstruction error.
    pub residual: f64,
}

/// Fits PCA with `latent` directions to the training images (intensities in [0, 1]).
pub fn fit(train: &Dataset, latent: usize) -> Result<Fit> {
    let (n, pixels) = (train.len(), train.pixels());
    if latent > pixels {
        invalid!("PCA: latent = {latent} directions cannot be more than the {pixels} pixels of an image");
    }
    if n < 2 {
        invalid!("PCA needs at least 2 training images, not {n}");
    }
    let mut mean = vec![0f64; pixels];
    for i in 0..n {
        mean.iter_mut().zip(train.image(i)).for_each(|(m, &v)| *m += v as f64 / 255.0);
    }
    mean.iter_mut().for_each(|m| *m /= n as f64);
    // Σ (x − m)(x − m)ᵀ by chunks of rows, each a Candle matrix product, summed in f64.
    let mut scatter = vec![0f64; pixels * pixels];
    for start in (0..n).step_by(CHUNK) {
        let rows = (n - start).min(CHUNK);
        let centred: Vec<f32> = (start..start + rows)
            .flat_map(|i| train.image(i).iter().zip(&mean).map(|(&v, &m)| (v as f64 / 255.0 - m) as f32).collect::<Vec<_>>())
            .collect();
        let x = Tensor::from_vec(centred, (rows, pixels), &Device::Cpu)?;
        let part = x.t()?.matmul(&x)?.flatten_all()?.to_vec1::<f32>()?;
        scatter.iter_mut().zip(part).for_each(|(s, p)| *s += p as f64);
    }
    let covariance = Mat::from_fn(pixels, pixels, |i, j| (scatter[i * pixels + j] + scatter[j * pixels + i]) / (2.0 * n as f64));
    let eigen = covariance
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| format!("PCA: the covariance's eigendecomposition failed ({e:?})"))?;
    let (vectors, values) = (eigen.U(), eigen.S().column_vector());
    // faer sorts eigenvalues upwards: the largest are the last columns.
    let order: Vec<usize> = (0..pixels).rev().collect();
    let mut components = Vec::with_capacity(latent * pixels);
    for &col in &order[..latent] {
        let v: Vec<f64> = (0..pixels).map(|r| vectors[(r, col)]).collect();
        // An eigenvector's sign is arbitrary: fix it (largest entry positive) so a fit is reproducible.
        let peak = v.iter().copied().fold(0.0f64, |a, b| if b.abs() > a.abs() { b } else { a });
        let sign = if peak < 0.0 { -1.0 } else { 1.0 };
        components.extend(v.iter().map(|&x| (sign * x) as f32));
    }
    let variances: Vec<f64> = order[..latent].iter().map(|&c| values[c].max(0.0)).collect();
    let residual = order[latent..].iter().map(|&c| values[c].max(0.0)).sum();
    Ok(Fit { mean: mean.iter().map(|&m| m as f32).collect(), components, variances, residual })
}

impl Fit {
    /// The model's tensors: the encoder z = Wᵀx − Wᵀm and the decoder x̂ = W z + m as linear layers.
    pub fn tensors(&self) -> Result<HashMap<String, Tensor>> {
        let (latent, pixels) = (self.variances.len(), self.mean.len());
        let w = Tensor::from_vec(self.components.clone(), (latent, pixels), &Device::Cpu)?;
        let m = Tensor::from_vec(self.mean.clone(), (pixels, 1), &Device::Cpu)?;
        let encoder_bias = w.matmul(&m)?.flatten_all()?.neg()?;
        Ok(HashMap::from([
            ("encoder.mu.weight".to_string(), w.clone()),
            ("encoder.mu.bias".to_string(), encoder_bias),
            ("decoder.out.weight".to_string(), w.t()?.contiguous()?),
            ("decoder.out.bias".to_string(), m.flatten_all()?),
        ]))
    }
}

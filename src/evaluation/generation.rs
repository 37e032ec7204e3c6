//! Generated images scored the same way whatever made them (issue 26, item 7: VAE against GAN),
//! with the project's classifier as the judge, and the real test images scored beside them:
//! - the classifier score exp E_x KL(p(y | x) ‖ p(y)) (the Inception score with this classifier):
//!   high when each image is one class with confidence and the classes are used evenly; at most
//!   the number of classes;
//! - the Fréchet distance between Gaussians fitted to the classifier's penultimate features of the
//!   samples and of the test images: |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½) (as FID, with this
//!   classifier for Inception); 0 for the same distribution;
//! - class coverage: the share of the least-drawn class by the classifier's label (0.1 for ten
//!   classes drawn evenly; near 0 when G has dropped a class);
//! - sharpness: the share of pixels between 0.1 and 0.9 (grey): a VAE's mean images are blurred,
//!   so they have more grey than real digits.

use candle_core::{Tensor, D};
use faer::{Mat, Side};
use serde::Serialize;

use crate::data::batch::{batch_tensors, MAX_SAMPLES_PER_CALL};
use crate::data::Dataset;
use crate::error::{invalid, Result};
use crate::evaluation::classifier::Classifier;
use crate::evaluation::sampler::{decode_drawn, draw, Sampler, Sampling};
use crate::models::model::Model;
use crate::rng::Rng;

/// A pixel strictly between these counts as grey (neither ink nor paper).
pub const GREY: (f32, f32) = (0.1, 0.9);

/// A class drawn less than this share of an even split (1/classes) counts as missing: with ten
/// classes, under 2 % of the draws.
pub const MISSING_SHARE: f64 = 0.2;

/// What the classifier reads in a set of images.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageFigures {
    pub images: usize,
    /// exp E_x KL(p(y | x) ‖ p(y)).
    pub score: f64,
    /// Share of the images the classifier labels each class.
    pub class_shares: Vec<f64>,
    /// The smallest of `class_shares`.
    pub coverage: f64,
    /// Share of pixels in (0.1, 0.9).
    pub grey_share: f64,
    /// KL(shares ‖ uniform) in nats: 0 when every class is drawn as often, log(classes) when one
    /// class is all there is (mode collapse, read off the labels).
    pub kl_to_uniform: f64,
    /// The classes drawn less than a fifth as often as an even share (`MISSING_SHARE`).
    pub missing: Vec<usize>,
}

/// Samples against the test images.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comparison {
    pub samples: ImageFigures,
    pub real: ImageFigures,
    /// Between the samples' penultimate features and the test images'.
    pub frechet: f64,
}

/// The classifier's reading of many images: penultimate features and class probabilities, row
/// by row, and the grey pixels counted.
pub(crate) struct Reading {
    pub(crate) features: Vec<f32>,
    probs: Vec<f32>,
    pub(crate) dim: usize,
    classes: usize,
    grey: usize,
    pixels: usize,
}

impl Reading {
    fn new(classes: usize) -> Self {
        Self { features: Vec::new(), probs: Vec::new(), dim: 0, classes, grey: 0, pixels: 0 }
    }

    /// Reads a batch of images (rows, pixels) in [0, 1].
    fn add(&mut self, classifier: &Classifier, images: &Tensor) -> Result<()> {
        let (h, logits) = classifier.features_and_logits(images)?;
        self.dim = h.dim(1)?;
        self.features.extend(h.flatten_all()?.to_vec1::<f32>()?);
        self.probs.extend(candle_nn::ops::softmax(&logits, D::Minus1)?.flatten_all()?.to_vec1::<f32>()?);
        let px: Vec<f32> = images.flatten_all()?.to_vec1()?;
        self.grey += px.iter().filter(|&&p| p > GREY.0 && p < GREY.1).count();
        self.pixels += px.len();
        Ok(())
    }

    fn rows(&self) -> usize {
        self.probs.len() / self.classes.max(1)
    }

    pub(crate) fn figures(&self) -> ImageFigures {
        let n = self.rows();
        let mut counts = vec![0usize; self.classes];
        for row in self.probs.chunks_exact(self.classes) {
            let best = (0..self.classes).max_by(|&a, &b| row[a].total_cmp(&row[b])).unwrap_or(0);
            counts[best] += 1;
        }
        let class_shares: Vec<f64> = counts.iter().map(|&c| c as f64 / n.max(1) as f64).collect();
        ImageFigures {
            images: n,
            score: classifier_score(&self.probs, self.classes),
            coverage: class_shares.iter().cloned().fold(f64::INFINITY, f64::min),
            kl_to_uniform: kl_to_uniform(&class_shares),
            missing: missing_classes(&class_shares),
            class_shares,
            grey_share: self.grey as f64 / self.pixels.max(1) as f64,
        }
    }
}

/// KL(shares ‖ uniform) = Σ_y s_y log(s_y · classes), in nats (0 log 0 = 0).
pub fn kl_to_uniform(shares: &[f64]) -> f64 {
    let k = shares.len() as f64;
    shares.iter().filter(|&&s| s > 0.0).map(|&s| s * (s * k).ln()).sum()
}

/// The classes whose share is under `MISSING_SHARE` of an even one.
pub fn missing_classes(shares: &[f64]) -> Vec<usize> {
    let even = 1.0 / shares.len().max(1) as f64;
    (0..shares.len()).filter(|&y| shares[y] < MISSING_SHARE * even).collect()
}

/// exp of the mean over rows of KL(p(y | x) ‖ p(y)), p(y) the rows' mean; `probs` holds one
/// distribution over `classes` per row.
pub fn classifier_score(probs: &[f32], classes: usize) -> f64 {
    let n = probs.len() / classes.max(1);
    if n == 0 {
        return f64::NAN;
    }
    let mut marginal = vec![0f64; classes];
    for row in probs.chunks_exact(classes) {
        marginal.iter_mut().zip(row).for_each(|(m, &p)| *m += p as f64 / n as f64);
    }
    let mut kl = 0f64;
    for row in probs.chunks_exact(classes) {
        for (&p, &m) in row.iter().zip(&marginal) {
            if p > 0.0 {
                kl += p as f64 * (p as f64 / m).ln();
            }
        }
    }
    (kl / n as f64).exp()
}

/// Mean and covariance (n − 1 in the denominator) of `rows` (row-major, `dim` columns), in f64.
fn moments(rows: &[f32], dim: usize) -> (Vec<f64>, Vec<f64>) {
    let n = rows.len() / dim;
    let mut mean = vec![0f64; dim];
    for row in rows.chunks_exact(dim) {
        mean.iter_mut().zip(row).for_each(|(m, &v)| *m += v as f64 / n as f64);
    }
    let mut cov = vec![0f64; dim * dim];
    let mut centred = vec![0f64; dim];
    for row in rows.chunks_exact(dim) {
        centred.iter_mut().zip(row.iter().zip(&mean)).for_each(|(c, (&v, m))| *c = v as f64 - m);
        for i in 0..dim {
            let ci = centred[i];
            if ci != 0.0 {
                for j in 0..=i {
                    cov[i * dim + j] += ci * centred[j];
                }
            }
        }
    }
    let denominator = (n.max(2) - 1) as f64;
    for i in 0..dim {
        for j in 0..=i {
            let v = cov[i * dim + j] / denominator;
            cov[i * dim + j] = v;
            cov[j * dim + i] = v;
        }
    }
    (mean, cov)
}

/// The eigenvalues and eigenvectors (columns) of a symmetric matrix (row-major), by faer.
fn symmetric_eigen(a: &[f64], dim: usize) -> Result<(Vec<f64>, Mat<f64>)> {
    let m = Mat::from_fn(dim, dim, |i, j| a[i * dim + j]);
    let eigen = m.self_adjoint_eigen(Side::Lower).map_err(|e| format!("Fréchet distance: eigendecomposition failed ({e:?})"))?;
    let values = eigen.S().column_vector().iter().copied().collect();
    Ok((values, eigen.U().to_owned()))
}

/// Row-major product of two `dim`×`dim` matrices.
fn product(a: &[f64], b: &[f64], dim: usize) -> Vec<f64> {
    let mut out = vec![0f64; dim * dim];
    for i in 0..dim {
        for k in 0..dim {
            let aik = a[i * dim + k];
            if aik != 0.0 {
                for j in 0..dim {
                    out[i * dim + j] += aik * b[k * dim + j];
                }
            }
        }
    }
    out
}

/// The Fréchet distance between Gaussians fitted to two sets of feature rows (`dim` columns):
/// |μ₁ − μ₂|² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁ Σ₂)^½. The last trace is Σᵢ √λᵢ of the symmetric
/// A Σ₂ A, A = Σ₁^½ (both by faer's eigendecomposition; negative rounding of λ taken as 0).
pub fn frechet_distance(a: &[f32], b: &[f32], dim: usize) -> Result<f64> {
    if dim == 0 || a.len() < 2 * dim.min(2) || b.len() < 2 * dim.min(2) || !a.len().is_multiple_of(dim) || !b.len().is_multiple_of(dim) {
        invalid!("Fréchet distance: need at least two rows of {dim} features on each side");
    }
    let (m1, s1) = moments(a, dim);
    let (m2, s2) = moments(b, dim);
    let (values, vectors) = symmetric_eigen(&s1, dim)?;
    // A = U diag(√s) Uᵀ.
    let mut root = vec![0f64; dim * dim];
    for (k, &s) in values.iter().enumerate() {
        let r = s.max(0.0).sqrt();
        if r == 0.0 {
            continue;
        }
        for i in 0..dim {
            let uik = vectors[(i, k)] * r;
            for j in 0..dim {
                root[i * dim + j] += uik * vectors[(j, k)];
            }
        }
    }
    let mut middle = product(&product(&root, &s2, dim), &root, dim);
    // Symmetric up to rounding; make it exactly so for the self-adjoint solver.
    for i in 0..dim {
        for j in 0..i {
            let v = 0.5 * (middle[i * dim + j] + middle[j * dim + i]);
            middle[i * dim + j] = v;
            middle[j * dim + i] = v;
        }
    }
    let (lambdas, _) = symmetric_eigen(&middle, dim)?;
    let cross: f64 = lambdas.iter().map(|l| l.max(0.0).sqrt()).sum();
    let mean_gap: f64 = m1.iter().zip(&m2).map(|(x, y)| (x - y).powi(2)).sum();
    let traces: f64 = (0..dim).map(|i| s1[i * dim + i] + s2[i * dim + i]).sum();
    Ok(mean_gap + traces - 2.0 * cross)
}

/// What the classifier reads in `data`'s images.
pub(crate) fn read_dataset(classifier: &Classifier, data: &Dataset) -> Result<Reading> {
    let mut reading = Reading::new(classifier.classes());
    let all: Vec<usize> = (0..data.len()).collect();
    for chunk in all.chunks(500) {
        reading.add(classifier, &batch_tensors(data, chunk)?.0)?;
    }
    Ok(reading)
}

/// The figures of the real images of `data`, the reference for a model's samples.
pub fn real_figures(classifier: &Classifier, data: &Dataset) -> Result<ImageFigures> {
    Ok(read_dataset(classifier, data)?.figures())
}

/// The classifier's reading of `samples` images drawn from `model`'s prior (τ = 1; a conditional
/// kind's classes drawn by the training set's frequencies `class_counts`) from a stream seeded by
/// `seed`.
pub(crate) fn read_samples(model: &dyn Model, classifier: &Classifier, class_counts: &[usize], samples: usize, seed: u64) -> Result<Reading> {
    if classifier.classes() < model.classes() {
        invalid!("the classifier knows {} classes, the model {}", classifier.classes(), model.classes());
    }
    if !(2..=100_000).contains(&samples) {
        invalid!("sample count {samples} is out of range: the figures need 2 to 100000 samples");
    }
    let sampling = Sampling::new(Sampler::Prior, 1.0)?;
    let mut rng = Rng::new(seed);
    let mut reading = Reading::new(classifier.classes());
    let mut done = 0;
    while done < samples {
        let n = (samples - done).min(MAX_SAMPLES_PER_CALL);
        let drawn = draw(model, None, class_counts, None, n, sampling, &mut rng)?;
        reading.add(classifier, &decode_drawn(model, &drawn)?)?;
        done += n;
    }
    Ok(reading)
}

/// The figures of `samples` prior draws alone (what they show, class by class), without the test
/// images: the page's live histogram, which need not read the test set every few seconds.
pub fn sample_figures(model: &dyn Model, classifier: &Classifier, class_counts: &[usize], samples: usize, seed: u64) -> Result<ImageFigures> {
    Ok(read_samples(model, classifier, class_counts, samples, seed)?.figures())
}

/// `samples` prior draws (as `sample_figures`) scored against the images of `test`.
pub fn compare(model: &dyn Model, classifier: &Classifier, class_counts: &[usize], test: &Dataset, samples: usize, seed: u64) -> Result<Comparison> {
    if test.len() < 2 || test.pixels() != model.pixels() {
        invalid!("the test images ({} of {} pixels) do not fit the model's {} pixels", test.len(), test.pixels(), model.pixels());
    }
    let drawn_reading = read_samples(model, classifier, class_counts, samples, seed)?;
    let real_reading = read_dataset(classifier, test)?;
    let frechet = frechet_distance(&drawn_reading.features, &real_reading.features, drawn_reading.dim)?;
    Ok(Comparison { samples: drawn_reading.figures(), real: real_reading.figures(), frechet })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_score_is_the_class_count_for_certain_even_labels_and_one_for_a_single_class() {
        let even: Vec<f32> = (0..40).flat_map(|i| (0..4).map(move |c| if c == i % 4 { 1.0 } else { 0.0 })).collect();
        assert!((classifier_score(&even, 4) - 4.0).abs() < 1e-9);
        let one: Vec<f32> = (0..10).flat_map(|_| [0.0, 1.0, 0.0]).collect();
        assert!((classifier_score(&one, 3) - 1.0).abs() < 1e-9);
        let unsure: Vec<f32> = (0..10).flat_map(|_| [0.25f32; 4]).collect();
        assert!((classifier_score(&unsure, 4) - 1.0).abs() < 1e-6);
    }

    #[test]
    fn kl_to_uniform_is_zero_for_even_shares_and_log_k_for_one_class_and_missing_classes_are_named() {
        assert!(kl_to_uniform(&[0.25; 4]).abs() < 1e-12);
        assert!((kl_to_uniform(&[0.0, 1.0, 0.0, 0.0]) - 4f64.ln()).abs() < 1e-12);
        // Two of four classes at ½: log 2.
        assert!((kl_to_uniform(&[0.5, 0.0, 0.5, 0.0]) - 2f64.ln()).abs() < 1e-12);
        assert_eq!(missing_classes(&[0.3, 0.3, 0.36, 0.04]), vec![3]); // 0.04 < 0.2 · 0.25
        assert_eq!(missing_classes(&[0.25; 4]), Vec::<usize>::new());
    }

    #[test]
    fn the_frechet_distance_matches_the_closed_form_of_diagonal_gaussians() {
        // Two Gaussians with diagonal covariances: FD = Σ (μ₁ − μ₂)² + Σ (σ₁ − σ₂)².
        let mut rng = Rng::new(4);
        let (n, dim) = (20_000, 3);
        let (mu1, sd1, mu2, sd2) = ([0.0f32, 1.0, -2.0], [1.0f32, 2.0, 0.5], [1.0f32, 1.0, 0.0], [3.0f32, 1.0, 0.5]);
        let sample = |mu: [f32; 3], sd: [f32; 3], rng: &mut Rng| -> Vec<f32> { (0..n).flat_map(|_| (0..dim).map(|i| mu[i] + sd[i] * rng.normal()).collect::<Vec<_>>()).collect() };
        let (a, b) = (sample(mu1, sd1, &mut rng), sample(mu2, sd2, &mut rng));
        let want: f64 = (0..dim).map(|i| ((mu1[i] - mu2[i]).powi(2) + (sd1[i] - sd2[i]).powi(2)) as f64).sum();
        let got = frechet_distance(&a, &b, dim).unwrap();
        assert!((got - want).abs() < 0.1, "FD {got}, closed form {want}");
        assert!(frechet_distance(&a, &a, dim).unwrap().abs() < 1e-6);
    }
}

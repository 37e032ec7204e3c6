//! Compare (issue 26, item 7): the model in memory beside another model of the same data set (the
//! page's Compare panel: a VAE against a GAN of the same size), both judged by `generation`'s
//! figures on as many prior draws from the same seed, the real test images read once as the
//! reference, and each side's first draws kept as a grid of images.
//!
//! The other model is built from checkpoint bytes (the browser's autosave or a shipped file) for
//! this comparison alone and dropped after it: the model in memory is never replaced. Which kind
//! the other side is comes from the kinds' table (`KindFacts::rival`); this only measures.

use serde::Serialize;

use crate::error::{invalid, Result};
use crate::evaluation::classifier::Classifier;
use crate::evaluation::generation::{frechet_distance, read_dataset, read_samples, ImageFigures};
use crate::evaluation::sampler::{decode_drawn, draw, Drawn, Sampler, Sampling};
use crate::files::checkpoint;
use crate::kinds::ModelKind;
use crate::models::model::Model;
use crate::rng::Rng;
use crate::training::Trainer;

/// Each side's grid: its first GRID_SIDE × GRID_SIDE draws (the first of the draws measured).
pub const GRID_SIDE: usize = 8;

/// The sizes that make a comparison fair: the latent size and the hidden layers (none for PCA,
/// whose `hidden` is then absent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sizes {
    pub latent: usize,
    pub layers: usize,
    pub hidden: Option<usize>,
}

/// One side of the comparison.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Side {
    pub kind: ModelKind,
    /// Optimiser steps the model had (the other side's: when its checkpoint was saved).
    pub step: u64,
    pub sizes: Sizes,
    /// What the classifier reads in its draws.
    pub figures: ImageFigures,
    /// Fréchet distance between its draws' classifier features and the test images'.
    pub frechet: f64,
    /// Its first GRID_SIDE² draws' images, row-major (draws × pixels); the wasm surface hands them
    /// over as a typed array.
    #[serde(skip)]
    pub grid: Vec<f32>,
}

/// The two sides and the reference.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SideBySide {
    /// Prior draws measured on each side.
    pub samples: usize,
    pub grid_side: usize,
    /// The model in memory.
    pub ours: Side,
    /// The model built from the checkpoint bytes.
    pub other: Side,
    /// The real test images' figures (their Fréchet distance to themselves is 0).
    pub real: ImageFigures,
    /// Same latent size and hidden layers: the comparison is fair only then.
    pub same_size: bool,
    /// The two grids decode the very same codes z (and classes): same latent size, same prior.
    pub same_z: bool,
}

fn sizes(kind: ModelKind, config: &crate::config::Config) -> Sizes {
    let layers = kind.hidden_layers(config.layers);
    Sizes { latent: config.latent, layers, hidden: (layers > 0).then_some(config.hidden) }
}

/// The first GRID_SIDE² prior draws of `model` (τ = 1, the stream of `seed`, as the measured draws
/// begin) and their images.
fn grid(model: &dyn Model, class_counts: &[usize], seed: u64) -> Result<(Drawn, Vec<f32>)> {
    let drawn = draw(model, None, class_counts, None, GRID_SIDE * GRID_SIDE, Sampling::new(Sampler::Prior, 1.0)?, &mut Rng::new(seed))?;
    let images = decode_drawn(model, &drawn)?.flatten_all()?.to_vec1::<f32>()?;
    Ok((drawn, images))
}

/// `samples` prior draws of the trainer's model and as many of the model in `other` (checkpoint
/// bytes of the same data set), from the stream of `seed`, scored by `classifier` against the
/// trainer's test images. Refuses, with the reason, bytes that are not a sound checkpoint or are
/// of another data set or image size.
pub fn side_by_side(trainer: &Trainer, other: &[u8], classifier: &Classifier, samples: usize, seed: u64) -> Result<SideBySide> {
    let loaded = checkpoint::decode(other).map_err(|e| format!("the model to compare with cannot be read: {e}"))?;
    let meta = loaded.meta.clone();
    if meta.dataset != trainer.dataset() {
        invalid!("the model to compare with was trained on '{}', the model in memory on '{}': compare models of the same data set", meta.dataset, trainer.dataset());
    }
    let ours = trainer.model();
    if meta.rows * meta.cols != ours.pixels() {
        invalid!("the model to compare with makes {}×{} images, the model in memory {} pixels", meta.rows, meta.cols, ours.pixels());
    }
    let theirs = loaded.into_model()?;
    let test = trainer.test_set();
    let real = read_dataset(classifier, test)?;
    let side = |model: &dyn Model, config: &crate::config::Config, step: u64| -> Result<(Side, Drawn)> {
        let counts = trainer.train_set().class_counts(model.classes());
        let reading = read_samples(model, classifier, &counts, samples, seed)?;
        let frechet = frechet_distance(&reading.features, &real.features, reading.dim)?;
        let (drawn, images) = grid(model, &counts, seed)?;
        let side = Side { kind: model.kind(), step, sizes: sizes(model.kind(), config), figures: reading.figures(), frechet, grid: images };
        Ok((side, drawn))
    };
    let (ours, our_z) = side(ours, trainer.config(), trainer.step())?;
    let (other, their_z) = side(theirs.as_ref(), &meta.config, meta.step)?;
    Ok(SideBySide {
        samples,
        grid_side: GRID_SIDE,
        same_size: ours.sizes == other.sizes,
        same_z: our_z.z == their_z.z && our_z.labels == their_z.labels,
        ours,
        other,
        real: real.figures(),
    })
}

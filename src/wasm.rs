//! The thin wasm-bindgen surface: one `Lab` object that the page's worker owns, a `Decoder` for
//! the page's own thread and the grid's worker, and `describeCheckpoint`.
//!
//! It only converts between JS values and the library's Rust types and forwards: training to
//! `training::Trainer`, what looks at the model to `evaluation` (its sample stream and fitted
//! sampler kept by an `Explorer`). No policy lives here.
//! Settings and reports cross as plain objects (serde-wasm-bindgen), pixels as Float32Array.
//!
//! Built twice for the page: whole (pkg/, the training worker's) and with the `page` feature
//! (pkg/page/: `Decoder` and `describeCheckpoint` alone, everything behind `Lab` left out by the
//! linker). The page's thread compiles only the second before its first image: the whole module
//! carries training, autograd (the GAN's), evaluation and the classifier, 2.5 MB against the
//! decoder's share, and its compilation was what the first image waited for.

use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(not(feature = "page"))]
use crate::config::Config;
#[cfg(not(feature = "page"))]
use crate::evaluation::classifier::Classifier;
#[cfg(not(feature = "page"))]
use crate::evaluation::explorer::Explorer;
#[cfg(not(feature = "page"))]
use crate::evaluation::sampler::Sampling;
use crate::evaluation::codes;
#[cfg(not(feature = "page"))]
use crate::evaluation::{diagnostics, evaluate, generation, side_by_side, walkthrough};
#[cfg(not(feature = "page"))]
use crate::files::checkpoint::Precision;
use crate::models::model::Model;
#[cfg(not(feature = "page"))]
use crate::models::model::autoencoder;
#[cfg(not(feature = "page"))]
use crate::training::{SettingsChange, Trainer};

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// Plain JS objects with numbers (not BigInt) and objects (not Map).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    Ok(value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}

/// A plain JS object of named values; typed arrays go in as they are (serde would copy them into
/// plain arrays).
#[cfg(not(feature = "page"))]
fn js_object(fields: &[(&str, JsValue)]) -> Result<JsValue, JsError> {
    let out = js_sys::Object::new();
    for (name, value) in fields {
        js_sys::Reflect::set(&out, &(*name).into(), value).map_err(|_| JsError::new(&format!("cannot build a result with '{name}'")))?;
    }
    Ok(out.into())
}

/// Settings from JS; missing fields take their defaults, a misspelt one is refused (serde-wasm-bindgen
/// reads only the fields it knows, so `deny_unknown_fields` alone would let a typo pass silently).
#[cfg(not(feature = "page"))]
fn parse_config(value: JsValue) -> Result<Config, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Config::default());
    }
    if !value.is_object() {
        return Err(JsError::new("settings: expected an object of settings"));
    }
    let known = to_js(&Config::default())?;
    for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
        if !js_sys::Reflect::has(&known, &key).unwrap_or(false) {
            let name = key.as_string().unwrap_or_default();
            return Err(JsError::new(&format!("settings: unknown field `{name}`")));
        }
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("settings: {e}")))
}

#[cfg(not(feature = "page"))]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct AccuracyReport {
    accuracy: f64,
    per_class: Vec<f64>,
    classifier_test_accuracy: f64,
    /// The distribution the draws for class y came from, in words.
    distribution: String,
}

/// A sampler by name ("prior" or "fitted") and its temperature τ, checked.
#[cfg(not(feature = "page"))]
fn sampling(sampler: &str, tau: f64) -> Result<Sampling, JsError> {
    Ok(Sampling::new(sampler.parse().map_err(|e: String| JsError::new(&e))?, tau)?)
}

fn class_of(class: Option<u32>) -> Option<usize> {
    class.map(|c| c as usize)
}

/// A model's class means flattened (classes × latent); empty for the kinds without them.
fn class_means(model: &dyn Model) -> Result<Vec<f32>, JsError> {
    match model.class_means() {
        Some(m) => Ok(m.as_tensor().flatten_all()?.to_vec1()?),
        None => Ok(Vec::new()),
    }
}

#[cfg(not(feature = "page"))]
#[wasm_bindgen]
pub struct Lab {
    trainer: Trainer,
    explorer: Explorer,
}

#[cfg(not(feature = "page"))]
impl Lab {
    /// The network that encodes, or the reason this kind has none (as a JS error).
    fn net(&self) -> Result<&crate::models::network::Vae, JsError> {
        Ok(autoencoder(self.trainer.model())?)
    }
}

#[cfg(not(feature = "page"))]
#[wasm_bindgen]
impl Lab {
    /// Builds a fresh model from `config` (a partial object is filled from the defaults) on IDX
    /// files (raw or gzip). With test files given they are the test set; without, every 10th image
    /// of each class is held out. `dataset` names the data in checkpoints.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config: JsValue,
        dataset: &str,
        images: &[u8],
        labels: &[u8],
        test_images: Option<Vec<u8>>,
        test_labels: Option<Vec<u8>>,
    ) -> Result<Lab, JsError> {
        let config = parse_config(config)?;
        let test = match (&test_images, &test_labels) {
            (Some(ti), Some(tl)) => Some((&ti[..], &tl[..])),
            (None, None) => None,
            _ => return Err(JsError::new("test images and test labels come together: give both or neither")),
        };
        let (train, test) = crate::data::from_files(images, labels, test, config.batch)?;
        let explorer = Explorer::new(config.seed);
        Ok(Lab { trainer: Trainer::new(config, train, test)?.named(dataset), explorer })
    }

    /// The defaults, for the page to show before anything is built.
    #[wasm_bindgen(js_name = defaultConfig)]
    pub fn default_config() -> Result<JsValue, JsError> {
        to_js(&Config::default())
    }

    pub fn config(&self) -> Result<JsValue, JsError> {
        to_js(self.trainer.config())
    }

    #[wasm_bindgen(getter)]
    pub fn latent(&self) -> usize {
        self.trainer.model().latent()
    }

    #[wasm_bindgen(getter)]
    pub fn classes(&self) -> usize {
        self.trainer.model().classes()
    }

    /// Optimiser steps taken so far.
    #[wasm_bindgen(getter)]
    pub fn step(&self) -> f64 {
        self.trainer.step() as f64
    }

    /// The epoch under way, from 0 (as `train`'s progress reports it).
    #[wasm_bindgen(getter)]
    pub fn epoch(&self) -> usize {
        self.trainer.epoch().0
    }

    /// How far through the epoch under way, 0 to 1.
    #[wasm_bindgen(getter, js_name = epochProgress)]
    pub fn epoch_progress(&self) -> f64 {
        self.trainer.epoch().1
    }

    #[wasm_bindgen(getter, js_name = trainSize)]
    pub fn train_size(&self) -> usize {
        self.trainer.train_set().len()
    }

    #[wasm_bindgen(getter, js_name = testSize)]
    pub fn test_size(&self) -> usize {
        self.trainer.test_set().len()
    }

    /// Takes `steps` optimiser steps; returns their averaged losses and the position in training.
    pub fn train(&mut self, steps: u32) -> Result<JsValue, JsError> {
        to_js(&self.trainer.train_steps(steps)?)
    }

    /// Negative ELBO, reconstruction and KL per image on the held-out test set.
    pub fn evaluate(&self) -> Result<JsValue, JsError> {
        to_js(&evaluate::evaluate(self.net()?, self.trainer.test_set())?)
    }

    /// The same on the first `images` test images only (the chart's test curve while training).
    #[wasm_bindgen(js_name = evaluateFirst)]
    pub fn evaluate_first(&self, images: u32) -> Result<JsValue, JsError> {
        to_js(&evaluate::evaluate_first(self.net()?, self.trainer.test_set(), images as usize)?)
    }

    /// z (latent numbers) → 28×28 intensities in [0, 1]; `class` for the standard CVAE.
    pub fn decode(&self, z: &[f32], class: Option<u32>) -> Result<Vec<f32>, JsError> {
        Ok(codes::decode(self.trainer.model(), z, class_of(class))?)
    }

    /// Many z at once (rows × latent) → rows × pixels intensities; for the manifold grid.
    #[wasm_bindgen(js_name = decodeMany)]
    pub fn decode_many(&self, z: &[f32], class: Option<u32>) -> Result<Vec<f32>, JsError> {
        Ok(codes::decode_many(self.trainer.model(), z, class_of(class))?)
    }

    /// The first `per_class` test images of each class and their reconstructions from μ:
    /// `{ originals: Float32Array, reconstructions: Float32Array, count }`.
    pub fn reconstructions(&self, per_class: u32) -> Result<JsValue, JsError> {
        let (originals, recon) = codes::reconstructions(self.trainer.model(), self.trainer.test_set(), per_class as usize)?;
        let count = originals.len() / self.trainer.model().pixels();
        js_object(&[
            ("originals", js_sys::Float32Array::from(&originals[..]).into()),
            ("reconstructions", js_sys::Float32Array::from(&recon[..]).into()),
            ("count", JsValue::from(count as u32)),
        ])
    }

    /// μ of every test image, flattened (test size × latent).
    #[wasm_bindgen(js_name = encodeTest)]
    pub fn encode_test(&self) -> Result<Vec<f32>, JsError> {
        Ok(codes::encode_test(self.trainer.model(), self.trainer.test_set())?)
    }

    /// μ of images given as intensities in [0, 1] (rows × pixels, e.g. a drawing): rows × latent;
    /// the standard CVAE encodes them as `class`.
    pub fn encode(&self, pixels: &[f32], class: Option<u32>) -> Result<Vec<f32>, JsError> {
        Ok(codes::encode(self.trainer.model(), pixels, class_of(class))?)
    }

    /// Test image `index` as intensities in [0, 1].
    #[wasm_bindgen(js_name = testImage)]
    pub fn test_image(&self, index: u32) -> Result<Vec<f32>, JsError> {
        Ok(codes::image(self.trainer.test_set(), index as usize, "test")?)
    }

    /// The decoded straight path from image `a`'s code μ to image `b`'s: steps × pixels; for the
    /// standard CVAE `class_a` and `class_b` are theirs (the label moves along with z).
    pub fn interpolate(&self, a: &[f32], b: &[f32], steps: u32, class_a: Option<u32>, class_b: Option<u32>) -> Result<Vec<f32>, JsError> {
        Ok(codes::interpolate(self.trainer.model(), a, b, steps as usize, (class_of(class_a), class_of(class_b)))?)
    }

    /// Training image `index` as intensities in [0, 1], and its label (the walkthrough's x).
    #[wasm_bindgen(js_name = trainImage)]
    pub fn train_image(&self, index: u32) -> Result<Vec<f32>, JsError> {
        Ok(codes::image(self.trainer.train_set(), index as usize, "training")?)
    }

    #[wasm_bindgen(js_name = trainLabel)]
    pub fn train_label(&self, index: u32) -> Result<u32, JsError> {
        self.trainer.train_set().labels.get(index as usize).map(|&y| y as u32).ok_or_else(|| JsError::new(&format!("training image {index} does not exist")))
    }

    /// The walkthrough's stages for image `x` with `label`, ε drawn from `seed` (crate::walkthrough).
    pub fn walk(&self, x: &[f32], label: u32, seed: u32) -> Result<JsValue, JsError> {
        to_js(&walkthrough::walk_model(self.trainer.model(), x, label, seed as u64, self.trainer.config(), self.trainer.step())?)
    }

    /// One optimiser step on `x` alone, with the walkthrough's noise: {moments, images, step}.
    #[wasm_bindgen(js_name = stepOn)]
    pub fn step_on(&mut self, x: &[f32], label: u32, seed: u32) -> Result<JsValue, JsError> {
        to_js(&self.trainer.step_on(x, label, seed as u64)?)
    }

    /// The test images' labels, in the order of `encodeTest`.
    #[wasm_bindgen(js_name = testLabels)]
    pub fn test_labels(&self) -> Vec<u8> {
        self.trainer.test_set().labels.clone()
    }

    /// μ^Y flattened (classes × latent); empty for the plain VAE.
    #[wasm_bindgen(js_name = classMeans)]
    pub fn class_means(&self) -> Result<Vec<f32>, JsError> {
        class_means(self.trainer.model())
    }

    /// `n` draws for `class` (undefined: classes drawn by their training frequency, or no class
    /// for the VAE) from `sampler` ("prior" or "fitted") at temperature `tau` in [0, 1]. `refit`:
    /// refit the fitted Gaussians if the model moved since they were fitted. Returns
    /// `{ z: Float32Array(n × latent), images: Float32Array(n × pixels), labels: Uint32Array, distribution }`.
    pub fn sample(&mut self, class: Option<u32>, n: u32, sampler: &str, tau: f64, refit: bool) -> Result<JsValue, JsError> {
        let how = sampling(sampler, tau)?;
        let s = self.explorer.sample(&self.trainer, class_of(class), n as usize, how, refit)?;
        let distribution = how.describe(self.trainer.config().model, class_of(class));
        js_object(&[
            ("z", js_sys::Float32Array::from(&s.z[..]).into()),
            ("images", js_sys::Float32Array::from(&s.images[..]).into()),
            ("labels", js_sys::Uint32Array::from(&s.labels[..]).into()),
            ("distribution", distribution.into()),
        ])
    }

    /// The fitted sampler's Gaussians (fitted now if missing, or refitted when `refit` and the
    /// model moved): `{ step, perClass: [{mean, covariance, factor, images} | null], all }`.
    pub fn fitted(&mut self, refit: bool) -> Result<JsValue, JsError> {
        to_js(self.explorer.fitted(&self.trainer, refit)?)
    }

    /// Training images per class.
    #[wasm_bindgen(js_name = classCounts)]
    pub fn class_counts(&self) -> Vec<u32> {
        let classes = self.trainer.model().classes();
        self.trainer.train_set().class_counts(classes).into_iter().map(|c| c as u32).collect()
    }

    /// The model alone (f32, no optimiser state) as safetensors bytes, for a `Decoder`.
    #[wasm_bindgen(js_name = modelCheckpoint)]
    pub fn model_checkpoint(&self) -> Result<Vec<u8>, JsError> {
        Ok(self.trainer.model_checkpoint()?)
    }

    /// The model as a safetensors file (f32), configuration in its metadata.
    #[wasm_bindgen(js_name = saveCheckpoint)]
    pub fn save_checkpoint(&self) -> Result<Vec<u8>, JsError> {
        Ok(self.trainer.checkpoint(Precision::F32)?)
    }

    /// Replaces the model with a checkpoint's after checking all of it; on error nothing changes.
    /// Returns the checkpoint's description `{config, rows, cols, classes, dataset, step, resumed}`,
    /// `resumed` telling whether the optimiser state came back too.
    #[wasm_bindgen(js_name = loadCheckpoint)]
    pub fn load_checkpoint(&mut self, bytes: &[u8]) -> Result<JsValue, JsError> {
        to_js(&self.trainer.load_checkpoint(bytes)?)
    }

    /// The dimensions an IDX file (raw or gzip) declares: [n, rows, cols] for images, [n] for
    /// labels; throws with a message naming `name` for anything else.
    #[wasm_bindgen(js_name = idxDims)]
    pub fn idx_dims(bytes: &[u8], name: &str) -> Result<Vec<u32>, JsError> {
        Ok(crate::data::idx::dims(bytes, name)?.into_iter().map(|d| d as u32).collect())
    }

    /// For the benchmark: `n` training steps, each phase timed with performance.now():
    /// `{steps, batch, forward, backward, update}` in milliseconds summed over the steps.
    #[wasm_bindgen(js_name = profileSteps)]
    pub fn profile_steps(&mut self, n: u32) -> Result<JsValue, JsError> {
        to_js(&self.trainer.profile_steps(n, &performance_now)?)
    }

    /// For the benchmark: GFLOP/s of Candle's gemm on an (m×k)·(k×n) product as training runs
    /// it, timed with performance.now() (the native CLI measures the same way).
    #[wasm_bindgen(js_name = matmulGflops)]
    pub fn matmul_gflops(m: usize, k: usize, n: usize) -> Result<f64, JsError> {
        Ok(crate::training::bench::matmul_gflops(m, k, n, &performance_now)?)
    }

    #[wasm_bindgen(getter)]
    pub fn dataset(&self) -> String {
        self.trainer.dataset().to_string()
    }

    /// For a conditional model: per class y, the share of `per_class` images generated for y by
    /// `sampler` at temperature `tau` that the classifier (a safetensors file from the CLI) labels y.
    /// Returns `{ accuracy, perClass: [..], classifierTestAccuracy, distribution }`.
    #[wasm_bindgen(js_name = conditionalAccuracy)]
    pub fn conditional_accuracy(&mut self, classifier: &[u8], per_class: u32, sampler: &str, tau: f64, refit: bool) -> Result<JsValue, JsError> {
        let how = sampling(sampler, tau)?;
        let (clf, meta) = Classifier::decode(classifier)?;
        let (accuracy, per) = self.explorer.conditional_accuracy(&self.trainer, &clf, how, per_class as usize, refit)?;
        let distribution = how.describe_each_class(self.trainer.config().model);
        to_js(&AccuracyReport { accuracy, per_class: per, classifier_test_accuracy: meta.test_accuracy, distribution })
    }

    /// `samples` prior draws (τ = 1, a stream seeded by `seed`) scored by the classifier against
    /// the test images, the same figures for every kind (`evaluation::generation`): `{ samples:
    /// { images, score, classShares, coverage, greyShare, klToUniform, missing }, real: {…},
    /// frechet }`. The GAN's measure, and its live per-class histogram.
    #[wasm_bindgen(js_name = generationReport)]
    pub fn generation_report(&self, classifier: &[u8], samples: u32, seed: u32) -> Result<JsValue, JsError> {
        let (clf, _) = Classifier::decode(classifier)?;
        let model = self.trainer.model();
        let counts = self.trainer.train_set().class_counts(model.classes());
        to_js(&generation::compare(model, &clf, &counts, self.trainer.test_set(), samples as usize, seed as u64)?)
    }

    /// The same draws' figures alone, without the test images (`{ images, score, classShares,
    /// coverage, greyShare, klToUniform, missing }`): the live histogram's, every few seconds.
    #[wasm_bindgen(js_name = sampleFigures)]
    pub fn sample_figures(&self, classifier: &[u8], samples: u32, seed: u32) -> Result<JsValue, JsError> {
        let (clf, _) = Classifier::decode(classifier)?;
        let model = self.trainer.model();
        let counts = self.trainer.train_set().class_counts(model.classes());
        to_js(&generation::sample_figures(model, &clf, &counts, samples as usize, seed as u64)?)
    }

    /// Compare: `samples` prior draws of the model in memory and of the model in `other`
    /// (checkpoint bytes of the same data set, built for this alone) scored by the classifier
    /// against the test images (`evaluation::side_by_side`): `{ samples, gridSide, sameSize, sameZ,
    /// real: {…}, ours: { kind, step, sizes, figures, frechet, grid: Float32Array }, other: {…} }`.
    #[wasm_bindgen(js_name = compareWith)]
    pub fn compare_with(&self, classifier: &[u8], other: &[u8], samples: u32, seed: u32) -> Result<JsValue, JsError> {
        let (clf, _) = Classifier::decode(classifier)?;
        let report = side_by_side::side_by_side(&self.trainer, other, &clf, samples as usize, seed as u64)?;
        let out = to_js(&report)?;
        for (name, side) in [("ours", &report.ours), ("other", &report.other)] {
            let object = js_sys::Reflect::get(&out, &name.into()).map_err(|_| JsError::new("compare: no side in the report"))?;
            js_sys::Reflect::set(&object, &"grid".into(), &js_sys::Float32Array::from(&side.grid[..]).into()).map_err(|_| JsError::new("compare: cannot hand over the grid"))?;
        }
        Ok(out)
    }

    /// KL per latent dimension and active units over the test set:
    /// `{ images, klPerDim: [..], activity: [..], activeUnits }`.
    #[wasm_bindgen(js_name = latentReport)]
    pub fn latent_report(&self) -> Result<JsValue, JsError> {
        to_js(&diagnostics::latent_report(self.net()?, self.trainer.test_set())?)
    }

    /// The k-sample importance-weighted bound on −log p(x) of test images `start` to
    /// `start + count` (each its own, seed 1 as the CLI's `eval --iw`), so the page can take a
    /// few at a time.
    #[wasm_bindgen(js_name = iwBounds)]
    pub fn iw_bounds(&self, k: u32, start: u32, count: u32) -> Result<Vec<f64>, JsError> {
        let (start, end) = (start as usize, start as usize + count as usize);
        Ok(diagnostics::iw_bounds(self.net()?, self.trainer.test_set(), start..end, k as usize, 1)?)
    }

    /// The classes the classifier gives images (rows × pixels in [0, 1]): the page's check of
    /// what its samples show.
    pub fn classify(&self, classifier: &[u8], pixels: &[f32]) -> Result<Vec<u32>, JsError> {
        let (clf, _) = Classifier::decode(classifier)?;
        let x = crate::data::batch::image_tensor(self.trainer.model().pixels(), pixels)?;
        Ok(clf.predict(&x)?)
    }

    /// Changes β, learning rate and warm-up together, all or none (absent fields stay):
    /// `{beta?, learningRate?, warmup?}`; one safe point for the change.
    #[wasm_bindgen(js_name = changeSettings)]
    pub fn change_settings(&mut self, change: JsValue) -> Result<(), JsError> {
        let change: SettingsChange = serde_wasm_bindgen::from_value(change).map_err(|e| JsError::new(&format!("settings: {e}")))?;
        Ok(self.trainer.change_settings(&change)?)
    }

    /// The learning rate alone (kept for the wasm tests' divergence check).
    #[wasm_bindgen(js_name = setLearningRate)]
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<(), JsError> {
        Ok(self.trainer.set_learning_rate(lr)?)
    }

    /// Threads each training step takes its gradient on, 1 to `Lab.availableThreads()`.
    #[wasm_bindgen(js_name = setThreads)]
    pub fn set_threads(&mut self, threads: u32) -> Result<(), JsError> {
        Ok(self.trainer.set_threads(threads as usize)?)
    }

    #[wasm_bindgen(getter)]
    pub fn threads(&self) -> usize {
        self.trainer.threads()
    }

    /// 1 in the plain build; in the two-thread build, the pool `initThreadPool(n)` started.
    #[wasm_bindgen(js_name = availableThreads)]
    pub fn available_threads() -> usize {
        crate::parallel::available_threads()
    }
}

/// `initThreadPool(n)` (a Promise): starts rayon's pool on n Web Workers sharing this module's
/// memory. Only in the two-thread build, which only a cross-origin isolated page can load.
#[cfg(feature = "threads")]
pub use wasm_bindgen_rayon::init_thread_pool;

#[cfg(not(feature = "page"))]
#[wasm_bindgen]
extern "C" {
    /// The global `performance.now()`, in the page and in workers alike.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// A checkpoint's description (see `Lab.loadCheckpoint`) from its header alone: format and
/// metadata are checked, the tensors only when it is loaded.
#[wasm_bindgen(js_name = describeCheckpoint)]
pub fn describe_checkpoint(bytes: &[u8]) -> Result<JsValue, JsError> {
    to_js(&crate::files::checkpoint::describe(bytes)?)
}

/// The decoder alone, without data or optimiser: the page's thread decodes the sliders' image with
/// one, the grid's worker the manifold and traversals. Its weights come from a checkpoint (the
/// training worker sends `Lab.modelCheckpoint()` as it trains).
#[wasm_bindgen]
pub struct Decoder {
    model: Box<dyn Model>,
}

#[wasm_bindgen]
impl Decoder {
    /// A decoder with a checkpoint's weights (checked like any checkpoint).
    #[wasm_bindgen(constructor)]
    pub fn new(bytes: &[u8]) -> Result<Decoder, JsError> {
        Ok(Decoder { model: crate::files::checkpoint::decode(bytes)?.into_model()? })
    }

    #[wasm_bindgen(getter)]
    pub fn latent(&self) -> usize {
        self.model.latent()
    }

    /// The model's kind (its facts are the page's `FACTS.kinds[kind]`).
    #[wasm_bindgen(getter)]
    pub fn kind(&self) -> String {
        self.model.kind().key().to_string()
    }

    /// The model takes the class as input (the standard CVAE): `decode` needs one.
    #[wasm_bindgen(getter, js_name = takesLabel)]
    pub fn takes_label(&self) -> bool {
        self.model.kind().takes_label()
    }

    /// μ^Y flattened (classes × latent); empty for the kinds without class means.
    #[wasm_bindgen(js_name = classMeans)]
    pub fn class_means(&self) -> Result<Vec<f32>, JsError> {
        class_means(self.model.as_ref())
    }

    /// z (latent numbers) → intensities in [0, 1]; `class` for the standard CVAE.
    pub fn decode(&self, z: &[f32], class: Option<u32>) -> Result<Vec<f32>, JsError> {
        Ok(codes::decode(self.model.as_ref(), z, class_of(class))?)
    }

    /// Many z at once (rows × latent) → rows × pixels.
    #[wasm_bindgen(js_name = decodeMany)]
    pub fn decode_many(&self, z: &[f32], class: Option<u32>) -> Result<Vec<f32>, JsError> {
        Ok(codes::decode_many(self.model.as_ref(), z, class_of(class))?)
    }
}

//! Training state and the step loop: the model, its optimiser, the data and the random stream.
//!
//! This is the one place that trains; the CLI calls it in a loop, the page's worker in slices.

use candle_core::{Device, Tensor};
use serde::{Deserialize, Serialize};

use crate::checkpoint::{self, Meta, Precision, TrainingState};
use crate::config::Config;
use crate::data::{Batcher, Dataset};
use crate::error::{invalid, LabError, Result};
use crate::gradient::{objective_gradient, Objective, ParamGrads};
use crate::model::Vae;
use crate::optim::{Adam, AdamParams, Snapshot};
use crate::rng::Rng;

/// Mixed into the seed for the stream that user-requested samples draw from.
const SAMPLE_STREAM: u64 = 0x5A4D_9E11_0000_0001;
/// A known-good copy of the model is kept every this many healthy steps (and at every change of
/// β or learning rate), to roll back to on divergence.
const SNAPSHOT_EVERY: u64 = 50;
/// Reconstruction loss this many times its running average means the weights have blown up.
/// (β does not enter the reconstruction term, so raising β cannot trigger it.)
const EXPLOSION_FACTOR: f64 = 10.0;
/// A batch is cut for threads only into parts of at least this many rows (smaller parts would
/// spend more on per-part overhead than a thread saves).
const MIN_PART_ROWS: usize = 16;

/// Where the time of training steps went, in milliseconds summed over `steps` steps (see
/// [`Trainer::profile_steps`]).
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepProfile {
    pub steps: u32,
    /// Gathering the minibatch and drawing ε.
    pub batch: f64,
    /// Forward pass and loss, read back.
    pub forward: f64,
    /// Backpropagation.
    pub backward: f64,
    /// Gradient check and Adam update.
    pub update: f64,
}

/// A phase clock for [`Trainer::profile_steps`] (milliseconds) and what it has summed so far.
type Timing<'a> = (&'a dyn Fn() -> f64, &'a mut StepProfile);

/// Averages over the steps of one call to [`Trainer::train_steps`], in nats per sample.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Optimiser steps taken so far in total.
    pub step: u64,
    /// Steps this report averages over.
    pub steps: u32,
    pub epoch: usize,
    pub epoch_progress: f64,
    pub samples_seen: u64,
    pub recon: f64,
    pub kl: f64,
    /// The objective that was minimised: recon + β·KL.
    pub loss: f64,
    /// β in effect at the last step (below the setting during a KL warm-up).
    pub beta: f64,
}

/// The settings that may change while a model trains; `None` keeps the current value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsChange {
    pub beta: Option<f64>,
    pub learning_rate: Option<f64>,
    pub warmup: Option<u64>,
}

/// What loading a checkpoint did: its description, and whether training resumes exactly
/// (optimiser moments, random stream and epoch position restored) or with a fresh optimiser.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Loaded {
    #[serde(flatten)]
    pub meta: Meta,
    pub resumed: bool,
}

/// The trainer's state. The step loop is here; evaluation and the views are in `views`,
/// sampling in `sampler` (both `impl Trainer` blocks of their own).
pub struct Trainer {
    config: Config,
    pub(crate) model: Vae,
    optimizer: Adam,
    pub(crate) train: Dataset,
    pub(crate) test: Dataset,
    batcher: Batcher,
    /// Training's stream (init, shuffles, ε): nothing else draws from it, so a seed fixes a run.
    rng: Rng,
    /// Samples shown to the user draw from here, so looking never changes training.
    pub(crate) sample_rng: Rng,
    /// The fitted-Gaussian sampler's Gaussians, with the step they were fitted at.
    pub(crate) fitted: Option<crate::sampler::Fitted>,
    step: u64,
    /// Data set name recorded in checkpoints.
    dataset: String,
    /// The last known-good state and the step it was taken at.
    safe_point: (u64, Snapshot),
    /// Running average of the reconstruction term, for spotting an explosion.
    recon_average: Option<f64>,
    /// Parts a minibatch's gradient is cut into, taken on that many threads at once.
    threads: usize,
    /// Natively, a pool of its own for the parts: Candle's matrix products run on rayon's global
    /// pool, and parts nested on it ran slower than one thread here (2 cores). In wasm the pool
    /// is the global one the page started, and Candle's products stay on one thread there.
    pool: Pool,
}

#[cfg(not(target_arch = "wasm32"))]
type Pool = Option<std::sync::Arc<rayon::ThreadPool>>;
#[cfg(target_arch = "wasm32")]
type Pool = ();

/// Runs `f` where its rayon calls use the trainer's threads: natively inside its own pool, in
/// wasm as it is (the global pool is the page's).
fn on_pool<R: Send>(pool: &Pool, f: impl FnOnce() -> R + Send) -> R {
    #[cfg(not(target_arch = "wasm32"))]
    if let Some(pool) = pool {
        return pool.install(f);
    }
    let _ = pool;
    f()
}


impl Trainer {
    /// A fresh model for `config`, to be trained on `train` and evaluated on `test`.
    pub fn new(config: Config, train: Dataset, test: Dataset) -> Result<Self> {
        config.validate()?;
        if train.is_empty() {
            invalid!("the training set is empty");
        }
        if test.pixels() != train.pixels() && !test.is_empty() {
            invalid!("train images are {}x{} but test images {}x{}", train.rows, train.cols, test.rows, test.cols);
        }
        let classes = train.classes().max(test.classes());
        let mut rng = Rng::new(config.seed);
        let mut model = Vae::new(&config, train.pixels(), classes, &mut rng)?;
        if config.model.is_solved() {
            // PCA is solved here, once; it still draws its (unused) initial weights above so
            // that the training stream's position is the same for every kind.
            model = Vae::from_tensors(&config, train.pixels(), classes, crate::pca::fit(&train, config.latent)?.tensors()?)?;
        }
        let optimizer = new_optimizer(&model, config.learning_rate)?;
        let batcher = Batcher::new(train.len(), &mut rng);
        let safe_point = (0, optimizer.snapshot()?);
        let sample_rng = Rng::new(config.seed ^ SAMPLE_STREAM);
        Ok(Self {
            config, model, optimizer, train, test, batcher, rng, sample_rng, fitted: None, step: 0, dataset: "custom".into(), safe_point,
            recon_average: None, threads: 1, pool: Default::default(),
        })
    }

    /// Names the data set, for checkpoints ("mnist", "fashion", …).
    pub fn named(mut self, dataset: &str) -> Self {
        self.dataset = dataset.to_string();
        self
    }

    pub fn dataset(&self) -> &str {
        &self.dataset
    }

    /// The model's weights and description as safetensors bytes. In f32 the file also holds where
    /// training stands, so loading it resumes exactly; f16 (for shipping) holds the model only.
    pub fn checkpoint(&self, precision: Precision) -> Result<Vec<u8>> {
        let meta = self.meta();
        let training = match precision {
            Precision::F32 => Some(self.training_state()?),
            Precision::F16 => None,
        };
        checkpoint::encode(&self.model, &meta, precision, training.as_ref())
    }

    fn meta(&self) -> Meta {
        Meta {
            config: self.config.clone(),
            rows: self.train.rows,
            cols: self.train.cols,
            classes: self.model.classes,
            dataset: self.dataset.clone(),
            step: self.step,
        }
    }

    /// Adam's moments by parameter name, the random stream and the position in the epoch.
    fn training_state(&self) -> Result<TrainingState> {
        let names: Vec<String> = self.model.named_vars().into_iter().map(|(n, _)| n).collect();
        let (m, v) = self.optimizer.moments()?;
        let by_name = |xs: Vec<Tensor>| names.iter().cloned().zip(xs).collect();
        let (order, cursor, epoch) = self.batcher.parts();
        Ok(TrainingState {
            adam_steps: self.optimizer.steps_taken(),
            m: by_name(m),
            v: by_name(v),
            rng: self.rng.clone(),
            order: order.iter().map(|&i| i as u32).collect(),
            cursor,
            epoch,
            recon_average: self.recon_average,
        })
    }

    /// Replaces the model with a checkpoint's, keeping the data. Everything is checked first: on
    /// any error the current model, optimiser and position stay exactly as they were.
    /// With a training state for this training set, training resumes exactly where it stood;
    /// without one, Adam starts afresh and the step count goes on from the checkpoint's.
    pub fn load_checkpoint(&mut self, bytes: &[u8]) -> Result<Loaded> {
        let mut ckpt = checkpoint::decode(bytes)?;
        let training = ckpt.training.take();
        let m = ckpt.meta.clone();
        if (m.rows, m.cols) != (self.train.rows, self.train.cols) {
            invalid!("checkpoint: trained on {}x{} images, this data set has {}x{}", m.rows, m.cols, self.train.rows, self.train.cols);
        }
        let data_classes = self.train.classes().max(self.test.classes());
        if data_classes > m.classes {
            invalid!("checkpoint: knows {} classes, this data set has {data_classes}", m.classes);
        }
        let model = ckpt.into_model()?;
        let mut optimizer = new_optimizer(&model, m.config.learning_rate)?;
        // The order only fits the training set it was drawn for; the moments fit any data.
        let resumable = training.filter(|t| t.order.len() == self.train.len());
        let resumed = resumable.is_some();
        match resumable {
            Some(mut t) => {
                let names: Vec<String> = model.named_vars().into_iter().map(|(n, _)| n).collect();
                let take = |xs: &mut std::collections::HashMap<String, Tensor>| -> Vec<Tensor> { names.iter().filter_map(|n| xs.remove(n)).collect() };
                optimizer.set_moments(take(&mut t.m), take(&mut t.v), t.adam_steps)?;
                self.rng = t.rng;
                self.batcher = Batcher::from_parts(t.order.iter().map(|&i| i as usize).collect(), t.cursor, t.epoch);
                self.recon_average = t.recon_average;
            }
            None => {
                // A different noise stream from the one that produced the saved weights.
                self.rng = Rng::new(m.config.seed ^ m.step.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                self.batcher = Batcher::new(self.train.len(), &mut self.rng);
                // Epochs the saved weights had seen, so the count goes on from there.
                self.batcher.epoch = (m.step as usize).saturating_mul(m.config.batch) / self.train.len();
                self.recon_average = None;
            }
        }
        self.model = model;
        self.fitted = None;
        self.optimizer = optimizer;
        self.config = m.config.clone();
        self.step = m.step;
        self.dataset = m.dataset.clone();
        self.mark_safe_point()?;
        Ok(Loaded { meta: m, resumed })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn model(&self) -> &Vae {
        &self.model
    }

    pub fn train_set(&self) -> &Dataset {
        &self.train
    }

    pub fn test_set(&self) -> &Dataset {
        &self.test
    }

    pub fn step(&self) -> u64 {
        self.step
    }

    /// Changes the training settings a run may change while it trains (β, learning rate,
    /// warm-up), all or none: the changed settings are checked together against the same ranges
    /// as every other way in ([`Config::validate`]), and one safe point is taken for all of them.
    pub fn change_settings(&mut self, change: &SettingsChange) -> Result<()> {
        let candidate = Config {
            beta: change.beta.unwrap_or(self.config.beta),
            learning_rate: change.learning_rate.unwrap_or(self.config.learning_rate),
            warmup: change.warmup.unwrap_or(self.config.warmup),
            ..self.config.clone()
        };
        candidate.validate()?;
        self.mark_safe_point()?;
        self.optimizer.params.lr = candidate.learning_rate;
        self.config = candidate;
        Ok(())
    }

    /// β alone (see [`Trainer::change_settings`]).
    pub fn set_beta(&mut self, beta: f64) -> Result<()> {
        self.change_settings(&SettingsChange { beta: Some(beta), ..SettingsChange::default() })
    }

    /// The learning rate alone (see [`Trainer::change_settings`]).
    pub fn set_learning_rate(&mut self, lr: f64) -> Result<()> {
        self.change_settings(&SettingsChange { learning_rate: Some(lr), ..SettingsChange::default() })
    }

    /// Threads a training step's gradient is taken on (1 to [`available_threads`]). Training
    /// goes on exactly as before but for the order of float sums; the seed's stream is unchanged.
    pub fn set_threads(&mut self, threads: usize) -> Result<()> {
        let available = available_threads();
        if !(1..=available).contains(&threads) {
            invalid!("threads: {threads} asked for, 1 to {available} available here");
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
            self.pool = Some(std::sync::Arc::new(pool.map_err(|e| LabError::Invalid(format!("threads: {e}")))?));
        }
        self.threads = threads;
        Ok(())
    }

    /// The epoch under way (from 0) and how far through it, 0 to 1.
    pub fn epoch(&self) -> (usize, f64) {
        (self.batcher.epoch, self.batcher.progress())
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Takes `n` optimiser steps and reports their average terms.
    pub fn train_steps(&mut self, n: u32) -> Result<Progress> {
        self.check_trainable()?;
        let (mut recon, mut kl, mut loss) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let s = self.train_step(None)?;
            recon += s[0];
            kl += s[1];
            loss += s[2];
        }
        let k = n.max(1) as f64;
        Ok(Progress {
            step: self.step,
            steps: n,
            epoch: self.batcher.epoch,
            epoch_progress: self.batcher.progress(),
            samples_seen: self.step * self.config.batch.min(self.train.len()) as u64,
            recon: recon / k,
            kl: kl / k,
            loss: loss / k,
            beta: self.config.beta_at(self.step.saturating_sub(1)),
        })
    }

    /// `n` training steps exactly as [`Trainer::train_steps`] takes them, timing each phase with
    /// `now` (a millisecond clock: `Instant` natively, `performance.now()` in the page).
    pub fn profile_steps(&mut self, n: u32, now: &dyn Fn() -> f64) -> Result<StepProfile> {
        self.check_trainable()?;
        let mut profile = StepProfile { steps: n, ..StepProfile::default() };
        for _ in 0..n {
            self.train_step(Some((now, &mut profile)))?;
        }
        Ok(profile)
    }

    /// One minibatch step; returns [recon, kl, objective] averaged over the batch. With `timing`,
    /// adds each phase's time to it. With more than one thread the batch is cut into that many
    /// parts whose gradients are taken at once and averaged (weighted by rows): the same step as
    /// one pass over the whole batch, up to the order of float sums.
    fn train_step(&mut self, mut timing: Option<Timing>) -> Result<[f64; 3]> {
        let mut lap = {
            let mut last = timing.as_ref().map_or(0.0, |(now, _)| now());
            move |timing: &mut Option<Timing>, phase: fn(&mut StepProfile) -> &mut f64| {
                if let Some((now, profile)) = timing {
                    let t = now();
                    *phase(profile) += t - last;
                    last = t;
                }
            }
        };
        let indices = self.batcher.next(self.config.batch, &mut self.rng).to_vec();
        // ε for the whole batch from the one stream, so a seed fixes a run whatever the threads.
        let eps = normal_tensor(&mut self.rng, indices.len(), self.model.latent)?;
        let beta = self.config.beta_at(self.step);
        let parts = self.threads.min(indices.len() / MIN_PART_ROWS).max(1);
        // Part p's rows, objective and gradient, on whichever thread takes it.
        let part = |p: usize| -> Result<Objective> {
            let (start, end) = (p * indices.len() / parts, (p + 1) * indices.len() / parts);
            let (x, y) = batch_tensors(&self.train, &indices[start..end])?;
            Ok(objective_gradient(&self.model, &x, &y, &eps.narrow(0, start, end - start)?, beta, || {})?)
        };
        let found: Vec<Objective> = if parts == 1 {
            // Timed by phase only on one thread (parts overlap in time otherwise).
            let (x, y) = batch_tensors(&self.train, &indices)?;
            lap(&mut timing, |p| &mut p.batch);
            let whole = objective_gradient(&self.model, &x, &y, &eps, beta, || lap(&mut timing, |p| &mut p.forward))?;
            lap(&mut timing, |p| &mut p.backward);
            vec![whole]
        } else {
            let found = on_pool(&self.pool, || crate::parallel::map(parts, part))?;
            lap(&mut timing, |p| &mut p.forward);
            found
        };
        let share = |p: &Objective| p.rows as f64 / indices.len() as f64;
        let average = |term: fn(&Objective) -> f64| found.iter().map(|p| share(p) * term(p)).sum::<f64>();
        let (recon, kl, loss) = (average(|p| p.recon), average(|p| p.kl), average(|p| p.loss));
        let exploded = self.recon_average.is_some_and(|avg| recon > EXPLOSION_FACTOR * avg);
        // Nothing is updated unless the loss and every gradient are finite.
        let grads: Option<Vec<(&ParamGrads, f32)>> =
            if loss.is_finite() && !exploded { found.iter().map(|p| Some((p.grads.as_ref()?, share(p) as f32))).collect() } else { None };
        let refused = match grads {
            Some(g) => on_pool(&self.pool, || self.optimizer.step_mean(&g))?.is_err(),
            None => true,
        };
        if refused {
            return Err(self.roll_back()?);
        }
        lap(&mut timing, |p| &mut p.update);
        self.step += 1;
        self.recon_average = Some(self.recon_average.map_or(recon, |avg| 0.95 * avg + 0.05 * recon));
        if self.step.is_multiple_of(SNAPSHOT_EVERY) {
            self.mark_safe_point()?;
        }
        Ok([recon, kl, loss])
    }

    /// One Adam step on the gradient of this batch alone (the walkthrough's one image), guarded
    /// as a training step is: nothing changes unless the objective and its gradient are finite.
    pub(crate) fn optimizer_step_on(&mut self, x: &Tensor, y: &Tensor, eps: &Tensor, beta: f64) -> Result<()> {
        let found = objective_gradient(&self.model, x, y, eps, beta, || {})?;
        let Some(grads) = found.grads.as_ref() else { invalid!("the objective is not finite for this image: no step was taken") };
        if self.optimizer.step_mean(&[(grads, 1.0)])?.is_err() {
            invalid!("the step's gradient is not finite: no step was taken");
        }
        self.step += 1;
        self.fitted = None;
        Ok(())
    }

    /// Refuses to step a model solved in closed form (PCA): a gradient step could only move it
    /// off its optimum.
    fn check_trainable(&self) -> Result<()> {
        if self.config.model.is_solved() {
            invalid!("PCA is solved exactly when it is built (the top eigenvectors of the training images' covariance): there is nothing to train");
        }
        Ok(())
    }

    /// Records the current model as the one to roll back to.
    fn mark_safe_point(&mut self) -> Result<()> {
        self.safe_point = (self.step, self.optimizer.snapshot()?);
        Ok(())
    }

    /// Restores the last safe point and returns the error that says so.
    fn roll_back(&mut self) -> Result<LabError> {
        let detected = self.step + 1;
        self.optimizer.restore(&self.safe_point.1)?;
        self.step = self.safe_point.0;
        self.fitted = None;
        self.recon_average = None;
        Ok(LabError::Diverged { step: detected, restored_to: self.step, learning_rate: self.config.learning_rate })
    }

    /// The model alone (f32, no training state) as safetensors bytes: what the page's decoding
    /// worker needs, about a third of a full checkpoint.
    pub fn model_checkpoint(&self) -> Result<Vec<u8>> {
        checkpoint::encode(&self.model, &self.meta(), Precision::F32, None)
    }

    /// Samples per step from now on (1 to 4096).
    pub fn set_batch(&mut self, batch: usize) -> Result<()> {
        let candidate = Config { batch, ..self.config.clone() };
        candidate.validate()?;
        self.config = candidate;
        Ok(())
    }

    /// μ^Y as a flat row-major (classes × latent) list; empty for the plain VAE.
    pub fn class_means(&self) -> Result<Vec<f32>> {
        match self.model.class_means() {
            Some(m) => Ok(m.as_tensor().flatten_all()?.to_vec1()?),
            None => Ok(Vec::new()),
        }
    }
}

/// GFLOP/s of Candle's gemm on an (m×k)·(k×n) product as training runs it, the benchmark's figure
/// natively and in the page alike: after a warm-up, three trials of about 0.3 s in batches of
/// five products, the best. `now`: a millisecond clock (`Instant` natively, `performance.now()`
/// in the page). Sizes up to 4096.
pub fn matmul_gflops(m: usize, k: usize, n: usize, now: &dyn Fn() -> f64) -> Result<f64> {
    bench_matmul(m, k, n, 3)?; // warm-up
    let mut best = 0.0f64;
    for _ in 0..3 {
        let (start, mut reps) = (now(), 0u32);
        while now() - start < 300.0 {
            bench_matmul(m, k, n, 5)?;
            reps += 5;
        }
        best = best.max(2.0 * (m * k * n) as f64 * f64::from(reps) / ((now() - start) / 1e3) / 1e9);
    }
    Ok(best)
}

/// `reps` products of an (m×k) and a (k×n) matrix; returns one element of the last product, so
/// that the work cannot be skipped. Sizes up to 4096, reps up to 10,000.
fn bench_matmul(m: usize, k: usize, n: usize, reps: u32) -> Result<f32> {
    if [m, k, n].iter().any(|&d| !(1..=4096).contains(&d)) || reps > 10_000 {
        invalid!("matmul benchmark: sizes must be 1 to 4096 and repetitions at most 10000");
    }
    let mut rng = Rng::new(m as u64 * 31 + k as u64 * 7 + n as u64);
    let a = normal_tensor(&mut rng, m, k)?;
    let b = normal_tensor(&mut rng, k, n)?;
    let mut last = 0.0;
    for _ in 0..reps {
        last = a.matmul(&b)?.get(0)?.get(0)?.to_scalar::<f32>()?;
    }
    Ok(last)
}

/// Adam over the model's variables in name order, the order saved moments are matched by.
fn new_optimizer(model: &Vae, lr: f64) -> Result<Adam> {
    let vars = model.named_vars().into_iter().map(|(_, v)| v).collect();
    Ok(Adam::new(vars, AdamParams::new(lr))?)
}

/// A (rows, cols) tensor of independent N(0, 1) draws from `rng`.
pub fn normal_tensor(rng: &mut Rng, rows: usize, cols: usize) -> Result<Tensor> {
    Ok(Tensor::from_vec(rng.normals(rows * cols), (rows, cols), &Device::Cpu)?)
}

pub use crate::parallel::available_threads;

/// Pixels (batch, pixels) f32 in [0, 1] and labels (batch,) u32 for the given samples.
pub fn batch_tensors(data: &Dataset, indices: &[usize]) -> Result<(Tensor, Tensor)> {
    let x = Tensor::from_vec(data.batch_pixels(indices), (indices.len(), data.pixels()), &Device::Cpu)?;
    let y = Tensor::from_vec(data.batch_labels(indices), indices.len(), &Device::Cpu)?;
    Ok((x, y))
}

//! The training loop: a model family, the data it trains on, the epoch's order and the random
//! stream, the step count, and the guard that rolls a diverging run back to its last safe point.
//!
//! This is the one place that trains; the CLI calls it in a loop, the page's worker in slices.
//! What a step does is the family's (`models::family`); what looks at the model is `evaluation`'s.

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::data::{Batcher, Dataset};
use crate::error::{invalid, LabError, Result};
use crate::files::checkpoint::{self, Loaded, Meta, Precision, TrainingState};
use crate::models::family::{ExampleStep, Family, FamilyState, StepInput, StepOutcome, StepProfile, Terms};
use crate::models::model::Model;
use crate::parallel::Threads;
use crate::rng::Rng;

/// A known-good copy of the model is kept every this many healthy steps (and at every change of
/// β or learning rate), to roll back to on divergence.
const SNAPSHOT_EVERY: u64 = 50;

/// Averages over the steps of one call to [`Trainer::train_steps`].
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
    /// The family's figures (for the VAEs `recon`, `kl` and `loss`, the objective minimised:
    /// recon + β·KL), in nats per sample.
    #[serde(flatten)]
    pub terms: Terms,
    /// β in effect at the last step (below the setting during a KL warm-up).
    pub beta: f64,
}

impl Progress {
    /// One of the figures by name (0 where the family gives none of that name).
    pub fn term(&self, name: &str) -> f64 {
        self.terms.get(name).unwrap_or(0.0)
    }
}

/// The settings that may change while a model trains; `None` keeps the current value.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SettingsChange {
    pub beta: Option<f64>,
    pub learning_rate: Option<f64>,
    pub warmup: Option<u64>,
}

/// One optimiser step on the walkthrough's example: its figures before and after (each part of)
/// the step, the images it changed, and the step count after it.
#[derive(Clone, Debug, Serialize)]
pub struct StepOn {
    #[serde(flatten)]
    pub example: ExampleStep,
    pub step: u64,
}

pub struct Trainer {
    config: Config,
    family: Box<dyn Family>,
    train: Dataset,
    test: Dataset,
    batcher: Batcher,
    /// Training's stream (init, shuffles, noise): nothing else draws from it, so a seed fixes a run.
    rng: Rng,
    step: u64,
    /// The step the family's safe point was taken at.
    safe_step: u64,
    /// Counts replacements of the weights other than a training step (a load, a rollback, the
    /// walkthrough's step): with the step count it says whether what was computed from the model
    /// (a fitted sampler) is still of this model.
    generation: u64,
    /// Data set name recorded in checkpoints.
    dataset: String,
    threads: Threads,
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
        let family = crate::models::fresh(&config, &train, classes, &mut rng)?;
        let batcher = Batcher::new(train.len(), &mut rng);
        Ok(Self {
            config, family, train, test, batcher, rng, step: 0, safe_step: 0, generation: 0, dataset: "custom".into(), threads: Threads::one(),
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

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The model as it stands, for the views.
    pub fn model(&self) -> &dyn Model {
        self.family.model()
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

    /// Which weights these are: (replacements so far, step). Anything computed from the model
    /// is of this model while this pair is unchanged.
    pub fn version(&self) -> (u64, u64) {
        (self.generation, self.step)
    }

    /// The epoch under way (from 0) and how far through it, 0 to 1.
    pub fn epoch(&self) -> (usize, f64) {
        (self.batcher.epoch, self.batcher.progress())
    }

    pub fn threads(&self) -> usize {
        self.threads.count()
    }

    /// Threads a training step's gradient is taken on (1 to `parallel::available_threads`).
    /// Training goes on exactly as before but for the order of float sums; the seed's stream is
    /// unchanged.
    pub fn set_threads(&mut self, threads: usize) -> Result<()> {
        self.threads = Threads::new(threads)?;
        Ok(())
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
        self.family.set_learning_rate(candidate.learning_rate);
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

    /// Samples per step from now on (checked as every setting is).
    pub fn set_batch(&mut self, batch: usize) -> Result<()> {
        let candidate = Config { batch, ..self.config.clone() };
        candidate.validate()?;
        self.config = candidate;
        Ok(())
    }

    /// Takes `n` optimiser steps and reports their average figures.
    pub fn train_steps(&mut self, n: u32) -> Result<Progress> {
        self.check_trainable()?;
        let mut sum = Terms::default();
        for _ in 0..n {
            sum.add_weighted(&self.train_step(None)?, 1.0);
        }
        let mut terms = Terms::default();
        terms.add_weighted(&sum, 1.0 / n.max(1) as f64);
        Ok(Progress {
            step: self.step,
            steps: n,
            epoch: self.batcher.epoch,
            epoch_progress: self.batcher.progress(),
            samples_seen: self.step * self.config.batch.min(self.train.len()) as u64,
            terms,
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

    /// One minibatch step; a refused one rolls back to the safe point and says so.
    fn train_step(&mut self, timing: Option<crate::models::family::Timing>) -> Result<Terms> {
        let indices = self.batcher.next(self.config.batch, &mut self.rng).to_vec();
        let input = StepInput { data: &self.train, indices: &indices, beta: self.config.beta_at(self.step), threads: &self.threads, timing };
        match self.family.step(input, &mut self.rng)? {
            StepOutcome::Taken(terms) => {
                self.step += 1;
                if self.step.is_multiple_of(SNAPSHOT_EVERY) {
                    self.mark_safe_point()?;
                }
                Ok(terms)
            }
            StepOutcome::Refused => Err(self.roll_back()?),
        }
    }

    /// One optimiser step on the walkthrough's example `x` (pixels in [0, 1]) with `label`, its
    /// noise from `seed`, exactly as a training step takes one on a batch; returns the objective
    /// before and after it.
    pub fn step_on(&mut self, x: &[f32], label: u32, seed: u64) -> Result<StepOn> {
        if self.config.model.is_solved() {
            invalid!("PCA is solved exactly: there is no optimiser step to take");
        }
        let model = self.model();
        if x.len() != model.pixels() || label as usize >= model.classes() {
            invalid!("walkthrough: an image of {} pixels and a class below {} are needed, got {} pixels and class {label}", model.pixels(), model.classes(), x.len());
        }
        let xt = crate::data::batch::image_tensor(model.pixels(), x)?;
        let example = self.family.step_on_example(&xt, label, seed, self.config.beta_at(self.step))?;
        self.step += 1;
        self.generation += 1;
        Ok(StepOn { example, step: self.step })
    }

    /// Refuses to step a kind that is solved when built (PCA): a gradient step could only move it
    /// off its optimum.
    fn check_trainable(&self) -> Result<()> {
        if self.config.model.is_solved() {
            invalid!("PCA is solved exactly when it is built (the top eigenvectors of the training images' covariance): there is nothing to train");
        }
        Ok(())
    }

    /// Records the current model as the one to roll back to.
    fn mark_safe_point(&mut self) -> Result<()> {
        self.family.mark_safe()?;
        self.safe_step = self.step;
        Ok(())
    }

    /// Restores the last safe point and returns the error that says so.
    fn roll_back(&mut self) -> Result<LabError> {
        let detected = self.step + 1;
        self.family.roll_back()?;
        self.step = self.safe_step;
        self.generation += 1;
        Ok(LabError::Diverged { step: detected, restored_to: self.step, learning_rate: self.config.learning_rate })
    }

    fn meta(&self) -> Meta {
        Meta {
            config: self.config.clone(),
            rows: self.train.rows,
            cols: self.train.cols,
            classes: self.model().classes(),
            dataset: self.dataset.clone(),
            step: self.step,
            trainer: Some(checkpoint::TRAINER.to_string()),
        }
    }

    /// The model's weights and description as safetensors bytes. In f32 the file also holds where
    /// training stands, so loading it resumes exactly; f16 (for shipping) holds the model only.
    pub fn checkpoint(&self, precision: Precision) -> Result<Vec<u8>> {
        let training = match precision {
            Precision::F32 => Some(self.training_state()?),
            Precision::F16 => None,
        };
        checkpoint::encode(self.model(), &self.meta(), precision, training.as_ref())
    }

    /// The model alone (f32, no training state) as safetensors bytes: what the page's decoding
    /// worker needs, about a third of a full checkpoint.
    pub fn model_checkpoint(&self) -> Result<Vec<u8>> {
        checkpoint::encode(self.model(), &self.meta(), Precision::F32, None)
    }

    /// The family's optimiser state, the random stream and the position in the epoch.
    fn training_state(&self) -> Result<TrainingState> {
        let FamilyState { adam_steps, m, v, recon_average } = self.family.state()?;
        let (order, cursor, epoch) = self.batcher.parts();
        Ok(TrainingState { adam_steps, m, v, rng: self.rng.clone(), order: order.iter().map(|&i| i as u32).collect(), cursor, epoch, recon_average })
    }

    /// Replaces the model with a checkpoint's, keeping the data. Everything is checked first: on
    /// any error the current model, optimiser and position stay exactly as they were.
    /// With a training state for this training set, training resumes exactly where it stood;
    /// without one, the optimiser starts afresh and the step count goes on from the checkpoint's.
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
        let mut family = crate::models::trained(&m.config, m.rows * m.cols, m.classes, ckpt.tensors)?;
        // The order only fits the training set it was drawn for; the moments fit any data.
        let resumable = training.filter(|t| t.order.len() == self.train.len());
        let resumed = resumable.is_some();
        match resumable {
            Some(t) => {
                family.set_state(Some(FamilyState { adam_steps: t.adam_steps, m: t.m, v: t.v, recon_average: t.recon_average }))?;
                self.rng = t.rng;
                self.batcher = Batcher::from_parts(t.order.iter().map(|&i| i as usize).collect(), t.cursor, t.epoch);
            }
            None => {
                family.set_state(None)?;
                // A different noise stream from the one that produced the saved weights.
                self.rng = Rng::new(m.config.seed ^ m.step.wrapping_mul(0x9E37_79B9_7F4A_7C15));
                self.batcher = Batcher::new(self.train.len(), &mut self.rng);
                // Epochs the saved weights had seen, so the count goes on from there.
                self.batcher.epoch = (m.step as usize).saturating_mul(m.config.batch) / self.train.len();
            }
        }
        self.family = family;
        self.config = m.config.clone();
        self.step = m.step;
        self.safe_step = m.step;
        self.generation += 1;
        self.dataset = m.dataset.clone();
        Ok(Loaded { meta: m, resumed })
    }
}

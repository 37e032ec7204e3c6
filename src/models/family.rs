//! What the training loop asks of a model family: one optimiser step on a minibatch, one on a
//! single example (the walkthrough), and the state a rollback, a checkpoint or a change of
//! learning rate needs. A family owns its networks and their optimisers (a GAN would own two of
//! each), and keeps what its own divergence guard needs; the loop (`training::trainer`) owns the
//! data order, the random stream, the step count and when to take a safe point.

use std::collections::HashMap;

use candle_core::Tensor;
use serde::ser::{Serialize, SerializeMap, Serializer};

use crate::data::Dataset;
use crate::error::Result;
use crate::models::model::Model;
use crate::parallel::Threads;
use crate::rng::Rng;

/// A step's figures by name, in nats per sample (the VAEs: `recon`, `kl` and `loss`, the
/// objective that was minimised), in the order the family gives them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Terms(pub Vec<(&'static str, f64)>);

impl Terms {
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| *n == name).map(|&(_, v)| v)
    }

    /// Adds `weight` × each of `other`'s figures to this one's (same names, same order; an empty
    /// `self` takes `other`'s names).
    pub fn add_weighted(&mut self, other: &Terms, weight: f64) {
        if self.0.is_empty() {
            self.0 = other.0.iter().map(|&(n, _)| (n, 0.0)).collect();
        }
        for ((_, sum), (_, v)) in self.0.iter_mut().zip(&other.0) {
            *sum += weight * v;
        }
    }
}

/// Serialised as an object of named numbers, so a progress report reads `{recon, kl, loss, …}`.
impl Serialize for Terms {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// Where the time of training steps went, in milliseconds summed over `steps` steps.
#[derive(Clone, Debug, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StepProfile {
    pub steps: u32,
    /// Gathering the minibatch and drawing the noise.
    pub batch: f64,
    /// Forward pass and loss, read back.
    pub forward: f64,
    /// Backpropagation.
    pub backward: f64,
    /// Gradient check and optimiser update.
    pub update: f64,
}

/// A millisecond clock and the profile its laps are added to (see `Trainer::profile_steps`).
pub type Timing<'a> = (&'a dyn Fn() -> f64, &'a mut StepProfile);

/// One minibatch step's input.
pub struct StepInput<'a> {
    pub data: &'a Dataset,
    /// The batch's rows of `data`.
    pub indices: &'a [usize],
    /// The KL weight in force at this step (the warm-up's, if one is on).
    pub beta: f64,
    pub threads: &'a Threads,
    /// Where to add each phase's time, when profiling.
    pub timing: Option<Timing<'a>>,
}

/// What a step did: taken, with its figures, or refused (a non-finite or exploding objective or
/// gradient), in which case nothing changed and the loop rolls back to its safe point.
pub enum StepOutcome {
    Taken(Terms),
    Refused,
}

/// One optimiser step on a single example (the walkthrough's), with the same noise throughout:
/// the example's figures before it and after each of its parts (the VAEs' step has one part, a
/// GAN's two: D's step, then G's), and the images it changed (a GAN's G(z)), each by name.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ExampleStep {
    /// ("before", …), then one entry per part ("after", or "afterD" and "afterG").
    pub moments: Vec<(&'static str, Terms)>,
    /// Images in [0, 1] by name (e.g. G(z) "before" and "after"); empty where none changed.
    pub images: Vec<(&'static str, Vec<f32>)>,
}

impl ExampleStep {
    /// A one-part step: figure `name` before and after.
    pub fn before_after(name: &'static str, before: f64, after: f64) -> Self {
        Self { moments: vec![("before", Terms(vec![(name, before)])), ("after", Terms(vec![(name, after)]))], images: Vec::new() }
    }

    /// Figure `name` at moment `at` ("before", "after", …).
    pub fn get(&self, at: &str, name: &str) -> Option<f64> {
        self.moments.iter().find(|(m, _)| *m == at).and_then(|(_, t)| t.get(name))
    }
}

/// What a family keeps between steps beyond its weights, by parameter name, to be saved with a
/// training checkpoint: the optimiser's moments and step count, and the divergence guard's
/// running average.
pub struct FamilyState {
    pub adam_steps: u64,
    pub m: HashMap<String, Tensor>,
    pub v: HashMap<String, Tensor>,
    pub recon_average: Option<f64>,
}

pub trait Family: Send {
    /// The model as the views see it.
    fn model(&self) -> &dyn Model;
    /// One optimiser step on a minibatch, noise drawn from `rng`.
    fn step(&mut self, input: StepInput<'_>, rng: &mut Rng) -> Result<StepOutcome>;
    /// One optimiser step on the example `x` (1, pixels) with `label`, its noise drawn from
    /// `seed` as the walkthrough draws it; refused with the reason where it cannot be taken.
    fn step_on_example(&mut self, x: &Tensor, label: u32, seed: u64, beta: f64) -> Result<ExampleStep>;
    /// Records the current weights and optimiser state as the ones to roll back to.
    fn mark_safe(&mut self) -> Result<()>;
    /// Puts back the state [`Family::mark_safe`] recorded last.
    fn roll_back(&mut self) -> Result<()>;
    fn set_learning_rate(&mut self, lr: f64);
    /// The state a training checkpoint saves.
    fn state(&self) -> Result<FamilyState>;
    /// Puts a saved state back; `None`: a fresh optimiser and guard (a model-only checkpoint).
    fn set_state(&mut self, state: Option<FamilyState>) -> Result<()>;
}

/// A family's entry in the registry (`models::family_for`): how its models are laid out, built
/// fresh, and rebuilt from a checkpoint's tensors.
pub struct FamilyDef {
    /// Every tensor's name and shape for a model of this configuration: what a checkpoint must hold.
    pub parameter_shapes: fn(&crate::config::Config, usize, usize) -> Vec<(String, Vec<usize>)>,
    /// A fresh family to train on `train` with `classes` classes, initial weights from `rng`.
    pub fresh: fn(&crate::config::Config, &Dataset, usize, &mut Rng) -> Result<Box<dyn Family>>,
    /// The family from a checkpoint's tensors (checked against `parameter_shapes` first), with a
    /// fresh optimiser.
    pub trained: fn(&crate::config::Config, usize, usize, HashMap<String, Tensor>) -> Result<Box<dyn Family>>,
    /// The model alone from a checkpoint's tensors, for decoding without training.
    pub model: fn(&crate::config::Config, usize, usize, HashMap<String, Tensor>) -> Result<Box<dyn Model>>,
}

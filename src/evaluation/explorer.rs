//! What the person looking at a model asks for that keeps state of its own: samples drawn from a
//! stream of their own (so looking never changes training), and the fitted sampler's Gaussians,
//! kept until the model they were fitted to has moved on.

use crate::error::Result;
use crate::evaluation::classifier::Classifier;
use crate::evaluation::sampler::{conditional_accuracy, decode_drawn, draw, fit, Fitted, Sample, Sampler, Sampling};
use crate::models::model::autoencoder;
use crate::rng::Rng;
use crate::training::Trainer;

/// Mixed into the seed for the stream that user-requested samples draw from.
const SAMPLE_STREAM: u64 = 0x5A4D_9E11_0000_0001;

pub struct Explorer {
    /// Samples shown to the person draw from here, never from training's stream.
    rng: Rng,
    fitted: Option<Fitted>,
}

impl Explorer {
    /// The sample stream of a run with this seed.
    pub fn new(seed: u64) -> Self {
        Self::with_stream(Rng::new(seed ^ SAMPLE_STREAM))
    }

    /// Samples from the given stream (the CLI's `sample --seed`).
    pub fn with_stream(rng: Rng) -> Self {
        Self { rng, fitted: None }
    }

    /// The fitted sampler's Gaussians: fitted now if there are none or the model was replaced
    /// since (a load, a rollback, the walkthrough's step), or if they are from an earlier step and
    /// `refit` (the page refits at most every few seconds while training).
    pub fn fitted(&mut self, trainer: &Trainer, refit: bool) -> Result<&Fitted> {
        let (generation, step) = trainer.version();
        let stale = self.fitted.as_ref().is_none_or(|f| f.version.0 != generation || (refit && f.version.1 != step));
        if stale {
            self.fitted = Some(fit(autoencoder(trainer.model())?, trainer.train_set(), trainer.version())?);
        }
        Ok(self.fitted.as_ref().expect("fitted just now"))
    }

    /// Draws `n` samples (see [`draw`]) from the stream kept for what the person asks to see.
    pub fn sample(&mut self, trainer: &Trainer, class: Option<usize>, n: usize, sampling: Sampling, refit: bool) -> Result<Sample> {
        self.fit_if(trainer, sampling, refit)?;
        let model = trainer.model();
        let counts = trainer.train_set().class_counts(model.classes());
        let drawn = draw(model, self.fitted.as_ref(), &counts, class, n, sampling, &mut self.rng)?;
        let images = decode_drawn(model, &drawn)?.flatten_all()?.to_vec1()?;
        Ok(Sample { z: drawn.z, images, labels: drawn.labels })
    }

    /// [`conditional_accuracy`] of the model as it stands, with a fixed seed.
    pub fn conditional_accuracy(&mut self, trainer: &Trainer, classifier: &Classifier, sampling: Sampling, per_class: usize, refit: bool) -> Result<(f64, Vec<f64>)> {
        self.fit_if(trainer, sampling, refit)?;
        conditional_accuracy(trainer.model(), self.fitted.as_ref(), classifier, sampling, per_class, 1)
    }

    /// Fits or refits the Gaussians as [`Explorer::fitted`] says, where `sampling` uses them.
    fn fit_if(&mut self, trainer: &Trainer, sampling: Sampling, refit: bool) -> Result<()> {
        if sampling.sampler == Sampler::Fitted {
            self.fitted(trainer, refit)?;
        }
        Ok(())
    }
}

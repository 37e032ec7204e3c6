//! The VAE family: every kind built on the encoder–decoder network (`network`): the VAE / β-VAE,
//! both conditional VAEs, the plain autoencoder and PCA. Trained by Adam on the objective's
//! gradient by hand (`gradient`); a batch may be cut into parts whose gradients are taken on
//! several threads at once and averaged.

use candle_core::{Device, Tensor, Var};

use crate::error::{invalid, Result};
use crate::kinds::ModelKind;
use crate::models::family::{ExampleStep, Family, FamilyDef, FamilyState, StepInput, StepOutcome, StepProfile, Terms, Timing};
use crate::models::gradient::{objective_gradient, Objective, ParamGrads};
use crate::models::model::{example_noise, Model};
use crate::models::network::Vae;
use crate::optim::{Adam, AdamParams, Snapshot};
use crate::rng::Rng;

/// Reconstruction loss this many times its running average means the weights have blown up.
/// (β does not enter the reconstruction term, so raising β cannot trigger it.)
const EXPLOSION_FACTOR: f64 = 10.0;
/// A batch is cut for threads only into parts of at least this many rows (smaller parts would
/// spend more on per-part overhead than a thread saves).
const MIN_PART_ROWS: usize = 16;

/// The network, its optimiser, the state to roll back to, and the running average of the
/// reconstruction term that spots an explosion.
pub struct VaeFamily {
    net: Vae,
    optimizer: Adam,
    safe: Snapshot,
    recon_average: Option<f64>,
}

impl VaeFamily {
    /// Trains `net` with Adam at learning rate `lr`, from fresh moments.
    pub fn new(net: Vae, lr: f64) -> Result<Self> {
        let optimizer = new_optimizer(&net, lr)?;
        let safe = optimizer.snapshot()?;
        Ok(Self { net, optimizer, safe, recon_average: None })
    }
}

/// Adam over the network's variables in name order, the order saved moments are matched by.
fn new_optimizer(net: &Vae, lr: f64) -> Result<Adam> {
    let vars = net.named_vars().into_iter().map(|(_, v)| v).collect();
    Ok(Adam::new(vars, AdamParams::new(lr))?)
}

/// Adds the time since the last lap to `phase` of the profile, when profiling.
struct Laps {
    last: f64,
}

impl Laps {
    fn start(timing: &Option<Timing>) -> Self {
        Self { last: timing.as_ref().map_or(0.0, |(now, _)| now()) }
    }

    fn lap(&mut self, timing: &mut Option<Timing>, phase: fn(&mut StepProfile) -> &mut f64) {
        if let Some((now, profile)) = timing {
            let t = now();
            *phase(profile) += t - self.last;
            self.last = t;
        }
    }
}

impl Family for VaeFamily {
    fn model(&self) -> &dyn Model {
        &self.net
    }

    /// One minibatch step. With more than one thread the batch is cut into that many parts whose
    /// gradients are taken at once and averaged (weighted by rows): the same step as one pass over
    /// the whole batch, up to the order of float sums.
    fn step(&mut self, input: StepInput<'_>, rng: &mut Rng) -> Result<StepOutcome> {
        let StepInput { data, indices, beta, threads, mut timing } = input;
        let mut laps = Laps::start(&timing);
        // ε for the whole batch from the one stream, so a seed fixes a run whatever the threads.
        let eps = rng.normal_tensor(indices.len(), self.net.latent)?;
        let parts = threads.count().min(indices.len() / MIN_PART_ROWS).max(1);
        let net = &self.net;
        // Part p's rows, objective and gradient, on whichever thread takes it.
        let part = |p: usize| -> Result<Objective> {
            let (start, end) = (p * indices.len() / parts, (p + 1) * indices.len() / parts);
            let (x, y) = crate::data::batch::batch_tensors(data, &indices[start..end])?;
            Ok(objective_gradient(net, &x, &y, &eps.narrow(0, start, end - start)?, beta, || {})?)
        };
        let found: Vec<Objective> = if parts == 1 {
            // Timed by phase only on one thread (parts overlap in time otherwise).
            let (x, y) = crate::data::batch::batch_tensors(data, indices)?;
            laps.lap(&mut timing, |p| &mut p.batch);
            let whole = objective_gradient(net, &x, &y, &eps, beta, || laps.lap(&mut timing, |p| &mut p.forward))?;
            laps.lap(&mut timing, |p| &mut p.backward);
            vec![whole]
        } else {
            let found = threads.install(|| crate::parallel::map(parts, part))?;
            laps.lap(&mut timing, |p| &mut p.forward);
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
            Some(g) => threads.install(|| self.optimizer.step_mean(&g))?.is_err(),
            None => true,
        };
        if refused {
            return Ok(StepOutcome::Refused);
        }
        laps.lap(&mut timing, |p| &mut p.update);
        self.recon_average = Some(self.recon_average.map_or(recon, |avg| 0.95 * avg + 0.05 * recon));
        Ok(StepOutcome::Taken(Terms(vec![("recon", recon), ("kl", kl), ("loss", loss)])))
    }

    /// One Adam step on the gradient of this example alone, guarded as a training step is:
    /// nothing changes unless the objective and its gradient are finite.
    fn step_on_example(&mut self, x: &Tensor, label: u32, seed: u64, beta: f64) -> Result<ExampleStep> {
        let y = Tensor::from_vec(vec![label], 1, &Device::Cpu)?;
        let eps = example_noise(seed, self.net.latent)?;
        let objective = |net: &Vae| -> Result<f64> { Ok(net.loss_terms(x, &y, &eps)?.objective(beta)?.to_scalar::<f32>()? as f64) };
        let before = objective(&self.net)?;
        let found = objective_gradient(&self.net, x, &y, &eps, beta, || {})?;
        let Some(grads) = found.grads.as_ref() else { invalid!("the objective is not finite for this image: no step was taken") };
        if self.optimizer.step_mean(&[(grads, 1.0)])?.is_err() {
            invalid!("the step's gradient is not finite: no step was taken");
        }
        Ok(ExampleStep::before_after("loss", before, objective(&self.net)?))
    }

    fn mark_safe(&mut self) -> Result<()> {
        self.safe = self.optimizer.snapshot()?;
        Ok(())
    }

    fn roll_back(&mut self) -> Result<()> {
        self.optimizer.restore(&self.safe)?;
        self.recon_average = None;
        Ok(())
    }

    fn set_learning_rate(&mut self, lr: f64) {
        self.optimizer.params.lr = lr;
    }

    fn state(&self) -> Result<FamilyState> {
        let names: Vec<String> = self.net.named_vars().into_iter().map(|(n, _)| n).collect();
        let (m, v) = self.optimizer.moments()?;
        let by_name = |xs: Vec<Tensor>| names.iter().cloned().zip(xs).collect();
        Ok(FamilyState { adam_steps: self.optimizer.steps_taken(), m: by_name(m), v: by_name(v), recon_average: self.recon_average })
    }

    fn set_state(&mut self, state: Option<FamilyState>) -> Result<()> {
        let mut optimizer = new_optimizer(&self.net, self.optimizer.params.lr)?;
        match state {
            Some(mut s) => {
                let names: Vec<String> = self.net.named_vars().into_iter().map(|(n, _)| n).collect();
                let take = |xs: &mut std::collections::HashMap<String, Tensor>| -> Vec<Tensor> { names.iter().filter_map(|n| xs.remove(n)).collect() };
                let (m, v) = (take(&mut s.m), take(&mut s.v));
                optimizer.set_moments(m, v, s.adam_steps)?;
                self.recon_average = s.recon_average;
            }
            None => self.recon_average = None,
        }
        self.optimizer = optimizer;
        self.mark_safe()
    }
}

/// The network as the views see it.
impl Model for Vae {
    fn kind(&self) -> ModelKind {
        self.kind
    }

    fn pixels(&self) -> usize {
        self.pixels
    }

    fn latent(&self) -> usize {
        self.latent
    }

    fn classes(&self) -> usize {
        self.classes
    }

    fn condition(&self, labels: &[u32]) -> Result<Option<Tensor>> {
        Ok(Vae::condition(self, labels)?)
    }

    fn decode(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        Ok(Vae::decode(self, z, condition)?)
    }

    fn class_means(&self) -> Option<&Var> {
        Vae::class_means(self)
    }

    fn named_tensors(&self) -> Vec<(String, Tensor)> {
        Vae::named_tensors(self)
    }

    fn autoencoder(&self) -> Option<&Vae> {
        Some(self)
    }

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The VAE family's entry in the registry.
pub const FAMILY: FamilyDef = FamilyDef {
    parameter_shapes: crate::models::network::parameter_shapes,
    fresh: |config, train, classes, rng| {
        let mut net = Vae::new(config, train.pixels(), classes, rng)?;
        if config.model.is_solved() {
            // PCA is solved here, once; it still draws its (unused) initial weights above so
            // that the training stream's position is the same for every kind.
            net = Vae::from_tensors(config, train.pixels(), classes, crate::models::pca::fit(train, config.latent)?.tensors()?)?;
        }
        Ok(Box::new(VaeFamily::new(net, config.learning_rate)?))
    },
    trained: |config, pixels, classes, tensors| Ok(Box::new(VaeFamily::new(Vae::from_tensors(config, pixels, classes, tensors)?, config.learning_rate)?)),
    model: |config, pixels, classes, tensors| Ok(Box::new(Vae::from_tensors(config, pixels, classes, tensors)?)),
};

//! The GAN family the training loop drives: D's steps then G's, each network's Adam, G's weight
//! average, instance noise, the safe point for rollback, and when D has won.
use std::collections::HashMap;

use candle_core::{Tensor, Var};

use crate::config::{Config, GanLoss};
use crate::error::{invalid, Result};
use crate::models::family::{ExampleStep, Family, FamilyState, StepInput, StepOutcome, Terms};
use crate::models::model::{example_noise, Model};
use crate::optim::{Adam, AdamParams, Snapshot};
use crate::rng::Rng;
use super::layers::*;
use super::network::*;
use super::objective::*;

/// Instance noise fades linearly from `instanceNoise` to 0 over this many generator steps.
pub const NOISE_FADE_STEPS: u64 = 5_000;
/// D has won when the loss it minimises has stayed within this many nats of its floor (0, or the
/// smoothed target's own entropy) for [`PINNED_STEPS`] steps in a row: it tells every real image
/// from every fake with certainty, and G's gradient through it has nothing left to say.
pub const PINNED_MARGIN: f64 = 0.01;
pub const PINNED_STEPS: u64 = 500;

/// The networks, their two optimisers and safe points, the training settings, and how many steps
/// in a row D's loss has been pinned at its floor.
pub struct GanFamily {
    net: Gan,
    g_opt: Adam,
    d_opt: Adam,
    /// Both Adams' and G's average's state at the last safe point, and D's power-iteration vectors.
    safe: (Snapshot, Snapshot, Vec<Tensor>, Vec<Tensor>),
    d_steps: usize,
    /// G's average's decay (0: none) and D's rate over G's.
    ema: f64,
    d_lr_scale: f64,
    loss: GanLoss,
    target: f64,
    noise: f64,
    dropout: f64,
    /// Each image D reads moved by up to this many pixels each way (0: off).
    translation: usize,
    pinned: u64,
}

impl GanFamily {
    pub fn new(net: Gan, cfg: &Config) -> Result<Self> {
        let adam = |vars: &[(String, Var)], lr: f64| Adam::new(vars.iter().map(|(_, v)| v.clone()).collect(), AdamParams { beta1: cfg.beta1, ..AdamParams::new(lr) });
        let (g_opt, d_opt) = (adam(&net.g_vars, cfg.learning_rate)?, adam(&net.d_vars, cfg.learning_rate * cfg.d_lr_scale)?);
        let safe = (g_opt.snapshot()?, d_opt.snapshot()?, net.average_values()?, net.spectral_values()?);
        Ok(Self {
            net,
            g_opt,
            d_opt,
            safe,
            d_steps: cfg.d_steps,
            ema: cfg.ema,
            d_lr_scale: cfg.d_lr_scale,
            loss: cfg.gan_loss,
            target: cfg.label_smoothing,
            noise: cfg.instance_noise,
            dropout: cfg.dropout,
            translation: cfg.translation,
            pinned: 0,
        })
    }

    /// The networks.
    pub fn gan(&self) -> &Gan {
        &self.net
    }

    /// σ of the instance noise at the current generator step.
    fn noise_now(&self) -> f64 {
        self.noise * (1.0 - self.g_opt.steps_taken() as f64 / NOISE_FADE_STEPS as f64).max(0.0)
    }

    /// One D step on images given as D reads them (the 1-D toy's way in, and the training step's):
    /// ascends V with the real target, dropout as set. Returns D's objective before the step, or
    /// `None` where the loss or its gradient is not finite (nothing changed).
    pub fn discriminator_step(&mut self, real: &Tensor, real_condition: Option<&Tensor>, fake: &Tensor, fake_condition: Option<&Tensor>, rng: &mut Rng) -> Result<Option<Objective>> {
        let p = self.dropout;
        // With spectral normalisation: u one power-iteration step nearer W's top singular vector.
        self.net.power_step()?;
        let real_logits = self.net.discriminator_logits(real, real_condition, Some((p, &mut *rng)))?;
        let fake_logits = self.net.discriminator_logits(&fake.detach(), fake_condition, Some((p, &mut *rng)))?;
        let objective = discriminator_objective_for(&real_logits, &fake_logits, self.target, self.loss)?;
        if !objective.d_value.is_finite() || !(objective.d_loss.to_scalar::<f32>()?).is_finite() {
            return Ok(None);
        }
        let grads = objective.d_loss.backward()?;
        Ok(self.d_opt.step(&grads)?.ok().map(|_| objective))
    }

    /// `x` (images as D reads them, `height`×`width`) with each row moved by its own shift drawn
    /// uniformly from −t..=t each way, t the `translation` setting (unchanged at t = 0).
    fn shifted(&self, x: &Tensor, height: usize, width: usize, rng: &mut Rng) -> Result<Tensor> {
        let t = self.translation;
        if t == 0 {
            return Ok(x.clone());
        }
        let span = 2 * t + 1;
        let shifts: Vec<(i64, i64)> = (0..x.dim(0)?).map(|_| (rng.below(span) as i64 - t as i64, rng.below(span) as i64 - t as i64)).collect();
        Ok(translate(x, height, width, &shifts, self.net.background())?)
    }

    /// `x` with N(0, σ²) noise added, σ the fading instance noise (unchanged at σ = 0).
    fn noisy(&self, x: &Tensor, rng: &mut Rng) -> Result<Tensor> {
        let sigma = self.noise_now();
        if sigma == 0.0 {
            return Ok(x.clone());
        }
        let (rows, cols) = x.dims2()?;
        Ok((x + (rng.normal_tensor(rows, cols)? * sigma)?)?)
    }
}

impl Family for GanFamily {
    fn model(&self) -> &dyn Model {
        &self.net
    }

    /// `dSteps` D steps, then one G step on the last D step's z (as PyTorch's DCGAN example does:
    /// G's images are made once, D reads them detached, G back-propagates through the updated D).
    /// The first D step reads the loop's batch; further ones rows drawn uniformly from the stream.
    /// Refused (the loop rolls both networks back) when a loss or gradient is not finite; an error
    /// that says D has won once D's loss has sat at its floor for [`PINNED_STEPS`] steps.
    /// (Threads and the step profile are the VAE family's; Candle's products use the cores here.)
    fn step(&mut self, input: StepInput<'_>, rng: &mut Rng) -> Result<StepOutcome> {
        if self.pinned >= PINNED_STEPS {
            invalid!(
                "D has won: its loss has sat within {PINNED_MARGIN} of its floor for {} steps in a row, telling every real image from every generated one, \
                 so G's gradient through it says nothing. Training is paused; change the learning rate to go on, or start again with the default recipe \
                 (tanh output, LeakyReLU in G, dropout in D, label smoothing 0.9) or with instance noise",
                self.pinned
            );
        }
        let StepInput { data, indices, .. } = input;
        let rows = indices.len();
        let (x, y) = crate::data::batch::batch_tensors(data, indices)?;
        let labels: Vec<u32> = y.to_vec1()?;
        let condition = self.net.condition(&labels)?;
        let z = rng.normal_tensor(rows, self.net.latent)?;
        let fake = self.net.fake_for_d(&self.net.generator_logits(&z, condition.as_ref())?)?;
        let mut last = None;
        for k in 0..self.d_steps {
            let (real, real_condition) = if k == 0 {
                (x.clone(), condition.clone())
            } else {
                let more: Vec<usize> = (0..rows).map(|_| rng.below(data.len())).collect();
                let (x, y) = crate::data::batch::batch_tensors(data, &more)?;
                (x, self.net.condition(&y.to_vec1::<u32>()?)?)
            };
            let real = self.noisy(&self.shifted(&self.net.real_for_d(&real)?, data.rows, data.cols, rng)?, rng)?;
            let fake_in = self.noisy(&self.shifted(&fake.detach(), data.rows, data.cols, rng)?, rng)?;
            match self.discriminator_step(&real, real_condition.as_ref(), &fake_in, condition.as_ref(), rng)? {
                Some(o) => last = Some(o),
                None => return Ok(StepOutcome::Refused),
            }
        }
        let d = last.expect("at least one D step");
        let fake_in = self.noisy(&self.shifted(&fake, data.rows, data.cols, rng)?, rng)?;
        let p = self.dropout;
        let fake_logits = self.net.discriminator_logits(&fake_in, condition.as_ref(), Some((p, rng)))?;
        let g_loss_t = generator_objective(&fake_logits, self.loss)?;
        let g_loss = g_loss_t.to_scalar::<f32>()? as f64;
        if !g_loss.is_finite() {
            return Ok(StepOutcome::Refused);
        }
        let grads = g_loss_t.backward()?;
        let Ok(g_norm) = self.g_opt.step(&grads)? else { return Ok(StepOutcome::Refused) };
        self.net.update_average(self.ema)?;
        let d_loss = d.d_loss.to_scalar::<f32>()? as f64;
        let floor = if self.loss == GanLoss::Hinge { 0.0 } else { loss_floor(self.target) };
        self.pinned = if d_loss - floor < PINNED_MARGIN { self.pinned + 1 } else { 0 };
        Ok(StepOutcome::Taken(Terms(vec![
            ("dLoss", d.d_value),
            ("gLoss", g_loss),
            ("dReal", d.d_real),
            ("dFake", d.d_fake),
            ("jsd", jensen_shannon(d.d_value)),
            ("gGradNorm", g_norm),
        ])))
    }

    /// The walkthrough's step on one real image `x` and one z drawn from `seed`: D's step on the
    /// pair (`dSteps` of them, as training takes), then one G step on that z, each as training takes it (dropout, smoothing and
    /// instance noise as set, drawn from a stream of `seed`'s own). D's verdict is read before,
    /// after D's step and after G's (without dropout or noise); G(z) before and after. If either
    /// part's loss or gradient is not finite, both networks are put back and nothing changed.
    fn step_on_example(&mut self, x: &Tensor, label: u32, seed: u64, _beta: f64) -> Result<ExampleStep> {
        let z = example_noise(seed, self.net.latent)?;
        let condition = self.net.condition(&[label])?;
        let condition = condition.as_ref();
        let loss = self.loss;
        let verdict = |net: &Gan| -> Result<Terms> { Ok(net.verdict(x, &z, condition, loss)?.terms()) };
        let image = |net: &Gan| -> Result<Vec<f32>> { Ok(net.generated(&z, condition)?.flatten_all()?.to_vec1::<f32>()?) };
        let (before, image_before) = (verdict(&self.net)?, image(&self.net)?);
        let undo = (self.g_opt.snapshot()?, self.d_opt.snapshot()?, self.net.average_values()?);
        let mut rng = Rng::new(seed ^ 0x5EED_D15C);
        let fake = self.net.fake_for_d(&self.net.generator_logits(&z, condition)?)?;
        let mut taken = true;
        for _ in 0..self.d_steps {
            let real_in = self.noisy(&self.net.real_for_d(x)?, &mut rng)?;
            let fake_in = self.noisy(&fake.detach(), &mut rng)?;
            taken = taken && self.discriminator_step(&real_in, condition, &fake_in, condition, &mut rng)?.is_some();
        }
        let after_d = verdict(&self.net)?;
        // G's step back-propagates through the image made before D's step (D's step leaves G as it
        // was), as the training step does.
        let g_taken = taken && {
            let fake_in = self.noisy(&fake, &mut rng)?;
            let logits = self.net.discriminator_logits(&fake_in, condition, Some((self.dropout, &mut rng)))?;
            let g_loss = generator_objective(&logits, self.loss)?;
            g_loss.to_scalar::<f32>()?.is_finite() && self.g_opt.step(&g_loss.backward()?)?.is_ok()
        };
        if !g_taken {
            self.g_opt.restore(&undo.0)?;
            self.d_opt.restore(&undo.1)?;
            self.net.set_average_values(&undo.2)?;
            invalid!("{} loss or gradient is not finite for this image: no step was taken", if taken { "G's" } else { "D's" });
        }
        self.net.update_average(self.ema)?;
        Ok(ExampleStep {
            moments: vec![("before", before), ("afterD", after_d), ("afterG", verdict(&self.net)?)],
            images: vec![("before", image_before), ("after", image(&self.net)?)],
        })
    }

    fn mark_safe(&mut self) -> Result<()> {
        self.safe = (self.g_opt.snapshot()?, self.d_opt.snapshot()?, self.net.average_values()?, self.net.spectral_values()?);
        Ok(())
    }

    fn roll_back(&mut self) -> Result<()> {
        self.g_opt.restore(&self.safe.0)?;
        self.d_opt.restore(&self.safe.1)?;
        self.net.set_average_values(&self.safe.2)?;
        self.net.set_spectral_values(&self.safe.3)?;
        self.pinned = 0;
        Ok(())
    }

    /// G's rate, and D's that times `dLrScale`. A change also lifts the pause after D has won.
    fn set_learning_rate(&mut self, lr: f64) {
        self.g_opt.params.lr = lr;
        self.d_opt.params.lr = lr * self.d_lr_scale;
        self.pinned = 0;
    }

    /// Both Adams' moments by parameter name (the names say whose). The step count saved is G's:
    /// D's is always `dSteps` times it, since a family step takes both or (rolled back) neither.
    /// The pinned-loss count is not saved: a resumed run counts afresh. G's average and D's
    /// power-iteration vectors have no optimiser; a checkpoint holds a moment pair for every
    /// tensor, so theirs are zeros (read back and dropped).
    fn state(&self) -> Result<FamilyState> {
        let (mut m, mut v) = (HashMap::new(), HashMap::new());
        for (opt, vars) in [(&self.g_opt, &self.net.g_vars), (&self.d_opt, &self.net.d_vars)] {
            let (ms, vs) = opt.moments()?;
            for (((name, _), a), b) in vars.iter().zip(ms).zip(vs) {
                m.insert(name.clone(), a);
                v.insert(name.clone(), b);
            }
        }
        for (name, var) in self.net.avg_vars.iter().chain(&self.net.sn_vars) {
            m.insert(name.clone(), var.as_tensor().zeros_like()?);
            v.insert(name.clone(), var.as_tensor().zeros_like()?);
        }
        Ok(FamilyState { adam_steps: self.g_opt.steps_taken(), m, v, recon_average: None })
    }

    fn set_state(&mut self, state: Option<FamilyState>) -> Result<()> {
        let lr = self.g_opt.params.lr;
        let params = AdamParams { lr, ..self.g_opt.params.clone() };
        let mut g_opt = Adam::new(self.net.g_vars.iter().map(|(_, v)| v.clone()).collect(), params.clone())?;
        let mut d_opt = Adam::new(self.net.d_vars.iter().map(|(_, v)| v.clone()).collect(), AdamParams { lr: lr * self.d_lr_scale, ..params })?;
        if let Some(mut s) = state {
            let mut take = |vars: &[(String, Var)]| -> Result<(Vec<Tensor>, Vec<Tensor>)> {
                let get = |xs: &mut HashMap<String, Tensor>, n: &str| xs.remove(n).ok_or_else(|| format!("checkpoint: the optimiser moment of {n} is missing"));
                let mut ms = Vec::new();
                let mut vs = Vec::new();
                for (n, _) in vars {
                    ms.push(get(&mut s.m, n)?);
                    vs.push(get(&mut s.v, n)?);
                }
                Ok((ms, vs))
            };
            let (gm, gv) = take(&self.net.g_vars)?;
            let (dm, dv) = take(&self.net.d_vars)?;
            g_opt.set_moments(gm, gv, s.adam_steps)?;
            d_opt.set_moments(dm, dv, s.adam_steps * self.d_steps as u64)?;
        }
        self.g_opt = g_opt;
        self.d_opt = d_opt;
        self.pinned = 0;
        self.mark_safe()
    }
}

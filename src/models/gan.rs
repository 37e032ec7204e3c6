//! The GAN family (issue 26): a generator G with the VAE decoder's layers (z, and for the
//! conditional GAN the label's one-hot → `layers` hidden layers of `hidden` → one value per pixel)
//! against a discriminator D that mirrors the encoder (pixels (+ one-hot) → hidden layers → one
//! logit, LeakyReLU 0.2, dropout while training). z ~ N(0, I). Each network has its own Adam.
//!
//! The objective is the texts': V(G, D) = E log D(x) + E log(1 − D(G(z))). D ascends it (`dSteps`
//! steps per G step, real targets optionally smoothed to `labelSmoothing`); G descends either the
//! saturating log(1 − D(G(z))) or the non-saturating −log D(G(z)).
//!
//! Gradients come from Candle's autograd, not by hand as the VAE's: a GAN step is two networks'
//! forward and backward passes that feed each other (G's gradient flows through D), and the hand
//! gradient of `gradient.rs` was written to save the VAE's allocations on its one network. The
//! issue allows either; autograd is the one that needs no second check against itself.
//!
//! The recipe (what the defaults are and why): with G's output a sigmoid, ReLU in G, no dropout
//! and no smoothing (the VAE decoder's shape and the textbook recipe), D wins within about 1,000
//! steps and G's sigmoid saturates to black images (the PyTorch run; reproduced here, see
//! the closing report). A tanh output (D reading images as 2x − 1), LeakyReLU in G, dropout 0.3 in
//! D and one-sided smoothing 0.9 train; those are the defaults, the others stay selectable.

use std::collections::HashMap;

use candle_core::{DType, Device, Module, Tensor, Var};
use candle_nn::Linear;

use crate::config::{Config, GanActivation, GanLoss, GanOutput};
use crate::error::{invalid, Result};
use crate::kinds::ModelKind;
use crate::models::family::{ExampleStep, Family, FamilyDef, FamilyState, StepInput, StepOutcome, Terms};
use crate::models::model::Model;
use crate::optim::{Adam, AdamParams, Snapshot};
use crate::rng::Rng;

/// Instance noise fades linearly from `instanceNoise` to 0 over this many generator steps.
pub const NOISE_FADE_STEPS: u64 = 5_000;
/// D has won when the loss it minimises has stayed within this many nats of its floor (0, or the
/// smoothed target's own entropy) for [`PINNED_STEPS`] steps in a row: it tells every real image
/// from every fake with certainty, and G's gradient through it has nothing left to say.
pub const PINNED_MARGIN: f64 = 0.01;
pub const PINNED_STEPS: u64 = 500;
/// LeakyReLU's slope below 0 (D always; G with `ganActivation = leakyRelu`).
pub const LEAK: f64 = 0.2;

const GENERATOR: &str = "generator";
const DISCRIMINATOR: &str = "discriminator";
/// The average of G's weights that samples come from when `ema` is on: G's own names under it.
const AVERAGE: &str = "generator_ema";

/// The `i`-th hidden layer (from 0) of `side`, named as the VAE's are (`hidden`, `hidden2`, …).
fn hidden_name(side: &str, i: usize) -> String {
    if i == 0 { format!("{side}.hidden") } else { format!("{side}.hidden{}", i + 1) }
}

/// The linear layers by name with (fan_in, fan_out): G's input side first, then D's (whose output
/// layer reads one more feature with `minibatchStd`), then G's average where `ema` is on.
fn layers(cfg: &Config, pixels: usize, classes: usize) -> Vec<(String, usize, usize)> {
    let label = if cfg.model.takes_label() { classes } else { 0 };
    let (hidden, depth) = (cfg.hidden, cfg.layers);
    let mut sides = vec![(GENERATOR, cfg.latent + label, pixels, 0), (DISCRIMINATOR, pixels + label, 1, cfg.minibatch_std)];
    if cfg.ema > 0.0 {
        sides.push((AVERAGE, cfg.latent + label, pixels, 0));
    }
    let mut out = Vec::new();
    for (side, input, output, extra) in sides {
        for i in 0..depth {
            out.push((hidden_name(side, i), if i == 0 { input } else { hidden }, hidden));
        }
        out.push((format!("{side}.out"), hidden + extra, output));
    }
    out
}

/// Every tensor's name and shape: `generator.*` and `discriminator.*`, weights and biases.
pub fn parameter_shapes(cfg: &Config, pixels: usize, classes: usize) -> Vec<(String, Vec<usize>)> {
    let mut out = Vec::new();
    for (name, fan_in, fan_out) in layers(cfg, pixels, classes) {
        out.push((format!("{name}.weight"), vec![fan_out, fan_in]));
        out.push((format!("{name}.bias"), vec![fan_out]));
    }
    out
}

/// An MLP: hidden layers, each followed by its activation, then a linear output.
struct Mlp {
    hidden: Vec<Linear>,
    out: Linear,
    /// LeakyReLU's slope, or `None` for ReLU.
    leak: Option<f64>,
    /// The output layer also reads the batch's minibatch standard deviation (D with `minibatchStd`).
    batch_std: bool,
}

impl Mlp {
    /// The output layer's input (the last hidden activation); `drop` masks each hidden layer.
    fn forward(&self, x: &Tensor, mut drop: Option<(f64, &mut Rng)>) -> candle_core::Result<Tensor> {
        let mut h = x.clone();
        for layer in &self.hidden {
            let a = layer.forward(&h)?;
            h = match self.leak {
                Some(slope) => a.maximum(&(&a * slope)?)?,
                None => a.relu()?,
            };
            if let Some((p, rng)) = drop.as_mut() {
                h = dropout(&h, *p, rng)?;
            }
        }
        if self.batch_std {
            h = Tensor::cat(&[&h, &minibatch_std(&h)?], 1)?;
        }
        self.out.forward(&h)
    }
}

/// The batch's spread as one more column: each feature's standard deviation over the rows
/// (√(variance + 10⁻⁸)), averaged over the features, the same in every row (Karras et al. 2018).
pub fn minibatch_std(h: &Tensor) -> candle_core::Result<Tensor> {
    let rows = h.dim(0)?;
    let centred = h.broadcast_sub(&h.mean_keepdim(0)?)?;
    let std = (centred.sqr()?.mean_keepdim(0)? + 1e-8)?.sqrt()?;
    std.mean_all()?.reshape((1, 1))?.broadcast_as((rows, 1))?.contiguous()
}

/// Inverted dropout from the training stream: each element zeroed with probability p, the rest
/// scaled by 1/(1 − p). (Candle's own draws from a generator the seed does not fix.)
fn dropout(x: &Tensor, p: f64, rng: &mut Rng) -> candle_core::Result<Tensor> {
    if p == 0.0 {
        return Ok(x.clone());
    }
    let keep = (1.0 / (1.0 - p)) as f32;
    let mask: Vec<f32> = (0..x.elem_count()).map(|_| if rng.uniform() < p { 0.0 } else { keep }).collect();
    x.mul(&Tensor::from_vec(mask, x.shape(), x.device())?)
}

/// log(1 + eˣ) without overflow: max(x, 0) + log(1 + e^(−|x|)).
fn softplus(x: &Tensor) -> candle_core::Result<Tensor> {
    x.relu()? + (x.abs()?.neg()?.exp()? + 1.0)?.log()?
}

/// The two networks: what the views see of a GAN (G decodes z) and what the family trains.
pub struct Gan {
    pub kind: ModelKind,
    pub pixels: usize,
    pub latent: usize,
    pub hidden: usize,
    pub classes: usize,
    output: GanOutput,
    generator: Mlp,
    discriminator: Mlp,
    /// G with the averaged weights, which decodes (samples) where `ema` is on.
    average: Option<Mlp>,
    /// Every variable by name, sorted: G's and D's apart, each in the order its Adam holds them;
    /// the average's in G's order.
    g_vars: Vec<(String, Var)>,
    d_vars: Vec<(String, Var)>,
    avg_vars: Vec<(String, Var)>,
}

impl Gan {
    /// Fresh weights, U(±1/√fan_in) as PyTorch's `Linear` and the VAE's; G's average starts as G.
    pub fn new(cfg: &Config, pixels: usize, classes: usize, rng: &mut Rng) -> Result<Self> {
        let mut tensors = HashMap::new();
        for (name, fan_in, fan_out) in layers(cfg, pixels, classes) {
            if name.starts_with(AVERAGE) {
                continue;
            }
            let bound = 1.0 / (fan_in as f64).sqrt();
            for (suffix, shape) in [("weight", vec![fan_out, fan_in]), ("bias", vec![fan_out])] {
                let n: usize = shape.iter().product();
                let values: Vec<f32> = (0..n).map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32).collect();
                tensors.insert(format!("{name}.{suffix}"), Tensor::from_vec(values, shape, &Device::Cpu)?);
            }
        }
        if cfg.ema > 0.0 {
            let mut copies = Vec::new();
            for (name, t) in &tensors {
                if let Some(rest) = name.strip_prefix(&format!("{GENERATOR}.")) {
                    copies.push((format!("{AVERAGE}.{rest}"), t.copy()?));
                }
            }
            tensors.extend(copies);
        }
        Self::from_tensors(cfg, pixels, classes, tensors)
    }

    /// The networks from named tensors laid out as [`parameter_shapes`] says (callers check).
    pub fn from_tensors(cfg: &Config, pixels: usize, classes: usize, mut tensors: HashMap<String, Tensor>) -> Result<Self> {
        if !cfg.model.is_adversarial() {
            invalid!("a {} is not a GAN", cfg.model.facts().name);
        }
        let mut vars: HashMap<&str, Vec<(String, Var)>> = HashMap::new();
        let mut take = |name: &str, side: &'static str| -> Result<Tensor> {
            let t = tensors.remove(name).ok_or_else(|| format!("missing tensor {name}"))?;
            let var = Var::from_tensor(&t.to_dtype(DType::F32)?)?;
            vars.entry(side).or_default().push((name.to_string(), var.clone()));
            Ok(var.as_tensor().clone())
        };
        let mut mlp = |side: &'static str, leak: Option<f64>, batch_std: bool| -> Result<Mlp> {
            let mut linear = |name: String| -> Result<Linear> {
                let w = take(&format!("{name}.weight"), side)?;
                Ok(Linear::new(w, Some(take(&format!("{name}.bias"), side)?)))
            };
            let hidden = (0..cfg.layers).map(|i| linear(hidden_name(side, i))).collect::<Result<_>>()?;
            Ok(Mlp { hidden, out: linear(format!("{side}.out"))?, leak, batch_std })
        };
        let g_leak = match cfg.gan_activation {
            GanActivation::LeakyRelu => Some(LEAK),
            GanActivation::Relu => None,
        };
        let generator = mlp(GENERATOR, g_leak, false)?;
        let discriminator = mlp(DISCRIMINATOR, Some(LEAK), cfg.minibatch_std == 1)?;
        let average = if cfg.ema > 0.0 { Some(mlp(AVERAGE, g_leak, false)?) } else { None };
        let mut sorted = |side: &str| {
            let mut list = vars.remove(side).unwrap_or_default();
            list.sort_by(|a, b| a.0.cmp(&b.0));
            list
        };
        let (g_vars, d_vars, avg_vars) = (sorted(GENERATOR), sorted(DISCRIMINATOR), sorted(AVERAGE));
        Ok(Self {
            kind: cfg.model,
            pixels,
            latent: cfg.latent,
            hidden: cfg.hidden,
            classes,
            output: cfg.gan_output,
            generator,
            discriminator,
            average,
            g_vars,
            d_vars,
            avg_vars,
        })
    }

    /// `input` with the condition appended where the kind takes one.
    fn with_condition(&self, input: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        match (self.kind.takes_label(), condition) {
            (false, _) => Ok(input.clone()),
            (true, Some(c)) => Ok(crate::models::label_input::append(input, c)?),
            (true, None) => invalid!("the conditional GAN needs a class: G and D take the label"),
        }
    }

    /// G's output before its squashing, (rows, pixels).
    pub fn generator_logits(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        Ok(self.generator.forward(&self.with_condition(z, condition)?, None)?)
    }

    /// G's image as D reads it: tanh (images in [−1, 1]) or sigmoid (in [0, 1]).
    fn fake_for_d(&self, logits: &Tensor) -> Result<Tensor> {
        Ok(match self.output {
            GanOutput::Tanh => logits.tanh()?,
            GanOutput::Sigmoid => candle_nn::ops::sigmoid(logits)?,
        })
    }

    /// Real images (in [0, 1]) as D reads them: the same range as G's output.
    pub fn real_for_d(&self, x: &Tensor) -> Result<Tensor> {
        Ok(match self.output {
            GanOutput::Tanh => ((x * 2.0)? - 1.0)?,
            GanOutput::Sigmoid => x.clone(),
        })
    }

    /// D's logit for each row of `x` given as D reads images ([`Gan::real_for_d`]), (rows,);
    /// `drop` applies dropout as in training.
    pub fn discriminator_logits(&self, x: &Tensor, condition: Option<&Tensor>, drop: Option<(f64, &mut Rng)>) -> Result<Tensor> {
        Ok(self.discriminator.forward(&self.with_condition(x, condition)?, drop)?.squeeze(1)?)
    }

    fn named_vars(&self) -> impl Iterator<Item = &(String, Var)> {
        self.d_vars.iter().chain(&self.g_vars).chain(&self.avg_vars)
    }

    /// avg ← decay·avg + (1 − decay)·w for each of G's weights (nothing without an average).
    fn update_average(&self, decay: f64) -> Result<()> {
        for ((_, avg), (_, w)) in self.avg_vars.iter().zip(&self.g_vars) {
            avg.set(&((avg.as_tensor() * decay)? + (w.as_tensor() * (1.0 - decay))?)?)?;
        }
        Ok(())
    }

    /// The average's weights, copied (a safe point's).
    fn average_values(&self) -> Result<Vec<Tensor>> {
        Ok(self.avg_vars.iter().map(|(_, v)| v.as_tensor().copy()).collect::<candle_core::Result<_>>()?)
    }

    fn set_average_values(&self, values: &[Tensor]) -> Result<()> {
        for ((_, v), t) in self.avg_vars.iter().zip(values) {
            v.set(t)?;
        }
        Ok(())
    }
}

impl Model for Gan {
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
        if self.kind.takes_label() {
            Ok(Some(crate::models::label_input::one_hot(labels, self.classes)?))
        } else {
            Ok(None)
        }
    }

    /// G(z) in [0, 1]: (tanh + 1)/2 for a tanh output, the sigmoid itself otherwise; from G's
    /// averaged weights where `ema` is on.
    fn decode(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        let g = self.average.as_ref().unwrap_or(&self.generator);
        let out = self.fake_for_d(&g.forward(&self.with_condition(z, condition)?, None)?)?;
        Ok(match self.output {
            GanOutput::Tanh => ((out + 1.0)? * 0.5)?,
            GanOutput::Sigmoid => out,
        })
    }

    fn class_means(&self) -> Option<&Var> {
        None
    }

    fn named_tensors(&self) -> Vec<(String, Tensor)> {
        let mut out: Vec<(String, Tensor)> = self.named_vars().map(|(n, v)| (n.clone(), v.as_tensor().clone())).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn autoencoder(&self) -> Option<&crate::models::network::Vae> {
        None
    }
}

/// A step's figures from D's logits on real and generated images: the loss D minimises (with its
/// real target `target`, 1 without smoothing), the texts' −V(G, D) (target 1 always), G's loss,
/// and the means of D(x) and D(G(z)).
pub struct Objective {
    /// mean[softplus(l_real) − t·l_real] + mean[softplus(l_fake)]: the cross-entropy D minimises.
    pub d_loss: Tensor,
    /// −V(G, D) = −(E log D(x) + E log(1 − D(G(z)))).
    pub d_value: f64,
    pub d_real: f64,
    pub d_fake: f64,
}

/// D's side of the objective; `target` is the real images' label (one-sided smoothing).
pub fn discriminator_objective(real_logits: &Tensor, fake_logits: &Tensor, target: f64) -> Result<Objective> {
    // BCE(l, t) = −t log σ(l) − (1 − t) log(1 − σ(l)) = softplus(l) − t·l.
    let real = (softplus(real_logits)? - (real_logits * target)?)?.mean_all()?;
    let fake = softplus(fake_logits)?.mean_all()?;
    let d_loss = (real + &fake)?;
    // −log σ(l) = softplus(−l).
    let d_value = (softplus(&real_logits.neg()?)?.mean_all()? + fake)?.to_scalar::<f32>()? as f64;
    let mean_sigmoid = |l: &Tensor| -> Result<f64> { Ok(candle_nn::ops::sigmoid(l)?.mean_all()?.to_scalar::<f32>()? as f64) };
    Ok(Objective { d_loss, d_value, d_real: mean_sigmoid(real_logits)?, d_fake: mean_sigmoid(fake_logits)? })
}

/// G's loss from D's logits on its images: −mean log D(G(z)) (non-saturating) or
/// mean log(1 − D(G(z))) = −mean softplus(l) (saturating).
pub fn generator_objective(fake_logits: &Tensor, loss: GanLoss) -> Result<Tensor> {
    Ok(match loss {
        GanLoss::NonSaturating => softplus(&fake_logits.neg()?)?.mean_all()?,
        GanLoss::Saturating => softplus(fake_logits)?.mean_all()?.neg()?,
    })
}

/// The Jensen–Shannon divergence D's loss implies: (log 4 − (−V)) / 2, exact at D's optimum and a
/// lower bound on JSD(p_data ‖ p_G) otherwise.
pub fn jensen_shannon(d_value: f64) -> f64 {
    (4f64.ln() - d_value) / 2.0
}

/// The lowest loss D can reach with real target t: the target's own binary entropy (0 at t = 1).
fn loss_floor(t: f64) -> f64 {
    if t >= 1.0 { 0.0 } else { -(t * t.ln() + (1.0 - t) * (1.0 - t).ln()) }
}

/// The networks, their two optimisers and safe points, the training settings, and how many steps
/// in a row D's loss has been pinned at its floor.
pub struct GanFamily {
    net: Gan,
    g_opt: Adam,
    d_opt: Adam,
    /// Both Adams' and G's average's state at the last safe point.
    safe: (Snapshot, Snapshot, Vec<Tensor>),
    d_steps: usize,
    /// G's average's decay (0: none) and D's rate over G's.
    ema: f64,
    d_lr_scale: f64,
    loss: GanLoss,
    target: f64,
    noise: f64,
    dropout: f64,
    pinned: u64,
}

impl GanFamily {
    pub fn new(net: Gan, cfg: &Config) -> Result<Self> {
        let adam = |vars: &[(String, Var)], lr: f64| Adam::new(vars.iter().map(|(_, v)| v.clone()).collect(), AdamParams { beta1: cfg.beta1, ..AdamParams::new(lr) });
        let (g_opt, d_opt) = (adam(&net.g_vars, cfg.learning_rate)?, adam(&net.d_vars, cfg.learning_rate * cfg.d_lr_scale)?);
        let safe = (g_opt.snapshot()?, d_opt.snapshot()?, net.average_values()?);
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
        let real_logits = self.net.discriminator_logits(real, real_condition, Some((p, &mut *rng)))?;
        let fake_logits = self.net.discriminator_logits(&fake.detach(), fake_condition, Some((p, &mut *rng)))?;
        let objective = discriminator_objective(&real_logits, &fake_logits, self.target)?;
        if !objective.d_value.is_finite() || !(objective.d_loss.to_scalar::<f32>()?).is_finite() {
            return Ok(None);
        }
        let grads = objective.d_loss.backward()?;
        Ok(self.d_opt.step(&grads)?.ok().map(|_| objective))
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
            let real = self.noisy(&self.net.real_for_d(&real)?, rng)?;
            let fake_in = self.noisy(&fake.detach(), rng)?;
            match self.discriminator_step(&real, real_condition.as_ref(), &fake_in, condition.as_ref(), rng)? {
                Some(o) => last = Some(o),
                None => return Ok(StepOutcome::Refused),
            }
        }
        let d = last.expect("at least one D step");
        let fake_in = self.noisy(&fake, rng)?;
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
        self.pinned = if d_loss - loss_floor(self.target) < PINNED_MARGIN { self.pinned + 1 } else { 0 };
        Ok(StepOutcome::Taken(Terms(vec![
            ("dLoss", d.d_value),
            ("gLoss", g_loss),
            ("dReal", d.d_real),
            ("dFake", d.d_fake),
            ("jsd", jensen_shannon(d.d_value)),
            ("gGradNorm", g_norm),
        ])))
    }

    /// The walkthrough's single-example step is the VAE objective's; a GAN's (one D step and one
    /// G step) is not built yet, so it is refused with the reason.
    fn step_on_example(&mut self, _x: &Tensor, _label: u32, _seed: u64, _beta: f64) -> Result<ExampleStep> {
        invalid!("the walkthrough steps the VAE objective on one image; a GAN has no per-image objective of that kind (its walkthrough, one D step and one G step, is still to come)")
    }

    fn mark_safe(&mut self) -> Result<()> {
        self.safe = (self.g_opt.snapshot()?, self.d_opt.snapshot()?, self.net.average_values()?);
        Ok(())
    }

    fn roll_back(&mut self) -> Result<()> {
        self.g_opt.restore(&self.safe.0)?;
        self.d_opt.restore(&self.safe.1)?;
        self.net.set_average_values(&self.safe.2)?;
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
    /// The pinned-loss count is not saved: a resumed run counts afresh. G's average has no
    /// optimiser; a checkpoint holds a moment pair for every tensor, so its pair is zeros (read
    /// back and dropped).
    fn state(&self) -> Result<FamilyState> {
        let (mut m, mut v) = (HashMap::new(), HashMap::new());
        for (opt, vars) in [(&self.g_opt, &self.net.g_vars), (&self.d_opt, &self.net.d_vars)] {
            let (ms, vs) = opt.moments()?;
            for (((name, _), a), b) in vars.iter().zip(ms).zip(vs) {
                m.insert(name.clone(), a);
                v.insert(name.clone(), b);
            }
        }
        for (name, var) in &self.net.avg_vars {
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

/// The GAN family's entry in the registry.
pub const FAMILY: FamilyDef = FamilyDef {
    parameter_shapes,
    fresh: |config, train, classes, rng| Ok(Box::new(GanFamily::new(Gan::new(config, train.pixels(), classes, rng)?, config)?)),
    trained: |config, pixels, classes, tensors| Ok(Box::new(GanFamily::new(Gan::from_tensors(config, pixels, classes, tensors)?, config)?)),
    model: |config, pixels, classes, tensors| Ok(Box::new(Gan::from_tensors(config, pixels, classes, tensors)?)),
};

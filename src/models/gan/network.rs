//! The two networks, G and D: their layers' names and shapes, fresh or from a checkpoint's
//! tensors, G's weight average, D's verdict on one pair outside training, and what the views ask
//! of a model (G decodes z).
use std::collections::HashMap;

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::Linear;

use crate::config::{Config, GanActivation, GanLoss, GanOutput};
use crate::error::{invalid, Result};
use crate::kinds::ModelKind;
use crate::models::model::Model;
use crate::rng::Rng;
use super::layers::*;
use super::objective::*;

/// LeakyReLU's slope below 0 (D always; G with `ganActivation = leakyRelu`).
pub const LEAK: f64 = 0.2;

const GENERATOR: &str = "generator";
const DISCRIMINATOR: &str = "discriminator";
/// The average of G's weights that samples come from when `ema` is on: G's own names under it.
const AVERAGE: &str = "generator_ema";
/// With `spectralNorm`: each of D's layers' power-iteration vector u (one entry per output unit),
/// `discriminator_sn.<layer>.u`.
const SPECTRAL: &str = "discriminator_sn";

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

/// Every tensor's name and shape: `generator.*` and `discriminator.*`, weights and biases (and
/// G's average's with `ema`); with `spectralNorm`, each D layer's power-iteration vector.
pub fn parameter_shapes(cfg: &Config, pixels: usize, classes: usize) -> Vec<(String, Vec<usize>)> {
    let mut out = Vec::new();
    for (name, fan_in, fan_out) in layers(cfg, pixels, classes) {
        out.push((format!("{name}.weight"), vec![fan_out, fan_in]));
        out.push((format!("{name}.bias"), vec![fan_out]));
    }
    out.extend(spectral_vectors(cfg, pixels, classes));
    out
}

/// With `spectralNorm`: the name and shape of each D layer's vector u, in D's layer order.
fn spectral_vectors(cfg: &Config, pixels: usize, classes: usize) -> Vec<(String, Vec<usize>)> {
    if cfg.spectral_norm == 0 {
        return Vec::new();
    }
    let prefix = format!("{DISCRIMINATOR}.");
    layers(cfg, pixels, classes)
        .into_iter()
        .filter_map(|(name, _, fan_out)| name.strip_prefix(&prefix).map(|rest| (format!("{SPECTRAL}.{rest}.u"), vec![fan_out])))
        .collect()
}

/// The two networks: what the views see of a GAN (G decodes z) and what the family trains.
pub struct Gan {
    pub kind: ModelKind,
    pub pixels: usize,
    pub latent: usize,
    pub hidden: usize,
    pub classes: usize,
    pub(super) output: GanOutput,
    pub(super) generator: Mlp,
    pub(super) discriminator: Mlp,
    /// G with the averaged weights, which decodes (samples) where `ema` is on.
    pub(super) average: Option<Mlp>,
    /// Every variable by name, sorted: G's and D's apart, each in the order its Adam holds them;
    /// the average's in G's order; D's power-iteration vectors in D's layer order.
    pub(super) g_vars: Vec<(String, Var)>,
    pub(super) d_vars: Vec<(String, Var)>,
    pub(super) avg_vars: Vec<(String, Var)>,
    pub(super) sn_vars: Vec<(String, Var)>,
}

impl Gan {
    /// Fresh weights, U(±1/√fan_in) as PyTorch's `Linear` and the VAE's; G's average starts as G;
    /// D's power-iteration vectors (with `spectralNorm`) are random unit vectors, drawn last.
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
        for (name, shape) in spectral_vectors(cfg, pixels, classes) {
            let u = Tensor::from_vec(rng.normals(shape[0]), shape[0], &Device::Cpu)?;
            tensors.insert(name, normalised(&u)?);
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
        let spectral_names = spectral_vectors(cfg, pixels, classes);
        let mut mlp = |side: &'static str, leak: Option<f64>, batch_std: bool| -> Result<Mlp> {
            let mut linear = |name: String| -> Result<Linear> {
                let w = take(&format!("{name}.weight"), side)?;
                Ok(Linear::new(w, Some(take(&format!("{name}.bias"), side)?)))
            };
            let hidden = (0..cfg.layers).map(|i| linear(hidden_name(side, i))).collect::<Result<_>>()?;
            let out = linear(format!("{side}.out"))?;
            if side == DISCRIMINATOR {
                // Taken in D's layer order; handed to D below.
                for (name, _) in &spectral_names {
                    take(name, SPECTRAL)?;
                }
            }
            Ok(Mlp { hidden, out, leak, batch_std, spectral: None })
        };
        let g_leak = match cfg.gan_activation {
            GanActivation::LeakyRelu => Some(LEAK),
            GanActivation::Relu => None,
        };
        let generator = mlp(GENERATOR, g_leak, false)?;
        let mut discriminator = mlp(DISCRIMINATOR, Some(LEAK), cfg.minibatch_std == 1)?;
        let average = if cfg.ema > 0.0 { Some(mlp(AVERAGE, g_leak, false)?) } else { None };
        let sn_vars = vars.remove(SPECTRAL).unwrap_or_default();
        if !sn_vars.is_empty() {
            discriminator.spectral = Some(sn_vars.iter().map(|(_, v)| v.clone()).collect());
        }
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
            sn_vars,
        })
    }

    /// `input` with the condition appended where the kind takes one.
    pub(super) fn with_condition(&self, input: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
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
    pub(super) fn fake_for_d(&self, logits: &Tensor) -> Result<Tensor> {
        Ok(match self.output {
            GanOutput::Tanh => logits.tanh()?,
            GanOutput::Sigmoid => candle_nn::ops::sigmoid(logits)?,
        })
    }

    /// The background (a pixel of 0) as D reads it.
    pub(super) fn background(&self) -> f64 {
        match self.output {
            GanOutput::Tanh => -1.0,
            GanOutput::Sigmoid => 0.0,
        }
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

    /// G(z) from G's own weights (the ones its optimiser steps, not the average), in [0, 1].
    pub fn generated(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        self.to_unit(&self.fake_for_d(&self.generator_logits(z, condition)?)?)
    }

    /// An image as D reads it → intensities in [0, 1].
    pub(super) fn to_unit(&self, x: &Tensor) -> Result<Tensor> {
        Ok(match self.output {
            GanOutput::Tanh => ((x + 1.0)? * 0.5)?,
            GanOutput::Sigmoid => x.clone(),
        })
    }

    /// What D says of the real image `x` (pixels in [0, 1]) and of G(z) (G's own weights), as it
    /// judges outside training (no dropout, no instance noise): the walkthrough's figures.
    pub fn verdict(&self, x: &Tensor, z: &Tensor, condition: Option<&Tensor>, loss: GanLoss) -> Result<Verdict> {
        let fake = self.fake_for_d(&self.generator_logits(z, condition)?)?;
        let real_logits = self.discriminator_logits(&self.real_for_d(x)?, condition, None)?;
        let fake_logits = self.discriminator_logits(&fake, condition, None)?;
        let mean = |t: Tensor| -> Result<f64> { Ok(t.mean_all()?.to_scalar::<f32>()? as f64) };
        Ok(Verdict {
            d_real: mean(candle_nn::ops::sigmoid(&real_logits)?)?,
            d_fake: mean(candle_nn::ops::sigmoid(&fake_logits)?)?,
            real_term: mean(softplus(&real_logits.neg()?)?)?,
            fake_term: mean(softplus(&fake_logits)?)?,
            g_loss: mean(generator_objective(&fake_logits, loss)?)?,
        })
    }

    /// −∂(G's loss)/∂G(z) for each pixel, in units of [0, 1] intensity: which way, and how hard,
    /// D's verdict pushes each pixel of G's image (G's own gradient is this, carried back
    /// through G's layers). Positive: brighten.
    pub fn pixel_push(&self, z: &Tensor, condition: Option<&Tensor>, loss: GanLoss) -> Result<Vec<f32>> {
        let image = Var::from_tensor(&self.fake_for_d(&self.generator_logits(z, condition)?)?.detach())?;
        let g_loss = generator_objective(&self.discriminator_logits(image.as_tensor(), condition, None)?, loss)?;
        let grads = g_loss.backward()?;
        let grad = grads.get(image.as_tensor()).ok_or_else(|| "the generator's loss does not depend on its image".to_string())?;
        // D reads a tanh image as 2p − 1, so ∂/∂p = 2 ∂/∂(2p − 1).
        let scale = match self.output {
            GanOutput::Tanh => -2.0,
            GanOutput::Sigmoid => -1.0,
        };
        Ok((grad * scale)?.flatten_all()?.to_vec1::<f32>()?)
    }

    pub(super) fn named_vars(&self) -> impl Iterator<Item = &(String, Var)> {
        self.d_vars.iter().chain(&self.g_vars).chain(&self.avg_vars).chain(&self.sn_vars)
    }

    /// One power-iteration step on each of D's vectors u (nothing without `spectralNorm`).
    pub(super) fn power_step(&self) -> Result<()> {
        Ok(self.discriminator.power_step()?)
    }

    /// D's weight matrices as D uses them, in layer order: W / σ(W) with `spectralNorm`, W otherwise.
    pub fn discriminator_weights(&self) -> Result<Vec<Tensor>> {
        let d = &self.discriminator;
        let mut out = Vec::new();
        for (i, layer) in d.hidden.iter().chain([&d.out]).enumerate() {
            let w = layer.weight().detach();
            out.push(match &d.spectral {
                Some(us) => w.broadcast_div(&spectral_sigma(&w, us[i].as_tensor())?)?,
                None => w,
            });
        }
        Ok(out)
    }

    /// The power-iteration vectors' values, copied (a safe point's).
    pub(super) fn spectral_values(&self) -> Result<Vec<Tensor>> {
        Ok(self.sn_vars.iter().map(|(_, v)| v.as_tensor().copy()).collect::<candle_core::Result<_>>()?)
    }

    pub(super) fn set_spectral_values(&self, values: &[Tensor]) -> Result<()> {
        for ((_, v), t) in self.sn_vars.iter().zip(values) {
            v.set(t)?;
        }
        Ok(())
    }

    /// avg ← decay·avg + (1 − decay)·w for each of G's weights (nothing without an average).
    pub(super) fn update_average(&self, decay: f64) -> Result<()> {
        for ((_, avg), (_, w)) in self.avg_vars.iter().zip(&self.g_vars) {
            avg.set(&((avg.as_tensor() * decay)? + (w.as_tensor() * (1.0 - decay))?)?)?;
        }
        Ok(())
    }

    /// The average's weights, copied (a safe point's).
    pub(super) fn average_values(&self) -> Result<Vec<Tensor>> {
        Ok(self.avg_vars.iter().map(|(_, v)| v.as_tensor().copy()).collect::<candle_core::Result<_>>()?)
    }

    pub(super) fn set_average_values(&self, values: &[Tensor]) -> Result<()> {
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
        self.to_unit(&self.fake_for_d(&g.forward(&self.with_condition(z, condition)?, None)?)?)
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

    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

/// The generator and discriminator of `model`, if it is a GAN (the walkthrough's D and G steps).
pub fn of(model: &dyn Model) -> Option<&Gan> {
    model.as_any().downcast_ref()
}


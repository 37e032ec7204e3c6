//! The network: an MLP encoder to (μ, log σ²), an MLP decoder to pixel logits; for the seeds'
//! conditional VAE one trainable mean μ^Y per class, for the standard CVAE the label's one-hot
//! appended to both inputs (`label_input`).
//!
//! Plain Rust and Candle only; the wasm surface and the CLI both drive this same struct.

use std::collections::HashMap;

use candle_core::{DType, Device, Module, Result, Tensor, Var};
use candle_nn::{Linear, VarMap};

use crate::config::Config;
use crate::kinds::ModelKind;
use crate::rng::Rng;

/// What one pass through the model gives for a batch.
pub struct Forward {
    pub mu: Tensor,
    /// log σ², straight from a linear layer (no activation); `None` for the plain autoencoder.
    pub logvar: Option<Tensor>,
    /// z = μ + ε·σ, the reparameterised sample the decoder saw.
    pub z: Tensor,
    /// Decoder output before the sigmoid; the loss works on these.
    pub logits: Tensor,
}

pub struct Vae {
    pub kind: ModelKind,
    pub pixels: usize,
    pub latent: usize,
    pub classes: usize,
    /// The standard CVAE: encoder and decoder take the label's one-hot (`label_input`).
    pub takes_label: bool,
    /// The hidden layers of each side, input side first.
    pub(crate) enc_hidden: Vec<Linear>,
    pub(crate) enc_mu: Linear,
    /// The log σ² head; `None` for the plain autoencoder (zero variance: z = μ).
    pub(crate) enc_logvar: Option<Linear>,
    pub(crate) dec_hidden: Vec<Linear>,
    pub(crate) dec_out: Linear,
    /// μ^Y, shape (classes, latent); `None` for the plain VAE.
    pub(crate) class_means: Option<Var>,
    /// Every trainable tensor by name (the names are the checkpoint's).
    vars: VarMap,
}

/// The `i`-th hidden layer (from 0) of `side`.
fn hidden_name(side: &str, i: usize) -> String {
    if i == 0 {
        format!("{side}.hidden")
    } else {
        format!("{side}.hidden{}", i + 1)
    }
}

/// The linear layers by name, with (fan_in, fan_out), for a model of this size. The first hidden
/// layer of each side is `hidden`, further ones `hidden2`, `hidden3`, … (so one-layer checkpoints
/// keep their names). The standard CVAE's first layers also read the label's one-hot.
fn layers(pixels: usize, classes: usize, cfg: &Config) -> Vec<(String, usize, usize)> {
    let (latent, hidden) = (cfg.latent, cfg.hidden);
    let label = if cfg.model.takes_label() { classes } else { 0 };
    let depth = cfg.model.hidden_layers(cfg.layers);
    let mut out = Vec::new();
    for i in 0..depth {
        out.push((hidden_name("encoder", i), if i == 0 { pixels + label } else { hidden }, hidden));
    }
    // Without hidden layers (PCA) the heads read the input itself.
    out.push(("encoder.mu".into(), if depth == 0 { pixels + label } else { hidden }, latent));
    if cfg.model.is_variational() {
        out.push(("encoder.logvar".into(), hidden, latent));
    }
    for i in 0..depth {
        out.push((hidden_name("decoder", i), if i == 0 { latent + label } else { hidden }, hidden));
    }
    out.push(("decoder.out".into(), if depth == 0 { latent + label } else { hidden }, pixels));
    out
}

pub const CLASS_MEANS: &str = "class_means";

/// log σ² is kept within ±this: σ from e⁻¹⁰ to e¹⁰, far beyond what training reaches, but exp()
/// of it can no longer overflow when a large learning rate throws the encoder off.
pub const LOGVAR_LIMIT: f32 = 20.0;

/// Every trainable tensor's name and shape: the layout a checkpoint must have.
pub fn parameter_shapes(cfg: &Config, pixels: usize, classes: usize) -> Vec<(String, Vec<usize>)> {
    let mut out = Vec::new();
    for (name, fan_in, fan_out) in layers(pixels, classes, cfg) {
        out.push((format!("{name}.weight"), vec![fan_out, fan_in]));
        out.push((format!("{name}.bias"), vec![fan_out]));
    }
    if cfg.model.has_class_means() {
        out.push((CLASS_MEANS.to_string(), vec![classes, cfg.latent]));
    }
    out
}

impl Vae {
    /// A freshly initialised model: weights and biases ~ U(±1/√fan_in) as in PyTorch's `Linear`,
    /// class means ~ N(0, s²I) with s = `means_spread` so classes start apart.
    pub fn new(cfg: &Config, pixels: usize, classes: usize, rng: &mut Rng) -> Result<Self> {
        let mut tensors = HashMap::new();
        for (name, shape) in parameter_shapes(cfg, pixels, classes) {
            let n: usize = shape.iter().product();
            let values = if name == CLASS_MEANS {
                rng.normals(n).into_iter().map(|v| v * cfg.means_spread as f32).collect()
            } else {
                let bound = 1.0 / (fan_in_of(cfg, pixels, classes, &name) as f64).sqrt();
                (0..n).map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32).collect()
            };
            tensors.insert(name, Tensor::from_vec(values, shape, &Device::Cpu)?);
        }
        Self::from_tensors(cfg, pixels, classes, tensors)
    }

    /// A model from named tensors laid out as [`parameter_shapes`] says (callers check first).
    pub fn from_tensors(cfg: &Config, pixels: usize, classes: usize, mut tensors: HashMap<String, Tensor>) -> Result<Self> {
        let vars = VarMap::new();
        let mut take = |name: &str| -> Result<Var> {
            let t = tensors.remove(name).ok_or_else(|| candle_core::Error::Msg(format!("missing tensor {name}")))?;
            insert(&vars, name, t)
        };
        let mut linear = |name: &str| -> Result<Linear> {
            let w = take(&format!("{name}.weight"))?;
            let b = take(&format!("{name}.bias"))?;
            Ok(Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone())))
        };
        let depth = cfg.model.hidden_layers(cfg.layers);
        let enc_hidden = (0..depth).map(|i| linear(&hidden_name("encoder", i))).collect::<Result<_>>()?;
        let enc_mu = linear("encoder.mu")?;
        let enc_logvar = if cfg.model.is_variational() { Some(linear("encoder.logvar")?) } else { None };
        let dec_hidden = (0..depth).map(|i| linear(&hidden_name("decoder", i))).collect::<Result<_>>()?;
        let dec_out = linear("decoder.out")?;
        let class_means = if cfg.model.has_class_means() { Some(take(CLASS_MEANS)?) } else { None };
        Ok(Self {
            kind: cfg.model,
            pixels,
            latent: cfg.latent,
            classes,
            takes_label: cfg.model.takes_label(),
            enc_hidden,
            enc_mu,
            enc_logvar,
            dec_hidden,
            dec_out,
            class_means,
            vars,
        })
    }

    /// Every trainable tensor by name (current values).
    pub fn named_tensors(&self) -> Vec<(String, Tensor)> {
        self.named_vars().into_iter().map(|(k, v)| (k, v.as_tensor().clone())).collect()
    }

    /// Every trainable variable by name, sorted by name: a fixed order the optimiser's saved
    /// moments can be matched to (the var map itself has none).
    pub fn named_vars(&self) -> Vec<(String, Var)> {
        let data = self.vars.data().lock().expect("var map lock");
        let mut out: Vec<(String, Var)> = data.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// The condition the model's inputs take for these labels: their one-hot rows for the
    /// standard CVAE, `None` for the kinds that take no label input.
    pub fn condition(&self, labels: &[u32]) -> Result<Option<Tensor>> {
        if self.takes_label {
            Ok(Some(crate::models::label_input::one_hot(labels, self.classes)?))
        } else {
            Ok(None)
        }
    }

    /// The network's input: `input` with the condition appended where the model takes one.
    pub(crate) fn with_condition(&self, input: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        match (self.takes_label, condition) {
            (false, _) => Ok(input.clone()),
            (true, Some(c)) => crate::models::label_input::append(input, c),
            (true, None) => candle_core::bail!("the standard CVAE needs a class: its encoder and decoder take the label"),
        }
    }

    /// x (batch, pixels) in [0, 1] → (μ, log σ²), each (batch, latent), log σ² `None` for the
    /// plain autoencoder; `condition` from [`Vae::condition`] (ignored by the kinds that take no label).
    pub fn encode(&self, x: &Tensor, condition: Option<&Tensor>) -> Result<(Tensor, Option<Tensor>)> {
        let h = hidden_stack(&self.enc_hidden, &self.with_condition(x, condition)?)?;
        let logvar = match &self.enc_logvar {
            Some(layer) => Some(layer.forward(&h)?.clamp(-LOGVAR_LIMIT, LOGVAR_LIMIT)?),
            None => None,
        };
        Ok((self.enc_mu.forward(&h)?, logvar))
    }

    /// z (batch, latent) → pixel logits (batch, pixels); for PCA, which has no sigmoid, the linear
    /// reconstruction itself.
    pub fn decode_logits(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        self.dec_out.forward(&hidden_stack(&self.dec_hidden, &self.with_condition(z, condition)?)?)
    }

    /// z → pixel intensities in [0, 1] (PCA's linear reconstruction clipped to that range).
    pub fn decode(&self, z: &Tensor, condition: Option<&Tensor>) -> Result<Tensor> {
        let out = self.decode_logits(z, condition)?;
        if self.kind.is_solved() {
            out.clamp(0f32, 1f32)
        } else {
            candle_nn::ops::sigmoid(&out)
        }
    }

    /// Encode, reparameterise with the given ε ~ N(0, I) (batch, latent), decode. The plain
    /// autoencoder ignores ε: z = μ.
    pub fn forward(&self, x: &Tensor, eps: &Tensor, condition: Option<&Tensor>) -> Result<Forward> {
        let (mu, logvar) = self.encode(x, condition)?;
        let z = match &logvar {
            Some(lv) => (&mu + (eps * (lv * 0.5)?.exp()?)?)?,
            None => mu.clone(),
        };
        let logits = self.decode_logits(&z, condition)?;
        Ok(Forward { mu, logvar, z, logits })
    }

    /// Each sample's prior mean: the row μ^Y of its label for the CVAE, `None` (zero) for the VAE.
    pub fn prior_means(&self, labels: &Tensor) -> Result<Option<Tensor>> {
        match &self.class_means {
            Some(means) => Ok(Some(means.as_tensor().index_select(labels, 0)?)),
            None => Ok(None),
        }
    }

    pub fn class_means(&self) -> Option<&Var> {
        self.class_means.as_ref()
    }
}

fn fan_in_of(cfg: &Config, pixels: usize, classes: usize, param: &str) -> usize {
    layers(pixels, classes, cfg)
        .iter()
        .find(|(name, _, _)| param.strip_prefix(name.as_str()).is_some_and(|rest| rest.starts_with('.')))
        .map_or(1, |&(_, fan_in, _)| fan_in)
}

/// Linear layers, each followed by ReLU.
fn hidden_stack(layers: &[Linear], x: &Tensor) -> Result<Tensor> {
    let mut h = x.clone();
    for layer in layers {
        h = layer.forward(&h)?.relu()?;
    }
    Ok(h)
}

/// Registers a tensor as a trainable variable under `name` and returns it.
fn insert(vars: &VarMap, name: &str, value: Tensor) -> Result<Var> {
    let var = Var::from_tensor(&value.to_dtype(DType::F32)?)?;
    vars.data().lock().expect("var map lock").insert(name.to_string(), var.clone());
    Ok(var)
}

/// Per-sample terms of the objective for one batch, each of shape (batch,).
pub struct LossTerms {
    /// Summed Bernoulli cross-entropy over pixels (nats); for PCA the summed squared error of the
    /// linear reconstruction, the error it minimises.
    pub recon: Tensor,
    /// KL to the prior: N(μ^Y, I) for the seeds' CVAE, N(0, I) for the other kinds (nats).
    pub kl: Tensor,
}

impl LossTerms {
    /// The training objective averaged over the batch: mean(recon + β·KL).
    pub fn objective(&self, beta: f64) -> Result<Tensor> {
        (&self.recon + (&self.kl * beta)?)?.mean_all()
    }
}

impl Vae {
    /// Each pixel's term of the reconstruction error, from the decoder's output: the Bernoulli
    /// cross-entropy from logits, or for PCA the squared error of its linear reconstruction.
    pub fn recon_per_pixel(&self, logits: &Tensor, x: &Tensor) -> Result<Tensor> {
        if self.kind.is_solved() {
            (logits - x)?.sqr()
        } else {
            crate::models::loss::bce_per_pixel(logits, x)
        }
    }

    /// Runs the model on x (batch, pixels) with labels (batch,) u32 and noise ε (batch, latent).
    pub fn loss_terms(&self, x: &Tensor, labels: &Tensor, eps: &Tensor) -> Result<LossTerms> {
        let condition = self.condition(&labels.to_vec1::<u32>()?)?;
        let out = self.forward(x, eps, condition.as_ref())?;
        let recon = self.recon_per_pixel(&out.logits, x)?.sum(candle_core::D::Minus1)?;
        let prior = self.prior_means(labels)?;
        let kl = match &out.logvar {
            Some(lv) => crate::models::loss::kl_divergence(&out.mu, lv, prior.as_ref())?,
            None => out.mu.zeros_like()?.sum(candle_core::D::Minus1)?, // the autoencoders have no KL term
        };
        Ok(LossTerms { recon, kl })
    }
}

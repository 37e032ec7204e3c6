//! The network: an MLP encoder to (μ, log σ²), an MLP decoder to pixel logits, and for the
//! conditional VAE one trainable mean μ^Y per class.
//!
//! Plain Rust and Candle only; the wasm surface and the CLI both drive this same struct.

use candle_core::{DType, Device, Module, Result, Tensor, Var};
use candle_nn::{Linear, VarMap};

use crate::config::{Config, ModelKind};
use crate::rng::Rng;

/// What one pass through the model gives for a batch.
pub struct Forward {
    pub mu: Tensor,
    /// log σ², straight from a linear layer (no activation).
    pub logvar: Tensor,
    /// z = μ + ε·σ, the reparameterised sample the decoder saw.
    pub z: Tensor,
    /// Decoder output before the sigmoid; the loss works on these.
    pub logits: Tensor,
}

pub struct Vae {
    pub kind: ModelKind,
    pub pixels: usize,
    pub latent: usize,
    pub hidden: usize,
    pub classes: usize,
    enc_hidden: Linear,
    enc_mu: Linear,
    enc_logvar: Linear,
    dec_hidden: Linear,
    dec_out: Linear,
    /// μ^Y, shape (classes, latent); `None` for the plain VAE.
    class_means: Option<Var>,
    /// Every trainable tensor by name (the names are the checkpoint's).
    vars: VarMap,
}

impl Vae {
    /// A freshly initialised model: weights and biases ~ U(±1/√fan_in) as in PyTorch's `Linear`,
    /// class means ~ N(0, I) so classes start apart.
    pub fn new(cfg: &Config, pixels: usize, classes: usize, rng: &mut Rng) -> Result<Self> {
        let vars = VarMap::new();
        let (h, l) = (cfg.hidden, cfg.latent);
        let enc_hidden = linear(&vars, "encoder.hidden", pixels, h, rng)?;
        let enc_mu = linear(&vars, "encoder.mu", h, l, rng)?;
        let enc_logvar = linear(&vars, "encoder.logvar", h, l, rng)?;
        let dec_hidden = linear(&vars, "decoder.hidden", l, h, rng)?;
        let dec_out = linear(&vars, "decoder.out", h, pixels, rng)?;
        let class_means = match cfg.model {
            ModelKind::Vae => None,
            ModelKind::Cvae => {
                let means = Tensor::from_vec(rng.normals(classes * l), (classes, l), &Device::Cpu)?;
                Some(insert(&vars, "class_means", means)?)
            }
        };
        Ok(Self {
            kind: cfg.model,
            pixels,
            latent: l,
            hidden: h,
            classes,
            enc_hidden,
            enc_mu,
            enc_logvar,
            dec_hidden,
            dec_out,
            class_means,
            vars,
        })
    }

    /// x (batch, pixels) in [0, 1] → (μ, log σ²), each (batch, latent).
    pub fn encode(&self, x: &Tensor) -> Result<(Tensor, Tensor)> {
        let h = self.enc_hidden.forward(x)?.relu()?;
        Ok((self.enc_mu.forward(&h)?, self.enc_logvar.forward(&h)?))
    }

    /// z (batch, latent) → pixel logits (batch, pixels).
    pub fn decode_logits(&self, z: &Tensor) -> Result<Tensor> {
        self.dec_out.forward(&self.dec_hidden.forward(z)?.relu()?)
    }

    /// z → pixel intensities in [0, 1].
    pub fn decode(&self, z: &Tensor) -> Result<Tensor> {
        candle_nn::ops::sigmoid(&self.decode_logits(z)?)
    }

    /// Encode, reparameterise with the given ε ~ N(0, I) (batch, latent), decode.
    pub fn forward(&self, x: &Tensor, eps: &Tensor) -> Result<Forward> {
        let (mu, logvar) = self.encode(x)?;
        let sigma = (&logvar * 0.5)?.exp()?;
        let z = (&mu + (eps * sigma)?)?;
        let logits = self.decode_logits(&z)?;
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

    pub fn vars(&self) -> &VarMap {
        &self.vars
    }
}

fn linear(vars: &VarMap, name: &str, fan_in: usize, fan_out: usize, rng: &mut Rng) -> Result<Linear> {
    let bound = 1.0 / (fan_in as f64).sqrt();
    let mut uniform = |n: usize| -> Vec<f32> {
        (0..n).map(|_| ((rng.uniform() * 2.0 - 1.0) * bound) as f32).collect()
    };
    let w = Tensor::from_vec(uniform(fan_out * fan_in), (fan_out, fan_in), &Device::Cpu)?;
    let b = Tensor::from_vec(uniform(fan_out), fan_out, &Device::Cpu)?;
    let w = insert(vars, &format!("{name}.weight"), w)?;
    let b = insert(vars, &format!("{name}.bias"), b)?;
    Ok(Linear::new(w.as_tensor().clone(), Some(b.as_tensor().clone())))
}

/// Registers a tensor as a trainable variable under `name` and returns it.
fn insert(vars: &VarMap, name: &str, value: Tensor) -> Result<Var> {
    let var = Var::from_tensor(&value.to_dtype(DType::F32)?)?;
    vars.data().lock().expect("var map lock").insert(name.to_string(), var.clone());
    Ok(var)
}

/// Per-sample terms of the objective for one batch, each of shape (batch,).
pub struct LossTerms {
    /// Summed Bernoulli cross-entropy over pixels (nats).
    pub recon: Tensor,
    /// KL to the prior: N(0, I) for the VAE, N(μ^Y, I) for the CVAE (nats).
    pub kl: Tensor,
}

impl LossTerms {
    /// The training objective averaged over the batch: mean(recon + β·KL).
    pub fn objective(&self, beta: f64) -> Result<Tensor> {
        (&self.recon + (&self.kl * beta)?)?.mean_all()
    }
}

impl Vae {
    /// Runs the model on x (batch, pixels) with labels (batch,) u32 and noise ε (batch, latent).
    pub fn loss_terms(&self, x: &Tensor, labels: &Tensor, eps: &Tensor) -> Result<LossTerms> {
        let out = self.forward(x, eps)?;
        let recon = crate::loss::bce_with_logits(&out.logits, x)?;
        let prior = self.prior_means(labels)?;
        let kl = crate::loss::kl_divergence(&out.mu, &out.logvar, prior.as_ref())?;
        Ok(LossTerms { recon, kl })
    }
}

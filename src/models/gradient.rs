//! The training objective and its gradient, by hand: one pass forward that keeps each layer's
//! output, one pass back. The same numbers as Candle's autograd on `Vae::loss_terms` (the test
//! `gradient_matches_autograd` compares them), without what autograd costs on this network: a
//! zero-filled accumulator and an add per node, and for every weight a second one added through
//! its transpose, strided (a fifth of a step natively, more per row on smaller batches). Matrix
//! products stay Candle's (gemm reads the transposes in place); the elementwise work is fused
//! loops, a pass each where the chain of tensor ops took several.

use std::collections::HashMap;

use candle_core::{Device, Result, Tensor, TensorId};
use candle_nn::Linear;

use crate::models::network::{Vae, LOGVAR_LIMIT};
use crate::optim::Gradients;
use crate::tensor_values::values;

/// One batch's objective, its terms averaged over the rows, and the gradient of the objective.
pub struct Objective {
    /// The batch's rows (the weight of this part's gradient when a batch is cut into parts).
    pub rows: usize,
    /// mean(recon + β·KL): what the gradient is of.
    pub loss: f64,
    pub recon: f64,
    pub kl: f64,
    /// `None` when the objective is not finite (nothing to step on).
    pub grads: Option<ParamGrads>,
}

/// Each trainable tensor's gradient, by the tensor's id.
pub struct ParamGrads(HashMap<TensorId, Tensor>);

impl Gradients for ParamGrads {
    fn get(&self, var: &Tensor) -> Option<&Tensor> {
        self.0.get(&var.id())
    }
}

/// mean over rows of recon + β·KL for x (rows, pixels), labels (rows,) u32 and ε (rows, latent),
/// and its gradient with respect to every weight, bias and class mean. `forward_done` is called
/// between the two passes (the step profile's clock).
pub fn objective_gradient(model: &Vae, x: &Tensor, labels: &Tensor, eps: &Tensor, beta: f64, forward_done: impl FnOnce()) -> Result<Objective> {
    let rows = x.dim(0)?;
    let (latent, pixels) = (model.latent, model.pixels);
    // Forward, keeping every layer's input: x and the encoder's hidden outputs, then z and the
    // decoder's hidden outputs (x and z with the label's one-hot for the standard CVAE).
    let y = labels.to_vec1::<u32>()?;
    let condition = model.condition(&y)?;
    let mut enc = vec![model.with_condition(x, condition.as_ref())?];
    for layer in &model.enc_hidden {
        enc.push(affine(enc.last().expect("x"), layer, true)?);
    }
    let h = enc.last().expect("x");
    let mu = affine(h, &model.enc_mu, false)?;
    // The plain autoencoder has no log σ² head: z = μ, no KL term.
    let logvar_raw = model.enc_logvar.as_ref().map(|layer| affine(h, layer, false)).transpose()?;
    let prior = match &model.class_means {
        Some(means) => {
            if let Some(bad) = y.iter().find(|&&c| c as usize >= model.classes) {
                candle_core::bail!("label {bad} has no class mean (the model has {} classes)", model.classes);
            }
            Some((values(means.as_tensor())?.to_vec(), y.clone()))
        }
        None => None,
    };
    let prior_mean = |row: usize| -> Option<&[f32]> {
        prior.as_ref().map(|(means, y)| &means[y[row] as usize * latent..][..latent])
    };

    // Reparameterise and the KL term; keep what the way back needs: σ, μ − m and the clamp's mask
    // (log σ² as the layer gave it).
    let (mu_v, eps_v) = (values(&mu)?, values(eps)?);
    let lv_raw = logvar_raw.as_ref().map(values).transpose()?;
    let n = rows * latent;
    let (mut z, mut sigma, mut offset) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    let mut kl_rows = vec![0f64; rows];
    for (r, kl) in kl_rows.iter_mut().enumerate() {
        let m = prior_mean(r);
        for i in r * latent..(r + 1) * latent {
            let Some(lv_raw) = &lv_raw else {
                (z.push(mu_v[i]), sigma.push(0.0), offset.push(0.0));
                continue;
            };
            let lv = lv_raw[i].clamp(-LOGVAR_LIMIT, LOGVAR_LIMIT);
            let s = (0.5 * lv).exp();
            let o = mu_v[i] - m.map_or(0.0, |m| m[i - r * latent]);
            *kl += 0.5 * (o * o + s * s - lv - 1.0) as f64;
            sigma.push(s);
            offset.push(o);
            z.push(mu_v[i] + eps_v[i] * s);
        }
    }
    drop(mu_v);
    let z = Tensor::from_vec(z, (rows, latent), &Device::Cpu)?;
    let mut dec = vec![model.with_condition(&z, condition.as_ref())?];
    for layer in &model.dec_hidden {
        dec.push(affine(dec.last().expect("z"), layer, true)?);
    }
    let logits = affine(dec.last().expect("z"), &model.dec_out, false)?;

    // Bernoulli cross-entropy from the logits, max(l, 0) − l·t + ln(1 + e^−|l|) as in
    // loss::bce_with_logits, and its derivative σ(l) − t (scaled to the mean) in the same pass.
    let scale = 1.0 / rows as f32;
    let (l_v, t_v) = (values(&logits)?, values(x)?);
    let mut d_logits = Vec::with_capacity(rows * pixels);
    let mut recon_rows = vec![0f64; rows];
    for r in 0..rows {
        let mut sum = 0f32;
        for i in r * pixels..(r + 1) * pixels {
            let (l, t) = (l_v[i], t_v[i]);
            let e = (-l.abs()).exp();
            sum += l.max(0.0) - l * t + (e + 1.0).ln();
            let sigmoid = if l >= 0.0 { 1.0 / (1.0 + e) } else { e / (1.0 + e) };
            d_logits.push(scale * (sigmoid - t));
        }
        recon_rows[r] = sum as f64;
    }
    drop((l_v, t_v));
    let recon = recon_rows.iter().sum::<f64>() / rows as f64;
    let kl = kl_rows.iter().sum::<f64>() / rows as f64;
    let loss = recon_rows.iter().zip(&kl_rows).map(|(r, k)| r + beta * k).sum::<f64>() / rows as f64;
    forward_done();
    if !loss.is_finite() {
        return Ok(Objective { rows, loss, recon, kl, grads: None });
    }

    // Back through the decoder, from ∂/∂logits.
    let mut grads = HashMap::new();
    let mut grad = Tensor::from_vec(d_logits, (rows, pixels), &Device::Cpu)?;
    grad = linear_back(&mut grads, &model.dec_out, &grad, &dec[model.dec_hidden.len()], true)?;
    for (j, layer) in model.dec_hidden.iter().enumerate().rev() {
        let through_relu = relu_back(&grad, &dec[j + 1])?;
        grad = linear_back(&mut grads, layer, &through_relu, &dec[j], true)?;
    }
    // The decoder's input is (z, one-hot) for the standard CVAE: ∂/∂z is the first columns.
    if model.takes_label {
        grad = grad.narrow(1, 0, latent)?.contiguous()?;
    }
    // ∂/∂z to ∂/∂μ and ∂/∂log σ² (z = μ + ε·σ, σ = e^(log σ²/2)), plus the KL term's own:
    // β/rows · (μ − m) and β/rows · ½(σ² − 1); the clamp passes it only inside its range.
    let dz = values(&grad)?;
    let kl_scale = beta as f32 * scale;
    let (mut d_mu, mut d_lv) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for i in 0..n {
        d_mu.push(dz[i] + kl_scale * offset[i]);
        if let Some(lv_raw) = &lv_raw {
            let inside = lv_raw[i] > -LOGVAR_LIMIT && lv_raw[i] < LOGVAR_LIMIT;
            let s = sigma[i];
            d_lv.push(if inside { 0.5 * (dz[i] * eps_v[i] * s + kl_scale * (s * s - 1.0)) } else { 0.0 });
        }
    }
    drop((dz, lv_raw, eps_v));
    // μ^Y_y receives −β/rows · (μ − μ^Y_y) from each of its rows.
    let d_means = prior.as_ref().map(|(means, y)| {
        let mut d = vec![0f32; means.len()];
        for (r, &class) in y.iter().enumerate() {
            let row = &offset[r * latent..(r + 1) * latent];
            d[class as usize * latent..][..latent].iter_mut().zip(row).for_each(|(d, o)| *d -= kl_scale * o);
        }
        d
    });
    let d_mu = Tensor::from_vec(d_mu, (rows, latent), &Device::Cpu)?;
    // Back through the encoder: both heads read the last hidden layer.
    let h = &enc[model.enc_hidden.len()];
    let mut grad = linear_back(&mut grads, &model.enc_mu, &d_mu, h, true)?;
    if let Some(layer) = &model.enc_logvar {
        let d_lv = Tensor::from_vec(d_lv, (rows, latent), &Device::Cpu)?;
        grad = (grad + linear_back(&mut grads, layer, &d_lv, h, true)?)?;
    }
    for (i, layer) in model.enc_hidden.iter().enumerate().rev() {
        let through_relu = relu_back(&grad, &enc[i + 1])?;
        grad = linear_back(&mut grads, layer, &through_relu, &enc[i], i > 0)?;
    }
    if let (Some(means), Some(d)) = (&model.class_means, d_means) {
        grads.insert(means.as_tensor().id(), Tensor::from_vec(d, means.shape(), &Device::Cpu)?);
    }
    Ok(Objective { rows, loss, recon, kl, grads: Some(ParamGrads(grads)) })
}

/// input·Wᵀ + b, then ReLU when `relu`: the bias and the activation in one pass over the product.
fn affine(input: &Tensor, layer: &Linear, relu: bool) -> Result<Tensor> {
    let product = input.matmul(&layer.weight().t()?)?;
    let bias = values(layer.bias().expect("the model's layers have biases"))?;
    let out: Vec<f32> = {
        let p = values(&product)?;
        let width = bias.len();
        let mut out = Vec::with_capacity(p.len());
        for row in p.chunks_exact(width) {
            out.extend(row.iter().zip(bias.iter()).map(|(v, b)| if relu { (v + b).max(0.0) } else { v + b }));
        }
        out
    };
    Tensor::from_vec(out, product.shape(), &Device::Cpu)
}

/// For y = input·Wᵀ + b with ∂/∂y = `grad`: records ∂/∂W = gradᵀ·input (in W's own layout) and
/// ∂/∂b = column sums of grad; returns ∂/∂input = grad·W when `wanted`, else `grad` unchanged
/// (the first layer's input is the data).
fn linear_back(grads: &mut HashMap<TensorId, Tensor>, layer: &Linear, grad: &Tensor, input: &Tensor, wanted: bool) -> Result<Tensor> {
    grads.insert(layer.weight().id(), grad.t()?.matmul(input)?);
    let bias = layer.bias().expect("the model's layers have biases");
    let sums = {
        let g = values(grad)?;
        let mut sums = vec![0f32; bias.elem_count()];
        for row in g.chunks_exact(sums.len()) {
            sums.iter_mut().zip(row).for_each(|(s, v)| *s += v);
        }
        sums
    };
    grads.insert(bias.id(), Tensor::from_vec(sums, bias.shape(), &Device::Cpu)?);
    if wanted {
        grad.matmul(layer.weight())
    } else {
        Ok(grad.clone())
    }
}

/// ∂/∂(pre-activation) from ∂/∂(ReLU output): passed where the output is positive.
fn relu_back(grad: &Tensor, output: &Tensor) -> Result<Tensor> {
    let out: Vec<f32> = {
        let (g, y) = (values(grad)?, values(output)?);
        g.iter().zip(y.iter()).map(|(g, y)| if *y > 0.0 { *g } else { 0.0 }).collect()
    };
    Tensor::from_vec(out, grad.shape(), &Device::Cpu)
}

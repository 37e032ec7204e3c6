//! Training's hand-made gradient (src/gradient.rs) against Candle's autograd on the model's own
//! objective: the same loss and terms, and the same gradient for every weight, bias and class
//! mean, on VAEs, the seeds' CVAEs and standard CVAEs (label into encoder and decoder) of one to
//! three hidden layers, with β ≠ 1 and log σ² past its clamp.

use candle_core::{Device, Tensor};
use vae_lab::{Config, ModelKind};
use vae_lab::models::gradient::objective_gradient;
use vae_lab::models::network::Vae;
use vae_lab::optim::Gradients;
use vae_lab::rng::Rng;

const PIXELS: usize = 30;
const CLASSES: usize = 4;

fn check(kind: ModelKind, layers: usize, beta: f64, clamped: bool) {
    let mut rng = Rng::new(21 + layers as u64);
    let cfg = Config { model: kind, latent: 5, hidden: 24, layers, means_spread: 1.0, ..Config::default() };
    let model = Vae::new(&cfg, PIXELS, CLASSES, &mut rng).unwrap();
    if clamped {
        // Two latent dimensions whose log σ² lands beyond ±20: the clamp stops their gradient.
        let (_, bias) = model.named_vars().into_iter().find(|(name, _)| name == "encoder.logvar.bias").unwrap();
        bias.set(&Tensor::new(&[30f32, -30.0, 0.0, 0.5, -0.5], &Device::Cpu).unwrap()).unwrap();
    }
    let rows = 9;
    let x = Tensor::from_vec((0..rows * PIXELS).map(|_| rng.uniform() as f32).collect::<Vec<_>>(), (rows, PIXELS), &Device::Cpu).unwrap();
    let labels: Vec<u32> = (0..rows as u32).map(|i| (i * 3) % CLASSES as u32).collect();
    let y = Tensor::new(labels.as_slice(), &Device::Cpu).unwrap();
    let eps = Tensor::from_vec(rng.normals(rows * 5), (rows, 5), &Device::Cpu).unwrap();

    let terms = model.loss_terms(&x, &y, &eps).unwrap();
    let objective = terms.objective(beta).unwrap();
    let want_loss = objective.to_scalar::<f32>().unwrap() as f64;
    let want_recon = terms.recon.mean_all().unwrap().to_scalar::<f32>().unwrap() as f64;
    let want_kl = terms.kl.mean_all().unwrap().to_scalar::<f32>().unwrap() as f64;
    let autograd = objective.backward().unwrap();

    let mut called = false;
    let ours = objective_gradient(&model, &x, &y, &eps, beta, || called = true).unwrap();
    assert!(called, "the profile's clock was not called between the passes");
    for (name, got, want) in [("loss", ours.loss, want_loss), ("recon", ours.recon, want_recon), ("kl", ours.kl, want_kl)] {
        assert!((got - want).abs() <= 1e-5 * (1.0 + want.abs()), "{name}: {got} vs autograd's {want}");
    }
    let grads = ours.grads.expect("a finite objective has a gradient");
    for (name, var) in model.named_vars() {
        let want = autograd.get(var.as_tensor()).unwrap_or_else(|| panic!("autograd has no gradient for {name}"));
        let got = Gradients::get(&grads, var.as_tensor()).unwrap_or_else(|| panic!("no gradient for {name}"));
        assert_eq!(got.dims(), var.dims(), "{name}: gradient shape");
        let (got, want) = (got.flatten_all().unwrap().to_vec1::<f32>().unwrap(), want.flatten_all().unwrap().to_vec1::<f32>().unwrap());
        let largest = want.iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(largest > 0.0 || name == "encoder.logvar.bias", "{name}: autograd's gradient is all zero, the check would be empty");
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!((g - w).abs() <= 1e-4 * largest + 1e-7, "{name}[{i}]: {g} vs autograd's {w} (largest {largest})");
        }
        if clamped && name == "encoder.logvar.bias" {
            assert_eq!((got[0], got[1]), (0.0, 0.0), "the clamped dimensions pass no gradient");
            assert!(got[2] != 0.0, "an unclamped dimension does");
        }
    }
}

#[test]
fn gradient_matches_autograd_vae() {
    check(ModelKind::Vae, 1, 1.0, false);
    check(ModelKind::Vae, 3, 4.0, false);
}

#[test]
fn gradient_matches_autograd_cvae() {
    check(ModelKind::Cvae, 1, 0.7, false);
    check(ModelKind::Cvae, 2, 2.5, false);
}

#[test]
fn gradient_matches_autograd_standard_cvae() {
    check(ModelKind::Sohn, 1, 1.0, false);
    check(ModelKind::Sohn, 3, 0.5, false);
}

#[test]
fn gradient_matches_autograd_plain_autoencoder() {
    // z = μ, no noise, no KL: β changes nothing, and there is no log σ² head.
    check(ModelKind::Ae, 1, 1.0, false);
    check(ModelKind::Ae, 2, 3.0, false);
}

#[test]
fn the_autoencoder_decodes_its_mean_and_has_no_kl() {
    let mut rng = Rng::new(8);
    let model = Vae::new(&Config { model: ModelKind::Ae, latent: 3, hidden: 8, ..Config::default() }, PIXELS, CLASSES, &mut rng).unwrap();
    assert!(model.named_vars().iter().all(|(n, _)| !n.starts_with("encoder.logvar")));
    let x = Tensor::from_vec((0..2 * PIXELS).map(|_| rng.uniform() as f32).collect::<Vec<_>>(), (2, PIXELS), &Device::Cpu).unwrap();
    let eps = Tensor::from_vec(rng.normals(6), (2, 3), &Device::Cpu).unwrap();
    let out = model.forward(&x, &eps, None).unwrap();
    assert!(out.logvar.is_none());
    assert_eq!(out.z.to_vec2::<f32>().unwrap(), out.mu.to_vec2::<f32>().unwrap(), "z = μ whatever ε");
    let terms = model.loss_terms(&x, &Tensor::new(&[0u32, 1], &Device::Cpu).unwrap(), &eps).unwrap();
    assert_eq!(terms.kl.to_vec1::<f32>().unwrap(), vec![0.0, 0.0]);
}

#[test]
fn gradient_matches_autograd_past_the_logvar_clamp() {
    check(ModelKind::Vae, 1, 1.0, true);
    check(ModelKind::Cvae, 2, 1.0, true);
    check(ModelKind::Sohn, 2, 2.0, true);
}

#[test]
fn a_non_finite_objective_has_no_gradient() {
    let mut rng = Rng::new(5);
    let model = Vae::new(&Config { model: ModelKind::Vae, latent: 3, hidden: 8, ..Config::default() }, PIXELS, CLASSES, &mut rng).unwrap();
    let x = Tensor::from_vec(vec![f32::NAN; 2 * PIXELS], (2, PIXELS), &Device::Cpu).unwrap();
    let y = Tensor::new(&[0u32, 1], &Device::Cpu).unwrap();
    let eps = Tensor::zeros((2, 3), candle_core::DType::F32, &Device::Cpu).unwrap();
    let o = objective_gradient(&model, &x, &y, &eps, 1.0, || {}).unwrap();
    assert!(!o.loss.is_finite() && o.grads.is_none());
}

#[test]
fn a_label_without_a_class_mean_is_an_error_not_a_panic() {
    let mut rng = Rng::new(6);
    let model = Vae::new(&Config { model: ModelKind::Cvae, latent: 3, hidden: 8, ..Config::default() }, PIXELS, CLASSES, &mut rng).unwrap();
    let x = Tensor::zeros((2, PIXELS), candle_core::DType::F32, &Device::Cpu).unwrap();
    let y = Tensor::new(&[0u32, CLASSES as u32], &Device::Cpu).unwrap();
    let eps = Tensor::zeros((2, 3), candle_core::DType::F32, &Device::Cpu).unwrap();
    let err = objective_gradient(&model, &x, &y, &eps, 1.0, || {}).err().expect("an error");
    assert!(err.to_string().contains("no class mean"), "{err}");
}

#[test]
fn a_label_outside_the_standard_cvaes_classes_is_an_error_not_a_panic() {
    let mut rng = Rng::new(7);
    let model = Vae::new(&Config { model: ModelKind::Sohn, latent: 3, hidden: 8, ..Config::default() }, PIXELS, CLASSES, &mut rng).unwrap();
    let x = Tensor::zeros((2, PIXELS), candle_core::DType::F32, &Device::Cpu).unwrap();
    let y = Tensor::new(&[1u32, CLASSES as u32 + 3], &Device::Cpu).unwrap();
    let eps = Tensor::zeros((2, 3), candle_core::DType::F32, &Device::Cpu).unwrap();
    let err = objective_gradient(&model, &x, &y, &eps, 1.0, || {}).err().expect("an error");
    assert!(err.to_string().contains("label 7 does not exist"), "{err}");
}

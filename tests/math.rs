//! The objective against closed forms computed by hand, and the CVAE's class-mean gradient.

use candle_core::{Device, Tensor, Var};
use vae_lab::{Config, ModelKind};
use vae_lab::models::loss::{bce_with_logits, kl_divergence};
use vae_lab::models::network::Vae;
use vae_lab::rng::Rng;

fn t2(rows: &[&[f32]]) -> Tensor {
    let cols = rows[0].len();
    let flat: Vec<f32> = rows.iter().flat_map(|r| r.iter().copied()).collect();
    Tensor::from_vec(flat, (rows.len(), cols), &Device::Cpu).unwrap()
}

fn values(t: &Tensor) -> Vec<f32> {
    t.to_vec1().unwrap()
}

fn close(a: f32, b: f64, tol: f64) -> bool {
    (a as f64 - b).abs() <= tol * (1.0 + b.abs())
}

#[test]
fn kl_to_standard_normal_matches_closed_form() {
    // Row 0: μ = (1, −2), σ² = (1, 4):  ½[(1 + 1 − 0 − 1) + (4 + 4 − ln 4 − 1)] = ½(8 − ln 4).
    // Row 1: μ = 0, σ² = 1: the posterior equals the prior, KL = 0.
    // Row 2: μ = (0, 0), σ² = (e⁻², e²): ½[(e⁻² + 2 − 1) + (e² − 2 − 1)].
    let ln4 = 4f32.ln();
    let mu = t2(&[&[1.0, -2.0], &[0.0, 0.0], &[0.0, 0.0]]);
    let logvar = t2(&[&[0.0, ln4], &[0.0, 0.0], &[-2.0, 2.0]]);
    let kl = values(&kl_divergence(&mu, &logvar, None).unwrap());
    let e2 = std::f64::consts::E.powi(2);
    let want = [0.5 * (8.0 - 4f64.ln()), 0.0, 0.5 * ((1.0 / e2 + 1.0) + (e2 - 3.0))];
    for (got, want) in kl.iter().zip(want) {
        assert!(close(*got, want, 1e-6), "KL {got} vs closed form {want}");
    }
}

#[test]
fn kl_to_class_mean_matches_closed_form() {
    // μ = (1, −2), μ^Y = (0.5, 1), σ² = (1, 4): ½[(0.25 + 1 − 0 − 1) + (9 + 4 − ln 4 − 1)].
    let mu = t2(&[&[1.0, -2.0], &[0.3, 0.7]]);
    let logvar = t2(&[&[0.0, 4f32.ln()], &[0.0, 0.0]]);
    let prior = t2(&[&[0.5, 1.0], &[0.3, 0.7]]);
    let kl = values(&kl_divergence(&mu, &logvar, Some(&prior)).unwrap());
    let want = [0.5 * (0.25 + 12.0 - 4f64.ln()), 0.0];
    for (got, want) in kl.iter().zip(want) {
        assert!(close(*got, want, 1e-6), "KL {got} vs closed form {want}");
    }
    // With μ^Y = 0 the class KL is the standard one.
    let zero = t2(&[&[0.0, 0.0], &[0.0, 0.0]]);
    assert_eq!(values(&kl_divergence(&mu, &logvar, Some(&zero)).unwrap()),
        values(&kl_divergence(&mu, &logvar, None).unwrap()));
}

#[test]
fn bce_from_logits_matches_direct_computation() {
    let logits = [-3.0f32, 0.0, 2.5, 0.7, -0.2, 4.0];
    let targets = [0.0f32, 0.5, 1.0, 0.25, 1.0, 0.0];
    let direct: f64 = logits.iter().zip(&targets).map(|(&x, &t)| {
        let p = 1.0 / (1.0 + (-(x as f64)).exp());
        -(t as f64) * p.ln() - (1.0 - t as f64) * (1.0 - p).ln()
    }).sum();
    let got = values(&bce_with_logits(&t2(&[&logits]), &t2(&[&targets])).unwrap());
    assert!(close(got[0], direct, 1e-6), "BCE {} vs direct {direct}", got[0]);
}

#[test]
fn bce_stays_finite_and_exact_at_saturated_logits() {
    // σ(±100) rounds to 0 or 1 in f32; the logit form still gives the exact |x| per pixel.
    let got = values(&bce_with_logits(&t2(&[&[100.0, -100.0, 100.0]]), &t2(&[&[0.0, 1.0, 1.0]])).unwrap());
    assert!(close(got[0], 200.0, 1e-6), "{}", got[0]);
}

fn tiny_cvae(latent: usize, rng: &mut Rng) -> Vae {
    let cfg = Config { model: ModelKind::Cvae, latent, hidden: 16, ..Config::default() };
    Vae::new(&cfg, 12, 3, rng).unwrap()
}

#[test]
fn reparameterisation_is_mu_plus_eps_sigma() {
    let mut rng = Rng::new(11);
    let model = tiny_cvae(4, &mut rng);
    let x = Tensor::from_vec((0..24).map(|i| (i % 7) as f32 / 7.0).collect::<Vec<_>>(), (2, 12), &Device::Cpu).unwrap();
    let eps = Tensor::from_vec(rng.normals(8), (2, 4), &Device::Cpu).unwrap();
    let out = model.forward(&x, &eps, None).unwrap();
    let (mu, logvar, z, e) = [&out.mu, out.logvar.as_ref().unwrap(), &out.z, &eps]
        .map(|t| t.flatten_all().unwrap().to_vec1::<f32>().unwrap()).into();
    for i in 0..8 {
        let want = mu[i] + e[i] * (0.5 * logvar[i]).exp();
        assert!((z[i] - want).abs() < 1e-6, "z[{i}] = {} but μ + εσ = {want}", z[i]);
    }
    // Logits decode z exactly: the decoder sees the reparameterised sample.
    let again = model.decode_logits(&out.z, None).unwrap();
    assert_eq!(again.to_vec2::<f32>().unwrap(), out.logits.to_vec2::<f32>().unwrap());
}

#[test]
fn objective_weights_kl_by_beta() {
    let mut rng = Rng::new(12);
    let model = tiny_cvae(3, &mut rng);
    let x = Tensor::from_vec(rng.normals(36).iter().map(|v| v.abs().min(1.0)).collect::<Vec<_>>(), (3, 12), &Device::Cpu).unwrap();
    let y = Tensor::new(&[0u32, 2, 1], &Device::Cpu).unwrap();
    let eps = Tensor::from_vec(rng.normals(9), (3, 3), &Device::Cpu).unwrap();
    let terms = model.loss_terms(&x, &y, &eps).unwrap();
    let recon: f32 = terms.recon.mean_all().unwrap().to_scalar().unwrap();
    let kl: f32 = terms.kl.mean_all().unwrap().to_scalar().unwrap();
    for beta in [0.0, 1.0, 4.0] {
        let obj: f32 = terms.objective(beta).unwrap().to_scalar().unwrap();
        assert!(close(obj, recon as f64 + beta * kl as f64, 1e-6), "β = {beta}: {obj}");
    }
}

#[test]
fn class_mean_gradient_is_closed_form_and_moves_toward_class_encodings() {
    // ∂/∂μ^Y_c of mean_i(recon_i + β·KL_i) = −(β/B) Σ_{i: y_i = c} (μ_i − μ^Y_c): the reconstruction
    // does not depend on μ^Y, and KL_i depends on it only through (μ_i − μ^Y_{y_i})².
    let mut rng = Rng::new(13);
    let (latent, b, beta) = (3, 8, 2.5);
    let model = tiny_cvae(latent, &mut rng);
    let x = Tensor::from_vec(rng.normals(b * 12).iter().map(|v| v.abs().min(1.0)).collect::<Vec<_>>(), (b, 12), &Device::Cpu).unwrap();
    let labels = [0u32, 1, 0, 2, 1, 0, 2, 0];
    let y = Tensor::new(&labels, &Device::Cpu).unwrap();
    let eps = Tensor::from_vec(rng.normals(b * latent), (b, latent), &Device::Cpu).unwrap();

    let means: &Var = model.class_means().unwrap();
    let before = means.as_tensor().to_vec2::<f32>().unwrap();
    let grads = model.loss_terms(&x, &y, &eps).unwrap().objective(beta).unwrap().backward().unwrap();
    let grad = grads.get(means.as_tensor()).unwrap().to_vec2::<f32>().unwrap();
    let mu = model.encode(&x, None).unwrap().0.to_vec2::<f32>().unwrap();

    for c in 0..3 {
        let members: Vec<usize> = (0..b).filter(|&i| labels[i] == c as u32).collect();
        for d in 0..latent {
            let sum: f64 = members.iter().map(|&i| (mu[i][d] - before[c][d]) as f64).sum();
            let want = -beta / b as f64 * sum;
            assert!(close(grad[c][d], want, 1e-5), "∂/∂μ^Y[{c}][{d}] = {} vs {want}", grad[c][d]);
        }
        // A small gradient step brings μ^Y_c closer to the mean encoding of its class.
        let centre: Vec<f64> = (0..latent)
            .map(|d| members.iter().map(|&i| mu[i][d] as f64).sum::<f64>() / members.len() as f64).collect();
        let dist = |m: &dyn Fn(usize) -> f64| (0..latent).map(|d| (m(d) - centre[d]).powi(2)).sum::<f64>();
        let stepped = |d: usize| before[c][d] as f64 - 0.05 * grad[c][d] as f64;
        assert!(dist(&stepped) < dist(&|d| before[c][d] as f64), "class {c} mean did not move toward its encodings");
    }
}

/// W·v + b for a (out, in) weight, by hand.
fn affine(w: &Tensor, b: &Tensor, v: &[f32]) -> Vec<f32> {
    let (w, b) = (w.to_vec2::<f32>().unwrap(), b.to_vec1::<f32>().unwrap());
    w.iter().zip(b).map(|(row, bias)| row.iter().zip(v).map(|(a, x)| a * x).sum::<f32>() + bias).collect()
}

#[test]
fn deeper_decoder_applies_its_hidden_layers_in_order() {
    let cfg = Config { model: ModelKind::Vae, latent: 3, hidden: 5, layers: 3, ..Config::default() };
    let model = Vae::new(&cfg, 12, 2, &mut Rng::new(13)).unwrap();
    let w: std::collections::HashMap<String, Tensor> = model.named_tensors().into_iter().collect();
    assert_eq!(w["decoder.hidden.weight"].dims(), &[5, 3]);
    assert_eq!(w["decoder.hidden3.weight"].dims(), &[5, 5]);
    assert_eq!(w["encoder.hidden2.weight"].dims(), &[5, 5]);
    assert_eq!(w.len(), 2 * (3 + 2 + 3 + 1));
    let z = [0.3f32, -1.2, 0.8];
    let relu = |v: Vec<f32>| v.into_iter().map(|x| x.max(0.0)).collect::<Vec<_>>();
    let mut h = z.to_vec();
    for name in ["decoder.hidden", "decoder.hidden2", "decoder.hidden3"] {
        h = relu(affine(&w[&format!("{name}.weight")], &w[&format!("{name}.bias")], &h));
    }
    let want = affine(&w["decoder.out.weight"], &w["decoder.out.bias"], &h);
    let got = model.decode_logits(&Tensor::new(&[z], &Device::Cpu).unwrap(), None).unwrap().to_vec2::<f32>().unwrap();
    for (g, e) in got[0].iter().zip(&want) {
        assert!((g - e).abs() < 1e-5, "{g} vs {e}");
    }
}

#[test]
fn class_means_start_with_the_configured_spread() {
    let spread_of = |s: f64| {
        let cfg = Config { model: ModelKind::Cvae, latent: 16, hidden: 4, means_spread: s, ..Config::default() };
        let model = Vae::new(&cfg, 12, 256, &mut Rng::new(14)).unwrap();
        let v = values(&model.class_means().unwrap().as_tensor().flatten_all().unwrap());
        (v.iter().map(|x| (*x as f64).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
    };
    assert_eq!(spread_of(0.0), 0.0);
    // 4,096 draws: the root mean square is within a few percent of s.
    for s in [1.0, 8.0] {
        let got = spread_of(s);
        assert!((got / s - 1.0).abs() < 0.05, "spread {s}: got {got}");
    }
}

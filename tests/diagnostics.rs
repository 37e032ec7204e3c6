//! The diagnostics against closed forms: the KL per dimension adds up to the KL of the −ELBO, a
//! dimension whose posterior mean ignores the data is not active, and the importance-weighted
//! bound matches −log p(x) integrated numerically for a one-dimensional latent, tightens with k
//! and repeats exactly for a seed.

use candle_core::{Device, Tensor};
use vae_lab::data::Dataset;
use vae_lab::evaluation::diagnostics::{importance_weighted, iw_bounds, latent_report};
use vae_lab::models::network::Vae;
use vae_lab::evaluation::evaluate::evaluate;
use vae_lab::{Config, ModelKind, Trainer};

/// Bars at a class-dependent column, 6×6.
fn bars(n: usize) -> Dataset {
    let (rows, cols) = (6, 6);
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    let images = labels.iter().flat_map(|&y| (0..rows * cols).map(move |p| if p % cols == y as usize * 2 { 230 } else { 20 })).collect();
    Dataset { rows, cols, images, labels }
}

#[test]
fn kl_per_dimension_adds_up_to_the_kl_and_a_constant_dimension_is_inactive() {
    for kind in [ModelKind::Vae, ModelKind::Cvae, ModelKind::Sohn] {
        let d = bars(90);
        let mut t = Trainer::new(Config { model: kind, latent: 4, hidden: 16, batch: 16, seed: 2, ..Config::default() }, d.clone(), d.clone()).unwrap();
        t.train_steps(300).unwrap();
        // Dimension 2's posterior mean no longer depends on the image.
        let (_, w) = t.model().autoencoder().unwrap().named_vars().into_iter().find(|(n, _)| n == "encoder.mu.weight").unwrap();
        let mut rows = w.as_tensor().to_vec2::<f32>().unwrap();
        rows[2].iter_mut().for_each(|v| *v = 0.0);
        w.set(&Tensor::new(rows, &Device::Cpu).unwrap()).unwrap();
        let report = latent_report(t.model().autoencoder().unwrap(), &d).unwrap();
        let eval = evaluate(t.model().autoencoder().unwrap(), &d).unwrap();
        let sum: f64 = report.kl_per_dim.iter().sum();
        assert!((sum - eval.kl).abs() < 1e-4 * eval.kl.max(1.0), "{kind:?}: Σ KL per dim {sum} vs KL {}", eval.kl);
        assert!(report.activity[2] < 1e-10, "{kind:?}: {:?}", report.activity);
        assert_eq!(report.active_units, report.activity.iter().filter(|&&a| a > 0.01).count());
        assert!(report.active_units < 4 && report.active_units >= 1, "{kind:?}: {report:?}");
    }
}

/// For image 0 and a model with a one-dimensional latent, by the trapezoid rule on [−12, 12]:
/// −log p(x) = −log ∫ p(x | z) N(z; 0, 1) dz, and the −ELBO = −∫ q(z | x) log(p(x | z) N(z; 0, 1) / q(z | x)) dz.
fn by_quadrature(model: &Vae, d: &Dataset) -> (f64, f64) {
    let x = Tensor::from_vec(d.batch_pixels(&[0]), (1, 36), &Device::Cpu).unwrap();
    let (mu, logvar) = model.encode(&x, None).unwrap();
    let (m, lv) = (mu.flatten_all().unwrap().to_vec1::<f32>().unwrap()[0] as f64, logvar.unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap()[0] as f64);
    let (n, lo, hi) = (24_001, -12.0f64, 12.0f64);
    let h = (hi - lo) / (n - 1) as f64;
    let weight = |i: usize| if i == 0 || i == n - 1 { 0.5 * h } else { h };
    let z: Vec<f32> = (0..n).map(|i| (lo + i as f64 * h) as f32).collect();
    let zt = Tensor::from_vec(z.clone(), (n, 1), &Device::Cpu).unwrap();
    let logits = model.decode_logits(&zt, None).unwrap();
    let recon = vae_lab::models::loss::bce_with_logits(&logits, &x.broadcast_as((n, 36)).unwrap().contiguous().unwrap()).unwrap().to_vec1::<f32>().unwrap();
    let half_log_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    let log_joint: Vec<f64> = z.iter().zip(&recon).map(|(&z, &r)| -(r as f64) - 0.5 * (z as f64).powi(2) - half_log_2pi).collect();
    let top = log_joint.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
    let sum: f64 = log_joint.iter().enumerate().map(|(i, t)| (t - top).exp() * weight(i)).sum();
    let log_q = |z: f64| -0.5 * (z - m).powi(2) / lv.exp() - 0.5 * lv - half_log_2pi;
    let elbo: f64 = z.iter().enumerate().map(|(i, &z)| weight(i) * log_q(z as f64).exp() * (log_joint[i] - log_q(z as f64))).sum();
    (-(top + sum.ln()), -elbo)
}

#[test]
fn the_importance_weighted_bound_meets_the_integral_and_tightens_with_k() {
    let d = bars(30).subset(&[0]);
    let mut t = Trainer::new(Config { model: ModelKind::Vae, latent: 1, hidden: 12, batch: 1, seed: 4, ..Config::default() }, d.clone(), d.clone()).unwrap();
    t.train_steps(30).unwrap();
    let (exact, neg_elbo) = by_quadrature(t.model().autoencoder().unwrap(), &d);
    let iw = |k, seed| importance_weighted(t.model().autoencoder().unwrap(), &d, k, seed, |_, _| true).unwrap().neg_log_likelihood;
    let many = iw(5000, 1);
    eprintln!("−log p(x): quadrature {exact:.4}, IW k=5000 {many:.4}; −ELBO by quadrature {neg_elbo:.4}");
    assert!((many - exact).abs() < 0.01 * exact.abs().max(1.0), "IW(5000) {many} vs the integral {exact}");
    assert_eq!(iw(5000, 1), many, "a fixed seed gives the same figure");
    // k = 1 is one draw of the ELBO's own estimate: over many seeds it averages to the −ELBO,
    // which lies above −log p(x) by KL(q(z | x) ‖ p(z | x)).
    assert!(neg_elbo > exact, "−ELBO {neg_elbo} vs −log p(x) {exact}");
    let ones: Vec<f64> = (1..=2000).map(|s| iw(1, s)).collect();
    let mean = ones.iter().sum::<f64>() / ones.len() as f64;
    let se = (ones.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (ones.len() - 1) as f64 / ones.len() as f64).sqrt();
    assert!((mean - neg_elbo).abs() < 4.0 * se + 1e-6, "k = 1 averages {mean} ± {se}, the −ELBO is {neg_elbo}");
}

#[test]
fn the_autoencoder_has_activity_but_no_kl_and_no_bound() {
    let d = bars(30);
    let mut t = Trainer::new(Config { model: ModelKind::Ae, latent: 3, hidden: 12, batch: 8, ..Config::default() }, d.clone(), d.clone()).unwrap();
    t.train_steps(100).unwrap();
    let report = latent_report(t.model().autoencoder().unwrap(), &d).unwrap();
    assert!(report.kl_per_dim.is_empty());
    assert_eq!(report.activity.len(), 3);
    assert!(report.active_units >= 1, "{report:?}");
    let err = importance_weighted(t.model().autoencoder().unwrap(), &d, 10, 1, |_, _| true).unwrap_err().to_string();
    assert!(err.contains("no encoder variance"), "{err}");
    assert_eq!(evaluate(t.model().autoencoder().unwrap(), &d).unwrap().kl, 0.0);
}

#[test]
fn bad_k_is_refused_and_progress_can_stop_early() {
    let d = bars(12);
    let t = Trainer::new(Config { latent: 2, hidden: 8, batch: 4, ..Config::default() }, d.clone(), d.clone()).unwrap();
    for k in [0, 1_000_000_000] {
        let err = importance_weighted(t.model().autoencoder().unwrap(), &d, k, 1, |_, _| true).unwrap_err().to_string();
        assert!(err.contains("out of range"), "{k}: {err}");
    }
    let mut seen = Vec::new();
    let r = importance_weighted(t.model().autoencoder().unwrap(), &d, 10, 1, |done, total| { seen.push((done, total)); done < 5 }).unwrap();
    assert_eq!((r.images, seen.len(), seen[0]), (5, 5, (1, 12)));
    // Taken a few images at a time (as the page does), the figures are those of one pass.
    let whole = importance_weighted(t.model().autoencoder().unwrap(), &d, 10, 1, |_, _| true).unwrap().neg_log_likelihood;
    let parts: Vec<f64> = [0..5, 5..7, 7..12].into_iter().flat_map(|r| iw_bounds(t.model().autoencoder().unwrap(), &d, r, 10, 1).unwrap()).collect();
    assert!((parts.iter().sum::<f64>() / 12.0 - whole).abs() < 1e-9, "{parts:?} vs {whole}");
    assert!(iw_bounds(t.model().autoencoder().unwrap(), &d, 10..13, 10, 1).unwrap_err().to_string().contains("not within"));
}

//! The samplers against closed forms: the fitted Gaussians are the codes' sample mean and
//! covariance with a Cholesky factor L·Lᵀ = Σ; τ = 0 draws the centre; draws have mean m and
//! covariance τ²Σ; a class-free draw follows the training set's class frequencies.

use vae_lab::data::Dataset;
use vae_lab::models::network::Vae;
use vae_lab::rng::Rng;
use vae_lab::evaluation::sampler::{draw, fit, Sampler, Sampling};
use vae_lab::evaluation::codes::encode_rows;
use vae_lab::{Config, ModelKind, Trainer};
use vae_lab::models::model::flat_class_means;
use vae_lab::models::model::Model;
use vae_lab::evaluation::explorer::Explorer;

const LATENT: usize = 3;

/// Bars at a class-dependent column, with noise, and class 2 three times as common as the rest.
fn data(classes: u8, n: usize) -> Dataset {
    let (rows, cols) = (6, 6);
    let mut rng = Rng::new(11);
    let labels: Vec<u8> = (0..n).map(|i| if i % 2 == 0 { 2 } else { (i / 2 % classes as usize) as u8 }).collect();
    let images = labels
        .iter()
        .flat_map(|&y| (0..rows * cols).map(move |p| (p % cols == y as usize % cols) as u8).collect::<Vec<_>>())
        .map(|bar| if bar == 1 { 200 + (rng.below(55) as u8) } else { rng.below(60) as u8 })
        .collect();
    Dataset { rows, cols, images, labels }
}

fn trainer(kind: ModelKind) -> Trainer {
    let d = data(4, 400);
    let mut t = Trainer::new(Config { model: kind, latent: LATENT, hidden: 16, batch: 16, seed: 3, ..Config::default() }, d.clone(), d).unwrap();
    t.train_steps(40).unwrap();
    t
}

fn how(sampler: Sampler, tau: f64) -> Sampling {
    Sampling::new(sampler, tau).unwrap()
}

#[test]
fn the_fitted_gaussian_is_the_codes_mean_and_covariance_with_its_cholesky_factor() {
    for kind in [ModelKind::Vae, ModelKind::Cvae, ModelKind::Sohn] {
        let t = trainer(kind);
        let fitted = fit(t.model().autoencoder().unwrap(), t.train_set(), t.version()).unwrap();
        assert_eq!(fitted.step, 40);
        for y in 0..4 {
            let g = fitted.per_class[y].as_ref().unwrap();
            let idx: Vec<usize> = (0..t.train_set().len()).filter(|&i| t.train_set().labels[i] as usize == y).take(500).collect();
            assert_eq!(g.images, idx.len());
            let codes = encode_rows(t.model().autoencoder().unwrap(), t.train_set(), &idx).unwrap();
            let n = idx.len() as f64;
            let mean: Vec<f64> = (0..LATENT).map(|i| codes.chunks(LATENT).map(|r| r[i] as f64).sum::<f64>() / n).collect();
            for i in 0..LATENT {
                assert!((g.mean[i] as f64 - mean[i]).abs() < 1e-5, "{kind:?} class {y}: mean[{i}]");
                for j in 0..LATENT {
                    let cov = codes.chunks(LATENT).map(|r| (r[i] as f64 - mean[i]) * (r[j] as f64 - mean[j])).sum::<f64>() / (n - 1.0);
                    let got = g.covariance[i * LATENT + j] as f64;
                    assert!((got - cov).abs() <= 1e-4 * cov.abs().max(1e-3), "{kind:?} class {y}: Σ[{i}][{j}] {got} vs {cov}");
                    let llt: f64 = (0..LATENT).map(|k| g.factor[i * LATENT + k] as f64 * g.factor[j * LATENT + k] as f64).sum();
                    assert!((llt - got).abs() <= 1e-4 * got.abs().max(1e-3), "{kind:?} class {y}: (L·Lᵀ)[{i}][{j}] {llt} vs Σ {got}");
                    if j > i {
                        assert_eq!(g.factor[i * LATENT + j], 0.0, "L is lower-triangular");
                    }
                }
            }
        }
    }
}

#[test]
fn at_temperature_zero_every_draw_is_the_centre() {
    let mut rng = Rng::new(1);
    for kind in [ModelKind::Cvae, ModelKind::Sohn] {
        let t = trainer(kind);
        let fitted = fit(t.model().autoencoder().unwrap(), t.train_set(), (0, 0)).unwrap();
        let prior = draw(t.model().autoencoder().unwrap(), None, &[], Some(1), 3, how(Sampler::Prior, 0.0), &mut rng).unwrap();
        let want: Vec<f32> = match kind {
            ModelKind::Cvae => flat_class_means(t.model().autoencoder().unwrap()).unwrap()[LATENT..2 * LATENT].to_vec(),
            _ => vec![0.0; LATENT],
        };
        assert_eq!(prior.z, want.repeat(3), "{kind:?}: prior centre");
        assert_eq!(prior.labels, vec![1; 3]);
        let fitted_draw = draw(t.model().autoencoder().unwrap(), Some(&fitted), &[], Some(1), 2, how(Sampler::Fitted, 0.0), &mut rng).unwrap();
        assert_eq!(fitted_draw.z, fitted.per_class[1].as_ref().unwrap().mean.repeat(2), "{kind:?}: fitted centre");
    }
}

#[test]
fn draws_have_the_fitted_mean_and_tau_squared_times_its_covariance() {
    let t = trainer(ModelKind::Cvae);
    let fitted = fit(t.model().autoencoder().unwrap(), t.train_set(), (0, 0)).unwrap();
    let g = fitted.per_class[3].as_ref().unwrap();
    let (n, tau) = (40_000, 0.6);
    let mut rng = Rng::new(2);
    let mut z = Vec::new();
    for _ in 0..n / 1000 {
        z.extend(draw(t.model().autoencoder().unwrap(), Some(&fitted), &[], Some(3), 1000, how(Sampler::Fitted, tau), &mut rng).unwrap().z);
    }
    let mean: Vec<f64> = (0..LATENT).map(|i| z.chunks(LATENT).map(|r| r[i] as f64).sum::<f64>() / n as f64).collect();
    for i in 0..LATENT {
        let sd = (g.covariance[i * LATENT + i] as f64).sqrt() * tau;
        assert!((mean[i] - g.mean[i] as f64).abs() < 4.0 * sd / (n as f64).sqrt() + 1e-6, "mean[{i}] {} vs {}", mean[i], g.mean[i]);
        for j in 0..LATENT {
            let cov = z.chunks(LATENT).map(|r| (r[i] as f64 - mean[i]) * (r[j] as f64 - mean[j])).sum::<f64>() / (n - 1) as f64;
            let want = tau * tau * g.covariance[i * LATENT + j] as f64;
            let scale = tau * tau * (g.covariance[i * LATENT + i] as f64 * g.covariance[j * LATENT + j] as f64).sqrt();
            assert!((cov - want).abs() < 0.04 * scale, "cov[{i}][{j}] {cov} vs τ²Σ {want}");
        }
    }
}

#[test]
fn without_a_class_the_classes_follow_the_training_frequencies() {
    let t = trainer(ModelKind::Cvae);
    let counts = t.train_set().class_counts(t.model().autoencoder().unwrap().classes());
    assert_eq!(counts, vec![50, 50, 250, 50]);
    let s = Explorer::new(t.config().seed).sample(&t, None, 1000, how(Sampler::Prior, 0.0), false).unwrap();
    let means = flat_class_means(t.model().autoencoder().unwrap()).unwrap();
    for (row, &y) in s.z.chunks(LATENT).zip(&s.labels) {
        assert_eq!(row, &means[y as usize * LATENT..(y as usize + 1) * LATENT], "each code is its class's mean at τ = 0");
    }
    for (y, &c) in counts.iter().enumerate() {
        let p = c as f64 / 400.0;
        let seen = s.labels.iter().filter(|&&l| l as usize == y).count() as f64;
        let sd = (1000.0 * p * (1.0 - p)).sqrt();
        assert!((seen - 1000.0 * p).abs() < 4.0 * sd, "class {y}: {seen} of 1000, expected {}", 1000.0 * p);
    }
    // The plain VAE draws no classes.
    let vae = trainer(ModelKind::Vae);
    assert!(Explorer::new(vae.config().seed).sample(&vae, None, 5, how(Sampler::Fitted, 1.0), false).unwrap().labels.is_empty());
}

#[test]
fn bad_requests_are_refused_with_the_reason() {
    for tau in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
        let err = Sampling::new(Sampler::Prior, tau).unwrap_err().to_string();
        assert!(err.contains("out of range"), "{tau}: {err}");
    }
    assert!("gaussian".parse::<Sampler>().unwrap_err().contains("unknown sampler"));
    let vae = trainer(ModelKind::Vae);
    assert!(Explorer::new(vae.config().seed).sample(&vae, Some(1), 2, how(Sampler::Prior, 1.0), false).unwrap_err().to_string().contains("no classes"));
    let cvae = trainer(ModelKind::Cvae);
    assert!(Explorer::new(cvae.config().seed).sample(&cvae, Some(1), 0, how(Sampler::Prior, 1.0), false).unwrap_err().to_string().contains("out of range"));
    assert!(Explorer::new(cvae.config().seed).sample(&cvae, Some(4), 1, how(Sampler::Prior, 1.0), false).unwrap_err().to_string().contains("does not exist"));
    // A class with a single training image has no fitted Gaussian; the prior still samples it.
    let mut d = data(4, 400);
    let lone = d.labels.iter().position(|&y| y == 3).unwrap();
    d.labels.iter_mut().enumerate().filter(|(i, y)| **y == 3 && *i != lone).for_each(|(_, y)| *y = 0);
    let model = Vae::new(&Config { model: ModelKind::Cvae, latent: LATENT, hidden: 8, ..Config::default() }, 36, 4, &mut Rng::new(1)).unwrap();
    let fitted = fit(&model, &d, (0, 0)).unwrap();
    assert!(fitted.per_class[3].is_none());
    let err = draw(&model, Some(&fitted), &[], Some(3), 1, how(Sampler::Fitted, 1.0), &mut Rng::new(1)).err().unwrap().to_string();
    assert!(err.contains("class 3 has fewer than 2 training images"), "{err}");
    assert!(draw(&model, Some(&fitted), &[], Some(3), 1, how(Sampler::Prior, 1.0), &mut Rng::new(1)).is_ok());
}

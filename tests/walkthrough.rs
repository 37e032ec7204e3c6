//! The walkthrough's numbers are the model's own: for every kind, the total equals the training
//! objective recon + β·KL for that image and ε, z = μ + ε·σ, the per-pixel and per-dimension
//! terms add up to their sums, and the optimiser step on the image alone is a real step that
//! lowers its objective. PCA has no step; bad input is refused and changes nothing.

use candle_core::{Device, Tensor};
use vae_lab::data::Dataset;
use vae_lab::rng::Rng;
use vae_lab::{Config, ModelKind, Trainer};
use vae_lab::evaluation::codes;
use vae_lab::evaluation::walkthrough;
use vae_lab::models::model::flat_class_means;

fn bars(n: usize) -> Dataset {
    let (rows, cols) = (6, 6);
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    let images = labels.iter().flat_map(|&y| (0..rows * cols).map(move |p| if p % cols == y as usize * 2 { 230 } else { 20 })).collect();
    Dataset { rows, cols, images, labels }
}

const KINDS: [ModelKind; 5] = [ModelKind::Vae, ModelKind::Cvae, ModelKind::Sohn, ModelKind::Ae, ModelKind::Pca];

#[test]
fn every_stage_is_the_models_own_number() {
    for kind in KINDS {
        let d = bars(90);
        let mut t = Trainer::new(Config { model: kind, latent: 3, hidden: 16, batch: 16, beta: 2.5, seed: 3, ..Config::default() }, d.clone(), d.clone()).unwrap();
        if !kind.is_solved() {
            t.train_steps(30).unwrap();
        }
        let x = d.batch_pixels(&[4]);
        let w = walkthrough::walk(t.model().autoencoder().unwrap(), &x, 1, 77, t.config().beta_at(t.step())).unwrap();
        // The training objective for this image and this ε.
        let eps = Rng::new(77).normals(3);
        let xt = Tensor::from_vec(x.clone(), (1, 36), &Device::Cpu).unwrap();
        let yt = Tensor::from_vec(vec![1u32], 1, &Device::Cpu).unwrap();
        let et = Tensor::from_vec(eps.clone(), (1, 3), &Device::Cpu).unwrap();
        let objective = t.model().autoencoder().unwrap().loss_terms(&xt, &yt, &et).unwrap().objective(2.5).unwrap().to_scalar::<f32>().unwrap() as f64;
        assert!((w.total - objective).abs() <= 1e-4 * objective.abs().max(1.0), "{kind:?}: total {} vs objective {objective}", w.total);
        assert!((w.total - (w.recon + w.beta * w.kl)).abs() < 1e-9, "{kind:?}");
        assert_eq!(w.beta, 2.5);
        let sum: f64 = w.recon_per_pixel.iter().map(|&v| v as f64).sum();
        assert!((sum - w.recon).abs() < 1e-6 * w.recon.max(1.0), "{kind:?}");
        if kind.is_variational() {
            assert_eq!(w.eps, eps, "{kind:?}: the ε shown is the one drawn");
            for i in 0..3 {
                assert!((w.z[i] - (w.mu[i] + w.eps[i] * w.sigma[i])).abs() < 1e-5, "{kind:?}: z{i}");
                let kl = 0.5 * ((w.mu[i] - w.prior_mean[i]).powi(2) + w.sigma[i].powi(2) - w.logvar[i] - 1.0);
                assert!((kl - w.kl_per_dim[i]).abs() < 1e-5, "{kind:?}: KL of z{i}");
            }
            if kind == ModelKind::Cvae {
                let means = flat_class_means(t.model().autoencoder().unwrap()).unwrap();
                assert_eq!(w.prior_mean, means[3..6].to_vec(), "the prior is μ^1");
            } else {
                assert!(w.prior_mean.iter().all(|&m| m == 0.0));
            }
        } else {
            assert!(w.eps.is_empty() && w.sigma.is_empty() && w.kl_per_dim.is_empty() && w.kl == 0.0);
            assert_eq!(w.z, w.mu, "{kind:?}: z = μ");
        }
        assert_eq!(w.x_hat, codes::decode(t.model().autoencoder().unwrap(), &w.z, Some(1)).unwrap());
    }
}

#[test]
fn the_step_on_one_image_is_a_real_step_that_lowers_its_objective() {
    for kind in [ModelKind::Vae, ModelKind::Cvae, ModelKind::Sohn, ModelKind::Ae] {
        let d = bars(90);
        let mut t = Trainer::new(Config { model: kind, latent: 3, hidden: 16, batch: 16, learning_rate: 1e-3, seed: 5, ..Config::default() }, d.clone(), d.clone()).unwrap();
        t.train_steps(10).unwrap();
        let x = d.batch_pixels(&[7]);
        let walked = walkthrough::walk(t.model().autoencoder().unwrap(), &x, 1, 9, t.config().beta_at(t.step())).unwrap();
        let s = t.step_on(&x, 1, 9).unwrap();
        let (before, after) = (s.example.get("before", "loss").unwrap(), s.example.get("after", "loss").unwrap());
        assert!((before - walked.total).abs() < 1e-4 * walked.total, "{kind:?}: before {before} vs walk {}", walked.total);
        assert!(after < before, "{kind:?}: {before} → {after}");
        assert_eq!((s.step, t.step()), (11, 11));
        let again = walkthrough::walk(t.model().autoencoder().unwrap(), &x, 1, 9, t.config().beta_at(t.step())).unwrap();
        assert!((again.total - after).abs() < 1e-4 * after, "{kind:?}: the walk after the step shows its result");
    }
}

#[test]
fn pca_has_no_step_and_bad_input_changes_nothing() {
    let d = bars(60);
    let mut pca = Trainer::new(Config { model: ModelKind::Pca, latent: 2, ..Config::default() }, d.clone(), d.clone()).unwrap();
    let x = d.batch_pixels(&[0]);
    let before = codes::decode(pca.model().autoencoder().unwrap(), &[0.5, 0.5], None).unwrap();
    assert!(pca.step_on(&x, 0, 1).unwrap_err().to_string().contains("no optimiser step"));
    assert_eq!(codes::decode(pca.model().autoencoder().unwrap(), &[0.5, 0.5], None).unwrap(), before);
    let mut vae = Trainer::new(Config { model: ModelKind::Vae, latent: 2, hidden: 8, batch: 16, ..Config::default() }, d.clone(), d.clone()).unwrap();
    let before = codes::decode(vae.model().autoencoder().unwrap(), &[0.5, 0.5], None).unwrap();
    assert!(walkthrough::walk(vae.model().autoencoder().unwrap(), &x[..10], 0, 1, vae.config().beta_at(vae.step())).unwrap_err().to_string().contains("10 pixels"));
    assert!(vae.step_on(&x, 7, 1).unwrap_err().to_string().contains("class 7"));
    assert_eq!((codes::decode(vae.model().autoencoder().unwrap(), &[0.5, 0.5], None).unwrap(), vae.step()), (before, 0));
}

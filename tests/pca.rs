//! PCA, the linear autoencoder's optimum: the fit against its closed form on a small data set
//! (orthonormal directions by falling variance, codes that reconstruct the data's projection,
//! a training error equal to the discarded variance), and what it refuses: more directions than
//! pixels, training steps, and its checkpoint read as another kind. tests/python checks the
//! errors against numpy's SVD on the real data sets.

use vae_lab::files::checkpoint::Precision;
use vae_lab::data::Dataset;
use vae_lab::models::pca;
use vae_lab::evaluation::evaluate::evaluate;
use vae_lab::{Config, ModelKind, Trainer};
use vae_lab::evaluation::codes;

/// 5×5 images from a seeded stream, three classes that shift where the ink is.
fn data(n: usize) -> Dataset {
    let (rows, cols) = (5, 5);
    let mut state = 7u64;
    let mut next = move || { state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407); (state >> 33) as u32 };
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    let images = labels.iter().flat_map(|&y| (0..rows * cols).map(|p| ((p % 7 == y as usize) as u32 * 150 + next() % 100) as u8).collect::<Vec<_>>()).collect();
    Dataset { rows, cols, images, labels }
}

fn pixels_of(d: &Dataset) -> Vec<Vec<f64>> {
    (0..d.len()).map(|i| d.image(i).iter().map(|&v| v as f64 / 255.0).collect()).collect()
}

#[test]
fn the_fit_is_orthonormal_ordered_and_its_error_is_the_discarded_variance() {
    let d = data(300);
    let fit = pca::fit(&d, 4).unwrap();
    let p = d.pixels();
    let w = |i: usize| &fit.components[i * p..(i + 1) * p];
    for i in 0..4 {
        for j in 0..4 {
            let dot: f32 = w(i).iter().zip(w(j)).map(|(a, b)| a * b).sum();
            assert!((dot - if i == j { 1.0 } else { 0.0 }).abs() < 1e-5, "w{i}·w{j} = {dot}");
        }
    }
    assert!(fit.variances.windows(2).all(|v| v[0] >= v[1]), "{:?}", fit.variances);
    // The variance along each direction is what the codes show.
    let x = pixels_of(&d);
    for (i, &var) in fit.variances.iter().enumerate() {
        let codes: Vec<f64> = x.iter().map(|row| row.iter().zip(&fit.mean).zip(w(i)).map(|((v, m), c)| (v - *m as f64) * *c as f64).sum()).collect();
        let mean_code = codes.iter().sum::<f64>() / codes.len() as f64;
        let measured = codes.iter().map(|c| (c - mean_code).powi(2)).sum::<f64>() / codes.len() as f64;
        assert!(mean_code.abs() < 1e-5 && (measured - var).abs() < 1e-4 * var, "direction {i}: {measured} vs {var}");
    }
    // The model built from it reconstructs with exactly the variance it leaves out as error.
    let t = Trainer::new(Config { model: ModelKind::Pca, latent: 4, ..Config::default() }, d.clone(), d.clone()).unwrap();
    let e = evaluate(t.model().autoencoder().unwrap(), &d).unwrap();
    assert!((e.recon - fit.residual).abs() < 1e-4 * fit.residual, "error {} vs residual {}", e.recon, fit.residual);
    assert_eq!((e.kl, e.neg_elbo), (0.0, e.recon));
    // Each added direction explains more: the error falls with the latent size, to 0 at full size.
    let errors: Vec<f64> = [1, 2, 8, 25].iter().map(|&k| pca::fit(&d, k).unwrap().residual).collect();
    assert!(errors.windows(2).all(|e| e[1] < e[0]) && errors[3] < 1e-9, "{errors:?}");
}

#[test]
fn decoding_a_code_and_encoding_it_again_gives_the_code() {
    let d = data(200);
    let t = Trainer::new(Config { model: ModelKind::Pca, latent: 3, ..Config::default() }, d.clone(), d.clone()).unwrap();
    // A code near the data decodes inside [0, 1] (no clipping), so encoding returns it.
    let z = codes::encode(t.model().autoencoder().unwrap(), &codes::decode(t.model().autoencoder().unwrap(), &[0.2, -0.1, 0.05], None).unwrap(), None).unwrap();
    for (a, b) in z.iter().zip([0.2, -0.1, 0.05]) {
        assert!((a - b).abs() < 1e-4, "{z:?}");
    }
}

#[test]
fn more_directions_than_pixels_and_training_steps_are_refused() {
    let d = data(60);
    let err = Trainer::new(Config { model: ModelKind::Pca, latent: 26, ..Config::default() }, d.clone(), d.clone()).err().unwrap().to_string();
    assert!(err.contains("latent = 26") && err.contains("25 pixels"), "{err}");
    let mut t = Trainer::new(Config { model: ModelKind::Pca, latent: 2, ..Config::default() }, d.clone(), d.clone()).unwrap();
    let before = codes::decode(t.model().autoencoder().unwrap(), &[1.0, 0.5], None).unwrap();
    let err = t.train_steps(1).err().unwrap().to_string();
    assert!(err.contains("nothing to train"), "{err}");
    assert_eq!((t.step(), codes::decode(t.model().autoencoder().unwrap(), &[1.0, 0.5], None).unwrap()), (0, before));
}

#[test]
fn a_pca_checkpoint_round_trips_and_is_refused_as_a_vae() {
    let d = data(60);
    let pca = Trainer::new(Config { model: ModelKind::Pca, latent: 2, ..Config::default() }, d.clone(), d.clone()).unwrap();
    let bytes = pca.checkpoint(Precision::F32).unwrap();
    let mut vae = Trainer::new(Config { model: ModelKind::Vae, latent: 2, hidden: 8, ..Config::default() }, d.clone(), d.clone()).unwrap();
    vae.train_steps(2).unwrap();
    let before = codes::decode(vae.model().autoencoder().unwrap(), &[0.3, 0.3], None).unwrap();
    // The same tensors described as a VAE lack the VAE's layers.
    let text = String::from_utf8_lossy(&bytes).replacen("\\\"model\\\":\\\"pca\\\"", "\\\"model\\\":\\\"vae\\\"", 1);
    assert_ne!(text.as_bytes(), &bytes[..], "the kind is in the header");
    let err = vae.load_checkpoint(text.as_bytes()).err().unwrap().to_string();
    assert!(err.starts_with("checkpoint"), "{err}");
    assert_eq!((codes::decode(vae.model().autoencoder().unwrap(), &[0.3, 0.3], None).unwrap(), vae.step()), (before, 2));
    vae.load_checkpoint(&bytes).unwrap();
    assert_eq!(vae.config().model, ModelKind::Pca);
    assert_eq!(codes::decode(vae.model().autoencoder().unwrap(), &[0.3, 0.3], None).unwrap(), codes::decode(pca.model().autoencoder().unwrap(), &[0.3, 0.3], None).unwrap());
}

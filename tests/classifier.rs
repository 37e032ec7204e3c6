//! The independent classifier: its checkpoint round-trips, and conditional accuracy measures
//! exactly the share of class samples it labels with their class, for every sampler.

use candle_core::{Device, Tensor};
use vae_lab::classifier::{Classifier, ClassifierMeta};
use vae_lab::sampler::{conditional_accuracy, fit, Sampler, Sampling};
use vae_lab::data::Dataset;
use vae_lab::model::Vae;
use vae_lab::rng::Rng;
use vae_lab::{Config, ModelKind};

#[test]
fn classifier_round_trips_and_refuses_foreign_files() {
    let clf = Classifier::new(10, &mut Rng::new(1)).unwrap();
    let meta = ClassifierMeta { classes: 10, dataset: "mnist".into(), test_accuracy: 0.5 };
    let bytes = clf.encode(&meta).unwrap();
    let (back, back_meta) = Classifier::decode(&bytes).unwrap();
    assert_eq!(back_meta, meta);
    let x = Tensor::from_vec(Rng::new(2).normals(3 * 784).iter().map(|v| v.abs().min(1.0)).collect::<Vec<_>>(), (3, 784), &Device::Cpu).unwrap();
    assert_eq!(back.logits(&x).unwrap().to_vec2::<f32>().unwrap(), clf.logits(&x).unwrap().to_vec2::<f32>().unwrap());
    let err = Classifier::decode(&bytes[..bytes.len() - 10]).err().unwrap().to_string();
    assert!(err.starts_with("classifier"), "{err}");
}

#[test]
fn conditional_accuracy_counts_each_class_and_needs_a_conditional_model() {
    let clf = Classifier::new(10, &mut Rng::new(1)).unwrap();
    let cfg = Config { latent: 3, hidden: 16, ..Config::default() };
    // Ten images a class, for the fitted sampler.
    let labels: Vec<u8> = (0..100).map(|i| (i % 10) as u8).collect();
    let images = (0..100 * 784).map(|i| ((i * 37) % 251) as u8).collect();
    let data = Dataset { rows: 28, cols: 28, images, labels };
    for kind in [ModelKind::Cvae, ModelKind::Sohn] {
        let model = Vae::new(&Config { model: kind, ..cfg.clone() }, 784, 10, &mut Rng::new(3)).unwrap();
        let fitted = fit(&model, &data, 0).unwrap();
        for sampler in [Sampler::Prior, Sampler::Fitted] {
            let how = Sampling::new(sampler, 0.7).unwrap();
            let (acc, per) = conditional_accuracy(&model, Some(&fitted), &clf, how, 20, 1).unwrap();
            assert_eq!(per.len(), 10);
            assert!(per.iter().all(|p| (0.0..=1.0).contains(p) && (p * 20.0).fract() == 0.0));
            assert!((acc - per.iter().sum::<f64>() / 10.0).abs() < 1e-12);
            // The same seed gives the same figure.
            assert_eq!(conditional_accuracy(&model, Some(&fitted), &clf, how, 20, 1).unwrap().1, per);
        }
    }
    let vae = Vae::new(&Config { model: ModelKind::Vae, ..cfg }, 784, 10, &mut Rng::new(3)).unwrap();
    let err = conditional_accuracy(&vae, None, &clf, Sampling::new(Sampler::Prior, 1.0).unwrap(), 20, 1).unwrap_err();
    assert!(err.to_string().contains("plain VAE"), "{err}");
}

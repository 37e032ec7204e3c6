//! The independent classifier: its checkpoint round-trips, and conditional accuracy measures
//! exactly the share of class samples it labels with their class.

use candle_core::{Device, Tensor};
use vae_lab::classifier::{conditional_accuracy, Classifier, ClassifierMeta};
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
fn conditional_accuracy_counts_each_class_and_needs_a_cvae() {
    let clf = Classifier::new(10, &mut Rng::new(1)).unwrap();
    let cfg = Config { latent: 3, hidden: 16, ..Config::default() };
    let cvae = Vae::new(&cfg, 784, 10, &mut Rng::new(3)).unwrap();
    let (acc, per) = conditional_accuracy(&cvae, &clf, 20, 1).unwrap();
    assert_eq!(per.len(), 10);
    assert!(per.iter().all(|p| (0.0..=1.0).contains(p) && (p * 20.0).fract() == 0.0));
    assert!((acc - per.iter().sum::<f64>() / 10.0).abs() < 1e-12);
    let vae = Vae::new(&Config { model: ModelKind::Vae, ..cfg }, 784, 10, &mut Rng::new(3)).unwrap();
    assert!(conditional_accuracy(&vae, &clf, 20, 1).is_err());
}

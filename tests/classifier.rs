//! The independent classifier: its checkpoint round-trips, and conditional accuracy measures
//! exactly the share of class samples it labels with their class, for every sampler; files of
//! another architecture or with any tensor amiss are refused by name; training learns.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor};
use vae_lab::evaluation::classifier::{Augment, Classifier, ClassifierMeta, FORMAT};
use vae_lab::evaluation::sampler::{conditional_accuracy, fit, Sampler, Sampling};
use vae_lab::models::network::Vae;
use vae_lab::rng::Rng;
use vae_lab::{Config, Dataset, ModelKind};

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
        let fitted = fit(&model, &data, (0, 0)).unwrap();
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
    assert!(err.to_string().contains("the VAE has no classes"), "{err}");
}

/// A safetensors file with these tensors (zeros) and this format tag, as a classifier would be.
fn file(format: &str, tensors: &[(&str, Vec<usize>, DType)]) -> Vec<u8> {
    let tensors: Vec<(String, Tensor)> =
        tensors.iter().map(|(n, s, d)| (n.to_string(), Tensor::zeros(s.as_slice(), *d, &Device::Cpu).unwrap())).collect();
    let meta = ClassifierMeta { classes: 10, dataset: "fashion".into(), test_accuracy: 0.9 };
    let info = HashMap::from([("format".to_string(), format.to_string()), ("classifier".to_string(), serde_json::to_string(&meta).unwrap())]);
    safetensors::serialize(tensors, Some(info)).unwrap()
}

/// The tensors a current classifier file holds, names and shapes, read back from one.
fn current_layout() -> Vec<(String, Vec<usize>)> {
    let clf = Classifier::new(10, &mut Rng::new(1)).unwrap();
    let bytes = clf.encode(&ClassifierMeta { classes: 10, dataset: "mnist".into(), test_accuracy: 0.5 }).unwrap();
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut layout: Vec<(String, Vec<usize>)> = st.tensors().into_iter().map(|(n, v)| (n, v.shape().to_vec())).collect();
    layout.sort();
    layout
}

#[test]
fn files_of_the_first_architecture_are_refused_by_name() {
    assert_eq!(FORMAT, "vae-lab-classifier/2");
    // Version 1's layers: conv 16, conv 32, dense 128 over channels-first 32·4·4.
    let v1 = [
        ("conv1.weight", vec![16, 1, 5, 5]), ("conv1.bias", vec![16]), ("conv2.weight", vec![32, 16, 5, 5]), ("conv2.bias", vec![32]),
        ("fc1.weight", vec![128, 512]), ("fc1.bias", vec![128]), ("fc2.weight", vec![10, 128]), ("fc2.bias", vec![10]),
    ];
    let v1: Vec<(&str, Vec<usize>, DType)> = v1.into_iter().map(|(n, s)| (n, s, DType::F32)).collect();
    let err = Classifier::decode(&file("vae-lab-classifier/1", &v1)).err().unwrap().to_string();
    assert!(err.contains("vae-lab-classifier/1") && err.contains("retrain"), "{err}");
    let err = Classifier::decode(&file("something-else", &v1)).err().unwrap().to_string();
    assert!(err.contains("not a VAE Lab classifier"), "{err}");
}

#[test]
fn every_tensor_is_checked_for_name_shape_and_dtype() {
    let layout = current_layout();
    let good: Vec<(&str, Vec<usize>, DType)> = layout.iter().map(|(n, s)| (n.as_str(), s.clone(), DType::F32)).collect();
    assert!(Classifier::decode(&file(FORMAT, &good)).is_ok());
    for i in 0..good.len() {
        let name = good[i].0;
        let mut missing = good.clone();
        missing.remove(i);
        let err = Classifier::decode(&file(FORMAT, &missing)).err().unwrap().to_string();
        assert!(err.contains(name) && err.contains("missing"), "{err}");
        let mut reshaped = good.clone();
        reshaped[i].1[0] += 1;
        let err = Classifier::decode(&file(FORMAT, &reshaped)).err().unwrap().to_string();
        assert!(err.contains(name) && err.contains("expected"), "{err}");
        let mut half = good.clone();
        half[i].2 = DType::F16;
        let err = Classifier::decode(&file(FORMAT, &half)).err().unwrap().to_string();
        assert!(err.contains(name) && err.contains("F16"), "{err}");
    }
}

/// 4 classes of 28×28 images: a bright 6×6 block in one quadrant, with noise.
fn blocks(n: usize, seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let labels: Vec<u8> = (0..n).map(|i| (i % 4) as u8).collect();
    let mut images = Vec::with_capacity(n * 784);
    for &y in &labels {
        let (r0, c0) = (4 + 14 * (y as usize / 2), 4 + 14 * (y as usize % 2));
        for p in 0..784 {
            let (r, c) = (p / 28, p % 28);
            let on = (r0..r0 + 6).contains(&r) && (c0..c0 + 6).contains(&c);
            images.push(if on { 200 + rng.below(56) as u8 } else { rng.below(60) as u8 });
        }
    }
    Dataset { rows: 28, cols: 28, images, labels }
}

#[test]
fn training_learns_a_separable_task_and_lowers_its_loss() {
    let (train, test) = (blocks(640, 1), blocks(200, 2));
    let mut clf = Classifier::new(4, &mut Rng::new(1)).unwrap();
    let before = clf.accuracy(&test).unwrap();
    let mut losses = Vec::new();
    clf.train(&train, 3, 1, Augment { shift: 1, flip: false }, |epoch, loss| losses.push((epoch, loss))).unwrap();
    assert_eq!(losses.iter().map(|l| l.0).collect::<Vec<_>>(), [1, 2, 3]);
    assert!(losses[2].1 < losses[0].1 * 0.5, "{losses:?}");
    let after = clf.accuracy(&test).unwrap();
    assert!(after > 0.95 && after > before, "accuracy {before} → {after}");
}

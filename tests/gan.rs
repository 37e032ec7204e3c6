//! The GAN family (issue 26): its objective against closed forms, D's optimum on a 1-D toy case,
//! a short MNIST run judged by the classifier, checkpoints, and settings refused with the reason.

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use vae_lab::config::{GanLoss, GanOutput};
use vae_lab::evaluation::classifier::Classifier;
use vae_lab::evaluation::codes;
use vae_lab::evaluation::generation;
use vae_lab::files::checkpoint::Precision;
use vae_lab::models::gan::{discriminator_objective, generator_objective, jensen_shannon, minibatch_std, Gan, GanFamily};
use vae_lab::rng::Rng;
use vae_lab::{Config, Dataset, ModelKind, Trainer};

fn mnist() -> (Dataset, Dataset) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/mnist");
    let read = |name: &str| std::fs::read(format!("{dir}/{name}")).unwrap_or_else(|e| panic!("{dir}/{name}: {e}; run scripts/setup.sh to prepare the data"));
    Dataset::from_idx(&read("images-idx3-ubyte.gz"), &read("labels-idx1-ubyte.gz")).unwrap().split_stratified(10)
}

fn classifier() -> Classifier {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/mnist-classifier.safetensors");
    Classifier::decode(&std::fs::read(path).unwrap()).unwrap().0
}

fn logits(ps: &[f64]) -> Tensor {
    let l: Vec<f32> = ps.iter().map(|p| (p / (1.0 - p)).ln() as f32).collect();
    Tensor::from_vec(l, ps.len(), &Device::Cpu).unwrap()
}

fn scalar(t: &Tensor) -> f64 {
    t.to_scalar::<f32>().unwrap() as f64
}

#[test]
fn the_objectives_terms_match_their_closed_forms_for_fixed_d_outputs() {
    let (real, fake) = ([0.9, 0.6, 0.75], [0.2, 0.45]);
    let mean = |xs: &[f64], f: fn(f64) -> f64| xs.iter().map(|&x| f(x)).sum::<f64>() / xs.len() as f64;
    let v = mean(&real, |d| d.ln()) + mean(&fake, |d| (1.0 - d).ln());
    for t in [1.0, 0.9] {
        let o = discriminator_objective(&logits(&real), &logits(&fake), t).unwrap();
        // D minimises the cross-entropy with target t for real images and 0 for generated ones.
        let want = -(mean(&real, |d| d.ln()) * t + (1.0 - t) * mean(&real, |d| (1.0 - d).ln())) - mean(&fake, |d| (1.0 - d).ln());
        assert!((scalar(&o.d_loss) - want).abs() < 1e-5, "t = {t}: D's loss {} vs {want}", scalar(&o.d_loss));
        assert!((o.d_value + v).abs() < 1e-5, "−V {} vs {}", o.d_value, -v);
        assert!((o.d_real - 0.75).abs() < 1e-6 && (o.d_fake - 0.325).abs() < 1e-6);
    }
    let non_saturating = scalar(&generator_objective(&logits(&fake), GanLoss::NonSaturating).unwrap());
    let saturating = scalar(&generator_objective(&logits(&fake), GanLoss::Saturating).unwrap());
    assert!((non_saturating + mean(&fake, |d| d.ln())).abs() < 1e-5, "−E log D(G(z)): {non_saturating}");
    assert!((saturating - mean(&fake, |d| (1.0 - d).ln())).abs() < 1e-5, "E log(1 − D(G(z))): {saturating}");
    // D = ½ everywhere: −V = log 4, so the JSD it implies is 0; a perfect D gives log 2.
    let half = discriminator_objective(&logits(&[0.5, 0.5]), &logits(&[0.5]), 1.0).unwrap();
    assert!((half.d_value - 4f64.ln()).abs() < 1e-6 && jensen_shannon(half.d_value).abs() < 1e-6);
    assert!((jensen_shannon(0.0) - 2f64.ln()).abs() < 1e-12);
}

/// p_data = N(1, 1) against p_G = N(−1, 1) on the line: D* = p_data / (p_data + p_G) = σ(2x)
/// (with one-sided smoothing t: t·σ(2x)). D is the family's own network and step, on one pixel.
#[test]
fn the_discriminator_reaches_its_optimum_on_a_one_dimensional_toy() {
    for t in [1.0, 0.9] {
        let cfg = Config {
            model: ModelKind::Gan,
            latent: 1,
            hidden: 16,
            layers: 1,
            learning_rate: 3e-3,
            dropout: 0.0,
            label_smoothing: t,
            gan_output: GanOutput::Sigmoid,
            ..Config::default()
        };
        let mut rng = Rng::new(5);
        let mut family = GanFamily::new(Gan::new(&cfg, 1, 10, &mut rng).unwrap(), &cfg).unwrap();
        let n = 256;
        for _ in 0..3000 {
            let real = Tensor::from_vec(rng.normals(n).iter().map(|v| v + 1.0).collect::<Vec<f32>>(), (n, 1), &Device::Cpu).unwrap();
            let fake = Tensor::from_vec(rng.normals(n).iter().map(|v| v - 1.0).collect::<Vec<f32>>(), (n, 1), &Device::Cpu).unwrap();
            family.discriminator_step(&real, None, &fake, None, &mut rng).unwrap().expect("a finite step");
        }
        let xs = [-1.5f32, -0.5, 0.0, 0.5, 1.5];
        let l = family.gan().discriminator_logits(&Tensor::from_vec(xs.to_vec(), (5, 1), &Device::Cpu).unwrap(), None, None).unwrap();
        let d: Vec<f32> = candle_nn::ops::sigmoid(&l).unwrap().to_vec1().unwrap();
        for (x, d) in xs.iter().zip(&d) {
            let want = t * 1.0 / (1.0 + (-2.0 * *x as f64).exp());
            assert!((*d as f64 - want).abs() < 0.04, "t = {t}: D({x}) = {d}, D* = {want}");
        }
    }
}

fn gan_trainer(model: ModelKind, seed: u64) -> Trainer {
    let (train, test) = mnist();
    let cfg = Config { model, seed, learning_rate: 2e-4, ..Config::default() };
    Trainer::new(cfg, train, test).unwrap()
}

fn score(trainer: &Trainer, clf: &Classifier) -> generation::Comparison {
    let counts = trainer.train_set().class_counts(10);
    generation::compare(trainer.model(), clf, &counts, trainer.test_set(), 1000, 7).unwrap()
}

#[test]
fn a_short_run_raises_the_classifier_score() {
    let clf = classifier();
    let mut trainer = gan_trainer(ModelKind::Gan, 1);
    let before = score(&trainer, &clf);
    let p = trainer.train_steps(1500).unwrap();
    let after = score(&trainer, &clf);
    eprintln!(
        "GAN 1500 steps: score {:.2} → {:.2}, FD {:.1} → {:.1}, coverage {:.3}, grey {:.3}; last step dLoss {:.3} gLoss {:.3} D(x) {:.3} D(G(z)) {:.3}",
        before.samples.score, after.samples.score, before.frechet, after.frechet, after.samples.coverage, after.samples.grey_share,
        p.term("dLoss"), p.term("gLoss"), p.term("dReal"), p.term("dFake")
    );
    assert!(after.samples.score > before.samples.score + 0.5, "score {} → {}", before.samples.score, after.samples.score);
    assert!(after.frechet < 0.7 * before.frechet, "FD {} → {}", before.frechet, after.frechet);
    for name in ["dLoss", "gLoss", "dReal", "dFake", "jsd", "gGradNorm"] {
        assert!(p.terms.get(name).is_some_and(f64::is_finite), "{name}");
    }
}

/// The texts' reason for the non-saturating loss: early on D rejects G's images with confidence,
/// where log(1 − D(G(z))) is flat. Measured as G's gradient norm over the first 200 steps.
#[test]
fn the_saturating_loss_gives_g_a_flatter_gradient_early() {
    let mean_norm = |loss: GanLoss| {
        let (train, test) = mnist();
        let mut trainer = Trainer::new(Config { model: ModelKind::Gan, seed: 2, learning_rate: 2e-4, gan_loss: loss, ..Config::default() }, train, test).unwrap();
        let norms: Vec<f64> = (0..200).map(|_| trainer.train_steps(1).unwrap().term("gGradNorm")).collect();
        let mean = |xs: &[f64]| xs.iter().sum::<f64>() / xs.len() as f64;
        eprintln!("{loss:?}: G's gradient norm, mean over steps 1–50 {:.4}, 51–200 {:.4}, all 200 {:.4}", mean(&norms[..50]), mean(&norms[50..]), mean(&norms));
        mean(&norms)
    };
    let (saturating, non_saturating) = (mean_norm(GanLoss::Saturating), mean_norm(GanLoss::NonSaturating));
    assert!(saturating < non_saturating, "saturating {saturating} vs non-saturating {non_saturating}");
}

const Z: [f32; 8] = [0.3, -1.0, 0.5, 0.0, 1.2, -0.4, 0.8, -0.7];

#[test]
fn checkpoints_round_trip_resume_exactly_and_refuse_another_kind() {
    for kind in [ModelKind::Gan, ModelKind::Cgan] {
        let mut a = gan_trainer(kind, 3);
        a.train_steps(30).unwrap();
        let bytes = a.checkpoint(Precision::F32).unwrap();
        let mut b = gan_trainer(kind, 99);
        let loaded = b.load_checkpoint(&bytes).unwrap();
        assert!(loaded.resumed, "{kind:?}: both Adams' moments saved");
        assert_eq!(codes::decode(b.model(), &Z, Some(1)).unwrap(), codes::decode(a.model(), &Z, Some(1)).unwrap());
        a.train_steps(20).unwrap();
        b.train_steps(20).unwrap();
        assert_eq!(codes::decode(b.model(), &Z, Some(1)).unwrap(), codes::decode(a.model(), &Z, Some(1)).unwrap(), "{kind:?}: resumed training drifted");
        // Every tensor is G's or D's.
        assert!(a.model().named_tensors().iter().all(|(n, _)| n.starts_with("generator.") || n.starts_with("discriminator.")));
        // f16: the model alone, close.
        let half = a.checkpoint(Precision::F16).unwrap();
        let mut c = gan_trainer(kind, 5);
        assert!(!c.load_checkpoint(&half).unwrap().resumed);
        for (x, y) in codes::decode(c.model(), &Z, Some(1)).unwrap().iter().zip(codes::decode(a.model(), &Z, Some(1)).unwrap()) {
            assert!((x - y).abs() < 5e-3);
        }
    }
    // A GAN's file described as a conditional GAN (whose first layers also read the one-hot) is
    // refused, naming the tensor, and the model in memory is kept.
    let a = gan_trainer(ModelKind::Gan, 3);
    let bytes = a.model_checkpoint().unwrap();
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let mut info: HashMap<String, String> = header.metadata().clone().unwrap();
    let meta = info["vae_lab"].replace("\"model\":\"gan\"", "\"model\":\"cgan\"");
    info.insert("vae_lab".into(), meta);
    let st = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let tensors: Vec<(String, Tensor)> = st.names().iter().map(|n| {
        let v = st.tensor(n).unwrap();
        let values: Vec<f32> = v.data().chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect();
        (n.to_string(), Tensor::from_vec(values, v.shape(), &Device::Cpu).unwrap())
    }).collect();
    let forged = safetensors::serialize(tensors, Some(info)).unwrap();
    let mut cgan = gan_trainer(ModelKind::Cgan, 4);
    let before = codes::decode(cgan.model(), &Z, Some(2)).unwrap();
    let err = cgan.load_checkpoint(&forged).unwrap_err().to_string();
    assert!(err.contains("shape"), "{err}");
    assert_eq!(codes::decode(cgan.model(), &Z, Some(2)).unwrap(), before);
    // The conditional GAN needs a class; the GAN has none to take.
    assert!(codes::decode(cgan.model(), &Z, None).is_err());
}

#[test]
fn bad_gan_settings_are_refused_with_the_reason() {
    let bad = [
        (Config { model: ModelKind::Gan, d_steps: 0, ..Config::default() }, "dSteps"),
        (Config { model: ModelKind::Gan, d_steps: 11, ..Config::default() }, "dSteps"),
        (Config { model: ModelKind::Gan, label_smoothing: 0.3, ..Config::default() }, "labelSmoothing"),
        (Config { model: ModelKind::Gan, beta1: 1.0, ..Config::default() }, "beta1"),
        (Config { model: ModelKind::Gan, dropout: 1.0, ..Config::default() }, "dropout"),
        (Config { model: ModelKind::Gan, instance_noise: -0.1, ..Config::default() }, "instanceNoise"),
        (Config { model: ModelKind::Gan, learning_rate: 0.0, ..Config::default() }, "learningRate"),
        (Config { model: ModelKind::Gan, minibatch_std: 2, ..Config::default() }, "minibatchStd"),
        (Config { model: ModelKind::Gan, ema: 1.0, ..Config::default() }, "ema"),
        (Config { model: ModelKind::Gan, d_lr_scale: 0.0, ..Config::default() }, "dLrScale"),
    ];
    for (cfg, name) in bad {
        let (train, test) = (Dataset { rows: 28, cols: 28, images: vec![0; 784 * 2], labels: vec![0, 1] }, Dataset { rows: 28, cols: 28, images: vec![], labels: vec![] });
        let err = Trainer::new(cfg, train, test).err().expect("refused").to_string();
        assert!(err.starts_with(name) && err.contains("out of range"), "{err}");
    }
    // An unknown loss name in a checkpoint's or the page's configuration is refused by name.
    let err = serde_json::from_str::<Config>(r#"{"model":"gan","ganLoss":"wasserstein"}"#).unwrap_err().to_string();
    assert!(err.contains("wasserstein"), "{err}");
}

#[test]
fn the_minibatch_feature_is_the_mean_standard_deviation_over_the_batch() {
    // Rows (1, 2), (3, 6): per feature σ = 1 and 2 (population), mean 1.5, in every row.
    let h = Tensor::from_vec(vec![1f32, 2.0, 3.0, 6.0], (2, 2), &Device::Cpu).unwrap();
    let f: Vec<Vec<f32>> = minibatch_std(&h).unwrap().to_vec2().unwrap();
    assert_eq!(f.len(), 2);
    for row in f {
        assert!((row[0] - 1.5).abs() < 1e-4, "{row:?}");
    }
    // A batch of one image repeated: no spread (√10⁻⁸ left).
    let same = Tensor::from_vec(vec![0.3f32, -2.0, 0.3, -2.0, 0.3, -2.0], (3, 2), &Device::Cpu).unwrap();
    let f: Vec<Vec<f32>> = minibatch_std(&same).unwrap().to_vec2().unwrap();
    assert!(f.iter().all(|r| r[0].abs() < 1e-3), "{f:?}");
}

fn generator_tensors(trainer: &Trainer, prefix: &str) -> Vec<(String, Vec<f32>)> {
    trainer
        .model()
        .named_tensors()
        .into_iter()
        .filter_map(|(n, t)| n.strip_prefix(prefix).map(|rest| (rest.to_string(), t.flatten_all().unwrap().to_vec1::<f32>().unwrap())))
        .collect()
}

/// After one G step the average is decay·G₀ + (1 − decay)·G₁, G₀ the fresh weights it starts as;
/// samples come from it, not from G.
#[test]
fn g_s_average_follows_its_closed_form_and_is_what_samples() {
    let (train, test) = mnist();
    let decay = 0.9;
    let mut trainer = Trainer::new(Config { model: ModelKind::Gan, seed: 4, learning_rate: 2e-4, ema: decay, ..Config::default() }, train, test).unwrap();
    let g0 = generator_tensors(&trainer, "generator.");
    assert_eq!(g0, generator_tensors(&trainer, "generator_ema."), "the average starts as G");
    trainer.train_steps(1).unwrap();
    let (g1, avg) = (generator_tensors(&trainer, "generator."), generator_tensors(&trainer, "generator_ema."));
    assert_eq!(g1.len(), avg.len());
    let mut moved = 0.0f64;
    for (((name, a), (_, b)), (n2, e)) in g0.iter().zip(&g1).zip(&avg) {
        assert_eq!(name, n2);
        for ((x0, x1), m) in a.iter().zip(b).zip(e) {
            let want = decay as f32 * x0 + (1.0 - decay as f32) * x1;
            assert!((m - want).abs() < 1e-6, "{name}: {m} vs {want}");
            moved += (x1 - x0).abs() as f64;
        }
    }
    assert!(moved > 0.0, "G took a step");
    // Decoding reads the average: G₁ and the average differ, so a GAN without one decodes
    // differently from the same G with one.
    let with_avg = codes::decode(trainer.model(), &Z, None).unwrap();
    let bytes = trainer.model_checkpoint().unwrap();
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    assert!(header.metadata().as_ref().unwrap()["vae_lab"].contains("\"ema\":0.9"));
    let mut plain = gan_trainer(ModelKind::Gan, 4);
    plain.train_steps(1).unwrap();
    assert_eq!(generator_tensors(&plain, "generator."), g1, "the same G without the average");
    assert_ne!(codes::decode(plain.model(), &Z, None).unwrap(), with_avg);
}

#[test]
fn the_recipe_settings_round_trip_and_resume_exactly() {
    for kind in [ModelKind::Gan, ModelKind::Cgan] {
        let make = |seed| {
            let (train, test) = mnist();
            let cfg = Config { model: kind, seed, learning_rate: 2e-4, minibatch_std: 1, ema: 0.99, d_lr_scale: 2.0, ..Config::default() };
            Trainer::new(cfg, train, test).unwrap()
        };
        let mut a = make(3);
        a.train_steps(30).unwrap();
        let bytes = a.checkpoint(Precision::F32).unwrap();
        let mut b = make(99);
        assert!(b.load_checkpoint(&bytes).unwrap().resumed);
        a.train_steps(20).unwrap();
        b.train_steps(20).unwrap();
        assert_eq!(codes::decode(b.model(), &Z, Some(1)).unwrap(), codes::decode(a.model(), &Z, Some(1)).unwrap(), "{kind:?}: resumed training drifted");
        let d: Vec<(String, Vec<usize>)> = a.model().named_tensors().into_iter().filter(|(n, _)| n == "discriminator.out.weight").map(|(n, t)| (n, t.dims().to_vec())).collect();
        assert_eq!(d, vec![("discriminator.out.weight".to_string(), vec![1, 401])], "D's output reads the minibatch feature");
        // f16: the model alone (the average with it).
        let mut c = make(5);
        assert!(!c.load_checkpoint(&a.checkpoint(Precision::F16).unwrap()).unwrap().resumed);
        for (x, y) in codes::decode(c.model(), &Z, Some(1)).unwrap().iter().zip(codes::decode(a.model(), &Z, Some(1)).unwrap()) {
            assert!((x - y).abs() < 5e-3);
        }
    }
}

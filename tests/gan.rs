//! The GAN family (issue 26): its objective against closed forms, D's optimum on a 1-D toy case,
//! a short MNIST run judged by the classifier, checkpoints, and settings refused with the reason.
// Native only: it reads the data set from disk (data::datasets), which the wasm build leaves out.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::{classifier, mnist};

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use vae_lab::config::{GanLoss, GanOutput};
use vae_lab::evaluation::classifier::Classifier;
use vae_lab::evaluation::codes;
use vae_lab::evaluation::generation;
use vae_lab::files::checkpoint::Precision;
use vae_lab::models::gan::{discriminator_objective, discriminator_objective_for, generator_objective, jensen_shannon, minibatch_std, power_iteration, spectral_sigma, translate, Gan, GanFamily};
use vae_lab::rng::Rng;
use vae_lab::{Config, Dataset, ModelKind, Trainer};


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
            // The texts' D, each verdict its input's alone: minibatch std (on by default) would
            // make D(x) depend on the batch x is read with.
            minibatch_std: 0,
            ema: 0.0,
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
        // Every tensor is G's, D's or (the defaults sample from it) G's average.
        assert!(a.model().named_tensors().iter().all(|(n, _)| ["generator.", "discriminator.", "generator_ema."].iter().any(|p| n.starts_with(p))));
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
        (Config { model: ModelKind::Gan, spectral_norm: 2, ..Config::default() }, "spectralNorm"),
        (Config { model: ModelKind::Gan, translation: 9, ..Config::default() }, "translation"),
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

/// W = [[1, 2, 0], [0, 1, 2]]: WWᵀ = [[5, 2], [2, 5]], eigenvalues 7 and 3, so σ₁(W) = √7 with left
/// singular vector u = (1, 1)/√2 and right v = Wᵀu/√7 = (1, 3, 2)/√14. Power iteration finds σ₁
/// from below; W/σ has largest singular value 1; σ's gradient with respect to W is uvᵀ.
#[test]
fn spectral_normalisation_divides_by_the_largest_singular_value() {
    let w = Tensor::from_vec(vec![1f32, 2.0, 0.0, 0.0, 1.0, 2.0], (2, 3), &Device::Cpu).unwrap();
    let sigma = |u: &Tensor| spectral_sigma(&w, u).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap()[0] as f64;
    let mut u = Tensor::from_vec(vec![1f32, 0.0], 2, &Device::Cpu).unwrap();
    let mut last = 0.0;
    for _ in 0..30 {
        u = power_iteration(&w, &u).unwrap();
        let s = sigma(&u);
        assert!(s <= 7f64.sqrt() + 1e-5 && s >= last - 1e-5, "the estimate rises to σ₁ from below: {last} then {s}");
        last = s;
    }
    assert!((last - 7f64.sqrt()).abs() < 1e-4, "σ {last} vs √7");
    let uu: Vec<f32> = u.to_vec1().unwrap();
    assert!((uu[0].abs() - 0.5f32.sqrt()).abs() < 1e-3 && (uu[1] - uu[0]).abs() < 1e-3, "u {uu:?}");
    // The normalised weight's largest singular value: √(largest eigenvalue of (W/σ)(W/σ)ᵀ), in closed form.
    let n = w.broadcast_div(&spectral_sigma(&w, &u).unwrap()).unwrap();
    let g: Vec<Vec<f32>> = n.matmul(&n.t().unwrap()).unwrap().to_vec2().unwrap();
    let (a, b, d) = (g[0][0] as f64, g[0][1] as f64, g[1][1] as f64);
    let top = (a + d) / 2.0 + (((a - d) / 2.0).powi(2) + b * b).sqrt();
    assert!((top.sqrt() - 1.0).abs() < 1e-4, "σ₁(W/σ) = {}", top.sqrt());
    // ∂σ/∂W = uvᵀ, u and v held fixed.
    let var = candle_core::Var::from_tensor(&w).unwrap();
    let grads = spectral_sigma(var.as_tensor(), &u).unwrap().sum_all().unwrap().backward().unwrap();
    let grad: Vec<f32> = grads.get(var.as_tensor()).unwrap().flatten_all().unwrap().to_vec1().unwrap();
    let v = [1.0, 3.0, 2.0].map(|x: f64| x / 14f64.sqrt());
    for (i, got) in grad.iter().enumerate() {
        let want = 0.5f64.sqrt() * v[i % 3];
        assert!((*got as f64 - want).abs() < 1e-3, "∂σ/∂W[{i}] = {got}, uvᵀ gives {want}");
    }
}

/// The largest singular value of a matrix by many power-iteration steps from a fixed start.
fn top_singular_value(w: &Tensor) -> f64 {
    let rows = w.dim(0).unwrap();
    let mut u = Tensor::ones(rows, candle_core::DType::F32, &Device::Cpu).unwrap();
    for _ in 0..300 {
        u = power_iteration(w, &u).unwrap();
    }
    spectral_sigma(w, &u).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap()[0] as f64
}

/// With `spectralNorm`, every weight matrix D uses has largest singular value ≈ 1 after training
/// (the estimate lags W by one Adam step at most); without it, D's output layer alone is far from
/// 1 (its fresh norm is about 1/√3). Its vectors are in the file and resume exactly.
#[test]
fn spectral_normalisation_keeps_d_s_layers_at_unit_norm_and_resumes_exactly() {
    let make = |kind, seed, spectral_norm| {
        let (train, test) = mnist();
        Trainer::new(Config { model: kind, seed, learning_rate: 2e-4, spectral_norm, ..Config::default() }, train, test).unwrap()
    };
    let gan_of = |t: &Trainer| -> Gan {
        let c = t.config().clone();
        let tensors: HashMap<String, Tensor> = t.model().named_tensors().into_iter().collect();
        Gan::from_tensors(&c, 784, 10, tensors).unwrap()
    };
    let mut a = make(ModelKind::Gan, 3, 1);
    a.train_steps(100).unwrap();
    let weights = gan_of(&a).discriminator_weights().unwrap();
    assert_eq!(weights.len(), 3);
    for (i, w) in weights.iter().enumerate() {
        let s = top_singular_value(w);
        assert!((s - 1.0).abs() < 0.05, "layer {i}: σ₁ {s}");
    }
    let plain = make(ModelKind::Gan, 3, 0);
    let out = top_singular_value(gan_of(&plain).discriminator_weights().unwrap().last().unwrap());
    assert!((out - 1.0).abs() > 0.2, "without spectral normalisation D's output layer has σ₁ {out}");
    for kind in [ModelKind::Gan, ModelKind::Cgan] {
        let mut a = make(kind, 3, 1);
        a.train_steps(30).unwrap();
        let names: Vec<String> = a.model().named_tensors().into_iter().map(|(n, _)| n).filter(|n| n.starts_with("discriminator_sn.")).collect();
        assert_eq!(names, ["discriminator_sn.hidden.u", "discriminator_sn.hidden2.u", "discriminator_sn.out.u"], "{kind:?}");
        let bytes = a.checkpoint(Precision::F32).unwrap();
        let mut b = make(kind, 99, 1);
        assert!(b.load_checkpoint(&bytes).unwrap().resumed);
        a.train_steps(20).unwrap();
        b.train_steps(20).unwrap();
        assert_eq!(codes::decode(b.model(), &Z, Some(1)).unwrap(), codes::decode(a.model(), &Z, Some(1)).unwrap(), "{kind:?}: resumed training drifted");
    }
}

/// A 3×3 image 1…9 moved one pixel right, and another moved one pixel up, the background (−1)
/// moving in; the gradient of the sum reaches each pixel that stayed in view once, the others never.
#[test]
fn translation_moves_each_image_by_its_own_shift_and_passes_the_gradient_back() {
    let pixels: Vec<f32> = (1..=9).map(|v| v as f32).collect();
    let x = candle_core::Var::from_tensor(&Tensor::from_vec([pixels.clone(), pixels].concat(), (2, 9), &Device::Cpu).unwrap()).unwrap();
    let moved = translate(x.as_tensor(), 3, 3, &[(1, 0), (0, -1)], -1.0).unwrap();
    let rows: Vec<Vec<f32>> = moved.to_vec2().unwrap();
    assert_eq!(rows[0], [-1.0, 1.0, 2.0, -1.0, 4.0, 5.0, -1.0, 7.0, 8.0], "one pixel right");
    assert_eq!(rows[1], [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, -1.0, -1.0, -1.0], "one pixel up");
    let grads = moved.sum_all().unwrap().backward().unwrap();
    let g: Vec<Vec<f32>> = grads.get(x.as_tensor()).unwrap().to_vec2().unwrap();
    assert_eq!(g[0], [1.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 1.0, 0.0], "the right column left the view");
    assert_eq!(g[1], [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], "the top row left the view");
    // No shift: the image itself.
    let same: Vec<Vec<f32>> = translate(x.as_tensor(), 3, 3, &[(0, 0), (0, 0)], -1.0).unwrap().to_vec2().unwrap();
    assert_eq!(same, x.as_tensor().to_vec2::<f32>().unwrap());
    // In training: the GAN with shifted images trains and resumes exactly.
    for kind in [ModelKind::Gan, ModelKind::Cgan] {
        let make = |seed| {
            let (train, test) = mnist();
            Trainer::new(Config { model: kind, seed, learning_rate: 2e-4, translation: 2, ..Config::default() }, train, test).unwrap()
        };
        let mut a = make(3);
        a.train_steps(30).unwrap();
        let mut b = make(99);
        assert!(b.load_checkpoint(&a.checkpoint(Precision::F32).unwrap()).unwrap().resumed);
        let p = a.train_steps(20).unwrap();
        b.train_steps(20).unwrap();
        assert!(p.term("gGradNorm").is_finite() && p.term("gGradNorm") > 0.0);
        assert_eq!(codes::decode(b.model(), &Z, Some(1)).unwrap(), codes::decode(a.model(), &Z, Some(1)).unwrap(), "{kind:?}: resumed training drifted");
    }
}

/// The hinge loss on fixed logits: D's mean max(0, 1 − l) over real plus mean max(0, 1 + l) over
/// generated (label smoothing ignored), G's −mean l; −V and D's means stay the texts' figures.
#[test]
fn the_hinge_loss_matches_its_closed_form() {
    let l = |v: &[f32]| Tensor::from_vec(v.to_vec(), v.len(), &Device::Cpu).unwrap();
    let (real, fake) = (l(&[2.0, 0.5, -1.0]), l(&[-3.0, 0.25]));
    let o = discriminator_objective_for(&real, &fake, 0.9, GanLoss::Hinge).unwrap();
    let want = (0.0 + 0.5 + 2.0) / 3.0 + (0.0 + 1.25) / 2.0;
    assert!((scalar(&o.d_loss) - want).abs() < 1e-6, "D's hinge loss {} vs {want}", scalar(&o.d_loss));
    let plain = discriminator_objective(&real, &fake, 1.0).unwrap();
    assert!((o.d_value - plain.d_value).abs() < 1e-9 && (o.d_real - plain.d_real).abs() < 1e-9);
    assert!((scalar(&generator_objective(&fake, GanLoss::Hinge).unwrap()) - 1.375).abs() < 1e-6);
    // The other losses are untouched by the new function.
    let ns = discriminator_objective_for(&real, &fake, 0.9, GanLoss::NonSaturating).unwrap();
    assert!((scalar(&ns.d_loss) - scalar(&discriminator_objective(&real, &fake, 0.9).unwrap().d_loss)).abs() < 1e-9);
}

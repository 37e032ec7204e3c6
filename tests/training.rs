//! Training on the real MNIST digits the project's set-up prepares (scripts/setup.sh).

use vae_lab::evaluation::sampler::{Sampler, Sampling};
use vae_lab::{Config, Dataset, ModelKind, Trainer};
use vae_lab::evaluation::codes;
use vae_lab::evaluation::evaluate;
use vae_lab::models::model::flat_class_means;
use vae_lab::evaluation::explorer::Explorer;

fn mnist() -> (Dataset, Dataset) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/mnist");
    let read = |name: &str| std::fs::read(format!("{dir}/{name}"))
        .unwrap_or_else(|e| panic!("{dir}/{name}: {e}; run scripts/setup.sh to prepare the data"));
    let data = Dataset::from_idx(&read("images-idx3-ubyte.gz"), &read("labels-idx1-ubyte.gz")).unwrap();
    assert_eq!((data.len(), data.rows, data.cols, data.classes()), (10_000, 28, 28, 10));
    data.split_stratified(10)
}

#[test]
fn split_is_the_documented_one() {
    let (train, test) = mnist();
    assert_eq!((train.len(), test.len()), (9_003, 997));
}

fn short_run_lowers_test_loss(model: ModelKind) {
    let (train, test) = mnist();
    let cfg = Config { model, seed: 3, ..Config::default() };
    let mut trainer = Trainer::new(cfg, train, test).unwrap();
    let before = evaluate::evaluate(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap();
    let first = trainer.train_steps(20).unwrap();
    trainer.train_steps(260).unwrap();
    let last = trainer.train_steps(20).unwrap();
    let after = evaluate::evaluate(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap();
    eprintln!("{model:?}: test −ELBO {:.1} → {:.1}; train loss {:.1} → {:.1}", before.neg_elbo, after.neg_elbo, first.term("loss"), last.term("loss"));
    // An untrained decoder outputs ~0.5 everywhere (≈ 540 nats); 300 steps reach well under 200.
    assert!(before.neg_elbo > 400.0, "{before:?}");
    assert!(after.neg_elbo < 200.0, "{after:?}");
    assert!(last.term("loss") < 0.5 * first.term("loss"), "train loss {} → {}", first.term("loss"), last.term("loss"));
    assert!(after.kl > 1.0, "the latent carries information: KL {}", after.kl);
}

#[test]
fn vae_short_run_lowers_test_loss() {
    short_run_lowers_test_loss(ModelKind::Vae);
}

#[test]
fn cvae_short_run_lowers_test_loss() {
    short_run_lowers_test_loss(ModelKind::Cvae);
}

#[test]
fn standard_cvae_short_run_lowers_test_loss() {
    short_run_lowers_test_loss(ModelKind::Sohn);
}

#[test]
fn cvae_class_samples_decode_and_same_seed_reproduces() {
    let (train, test) = mnist();
    let cfg = Config { seed: 9, ..Config::default() };
    let run = |train: Dataset, test: Dataset| {
        let mut t = Trainer::new(cfg.clone(), train, test).unwrap();
        t.train_steps(30).unwrap();
        let s = Explorer::new(t.config().seed).sample(&t, Some(7), 4, Sampling::new(Sampler::Prior, 1.0).unwrap(), false).unwrap();
        (flat_class_means(t.model().autoencoder().unwrap()).unwrap(), (s.z, s.images))
    };
    let (means_a, (z_a, img_a)) = run(train.clone(), test.clone());
    let (means_b, (z_b, img_b)) = run(train, test);
    assert_eq!(means_a.len(), 10 * cfg.latent);
    assert_eq!((z_a.len(), img_a.len()), (4 * cfg.latent, 4 * 784));
    assert!(img_a.iter().all(|p| (0.0..=1.0).contains(p)));
    assert_eq!((means_a, z_a, img_a), (means_b, z_b, img_b), "same seed must give the same run");
}

#[test]
fn divergence_at_learning_rate_10_rolls_back_to_the_healthy_model() {
    let (train, test) = mnist();
    let mut trainer = Trainer::new(Config { seed: 5, ..Config::default() }, train, test).unwrap();
    trainer.train_steps(100).unwrap();
    let healthy = evaluate::evaluate(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap();
    let z = [0.5f32; 8];
    let healthy_image = codes::decode(trainer.model().autoencoder().unwrap(), &z, None).unwrap();

    trainer.set_learning_rate(10.0).unwrap();
    let mut diverged = None;
    for _ in 0..200 {
        match trainer.train_steps(1) {
            Ok(_) => continue,
            Err(e) => {
                diverged = Some(e);
                break;
            }
        }
    }
    let err = diverged.expect("learning rate 10 did not diverge in 200 steps");
    let vae_lab::LabError::Diverged { step, restored_to, .. } = err else { panic!("unexpected error {err}") };
    eprintln!("diverged at step {step}, rolled back to {restored_to}: {err}");
    assert!(err.to_string().contains("lower learning rate than 10"), "{err}");
    // Back exactly where the learning rate was changed.
    assert_eq!((restored_to, trainer.step()), (100, 100));
    assert_eq!(codes::decode(trainer.model().autoencoder().unwrap(), &z, None).unwrap(), healthy_image);
    assert_eq!(evaluate::evaluate(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap().neg_elbo, healthy.neg_elbo);
    // With a sane learning rate training goes on from there.
    trainer.set_learning_rate(1e-3).unwrap();
    let p = trainer.train_steps(20).unwrap();
    assert_eq!(p.step, 120);
    assert!(p.term("loss") < 1.2 * healthy.neg_elbo, "{p:?}");
}

/// Batched and single-row matrix products sum in different orders: equal to float rounding.
fn assert_close(a: &[f32], b: &[f32], what: &str) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    let worst = a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0f32, f32::max);
    assert!(worst < 1e-5, "{what}: differs by up to {worst}");
}

#[test]
fn batched_views_agree_with_single_decodes_and_encodes() {
    let (train, test) = mnist();
    let mut trainer = Trainer::new(Config { latent: 3, seed: 2, ..Config::default() }, train, test).unwrap();
    trainer.train_steps(30).unwrap();
    let rows = [[0.0f32, 1.0, -1.0], [2.0, 0.5, 0.0]];
    let many = codes::decode_many(trainer.model().autoencoder().unwrap(), &rows.concat(), None).unwrap();
    for (i, z) in rows.iter().enumerate() {
        assert_close(&many[i * 784..(i + 1) * 784], &codes::decode(trainer.model().autoencoder().unwrap(), z, None).unwrap(), "batched decode");
    }
    assert!(codes::decode_many(trainer.model().autoencoder().unwrap(), &[0.0; 4], None).is_err(), "4 numbers are not whole rows of 3");

    let mu = codes::encode_test(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap();
    assert_eq!(mu.len(), 997 * 3);
    let (originals, recon) = codes::reconstructions(trainer.model().autoencoder().unwrap(), trainer.test_set(), 1).unwrap();
    assert_eq!((originals.len(), recon.len()), (10 * 784, 10 * 784));
    // The first reconstruction is decode(μ) of the first test image of class 0 (the test set's first).
    assert_close(&recon[..784], &codes::decode(trainer.model().autoencoder().unwrap(), &mu[..3], None).unwrap(), "reconstruction");
}

#[test]
fn drawing_samples_does_not_change_training() {
    let (train, test) = mnist();
    let cfg = Config { seed: 4, ..Config::default() };
    let mut quiet = Trainer::new(cfg.clone(), train.clone(), test.clone()).unwrap();
    let mut curious = Trainer::new(cfg, train, test).unwrap();
    Explorer::new(curious.config().seed).sample(&curious, Some(3), 8, Sampling::new(Sampler::Fitted, 0.5).unwrap(), true).unwrap();
    let (a, b) = (quiet.train_steps(5).unwrap(), curious.train_steps(5).unwrap());
    assert_eq!((a.term("recon"), a.term("kl")), (b.term("recon"), b.term("kl")));
    assert_eq!(codes::decode(quiet.model().autoencoder().unwrap(), &[0.1; 8], None).unwrap(), codes::decode(curious.model().autoencoder().unwrap(), &[0.1; 8], None).unwrap());
}

#[test]
fn interpolation_is_the_decoded_straight_line_between_two_codes() {
    let (train, test) = mnist();
    let mut trainer = Trainer::new(Config { latent: 3, seed: 5, ..Config::default() }, train, test).unwrap();
    trainer.train_steps(30).unwrap();
    let (a, b) = (codes::image(trainer.test_set(), 0, "test").unwrap(), codes::image(trainer.test_set(), 500, "test").unwrap());
    let mu = codes::encode(trainer.model().autoencoder().unwrap(), &[a.clone(), b.clone()].concat(), None).unwrap();
    let (mu_a, mu_b) = (&mu[..3], &mu[3..]);
    // μ of a test image is what the map shows for it.
    assert_close(mu_a, &codes::encode_test(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap()[..3], "encode vs encode_test");
    let path = codes::interpolate(trainer.model().autoencoder().unwrap(), &a, &b, 5, (None, None)).unwrap();
    assert_eq!(path.len(), 5 * 784);
    for (k, t) in [0.0f32, 0.25, 0.5, 0.75, 1.0].into_iter().enumerate() {
        let z: Vec<f32> = mu_a.iter().zip(mu_b).map(|(x, y)| x + t * (y - x)).collect();
        assert_close(&path[k * 784..(k + 1) * 784], &codes::decode(trainer.model().autoencoder().unwrap(), &z, None).unwrap(), "path point");
    }
    // Bad requests are refused with a reason.
    let msg = |r: vae_lab::Result<Vec<f32>>| r.unwrap_err().to_string();
    assert!(msg(codes::interpolate(trainer.model().autoencoder().unwrap(), &a, &b, 1, (None, None))).contains("2 to 64 steps"));
    assert!(msg(codes::interpolate(trainer.model().autoencoder().unwrap(), &a, &b[..700], 4, (None, None))).contains("rows of 784 pixels"));
    assert!(msg(codes::encode(trainer.model().autoencoder().unwrap(), &vec![2.0; 784], None)).contains("from 0 to 1"));
    assert!(msg(codes::encode(trainer.model().autoencoder().unwrap(), &vec![f32::NAN; 784], None)).contains("from 0 to 1"));
    assert!(msg(codes::image(trainer.test_set(), 997, "test")).contains("does not exist"));
}

#[test]
fn the_standard_cvaes_interpolation_moves_the_label_with_z() {
    let (train, test) = mnist();
    let mut trainer = Trainer::new(Config { model: ModelKind::Sohn, latent: 3, seed: 5, ..Config::default() }, train, test).unwrap();
    trainer.train_steps(30).unwrap();
    // Test images 0 and 500 are of different classes (the test set is in file order).
    let (ya, yb) = (trainer.test_set().labels[0] as usize, trainer.test_set().labels[500] as usize);
    assert_ne!(ya, yb);
    let (a, b) = (codes::image(trainer.test_set(), 0, "test").unwrap(), codes::image(trainer.test_set(), 500, "test").unwrap());
    let (mu_a, mu_b) = (codes::encode(trainer.model().autoencoder().unwrap(), &a, Some(ya)).unwrap(), codes::encode(trainer.model().autoencoder().unwrap(), &b, Some(yb)).unwrap());
    // Each image is encoded with its own label, as the map's codes are.
    let map = codes::encode_test(trainer.model().autoencoder().unwrap(), trainer.test_set()).unwrap();
    assert_close(&mu_a, &map[..3], "encode vs encode_test");
    let path = codes::interpolate(trainer.model().autoencoder().unwrap(), &a, &b, 3, (Some(ya), Some(yb))).unwrap();
    assert_close(&path[..784], &codes::decode(trainer.model().autoencoder().unwrap(), &mu_a, Some(ya)).unwrap(), "start: a's code and a's class");
    assert_close(&path[2 * 784..], &codes::decode(trainer.model().autoencoder().unwrap(), &mu_b, Some(yb)).unwrap(), "end: b's code and b's class");
    let mid: Vec<f32> = mu_a.iter().zip(&mu_b).map(|(x, y)| 0.5 * (x + y)).collect();
    assert!(codes::decode(trainer.model().autoencoder().unwrap(), &mid, Some(ya)).unwrap() != path[784..2 * 784], "the middle mixes both labels, not a's alone");
    let msg = codes::interpolate(trainer.model().autoencoder().unwrap(), &a, &b, 3, (None, Some(yb))).unwrap_err().to_string();
    assert!(msg.contains("choose one"), "{msg}");
}

#[test]
fn profiled_steps_train_exactly_like_plain_ones_and_time_every_phase() {
    let (train, test) = mnist();
    let cfg = Config { seed: 6, ..Config::default() };
    let mut plain = Trainer::new(cfg.clone(), train.clone(), test.clone()).unwrap();
    let mut profiled = Trainer::new(cfg, train, test).unwrap();
    plain.train_steps(4).unwrap();
    // A clock that ticks 1 ms per reading: every phase is read once per step.
    let ticks = std::cell::Cell::new(0.0);
    let p = profiled.profile_steps(4, &|| { ticks.set(ticks.get() + 1.0); ticks.get() }).unwrap();
    assert_eq!((p.steps, p.batch, p.forward, p.backward, p.update), (4, 4.0, 4.0, 4.0, 4.0));
    assert_eq!(profiled.step(), 4);
    assert_eq!(codes::decode(plain.model().autoencoder().unwrap(), &[0.2; 8], None).unwrap(), codes::decode(profiled.model().autoencoder().unwrap(), &[0.2; 8], None).unwrap());
}

#[test]
fn two_threads_take_the_steps_of_one_up_to_the_order_of_sums() {
    let (train, test) = mnist();
    assert!(vae_lab::available_threads() >= 2, "this test needs two cores");
    // 64 rows cut 32 + 32; 33 rows cut 16 + 17, where each part's weight in the mean matters.
    for batch in [64, 33] {
        let cfg = Config { seed: 8, batch, ..Config::default() };
        let mut one = Trainer::new(cfg.clone(), train.clone(), test.clone()).unwrap();
        let mut two = Trainer::new(cfg, train.clone(), test.clone()).unwrap();
        two.set_threads(2).unwrap();
        assert_eq!(two.threads(), 2);
        let close = |a: f64, b: f64, rel: f64| (a - b).abs() <= rel * a.abs().max(1.0);
        // The first step's terms come from the same weights and the same ε.
        let (a, b) = (one.train_steps(1).unwrap(), two.train_steps(1).unwrap());
        for (x, y) in [(a.term("loss"), b.term("loss")), (a.term("recon"), b.term("recon")), (a.term("kl"), b.term("kl"))] {
            assert!(close(x, y, 1e-5), "batch {batch}, step 1: one thread {a:?}, two {b:?}");
        }
        let (a, b) = (one.train_steps(30).unwrap(), two.train_steps(30).unwrap());
        assert!(close(a.term("loss"), b.term("loss"), 1e-3), "batch {batch}, steps 2-31: one thread {a:?}, two {b:?}");
        assert_eq!((one.step(), a.epoch_progress), (two.step(), b.epoch_progress));
        let (x, y) = (codes::decode(one.model().autoencoder().unwrap(), &[0.4; 8], None).unwrap(), codes::decode(two.model().autoencoder().unwrap(), &[0.4; 8], None).unwrap());
        let worst = x.iter().zip(&y).map(|(p, q)| (p - q).abs()).fold(0.0f32, f32::max);
        assert!(worst < 0.02, "batch {batch}: decoded pixels differ by up to {worst}");
    }
}

#[test]
fn an_impossible_thread_count_is_refused_and_training_goes_on() {
    let (train, test) = mnist();
    let mut trainer = Trainer::new(Config { seed: 9, ..Config::default() }, train, test).unwrap();
    trainer.train_steps(2).unwrap();
    for n in [0, 100_000] {
        let msg = trainer.set_threads(n).unwrap_err().to_string();
        assert!(msg.contains(&format!("threads: {n} asked for")), "{msg}");
    }
    assert_eq!((trainer.threads(), trainer.step()), (1, 2));
    trainer.train_steps(1).unwrap();
    assert_eq!(trainer.step(), 3);
}

/// The page's training loop averages and charts the terms a kind's facts name: every trainable
/// kind's step reports exactly those, in that order (a family that renamed or added one would
/// leave the chart drawing nothing).
#[test]
fn a_training_step_reports_exactly_the_terms_its_kind_names() {
    let (rows, cols, n) = (6, 6, 120);
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    let images = labels.iter().flat_map(|&y| (0..rows * cols).map(move |p| if p % cols == y as usize % cols { 255 } else { 0 })).collect();
    let (train, test) = vae_lab::Dataset { rows, cols, images, labels }.split_stratified(10);
    for kind in vae_lab::ModelKind::ALL.into_iter().filter(|k| k.facts().trainable) {
        let cfg = vae_lab::Config { model: kind, latent: 3, hidden: 16, batch: 8, ..vae_lab::Config::default() };
        let mut trainer = vae_lab::Trainer::new(cfg, train.clone(), test.clone()).unwrap();
        let p = trainer.train_steps(2).unwrap();
        let names: Vec<&str> = p.terms.0.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, kind.facts().terms, "{kind:?}");
        assert!(p.terms.0.iter().all(|(_, v)| v.is_finite()), "{kind:?}: {:?}", p.terms);
    }
}

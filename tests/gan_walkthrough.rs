//! The GAN's walkthrough is the model's own numbers: D's verdict on the real image and on G(z)
//! agrees with the objective's closed forms (−log D(x), −log(1 − D(G(z))), G's loss in its
//! configured form), G(z) is what the model decodes, the push on each pixel is the gradient of G's
//! loss (checked against finite differences through D), and the step is D's step then G's, each
//! lowering its own loss on the pair, with the figures before and after that the walk shows.

use candle_core::Tensor;
use vae_lab::config::GanLoss;
use vae_lab::data::Dataset;
use vae_lab::evaluation::codes;
use vae_lab::evaluation::walkthrough::{self, Walked};
use vae_lab::{Config, ModelKind, Trainer};

/// Three classes of 6×6 images, a bright column each.
fn bars(n: usize) -> Dataset {
    let (rows, cols) = (6, 6);
    let labels: Vec<u8> = (0..n).map(|i| (i % 3) as u8).collect();
    let images = labels.iter().flat_map(|&y| (0..rows * cols).map(move |p| if p % cols == y as usize * 2 { 230 } else { 20 })).collect();
    Dataset { rows, cols, images, labels }
}

/// A small GAN of `kind` trained a few steps, without dropout or smoothing, so D's training loss
/// on a pair is exactly the −V the walk shows; and without G's weight average or minibatch std
/// (both on by default), so that G(z) is what the model decodes and D reads each image alone.
fn trained(kind: ModelKind, loss: GanLoss) -> (Trainer, Dataset) {
    let d = bars(90);
    let cfg = Config {
        model: kind, latent: 3, hidden: 16, batch: 16, learning_rate: 1e-3, seed: 7, dropout: 0.0, label_smoothing: 1.0, gan_loss: loss, ema: 0.0, minibatch_std: 0,
        ..Config::default()
    };
    let mut t = Trainer::new(cfg, d.clone(), d.clone()).unwrap();
    t.train_steps(20).unwrap();
    (t, d)
}

fn gan_walk(t: &Trainer, x: &[f32], label: u32, seed: u64) -> walkthrough::GanWalk {
    match walkthrough::walk_model(t.model(), x, label, seed, t.config(), t.step()).unwrap() {
        Walked::Adversarial(w) => w,
        Walked::Objective(_) => panic!("a GAN's walk is the adversarial one"),
    }
}

#[test]
fn the_walk_is_d_and_g_s_own_numbers() {
    for (kind, loss) in [(ModelKind::Gan, GanLoss::NonSaturating), (ModelKind::Cgan, GanLoss::Saturating), (ModelKind::Gan, GanLoss::Hinge)] {
        let (t, d) = trained(kind, loss);
        let x = d.batch_pixels(&[4]);
        let w = gan_walk(&t, &x, 1, 11);
        assert!((w.d_real - (-w.real_term).exp()).abs() < 1e-5, "{kind:?}: D(x) = exp(−(−log D(x)))");
        assert!((w.d_fake - (1.0 - (-w.fake_term).exp())).abs() < 1e-5, "{kind:?}: D(G(z)) = 1 − exp(−(−log(1 − D(G(z)))))");
        assert!((w.d_loss - (w.real_term + w.fake_term)).abs() < 1e-9);
        let g = match loss {
            GanLoss::NonSaturating => -w.d_fake.ln(),
            GanLoss::Saturating => (1.0 - w.d_fake).ln(),
            // −l(G(z)), D's logit: l = log(D / (1 − D)).
            GanLoss::Hinge => -(w.d_fake / (1.0 - w.d_fake)).ln(),
        };
        assert!((w.g_loss - g).abs() < 1e-4 * (1.0 + g.abs()), "{kind:?}: G's loss {} against its closed form {g}", w.g_loss);
        assert_eq!(w.g_loss_form, loss);
        assert_eq!(w.z.len(), 3);
        // With no weight average, G(z) is what the model decodes for that z (and that class).
        let label = if kind.takes_label() { Some(1) } else { None };
        assert_eq!(w.fake, codes::decode(t.model(), &w.z, label).unwrap(), "{kind:?}: G(z) is the decoder's image");
        assert!(w.fake.iter().all(|&p| (0.0..=1.0).contains(&p)));
        // The same seed draws the same z; another seed another.
        assert_eq!(gan_walk(&t, &x, 1, 11).z, w.z);
        assert_ne!(gan_walk(&t, &x, 1, 12).z, w.z);
    }
}

#[test]
fn the_push_on_each_pixel_is_the_gradient_of_g_s_loss() {
    let (t, d) = trained(ModelKind::Gan, GanLoss::NonSaturating);
    let x = d.batch_pixels(&[2]);
    let w = gan_walk(&t, &x, 2, 5);
    let gan = vae_lab::models::gan::of(t.model()).unwrap();
    // G's loss as a function of its image p in [0, 1]: −log σ(D(2p − 1)) (the tanh output).
    let loss_at = |p: &[f32]| -> f64 {
        let image = Tensor::from_vec(p.to_vec(), (1, p.len()), &candle_core::Device::Cpu).unwrap();
        let logit = gan.discriminator_logits(&gan.real_for_d(&image).unwrap(), None, None).unwrap().to_vec1::<f32>().unwrap()[0] as f64;
        (1.0 + (-logit).exp()).ln()
    };
    let mut order: Vec<usize> = (0..w.push.len()).collect();
    order.sort_by(|&a, &b| w.push[b].abs().total_cmp(&w.push[a].abs()));
    assert!(w.push[order[0]].abs() > 1e-4, "D says something about some pixel");
    let h = 1e-2f32;
    for &j in &order[..3] {
        let (mut up, mut down) = (w.fake.clone(), w.fake.clone());
        up[j] += h;
        down[j] -= h;
        let slope = (loss_at(&up) - loss_at(&down)) / (2.0 * h as f64);
        assert!((-slope - w.push[j] as f64).abs() < 0.02 * w.push[j].abs() as f64 + 1e-4, "pixel {j}: push {} against −slope {}", w.push[j], -slope);
    }
}

#[test]
fn the_step_is_d_s_step_then_g_s_each_lowering_its_loss() {
    for kind in [ModelKind::Gan, ModelKind::Cgan] {
        let (mut t, d) = trained(kind, GanLoss::NonSaturating);
        let x = d.batch_pixels(&[7]);
        let walked = gan_walk(&t, &x, 1, 9);
        let s = t.step_on(&x, 1, 9).unwrap();
        let e = &s.example;
        let at = |m: &str, n: &str| e.get(m, n).unwrap();
        assert!((at("before", "dLoss") - walked.d_loss).abs() < 1e-6, "{kind:?}: the step starts where the walk stands");
        assert!((at("before", "gLoss") - walked.g_loss).abs() < 1e-6);
        assert!(at("afterD", "dLoss") < at("before", "dLoss"), "{kind:?}: D's step lowers D's loss on the pair");
        assert!(at("afterD", "dReal") > at("before", "dReal") && at("afterD", "dFake") < at("before", "dFake"), "{kind:?}: D now tells them apart better");
        assert_eq!(at("afterD", "gLoss") > at("before", "gLoss"), true, "{kind:?}: a sharper D makes G's loss higher");
        assert!(at("afterG", "gLoss") < at("afterD", "gLoss"), "{kind:?}: G's step lowers its loss against the new D");
        assert!((at("afterG", "dReal") - at("afterD", "dReal")).abs() < 1e-6, "{kind:?}: G's step leaves D(x) alone");
        let images: std::collections::HashMap<_, _> = e.images.iter().cloned().collect();
        assert_eq!(images["before"], walked.fake);
        assert_ne!(images["after"], images["before"], "{kind:?}: G's step changed its image");
        assert_eq!((s.step, t.step()), (21, 21));
        let again = gan_walk(&t, &x, 1, 9);
        assert!((again.g_loss - at("afterG", "gLoss")).abs() < 1e-6, "{kind:?}: the walk after the step shows its result");
        assert_eq!(again.fake, images["after"]);
    }
}

#[test]
fn bad_input_to_the_gan_walk_is_refused_and_changes_nothing() {
    let (mut t, d) = trained(ModelKind::Gan, GanLoss::NonSaturating);
    let x = d.batch_pixels(&[0]);
    let before = codes::decode(t.model(), &[0.1, 0.2, 0.3], None).unwrap();
    let short = walkthrough::walk_model(t.model(), &x[..10], 0, 1, t.config(), t.step()).unwrap_err().to_string();
    assert!(short.contains("10 pixels"), "{short}");
    assert!(walkthrough::walk_model(t.model(), &x, 5, 1, t.config(), t.step()).unwrap_err().to_string().contains("class 5"));
    assert!(t.step_on(&x, 5, 1).unwrap_err().to_string().contains("class 5"));
    assert_eq!((codes::decode(t.model(), &[0.1, 0.2, 0.3], None).unwrap(), t.step()), (before, 20));
}

//! Compare (issue 26, item 7; `evaluation::side_by_side`): a model against itself gives equal rows
//! and grids drawn from the same z; a GAN of other sizes is compared all the same and said to
//! differ; bytes that are no sound checkpoint, or a checkpoint of another data set, are refused
//! with the reason.
// Native only: it reads the data set from disk (data::datasets), which the wasm build leaves out.
#![cfg(not(target_arch = "wasm32"))]

mod common;
use common::{classifier, mnist};

use vae_lab::evaluation::side_by_side::{side_by_side, GRID_SIDE};
use vae_lab::files::checkpoint::Precision;
use vae_lab::{Config, ModelKind, Trainer};


fn trainer(config: Config, dataset: &str, steps: u32) -> Trainer {
    let (train, test) = mnist();
    let mut t = Trainer::new(config, train, test).unwrap().named(dataset);
    if steps > 0 {
        t.train_steps(steps).unwrap();
    }
    t
}

fn small(model: ModelKind, latent: usize) -> Config {
    Config { model, latent, hidden: 64, layers: 1, ..Config::default() }
}

#[test]
fn a_model_against_itself_gives_equal_rows_and_the_same_grid() {
    let t = trainer(small(ModelKind::Vae, 4), "mnist", 30);
    let bytes = t.checkpoint(Precision::F32).unwrap();
    let r = side_by_side(&t, &bytes, &classifier(), 300, 5).unwrap();
    assert_eq!(r.samples, 300);
    assert_eq!((r.ours.kind, r.other.kind), (ModelKind::Vae, ModelKind::Vae));
    assert_eq!((r.ours.step, r.other.step), (30, 30));
    assert_eq!(r.ours.figures, r.other.figures);
    assert_eq!(r.ours.figures.images, 300);
    assert!(r.ours.frechet.is_finite() && r.ours.frechet > 0.0);
    assert!((r.ours.frechet - r.other.frechet).abs() < 1e-9, "{} vs {}", r.ours.frechet, r.other.frechet);
    assert_eq!(r.ours.grid.len(), GRID_SIDE * GRID_SIDE * 784);
    assert_eq!(r.ours.grid, r.other.grid);
    assert!(r.same_size && r.same_z);
    // The reference: the 997 test images, read once, with the real images' share of grey pixels.
    assert_eq!(r.real.images, 997);
    assert!(r.real.score > 8.0 && r.real.grey_share > 0.0 && r.real.grey_share < 0.2, "{:?}", r.real);
}

#[test]
fn a_gan_of_other_sizes_is_compared_and_said_to_differ() {
    let vae = trainer(small(ModelKind::Vae, 4), "mnist", 0);
    let gan = trainer(Config { hidden: 32, ..small(ModelKind::Gan, 6) }, "mnist", 5);
    let r = side_by_side(&vae, &gan.checkpoint(Precision::F32).unwrap(), &classifier(), 100, 1).unwrap();
    assert_eq!((r.ours.kind, r.other.kind), (ModelKind::Vae, ModelKind::Gan));
    assert_eq!(r.other.step, 5);
    assert_eq!((r.other.sizes.latent, r.other.sizes.hidden, r.other.sizes.layers), (6, Some(32), 1));
    assert!(!r.same_size && !r.same_z);
    assert_eq!(r.other.figures.images, 100);
    // At the same sizes the two families decode the same z.
    let gan4 = trainer(small(ModelKind::Gan, 4), "mnist", 0);
    let r = side_by_side(&vae, &gan4.checkpoint(Precision::F32).unwrap(), &classifier(), 50, 1).unwrap();
    assert!(r.same_size && r.same_z);
}

#[test]
fn a_corrupt_checkpoint_or_one_of_another_data_set_is_refused_with_the_reason() {
    let t = trainer(small(ModelKind::Vae, 4), "mnist", 0);
    let clf = classifier();
    let err = |bytes: &[u8]| side_by_side(&t, bytes, &clf, 50, 1).err().expect("refused").to_string();
    let garbage = err(b"not a checkpoint at all, just some bytes");
    assert!(garbage.starts_with("the model to compare with cannot be read: checkpoint: not a safetensors file"), "{garbage}");
    let good = t.checkpoint(Precision::F32).unwrap();
    let cut = err(&good[..good.len() / 2]);
    assert!(cut.starts_with("the model to compare with cannot be read: checkpoint:"), "{cut}");
    // A weight set to NaN (the model alone: its last bytes are a weight's): the file parses, its
    // values do not pass.
    let mut nan = t.model_checkpoint().unwrap();
    let at = nan.len() - 8;
    nan[at..at + 4].copy_from_slice(&f32::NAN.to_le_bytes());
    let bad = err(&nan);
    assert!(bad.starts_with("the model to compare with cannot be read: checkpoint:"), "{bad}");
    let fashion = trainer(small(ModelKind::Vae, 4), "fashion", 0);
    let other = err(&fashion.checkpoint(Precision::F32).unwrap());
    assert!(other.contains("trained on 'fashion', the model in memory on 'mnist'"), "{other}");
}

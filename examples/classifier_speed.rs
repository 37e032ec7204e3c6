//! Times the classifier natively: one forward pass over 1,000 images (what scoring generated
//! images costs; the page scores 2,000 on one thread) and training steps of batch 64 on
//! synthetic images. `cargo run --release --example classifier_speed [threads note]`; set
//! RAYON_NUM_THREADS=1 for one core.

use std::time::Instant;

use candle_core::{Device, Tensor};
use vae_lab::evaluation::classifier::{Augment, Classifier, ClassifierMeta};
use vae_lab::rng::Rng;
use vae_lab::Dataset;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rng = Rng::new(7);
    let clf = Classifier::new(10, &mut rng)?;
    let bytes = clf.encode(&ClassifierMeta { classes: 10, dataset: "mnist".into(), test_accuracy: 0.0 })?;
    println!("file size {} bytes", bytes.len());
    let x = Tensor::from_vec((0..1000 * 784).map(|_| rng.uniform() as f32).collect::<Vec<_>>(), (1000, 784), &Device::Cpu)?;
    clf.predict(&x)?; // warm-up
    let mut best = f64::INFINITY;
    for _ in 0..5 {
        let start = Instant::now();
        clf.predict(&x)?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!("forward, 1,000 images in one batch: {:.0} ms (best of 5)", best * 1e3);

    let n = 64 * 40;
    let labels: Vec<u8> = (0..n).map(|_| rng.below(10) as u8).collect();
    let images: Vec<u8> = (0..n * 784).map(|_| rng.below(256) as u8).collect();
    let data = Dataset { rows: 28, cols: 28, images, labels };
    let mut clf = Classifier::new(10, &mut rng)?;
    let start = Instant::now();
    clf.train(&data, 1, 1, Augment { shift: 2, flip: true }, |_, _| {})?;
    let per_step = start.elapsed().as_secs_f64() / 40.0;
    println!("training: {:.1} ms per step of 64 (≈ {:.0} s per 60,000-image epoch)", per_step * 1e3, per_step * 60000.0 / 64.0);
    Ok(())
}

//! What several test files read from disk: MNIST split as the page and the CLI split it, and the
//! shipped classifier that scores samples. Native only (data::datasets is left out of wasm).

use vae_lab::evaluation::classifier::Classifier;
use vae_lab::Dataset;

/// MNIST's 10,000 digits split as the page and the CLI split them (every 10th of a class held out).
pub fn mnist() -> (Dataset, Dataset) {
    let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/data"));
    vae_lab::data::datasets::load("mnist", root).unwrap_or_else(|e| panic!("{e}; run scripts/setup.sh to prepare the data"))
}

/// The shipped MNIST classifier (models/mnist-classifier.safetensors).
pub fn classifier() -> Classifier {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/mnist-classifier.safetensors");
    Classifier::decode(&std::fs::read(path).unwrap()).unwrap().0
}

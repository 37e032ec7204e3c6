//! Data: labelled image sets in memory, read from IDX files, split into training and test
//! images, and walked in minibatches.
//!
//! - `idx`: the IDX file format (raw or gzip), checked before anything is allocated;
//! - `catalog`: the named data sets (MNIST, Fashion-MNIST): their files, splits and class names;
//! - `datasets`: reading them from disk (native only; the page fetches the same files);
//! - `batcher`: the shuffled order of an epoch; `batch`: a minibatch as tensors;
//! - `augment`: shifted and mirrored training images (for the classifier).

pub mod augment;
pub mod batch;
pub mod batcher;
pub mod catalog;
#[cfg(not(target_arch = "wasm32"))]
pub mod datasets;
pub mod idx;

pub use batcher::Batcher;

use crate::error::{invalid, Result};

/// Labels are single bytes; a data set may use up to this many classes.
pub const MAX_CLASSES: usize = 256;

/// Images stored as bytes (0..=255), one row of `rows * cols` per sample, with a label each.
#[derive(Clone, Debug)]
pub struct Dataset {
    pub rows: usize,
    pub cols: usize,
    pub images: Vec<u8>,
    pub labels: Vec<u8>,
}

impl Dataset {
    /// Parses an images IDX (n × rows × cols) and a labels IDX (n), raw or gzip, and checks they
    /// belong together.
    pub fn from_idx(images: &[u8], labels: &[u8]) -> Result<Self> {
        let img = idx::parse(images, 3, "images")?;
        let lab = idx::parse(labels, 1, "labels")?;
        let (n, rows, cols) = (img.dims[0], img.dims[1], img.dims[2]);
        if n == 0 || rows == 0 || cols == 0 {
            invalid!("images: the file holds no pixels (dimensions {:?})", img.dims);
        }
        if lab.dims[0] != n {
            invalid!("images and labels disagree: {n} images but {} labels", lab.dims[0]);
        }
        Ok(Self { rows, cols, images: img.data, labels: lab.data })
    }

    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn pixels(&self) -> usize {
        self.rows * self.cols
    }

    /// Number of classes: one more than the largest label.
    pub fn classes(&self) -> usize {
        self.labels.iter().copied().max().map_or(0, |m| m as usize + 1)
    }

    /// The labels that occur, in increasing order.
    pub fn labels_present(&self) -> Vec<u8> {
        let mut seen = [false; 256];
        self.labels.iter().for_each(|&y| seen[y as usize] = true);
        (0..=255u8).filter(|&y| seen[y as usize]).collect()
    }

    pub fn image(&self, i: usize) -> &[u8] {
        &self.images[i * self.pixels()..(i + 1) * self.pixels()]
    }

    /// Keeps the samples at `indices`, in that order.
    pub fn subset(&self, indices: &[usize]) -> Self {
        let mut images = Vec::with_capacity(indices.len() * self.pixels());
        for &i in indices {
            images.extend_from_slice(self.image(i));
        }
        let labels = indices.iter().map(|&i| self.labels[i]).collect();
        Self { rows: self.rows, cols: self.cols, images, labels }
    }

    /// The fixed, stratified train/test split: within each class, in file order, every
    /// `every`-th image (the 10th, 20th, … for `every` = 10) is a test image, the rest train.
    /// For the 10,000 MNIST digits and `every` = 10 this gives 9,003 train and 997 test images.
    pub fn split_stratified(&self, every: usize) -> (Self, Self) {
        let mut seen = [0usize; MAX_CLASSES];
        let (mut train, mut test) = (Vec::new(), Vec::new());
        for (i, &y) in self.labels.iter().enumerate() {
            seen[y as usize] += 1;
            if seen[y as usize] % every == 0 {
                test.push(i);
            } else {
                train.push(i);
            }
        }
        (self.subset(&train), self.subset(&test))
    }

    /// Pixels of the samples at `indices` as f32 in [0, 1], row after row.
    pub fn batch_pixels(&self, indices: &[usize]) -> Vec<f32> {
        let mut out = Vec::with_capacity(indices.len() * self.pixels());
        for &i in indices {
            out.extend(self.image(i).iter().map(|&p| p as f32 * (1.0 / 255.0)));
        }
        out
    }

    /// Images per class, for the first `classes` labels.
    pub fn class_counts(&self, classes: usize) -> Vec<usize> {
        let mut counts = vec![0; classes];
        for &y in &self.labels {
            if let Some(c) = counts.get_mut(y as usize) {
                *c += 1;
            }
        }
        counts
    }

    pub fn batch_labels(&self, indices: &[usize]) -> Vec<u32> {
        indices.iter().map(|&i| self.labels[i] as u32).collect()
    }
}

/// A training and a test set from IDX files (raw or gzip): with a test pair given, that is the
/// test set; without, every [`catalog::TEST_EVERY`]-th image of each class is held out. Both are
/// checked ([`check_split`]) for training at `batch`.
pub fn from_files(images: &[u8], labels: &[u8], test: Option<(&[u8], &[u8])>, batch: usize) -> Result<(Dataset, Dataset)> {
    let data = Dataset::from_idx(images, labels)?;
    let (train, test) = match test {
        Some((ti, tl)) => (data, Dataset::from_idx(ti, tl).map_err(|e| format!("test set: {e}"))?),
        None => data.split_stratified(catalog::TEST_EVERY),
    };
    check_split(&train, &test, batch)?;
    Ok((train, test))
}

/// Whether a training and a test set can be trained and judged on at this batch size: at least
/// one batch of training images, and a test image of every class that is trained on (or its
/// reconstructions, interpolations and test −ELBO have nothing to show). Says what is missing.
pub fn check_split(train: &Dataset, test: &Dataset, batch: usize) -> Result<()> {
    if train.len() < batch {
        invalid!("{} training image(s) are fewer than one batch of {batch}: give more images, or a smaller batch size", train.len());
    }
    if test.is_empty() {
        invalid!("no test images: with one file pair every 10th image of each class is held out, so each class needs at least 10 images (or give a test pair)");
    }
    let tested = test.labels_present();
    let untested: Vec<String> = train.labels_present().into_iter().filter(|y| !tested.contains(y)).map(|y| y.to_string()).collect();
    if !untested.is_empty() {
        invalid!("class(es) {} have training images but no test image: every class needs at least 10 images when one pair is split, or a test image in the test pair", untested.join(", "));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::idx;

    fn toy(labels: Vec<u8>) -> Dataset {
        let n = labels.len();
        let images = (0..n * 4).map(|i| (i / 4) as u8).collect();
        Dataset { rows: 2, cols: 2, images, labels }
    }

    #[test]
    fn too_small_splits_are_refused_with_the_reason() {
        let err = check_split(&toy(vec![0, 1]), &toy(vec![0, 1]), 64).unwrap_err().to_string();
        assert!(err.contains("2 training image(s) are fewer than one batch of 64"), "{err}");
        let err = check_split(&toy(vec![0; 70]), &toy(vec![]), 64).unwrap_err().to_string();
        assert!(err.starts_with("no test images"), "{err}");
        let err = check_split(&toy([vec![0; 70], vec![3; 5]].concat()), &toy(vec![0; 7]), 64).unwrap_err().to_string();
        assert!(err.contains("class(es) 3 have training images but no test image"), "{err}");
        check_split(&toy([vec![0; 70], vec![200; 5]].concat()), &toy(vec![200, 0]), 64).unwrap();
        assert_eq!(toy(vec![200, 7, 7]).labels_present(), vec![7, 200]);
    }

    #[test]
    fn split_is_stratified_and_disjoint() {
        // 240 samples so each image's id fits in its first byte.
        let labels: Vec<u8> = (0..240).map(|i| (i % 3) as u8).collect();
        let (train, test) = toy(labels).split_stratified(10);
        assert_eq!((train.len(), test.len()), (216, 24));
        for c in 0..3 {
            assert_eq!(test.labels.iter().filter(|&&y| y == c).count(), 8);
        }
        // Each image holds its own index, so overlap would show as a shared first pixel.
        let train_ids: std::collections::HashSet<u8> = (0..train.len()).map(|i| train.image(i)[0]).collect();
        assert!((0..test.len()).all(|i| !train_ids.contains(&test.image(i)[0])));
    }

    #[test]
    fn mismatched_counts_are_refused() {
        let images = idx::encode(&[3, 2, 2], &[0; 12]);
        let labels = idx::encode(&[2], &[0, 1]);
        let err = Dataset::from_idx(&images, &labels).unwrap_err().to_string();
        assert!(err.contains("3 images but 2 labels"), "{err}");
    }
}

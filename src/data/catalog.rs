//! The named data sets the page and the CLI know: where their files are under `data/`, how each
//! is split into training and test images, and what its classes are called. The page is told
//! these (`crate::facts`), so file names and class names live here alone.

use serde::Serialize;

/// One named data set.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Named {
    /// The name in addresses, checkpoints and the CLI's `--data`.
    #[serde(skip)]
    pub key: &'static str,
    /// In words, for menus.
    pub name: &'static str,
    /// Each class's name, by label.
    pub class_names: &'static [&'static str],
    /// IDX files (gzip) relative to `data/`: an images/labels pair split here, or a training
    /// pair followed by a test pair.
    pub files: &'static [&'static str],
    /// With one pair: every this-many-th image of each class is a test image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub test_every: Option<usize>,
}

/// With one pair of files (MNIST, or a person's own), every 10th image of each class is held out.
pub const TEST_EVERY: usize = 10;

pub const MNIST: Named = Named {
    key: "mnist",
    name: "MNIST digits",
    class_names: &["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    files: &["mnist/images-idx3-ubyte.gz", "mnist/labels-idx1-ubyte.gz"],
    test_every: Some(TEST_EVERY),
};

pub const FASHION: Named = Named {
    key: "fashion",
    name: "Fashion-MNIST",
    class_names: &["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
    files: &[
        "fashion/train-images-idx3-ubyte.gz",
        "fashion/train-labels-idx1-ubyte.gz",
        "fashion/t10k-images-idx3-ubyte.gz",
        "fashion/t10k-labels-idx1-ubyte.gz",
    ],
    test_every: None,
};

/// Every named data set, in menu order.
pub const ALL: [Named; 2] = [MNIST, FASHION];

/// The named data set `key`, if there is one.
pub fn named(key: &str) -> Option<&'static Named> {
    ALL.iter().find(|d| d.key == key)
}

/// The side of the square images every named data set has (the page draws them at this size).
pub const IMAGE_SIDE: usize = 28;

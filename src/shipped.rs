//! The pretrained models shipped in `models/` (trained by the CLI, `scripts/train-models.sh`): one
//! per named data set and kind at the page's default sizes (the GANs: MNIST's alone so far), and
//! latent-2 ones of the conditional kinds, for the lesson whose map is the whole latent space. The one list of them: the
//! page is told it (`crate::facts`) and picks a file from it alone; `tests/shipped.rs` checks that
//! every file is in `models/` and is what its row says, and that no other model file is there.

use serde::Serialize;

use crate::config::Config;
use crate::data::catalog;
use crate::kinds::ModelKind;

/// One shipped model: `models/<file>.safetensors` (f16) and, for a trained kind,
/// `models/<file>.history.json` (its loss curve). Its sizes other than `latent` are `Config`'s
/// defaults.
#[derive(Clone, Copy, Debug)]
pub struct Shipped {
    pub file: &'static str,
    /// A key of `data::catalog`.
    pub dataset: &'static str,
    pub model: ModelKind,
    pub latent: usize,
}

impl Shipped {
    /// The configuration's sizes this file has (hidden width, layers and means' spread: the defaults).
    pub fn sizes(&self) -> Sizes {
        let d = Config::default();
        Sizes { latent: self.latent, hidden: d.hidden, layers: d.layers, means_spread: d.means_spread }
    }
}

/// The sizes a shipped model has, named as `Config`'s fields (what the page compares with its settings).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sizes {
    pub latent: usize,
    pub hidden: usize,
    pub layers: usize,
    pub means_spread: f64,
}

const fn at(file: &'static str, dataset: &'static str, model: ModelKind, latent: usize) -> Shipped {
    Shipped { file, dataset, model, latent }
}

use ModelKind::{Ae, Cgan, Cvae, Gan, Pca, Sohn, Vae};
const MNIST: &str = catalog::MNIST.key;
const FASHION: &str = catalog::FASHION.key;

/// Every shipped model, the default sizes (latent 8) first.
pub const ALL: &[Shipped] = &[
    at("mnist-cvae", MNIST, Cvae, 8),
    at("mnist-sohn", MNIST, Sohn, 8),
    at("mnist-vae", MNIST, Vae, 8),
    at("mnist-ae", MNIST, Ae, 8),
    at("mnist-pca", MNIST, Pca, 8),
    // The GANs' recipe (docs/gan.md): trained far longer than the VAEs, in 20-epoch runs each
    // resuming the last (scripts/train-models.sh).
    at("mnist-gan", MNIST, Gan, 8),
    at("mnist-cgan", MNIST, Cgan, 8),
    at("fashion-cvae", FASHION, Cvae, 8),
    at("fashion-sohn", FASHION, Sohn, 8),
    at("fashion-vae", FASHION, Vae, 8),
    at("fashion-ae", FASHION, Ae, 8),
    at("fashion-pca", FASHION, Pca, 8),
    // Latent 2: the map of codes is the whole latent space (the conditional kinds).
    at("mnist-cvae-latent2", MNIST, Cvae, 2),
    at("mnist-sohn-latent2", MNIST, Sohn, 2),
    at("fashion-cvae-latent2", FASHION, Cvae, 2),
    at("fashion-sohn-latent2", FASHION, Sohn, 2),
];

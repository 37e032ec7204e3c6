//! The model kinds and what each one is: the one table of facts about a kind. The training loop,
//! the views, the CLI and the page (through `crate::facts`) ask it rather than compare names.
//!
//! A new kind is a variant here, its row of facts, and its family's line in `models`' registry.

use serde::{Deserialize, Serialize};

/// Which model: its prior and what the label does.
/// - `Vae`: plain VAE / β-VAE, prior N(0, I), no label.
/// - `Cvae`: the seeds' conditional VAE: encoder and decoder see no label; each class y has a
///   trainable prior mean μ^y (unit variance), so its prior over z is Σ_y p(y) N(μ^y, I).
/// - `Sohn`: the standard conditional VAE (Sohn, Lee & Yan 2015): the label's one-hot joins the
///   encoder's and the decoder's input, prior N(0, I); z holds what the label does not (style).
/// - `Ae`: the plain autoencoder, the VAE with zero encoder variance: z = μ(x), no noise, no KL,
///   no prior; the seeds' contrast: its codes need not fill N(0, I), so draws from it decode badly.
/// - `Pca`: the linear autoencoder's optimum, solved exactly (`models::pca`) rather than trained:
///   the seeds' "a linear autoencoder is an SVD". Its error is squared, not cross-entropy.
/// - `Gan`: a generator G with the VAE decoder's layers against a discriminator D with the
///   encoder's (`models::gan`), z ~ N(0, I); no encoder, no likelihood.
/// - `Cgan`: the same with the label's one-hot appended to G's and D's inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelKind {
    Vae,
    Cvae,
    Sohn,
    Ae,
    Pca,
    Gan,
    Cgan,
}

/// What a kind is and can do, in the words the page shows and the flags it asks. Text may hold
/// inline TeX between `$…$`, which the page typesets.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KindFacts {
    pub kind: ModelKind,
    /// Short, in plain words (menus, the runs table, the status line).
    pub name: &'static str,
    /// The model menu's entry.
    pub title: &'static str,
    /// One line under the menu: what the kind is.
    pub summary: &'static str,
    /// What decoder(z) and Sample mean for this kind (the explorer's line).
    pub explorer: &'static str,
    /// What its codes should look like (the latent views' line).
    pub views: &'static str,
    /// Encodes images: the map, reconstructions, the drawing, interpolation between images.
    pub has_encoder: bool,
    /// The encoder gives a variance (log σ²), z is noisy and the objective has a KL term.
    pub variational: bool,
    /// Generates a chosen class: class buttons, per-class accuracy.
    pub conditional: bool,
    /// Encoder and decoder take the class's one-hot as input, so decoding needs a class.
    pub takes_label: bool,
    /// Has a trainable prior mean per class; the class buttons move z to it.
    pub has_class_means: bool,
    /// Trained by gradient steps; false for a kind solved exactly when built.
    pub trainable: bool,
    /// Trained against a discriminator (the GAN family): G and D take turns, there is no encoder
    /// and no likelihood; the walkthrough walks one D step and one G step.
    pub adversarial: bool,
    /// The samplers that apply, by name (`evaluation::sampler::Sampler`).
    pub samplers: &'static [&'static str],
    /// The held-out figure that judges it: `negElbo`, `crossEntropy` (no KL term) or
    /// `squaredError` (PCA).
    pub objective: &'static str,
    /// The settings (`config::SETTINGS` or `config::CHOICES` keys) that change this kind's model
    /// or training.
    pub settings: &'static [&'static str],
    /// The learning rate a new run of this kind starts with (the `learningRate` setting's default
    /// is the VAE family's; a GAN's two Adams start at 2·10⁻⁴ as in DCGAN).
    pub learning_rate: f64,
    /// The figures a training step reports (`models::family::Terms`), in the family's order: the
    /// page's training loop averages these and its chart draws them. None for a solved kind.
    pub terms: &'static [&'static str],
    /// The page has views for this kind: its model menu, an address and a loaded file offer it
    /// (every kind does today; a new family may start in the CLI alone).
    pub in_page: bool,
    /// The kind the page's Compare panel sets this one against, of the other family and the same
    /// use of the label: the GAN (conditional GAN) for a VAE-family kind without (with) classes,
    /// the VAE for the GAN, the label-input CVAE for the conditional GAN (both give G the label).
    pub rival: ModelKind,
}

const BOTH_SAMPLERS: &[&str] = &["prior", "fitted"];
/// A VAE's step: reconstruction, KL and the objective minimised (recon + β·KL).
const ELBO_TERMS: &[&str] = &["recon", "kl", "loss"];
/// A GAN's step: D's loss (−V with smoothing), G's loss, D's mean output on real and generated
/// images, the Jensen–Shannon bound (log 4 − D's loss) / 2, and the norm of G's gradient.
const GAN_TERMS: &[&str] = &["dLoss", "gLoss", "dReal", "dFake", "jsd", "gGradNorm"];
/// Without an encoder there are no codes to fit a Gaussian to: the prior alone.
const PRIOR_ONLY: &[&str] = &["prior"];
/// The figure that judges a kind without a likelihood: the classifier score of its samples
/// (`evaluation::generation`).
const CLASSIFIER_SCORE: &str = "classifierScore";
const VAE_LR: f64 = 1e-3;
const GAN_SETTINGS: &[&str] = &[
    "latent", "hidden", "layers", "learningRate", "batch", "seed", "dSteps", "ganLoss", "labelSmoothing", "instanceNoise", "beta1", "dropout",
    "ganOutput", "ganActivation", "minibatchStd", "ema", "dLrScale", "spectralNorm", "translation",
];

impl ModelKind {
    /// Every kind, in the page's menu order.
    pub const ALL: [ModelKind; 7] = [Self::Cvae, Self::Sohn, Self::Vae, Self::Ae, Self::Pca, Self::Gan, Self::Cgan];

    /// The kind a new page or run starts with.
    pub const DEFAULT: ModelKind = Self::Cvae;

    /// The name in addresses, checkpoints and the CLI's `--model`.
    pub fn key(self) -> &'static str {
        match self {
            Self::Vae => "vae",
            Self::Cvae => "cvae",
            Self::Sohn => "sohn",
            Self::Ae => "ae",
            Self::Pca => "pca",
            Self::Gan => "gan",
            Self::Cgan => "cgan",
        }
    }

    /// The kind's row of facts.
    pub fn facts(self) -> &'static KindFacts {
        match self {
            Self::Cvae => &CVAE,
            Self::Sohn => &SOHN,
            Self::Vae => &VAE,
            Self::Ae => &AE,
            Self::Pca => &PCA,
            Self::Gan => &GAN,
            Self::Cgan => &CGAN,
        }
    }

    /// Has a trainable prior mean per class (the seeds' CVAE).
    pub fn has_class_means(self) -> bool {
        self.facts().has_class_means
    }

    /// Encoder and decoder take the label's one-hot as input (the standard CVAE).
    pub fn takes_label(self) -> bool {
        self.facts().takes_label
    }

    /// Generates a chosen class.
    pub fn is_conditional(self) -> bool {
        self.facts().conditional
    }

    /// The encoder gives a variance (log σ²) and the objective has a KL term.
    pub fn is_variational(self) -> bool {
        self.facts().variational
    }

    /// Solved in closed form when built (PCA), so there is nothing to train.
    pub fn is_solved(self) -> bool {
        !self.facts().trainable
    }

    /// Trained against a discriminator (the GAN family): no encoder, no likelihood.
    pub fn is_adversarial(self) -> bool {
        self.facts().adversarial
    }

    /// Hidden layers on each side of a model of this kind with `layers` asked for: none for
    /// PCA, which is linear.
    pub fn hidden_layers(self, layers: usize) -> usize {
        if self == Self::Pca { 0 } else { layers }
    }
}

impl std::str::FromStr for ModelKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "vae" | "beta-vae" | "bvae" => Ok(Self::Vae),
            "cvae" => Ok(Self::Cvae),
            "sohn" | "standard-cvae" => Ok(Self::Sohn),
            "ae" | "autoencoder" => Ok(Self::Ae),
            "pca" => Ok(Self::Pca),
            "gan" => Ok(Self::Gan),
            "cgan" | "conditional-gan" => Ok(Self::Cgan),
            other => Err(format!("unknown model '{other}': use vae, cvae (class means), sohn (the standard CVAE), ae (plain autoencoder), pca, gan or cgan (conditional GAN)")),
        }
    }
}

const CVAE: KindFacts = KindFacts {
    kind: ModelKind::Cvae,
    name: "class-mean CVAE",
    title: "class-mean CVAE (this page's model)",
    summary: r"Each class $y$ has a learned prior mean $\mu^y$ (unit variance); encoder and decoder see no label.",
    explorer: r"Each class $y$ has a learned prior mean $\mu^y$ (unit variance): pick a class to jump to $\mu^y$, and Sample draws $z \sim \mathcal N(\mu^y, I)$.",
    views: r"Codes gather around their class means $\mu^y$: the prior over $z$ is the mixture $\sum_y p(y)\,\mathcal N(\mu^y, I)$. Where clouds overlap, a draw can cross classes.",
    has_encoder: true,
    variational: true,
    conditional: true,
    takes_label: false,
    has_class_means: true,
    trainable: true,
    adversarial: false,
    samplers: BOTH_SAMPLERS,
    objective: "negElbo",
    settings: &["latent", "hidden", "layers", "beta", "learningRate", "batch", "seed", "meansSpread", "warmup"],
    learning_rate: VAE_LR,
    terms: ELBO_TERMS,
    in_page: true,
    rival: ModelKind::Cgan,
};

const SOHN: KindFacts = KindFacts {
    kind: ModelKind::Sohn,
    name: "label-input CVAE",
    title: "label-input CVAE (Sohn et al. 2015)",
    summary: r"The class joins the encoder's and the decoder's input; one prior $\mathcal N(0, I)$ for every class.",
    explorer: r"The class $y$ goes into the encoder and the decoder; $z$ carries the rest (the style). The same $z$ with another class keeps the style.",
    views: r"The label is an input, so all classes share the prior $\mathcal N(0, I)$: the classes' codes overlap on purpose, and the map shows style, not class.",
    has_encoder: true,
    variational: true,
    conditional: true,
    takes_label: true,
    has_class_means: false,
    trainable: true,
    adversarial: false,
    samplers: BOTH_SAMPLERS,
    objective: "negElbo",
    settings: &["latent", "hidden", "layers", "beta", "learningRate", "batch", "seed", "warmup"],
    learning_rate: VAE_LR,
    terms: ELBO_TERMS,
    in_page: true,
    rival: ModelKind::Cgan,
};

const VAE: KindFacts = KindFacts {
    kind: ModelKind::Vae,
    name: "VAE",
    title: "VAE / β-VAE",
    summary: r"One prior $\mathcal N(0, I)$ and no label; β weighs the KL term (β = 1 is the plain VAE).",
    explorer: r"The decoder's output for $z$ is the mean of $p(x \mid z)$; Sample draws $z$ from the prior $\mathcal N(0, I)$ (or a fitted Gaussian).",
    views: r"The KL term pulls every code towards $\mathcal N(0, I)$, so the codes fill the prior's circle and most $z$ decode to something like the data.",
    has_encoder: true,
    variational: true,
    conditional: false,
    takes_label: false,
    has_class_means: false,
    trainable: true,
    adversarial: false,
    samplers: BOTH_SAMPLERS,
    objective: "negElbo",
    settings: &["latent", "hidden", "layers", "beta", "learningRate", "batch", "seed", "warmup"],
    learning_rate: VAE_LR,
    terms: ELBO_TERMS,
    in_page: true,
    rival: ModelKind::Gan,
};

const AE: KindFacts = KindFacts {
    kind: ModelKind::Ae,
    name: "plain autoencoder",
    title: "plain autoencoder (no noise, no KL)",
    summary: r"The VAE with zero encoder variance: $z = \mu(x)$, no noise, no KL term. It reconstructs well but cannot generate.",
    explorer: r"$z = \mu(x)$: no noise, no KL term. It reconstructs well but was never asked to make $\mathcal N(0, I)$ decode to images.",
    views: r"Nothing pulls its codes towards $\mathcal N(0, I)$: they spread as they like, leaving holes, so a $z$ drawn from $\mathcal N(0, I)$ often decodes to a smudge. It cannot generate.",
    has_encoder: true,
    variational: false,
    conditional: false,
    takes_label: false,
    has_class_means: false,
    trainable: true,
    adversarial: false,
    samplers: BOTH_SAMPLERS,
    objective: "crossEntropy",
    settings: &["latent", "hidden", "layers", "learningRate", "batch", "seed"],
    learning_rate: VAE_LR,
    terms: ELBO_TERMS,
    in_page: true,
    rival: ModelKind::Gan,
};

const PCA: KindFacts = KindFacts {
    kind: ModelKind::Pca,
    name: "PCA",
    title: "PCA (the linear autoencoder, solved exactly)",
    summary: r"The best linear autoencoder: the top principal directions of the training images, solved exactly, so there is nothing to train.",
    explorer: r"$z = W^\top(x - m)$ and $\hat x = m + Wz$, with $W$ the top principal directions: no linear autoencoder does better (a linear autoencoder is an SVD). Solved, not trained.",
    views: r"Codes are projections on the principal directions, the first ones spread far wider than 1; decoding is linear, so the manifold is a flat sheet of blends, and $\mathcal N(0, I)$ draws stay near the mean image.",
    has_encoder: true,
    variational: false,
    conditional: false,
    takes_label: false,
    has_class_means: false,
    trainable: false,
    adversarial: false,
    samplers: BOTH_SAMPLERS,
    objective: "squaredError",
    settings: &["latent"],
    learning_rate: VAE_LR,
    terms: &[],
    in_page: true,
    rival: ModelKind::Gan,
};

const GAN: KindFacts = KindFacts {
    kind: ModelKind::Gan,
    name: "GAN",
    title: "GAN (generator against discriminator)",
    summary: r"A generator $G$ with the VAE decoder's layers learns to fool a discriminator $D$: $\min_G \max_D\; \mathbb E[\log D(x)] + \mathbb E[\log(1 - D(G(z)))]$. No encoder, no likelihood.",
    explorer: r"$G(z)$ is one image, not the mean of a distribution: Sample draws $z \sim \mathcal N(0, I)$. Nothing was asked to keep every class, so some may be missing (mode collapse).",
    views: r"A GAN has no encoder: it cannot map images to codes, reconstruct them or encode a drawing. Only decoding $z$ applies.",
    has_encoder: false,
    variational: false,
    conditional: false,
    takes_label: false,
    has_class_means: false,
    trainable: true,
    adversarial: true,
    samplers: PRIOR_ONLY,
    objective: CLASSIFIER_SCORE,
    settings: GAN_SETTINGS,
    learning_rate: 2e-4,
    terms: GAN_TERMS,
    in_page: true,
    rival: ModelKind::Vae,
};

const CGAN: KindFacts = KindFacts {
    kind: ModelKind::Cgan,
    name: "conditional GAN",
    title: "conditional GAN (Mirza & Osindero 2014)",
    summary: r"The class's one-hot joins $G$'s and $D$'s input: $D$ judges whether $x$ is a real image of class $y$, so $G(z, y)$ learns to draw that class.",
    explorer: r"$G(z, y)$: pick a class, and Sample draws $z \sim \mathcal N(0, I)$ for it; the same $z$ with another class keeps the style where $G$ learned one.",
    views: r"A GAN has no encoder: it cannot map images to codes, reconstruct them or encode a drawing. Only decoding $z$ applies.",
    has_encoder: false,
    variational: false,
    conditional: true,
    takes_label: true,
    has_class_means: false,
    trainable: true,
    adversarial: true,
    samplers: PRIOR_ONLY,
    objective: CLASSIFIER_SCORE,
    settings: GAN_SETTINGS,
    learning_rate: 2e-4,
    terms: GAN_TERMS,
    in_page: true,
    rival: ModelKind::Sohn,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_kind_is_one_the_page_shows() {
        assert!(ModelKind::DEFAULT.facts().in_page);
    }

    #[test]
    fn every_kind_has_its_own_row_and_key() {
        for kind in ModelKind::ALL {
            assert_eq!(kind.facts().kind, kind);
            assert_eq!(kind.key().parse::<ModelKind>().unwrap(), kind);
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.key());
        }
    }

    #[test]
    fn every_kind_is_compared_with_one_of_the_other_family_that_uses_the_label_alike() {
        for kind in ModelKind::ALL {
            let rival = kind.facts().rival;
            assert_ne!(rival.is_adversarial(), kind.is_adversarial(), "{kind:?} against {rival:?}");
            assert_eq!(rival.is_conditional(), kind.is_conditional(), "{kind:?} against {rival:?}");
            assert!(rival.facts().in_page && rival.facts().trainable, "{kind:?} against {rival:?}");
        }
        // The pair the page's Compare is about: each is the other's.
        assert_eq!(ModelKind::Vae.facts().rival, ModelKind::Gan);
        assert_eq!(ModelKind::Gan.facts().rival, ModelKind::Vae);
    }

    #[test]
    fn a_kind_without_a_kl_term_has_no_kl_settings() {
        for kind in ModelKind::ALL {
            let f = kind.facts();
            assert_eq!(f.settings.contains(&"beta"), f.variational, "{kind:?}");
            assert_eq!(f.settings.contains(&"meansSpread"), f.has_class_means, "{kind:?}");
        }
    }
}

"""The lab's networks in PyTorch, built from a checkpoint's configuration exactly as
src/models/network.rs builds them: the same layers, names, shapes, activations and objective, so
that `state_dict()` has the checkpoint's tensor names.

- encoder: `encoder.hidden`, `encoder.hidden2`, … (Linear + ReLU, `layers` of them, `hidden` wide;
  the first reads x, with the label's one-hot appended for `sohn`), then two heads `encoder.mu`
  and `encoder.logvar` (no activation; log σ² clamped to ±20; `ae` and `pca` have no logvar head);
- decoder: `decoder.hidden`, … (Linear + ReLU; the first reads z, plus the one-hot for `sohn`),
  then `decoder.out` (pixel logits; for `pca` the linear reconstruction itself);
- `class_means` (classes, latent) for `cvae`: each class's trainable prior mean μ^y;
- `pca` has no hidden layers: z = Wᵀx − Wᵀm, x̂ = W z + m in `encoder.mu` and `decoder.out`.

Loss per image: Σ pixels BCE from logits (squared error for pca) + β·KL, KL(N(μ, σ²) ‖ N(m, I)) =
½ Σ ((μ − m)² + σ² − log σ² − 1) with m = μ^y for cvae, 0 otherwise."""
import torch
import torch.nn.functional as F
from torch import nn

from .facts import kind

LOGVAR_LIMIT = 20.0


def hidden_name(i):
    return "hidden" if i == 0 else f"hidden{i + 1}"


def layer_shapes(config, pixels, classes):
    """(name, fan_in, fan_out) of every linear layer, in network.rs's order."""
    k = kind(config["model"])
    latent, hidden = config["latent"], config["hidden"]
    label = classes if k["takesLabel"] else 0
    depth = 0 if config["model"] == "pca" else config["layers"]
    out = [(f"encoder.{hidden_name(i)}", pixels + label if i == 0 else hidden, hidden) for i in range(depth)]
    out.append(("encoder.mu", pixels + label if depth == 0 else hidden, latent))
    if k["variational"]:
        out.append(("encoder.logvar", hidden, latent))
    out += [(f"decoder.{hidden_name(i)}", latent + label if i == 0 else hidden, hidden) for i in range(depth)]
    out.append(("decoder.out", latent + label if depth == 0 else hidden, pixels))
    return out


def parameter_shapes(config, pixels, classes):
    """Every tensor's name and shape: the layout a checkpoint must have (network::parameter_shapes)."""
    out = []
    for name, fan_in, fan_out in layer_shapes(config, pixels, classes):
        out += [(f"{name}.weight", (fan_out, fan_in)), (f"{name}.bias", (fan_out,))]
    if kind(config["model"])["hasClassMeans"]:
        out.append(("class_means", (classes, config["latent"])))
    return out


class _Side(nn.Module):
    """One side's layers under their checkpoint names (hidden, hidden2, …, mu / logvar / out)."""


class LabModel(nn.Module):
    def __init__(self, config, pixels, classes, generator=None):
        super().__init__()
        self.config, self.pixels, self.classes = dict(config), pixels, classes
        self.facts = kind(config["model"])
        self.latent = config["latent"]
        self.encoder, self.decoder = _Side(), _Side()
        self.depth = 0 if config["model"] == "pca" else config["layers"]
        for name, fan_in, fan_out in layer_shapes(config, pixels, classes):
            side, leaf = name.split(".")
            layer = nn.Linear(fan_in, fan_out)
            # network.rs's initialisation: weights and biases ~ U(±1/√fan_in), as nn.Linear's own.
            bound = fan_in ** -0.5
            with torch.no_grad():
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)
            getattr(self, side).add_module(leaf, layer)
        if self.facts["hasClassMeans"]:
            means = torch.randn(classes, self.latent, generator=generator) * config["meansSpread"]
            self.class_means = nn.Parameter(means)
        else:
            self.class_means = None

    def _hidden(self, side, h):
        for i in range(self.depth):
            h = F.relu(getattr(side, hidden_name(i))(h))
        return h

    def condition(self, labels):
        """The label's one-hot rows for sohn, None for the kinds that take no label."""
        if not self.facts["takesLabel"]:
            return None
        return F.one_hot(labels.long(), self.classes).to(torch.float32)

    def _with(self, x, condition):
        return x if condition is None else torch.cat([x, condition], dim=1)

    def encode(self, x, condition=None):
        """x (rows, pixels) in [0, 1] → μ, log σ² (clamped to ±20; None for ae and pca)."""
        h = self._hidden(self.encoder, self._with(x, condition))
        logvar = self.encoder.logvar(h).clamp(-LOGVAR_LIMIT, LOGVAR_LIMIT) if self.facts["variational"] else None
        return self.encoder.mu(h), logvar

    def decode_logits(self, z, condition=None):
        return self.decoder.out(self._hidden(self.decoder, self._with(z, condition)))

    def decode(self, z, condition=None):
        """z → intensities in [0, 1]: sigmoid of the logits, or pca's reconstruction clipped."""
        out = self.decode_logits(z, condition)
        return out.clamp(0.0, 1.0) if self.config["model"] == "pca" else torch.sigmoid(out)

    def prior_means(self, labels):
        return None if self.class_means is None else self.class_means[labels.long()]

    def recon_per_pixel(self, logits, x):
        if self.config["model"] == "pca":
            return (logits - x) ** 2
        # max(l, 0) − l·t + ln(1 + e^−|l|), as loss::bce_per_pixel.
        return F.binary_cross_entropy_with_logits(logits, x, reduction="none")

    def kl_per_dim(self, mu, logvar, prior):
        offset = mu if prior is None else mu - prior
        return 0.5 * (offset ** 2 + logvar.exp() - logvar - 1.0)

    def loss_terms(self, x, labels, eps):
        """Per image: the reconstruction term (rows,) and the KL term (rows,), z = μ + ε·σ."""
        condition = self.condition(labels)
        mu, logvar = self.encode(x, condition)
        z = mu if logvar is None else mu + eps * torch.exp(0.5 * logvar)
        recon = self.recon_per_pixel(self.decode_logits(z, condition), x).sum(dim=1)
        if logvar is None:
            kl = torch.zeros_like(recon)
        else:
            kl = self.kl_per_dim(mu, logvar, self.prior_means(labels)).sum(dim=1)
        return recon, kl

    def forward(self, x, labels, eps, beta):
        """The training objective, mean over the rows of recon + β·KL, and its two terms' means."""
        recon, kl = self.loss_terms(x, labels, eps)
        return (recon + beta * kl).mean(), recon.detach().mean(), kl.detach().mean()

    def named_tensors(self):
        """Every tensor by its checkpoint name (the state dict; class_means included for cvae)."""
        return {k: v for k, v in self.state_dict().items()}

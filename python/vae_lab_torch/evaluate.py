"""The held-out figures as `vae-lab eval` computes them (src/evaluation/evaluate.rs and
diagnostics.rs), with the same noise from the lab's random stream (`rng`):

- −ELBO = recon + KL per image, recon the summed BCE from logits (squared error for pca), one ε
  per image from Rng(0x5EEDE7A1) drawn in image order; whatever β trained with, KL weighs 1;
- squared error Σ (x − x̂)², x̂ decoded from μ (sigmoid, or pca's unclipped reconstruction);
- KL per latent dimension, from the encoder's μ and log σ² (no noise), and active units
  (variance of μ_u over the images > 0.01);
- the importance-weighted bound with k samples per image, each image's ε from its own stream.

Run `python -m vae_lab_torch.evaluate --checkpoint CKPT [--iw K] [--json]`."""
import argparse
import json
import math
import sys

import numpy as np
import torch

from . import rng
from .checkpoint import CheckpointError, load
from .data import load_named

EVAL_SEED = 0x5EEDE7A1
IW_SEED = 1  # the CLI's
ACTIVE_THRESHOLD = 0.01
CHUNK = 500


def _tensors(data, device):
    x = torch.from_numpy(data.flat()).to(device)
    y = torch.from_numpy(data.labels.astype(np.int64)).to(device)
    return x, y


@torch.no_grad()
def evaluate(model, data, device="cpu"):
    """{images, recon, kl, negElbo, squaredError} in nats (or squared error) per image."""
    model.eval()
    x, y = _tensors(data, device)
    n = len(data)
    eps = torch.from_numpy(rng.normals(EVAL_SEED, n * model.latent).reshape(n, model.latent)).to(device)
    recon = kl = squared = 0.0
    for s in range(0, n, CHUNK):
        xs, ys = x[s:s + CHUNK], y[s:s + CHUNK]
        r, k = model.loss_terms(xs, ys, eps[s:s + CHUNK])
        recon += float(r.sum(dtype=torch.float64))
        kl += float(k.sum(dtype=torch.float64))
        cond = model.condition(ys)
        mu, _ = model.encode(xs, cond)
        logits = model.decode_logits(mu, cond)
        out = logits if model.config["model"] == "pca" else torch.sigmoid(logits)
        squared += float(((out - xs) ** 2).sum(dtype=torch.float64))
    return {"images": n, "recon": recon / n, "kl": kl / n, "negElbo": (recon + kl) / n, "squaredError": squared / n}


@torch.no_grad()
def latent_report(model, data, device="cpu"):
    """{klPerDim, activity, activeUnits}: diagnostics::latent_report."""
    model.eval()
    x, y = _tensors(data, device)
    kl = torch.zeros(model.latent, dtype=torch.float64, device=device)
    means = []
    for s in range(0, len(data), CHUNK):
        xs, ys = x[s:s + CHUNK], y[s:s + CHUNK]
        mu, logvar = model.encode(xs, model.condition(ys))
        if logvar is not None:
            kl += model.kl_per_dim(mu, logvar, model.prior_means(ys)).sum(dim=0).double()
        means.append(mu.double())
    mu = torch.cat(means)
    activity = ((mu - mu.mean(dim=0)) ** 2).mean(dim=0)
    return {"klPerDim": (kl / len(data)).tolist() if model.facts["variational"] else [],
            "activity": activity.tolist(), "activeUnits": int((activity > ACTIVE_THRESHOLD).sum())}


@torch.no_grad()
def importance_weighted(model, data, k, seed=IW_SEED, device="cpu"):
    """The k-sample bound on −log p(x) (−log p(x | y) for the conditional kinds), averaged over
    the images: −log (1/k Σ_j p(x, z_j) / q(z_j | x)), z_j = μ + σ·ε_j with image i's ε from its
    own stream, computed for many images at once."""
    if not model.facts["variational"]:
        raise ValueError("the plain autoencoder and PCA have no encoder variance and no prior: no likelihood bound to report")
    model.eval()
    x, y = _tensors(data, device)
    total, latent = 0.0, model.latent
    per = max(1, 20000 // k)  # images at a time: about 20,000 decoded rows
    for s in range(0, len(data), per):
        xs, ys = x[s:s + per], y[s:s + per]
        b = len(xs)
        mu, logvar = model.encode(xs, model.condition(ys))
        prior = model.prior_means(ys)
        prior = torch.zeros(b, 1, latent, dtype=torch.float64, device=device) if prior is None else prior.double()[:, None]
        e = np.stack([rng.normals(rng.image_seed(seed, i), k * latent).reshape(k, latent) for i in range(s, s + b)])
        e = torch.from_numpy(e).to(device).double()  # (b, k, latent)
        mu64, lv64 = mu.double()[:, None], logvar.double()[:, None]
        z = mu64 + torch.exp(0.5 * lv64) * e  # in f64, then f32 for the decoder, as Rust does
        o = z - prior
        prior_minus_q = (-0.5 * o * o + 0.5 * e * e + 0.5 * lv64).sum(dim=2)  # (b, k)
        labels = ys.repeat_interleave(k)
        logits = model.decode_logits(z.float().reshape(b * k, latent), model.condition(labels))
        recon = model.recon_per_pixel(logits, xs.repeat_interleave(k, dim=0)).sum(dim=1).double().reshape(b, k)
        log_w = -recon + prior_minus_q
        total += float(-(torch.logsumexp(log_w, dim=1) - math.log(k)).sum())
    return {"k": k, "images": len(data), "negLogLikelihood": total / len(data)}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python -m vae_lab_torch.evaluate", description=__doc__.split("\n\n")[0])
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--dataset", help="mnist or fashion (default: the checkpoint's)")
    p.add_argument("--data-root", default="data")
    p.add_argument("--iw", type=int, help="the importance-weighted bound with K samples per test image")
    p.add_argument("--device", default="cpu")
    p.add_argument("--json", action="store_true", help="print the figures as one JSON line, last")
    a = p.parse_args(argv)
    from . import model_from_checkpoint
    try:
        ckpt = load(a.checkpoint)
    except CheckpointError as e:
        sys.exit(f"{a.checkpoint}: {e}")
    meta = ckpt.meta
    _, test = load_named(a.dataset or meta["dataset"], a.data_root)
    model = model_from_checkpoint(ckpt).to(a.device)
    print(f"checkpoint: {meta['config']['model']} on {meta['dataset']}, step {meta['step']}, saved by {meta['trainer'] or 'an earlier vae-lab (no trainer recorded)'}")
    e = evaluate(model, test, a.device)
    lat = latent_report(model, test, a.device)
    if model.facts["variational"]:
        print(f"test −ELBO {e['negElbo']:.2f} nats per image (recon {e['recon']:.2f} + KL {e['kl']:.2f}) on {e['images']} images")
        print("KL per latent dimension (nats): " + " ".join(f"{v:.2f}" for v in lat["klPerDim"]))
    else:
        print(f"test reconstruction error {e['recon']:.6f} per image on {e['images']} images")
    print(f"test squared error {e['squaredError']:.4f} per image (Σ (x − x̂)², x̂ decoded from μ)")
    print(f"active units: {lat['activeUnits']} of {len(lat['activity'])}")
    iw = importance_weighted(model, test, a.iw, device=a.device) if a.iw else None
    if iw:
        print(f"importance-weighted bound, k = {a.iw}: {iw['negLogLikelihood']:.2f} nats per image; gap to the −ELBO {e['negElbo'] - iw['negLogLikelihood']:.2f}")
    if a.json:
        print(json.dumps({"model": meta["config"]["model"], "dataset": meta["dataset"], "step": meta["step"], "trainer": meta["trainer"],
                          "evaluation": e, "latent": lat, "iw": iw}))


if __name__ == "__main__":
    main()

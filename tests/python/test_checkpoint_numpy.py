"""Checkpoints are plain safetensors: Python's `safetensors` package reads them, and a decoder
written here in numpy from the exported weights matches the Rust decode to 1e-5, for every model
kind (the standard CVAE's decoder and the conditional GAN's G read z with the class's one-hot
appended; a GAN's G samples from its weight average where the file has one)."""
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest
from safetensors import safe_open

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("VAE_LAB_BIN", str(ROOT / "target" / "debug" / "vae-lab"))


def cli(*args):
    out = subprocess.run([CLI, *args], cwd=ROOT, check=True, capture_output=True, text=True)
    return out.stdout


def numpy_decode(path, z, cls):
    with safe_open(path, framework="np") as f:
        meta = json.loads(f.metadata()["vae_lab"])
        w = {k: f.get_tensor(k).astype(np.float64) for k in f.keys()}
    c = meta["config"]
    h = z
    if c["model"] in ("sohn", "cgan"):  # the label's one-hot joins the decoder's (G's) input
        h = np.concatenate([z, np.eye(meta["classes"])[cls]])
    if c["model"] in ("gan", "cgan"):
        # G: LeakyReLU 0.2 (or the VAE decoder's ReLU), a tanh output read as (tanh + 1)/2 (or a
        # sigmoid); it samples from its weight average where the file has one.
        g = "generator_ema" if "generator_ema.out.weight" in w else "generator"
        slope = 0.0 if c.get("ganActivation") == "relu" else 0.2
        for i in range(c["layers"]):
            name = f"{g}.hidden" + (str(i + 1) if i else "")
            a = w[name + ".weight"] @ h + w[name + ".bias"]
            h = np.where(a > 0, a, slope * a)
        logits = w[g + ".out.weight"] @ h + w[g + ".out.bias"]
        return meta, (np.tanh(logits) + 1.0) / 2.0 if c.get("ganOutput", "tanh") == "tanh" else 1.0 / (1.0 + np.exp(-logits))
    pca = c["model"] == "pca"  # linear: no hidden layers, no sigmoid, clipped to [0, 1]
    for i in range(0 if pca else meta["config"].get("layers", 1)):  # decoder.hidden, decoder.hidden2, ...
        name = "decoder.hidden" + (str(i + 1) if i else "")
        h = np.maximum(0.0, w[name + ".weight"] @ h + w[name + ".bias"])
    logits = w["decoder.out.weight"] @ h + w["decoder.out.bias"]
    return meta, np.clip(logits, 0.0, 1.0) if pca else 1.0 / (1.0 + np.exp(-logits))


def rust_decode(path, z, cls):
    return np.array(json.loads(cli("decode", "--checkpoint", str(path), "--z", ",".join(f"{v:.9g}" for v in z), "--class", str(cls))))


@pytest.fixture(scope="module")
def trained_checkpoint():
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "cvae.safetensors"
        cli("train", "--epochs", "1", "--latent", "5", "--hidden", "64", "--save", str(path))
        yield path


@pytest.fixture(scope="module")
def standard_cvae_checkpoint():
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "sohn.safetensors"
        cli("train", "--model", "sohn", "--epochs", "1", "--latent", "4", "--hidden", "48", "--save", str(path))
        yield path


def shipped_checkpoints():
    """The shipped models, the GANs too (not the classifiers), told apart by their format tag."""
    def is_vae(path):
        with safe_open(path, framework="np") as f:
            return f.metadata().get("format") == "vae-lab/1"
    return [p for p in sorted((ROOT / "models").glob("*.safetensors")) if is_vae(p)]


def check_decode_matches(path):
    rng = np.random.default_rng(0)
    with safe_open(path, framework="np") as f:
        latent = json.loads(f.metadata()["vae_lab"])["config"]["latent"]
    for cls, z in [(0, np.zeros(latent)), (3, rng.normal(size=latent)), (9, 3.0 * rng.normal(size=latent))]:
        z = z.astype(np.float32).astype(np.float64)
        meta, expected = numpy_decode(path, z, cls)
        got = rust_decode(path, z, cls)
        assert got.shape == (meta["rows"] * meta["cols"],)
        np.testing.assert_allclose(got, expected, atol=1e-5, rtol=0)


def test_metadata_describes_the_model(trained_checkpoint):
    with safe_open(trained_checkpoint, framework="np") as f:
        info = f.metadata()
        meta = json.loads(info["vae_lab"])
        assert info["format"] == "vae-lab/1"
        assert meta["config"]["latent"] == 5 and meta["config"]["hidden"] == 64
        assert meta["config"]["model"] == "cvae" and meta["classes"] == 10
        assert f.get_tensor("class_means").shape == (10, 5)
        assert f.get_tensor("encoder.hidden.weight").shape == (64, 784)
        assert f.get_tensor("decoder.out.weight").dtype == np.float32


def test_numpy_decode_matches_rust(trained_checkpoint):
    check_decode_matches(trained_checkpoint)


def test_standard_cvae_reads_the_label_and_decodes_the_same_in_numpy(standard_cvae_checkpoint):
    with safe_open(standard_cvae_checkpoint, framework="np") as f:
        meta = json.loads(f.metadata()["vae_lab"])
        assert meta["config"]["model"] == "sohn" and "class_means" not in f.keys()
        assert f.get_tensor("encoder.hidden.weight").shape == (48, 784 + 10)
        assert f.get_tensor("decoder.hidden.weight").shape == (48, 4 + 10)
    check_decode_matches(standard_cvae_checkpoint)
    z = np.full(4, 0.3)
    assert np.abs(rust_decode(standard_cvae_checkpoint, z, 1) - rust_decode(standard_cvae_checkpoint, z, 7)).max() > 1e-3


@pytest.mark.parametrize("path", shipped_checkpoints(), ids=lambda p: p.name)
def test_shipped_models_decode_the_same_in_numpy(path):
    check_decode_matches(path)

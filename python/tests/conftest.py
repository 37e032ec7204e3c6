"""Shared helpers: the CLI binary (VAE_LAB_BIN, else target/debug/vae-lab as tests/python uses),
the repository's data, and running this package's modules as programs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from vae_lab_torch.facts import BUILT

# One thread: on a 2-core machine shared with builds, two OpenMP threads spin against each other
# (a small step measured 20–30 times slower); these tests' tensors are small anyway.
torch.set_num_threads(1)

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("VAE_LAB_BIN", str(ROOT / "target" / "debug" / "vae-lab"))


def cli(*args, check=True):
    out = subprocess.run([CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise AssertionError(f"vae-lab {' '.join(map(str, args))} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


def cli_json(*args):
    """The last line of `vae-lab … --json`: the figures unrounded."""
    return json.loads(cli(*args, "--json").stdout.strip().splitlines()[-1])


def module(name, *args, check=True, env=None):
    out = subprocess.run([sys.executable, "-m", f"vae_lab_torch.{name}", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **(env or {})})
    if check and out.returncode != 0:
        raise AssertionError(f"vae_lab_torch.{name} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return out


def metadata(path):
    with safe_open(str(path), framework="np") as f:
        return f.metadata()


def shipped_models():
    """The shipped models (not the classifiers), told apart by their format tag."""
    return [p for p in sorted((ROOT / "models").glob("*.safetensors")) if metadata(p).get("format") == "vae-lab/1"]


def kind_of(path):
    return json.loads(metadata(path)["vae_lab"])["config"]["model"]


def shipped_checkpoints():
    """The shipped models of the kinds this package builds (the GANs are the CLI's and the page's)."""
    return [p for p in shipped_models() if kind_of(p) in BUILT]


def shipped_gans():
    return [p for p in shipped_models() if kind_of(p) not in BUILT]


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-12)


@pytest.fixture(scope="session")
def cli_cvae(tmp_path_factory):
    """A small class-mean CVAE trained one epoch by the CLI (f32: with its optimiser state)."""
    path = tmp_path_factory.mktemp("cli") / "cvae.safetensors"
    cli("train", "--model", "cvae", "--epochs", "1", "--latent", "3", "--hidden", "32", "--layers", "1", "--means-spread", "2",
        "--beta", "1.5", "--seed", "7", "--save", path)
    return path

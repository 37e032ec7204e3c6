"""PCA is solved, not trained: PyTorch solves it in two processes (each sums its share of the
training images; the sums are reduced) and gets the CLI's model: the same directions and mean, the
same test squared error (1e-4 relative), the same reconstruction. It cannot be "continued"."""
import json
import re
import subprocess

import numpy as np
import pytest
import torch
from safetensors import safe_open

from conftest import ROOT, cli, module, rel
from vae_lab_torch import load, model_from_checkpoint
from vae_lab_torch.data import load_named
from vae_lab_torch.evaluate import evaluate


@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    d = tmp_path_factory.mktemp("pca")
    rust, ours = d / "cli.safetensors", d / "torch.safetensors"
    solved_by_cli = cli("train", "--model", "pca", "--latent", "8", "--save", rust).stdout
    test_error = float(re.search(r"test: ([\d.]+)", solved_by_cli)[1])
    run = subprocess.run([str(ROOT / "scripts" / "torch-checkpoint.sh"), ours, "--model", "pca", "--latent", "8"],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 process(es)" in run.stdout and "PCA solved" in run.stdout, run.stdout
    return rust, ours, test_error


def test_two_processes_solve_the_cli_s_pca(solved):
    rust, ours, cli_test_error = solved
    with safe_open(str(rust), framework="np") as a, safe_open(str(ours), framework="np") as b:
        assert sorted(a.keys()) == sorted(b.keys())
        for k in ("encoder.mu.weight", "encoder.mu.bias", "decoder.out.weight", "decoder.out.bias"):
            np.testing.assert_allclose(b.get_tensor(k), a.get_tensor(k), atol=2e-4, err_msg=k)
    mine = evaluate(model_from_checkpoint(load(ours)), load_named("mnist")[1])
    assert rel(mine["squaredError"], cli_test_error) <= 1e-4
    # The CLI opens it and decodes what PyTorch decodes (`decode` builds no trainer: `eval` would
    # solve a PCA of its own first, which the shipped models' test already pays for).
    z = [0.5, -1.0, 2.0, 0.0, 1.0, -0.5, 0.25, 3.0]
    theirs = np.array(json.loads(cli("decode", "--checkpoint", ours, "--z", ",".join(map(str, z))).stdout))
    with torch.no_grad():
        here = model_from_checkpoint(load(ours)).decode(torch.tensor([z])).numpy()[0]
    np.testing.assert_allclose(theirs, here, atol=1e-5)


def test_pca_is_not_continued(solved, tmp_path):
    out = tmp_path / "more.safetensors"
    run = module("train", "--init", solved[1], "--steps", "3", "--save", out, check=False)
    assert run.returncode == 2 and "PCA is solved exactly" in run.stderr and not out.exists(), run.stderr

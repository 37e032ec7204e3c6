"""A checkpoint goes from the CLI to PyTorch and back keeping what it is: loaded and saved with no
step it is the same file in every tensor (weights, class means, Adam's moments, the epoch's order)
and every setting; continued for a few steps in PyTorch its step count goes on, its settings stay,
its class means are carried (and trained), and the CLI continues it with the optimiser state
restored. Every kind makes the trip."""
import json

import numpy as np
import pytest
from safetensors import safe_open

from conftest import cli, cli_json, metadata, module, rel
from vae_lab_torch import load, model_from_checkpoint
from vae_lab_torch.data import load_named
from vae_lab_torch.evaluate import evaluate


def tensors(path):
    with safe_open(str(path), framework="np") as f:
        return {k: f.get_tensor(k) for k in f.keys()}


def description(path):
    d = json.loads(metadata(path)["vae_lab"])
    return d, d.pop("trainer", None)


def test_no_step_in_pytorch_changes_nothing_but_the_trainer(cli_cvae, tmp_path):
    out = tmp_path / "same.safetensors"
    module("train", "--init", cli_cvae, "--steps", "0", "--no-eval", "--save", out, "--threads", "1")
    a, b = tensors(cli_cvae), tensors(out)
    assert sorted(a) == sorted(b) and "class_means" in a and "optimizer.v.class_means" in a and "training.order" in a
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape, k
        np.testing.assert_array_equal(a[k], b[k], err_msg=k)
    (da, ta), (db, tb) = description(cli_cvae), description(out)
    assert da == db
    assert ta.startswith("vae-lab ") and tb.startswith("pytorch ")
    ma, mb = json.loads(metadata(cli_cvae)["vae_lab_training"]), json.loads(metadata(out)["vae_lab_training"])
    for k in ("adamSteps", "cursor", "epoch"):
        assert ma[k] == mb[k], k


def test_a_few_pytorch_steps_and_back_to_the_cli(cli_cvae, tmp_path):
    before, _ = description(cli_cvae)
    torch_out = tmp_path / "torch.safetensors"
    module("train", "--init", cli_cvae, "--steps", "5", "--no-eval", "--save", torch_out, "--threads", "1")
    after, trainer = description(torch_out)
    assert trainer.startswith("pytorch ")
    assert after["step"] == before["step"] + 5
    assert after["config"] == before["config"]  # every setting: β 1.5, means spread 2, latent 3, …
    assert after["config"]["beta"] == 1.5 and after["config"]["meansSpread"] == 2.0
    m0, m1 = tensors(cli_cvae)["class_means"], tensors(torch_out)["class_means"]
    assert m1.shape == (10, 3)
    assert 0 < np.abs(m1 - m0).max() < 0.05, "the class means are carried and trained a little"
    t = json.loads(metadata(torch_out)["vae_lab_training"])
    assert t["adamSteps"] == json.loads(metadata(cli_cvae)["vae_lab_training"])["adamSteps"] + 5

    # The CLI opens it like its own: same figures as PyTorch's (class means included in the KL).
    rust = cli_json("eval", "--checkpoint", torch_out)
    assert rust["trainer"] == trainer and rust["step"] == after["step"]
    ours = evaluate(model_from_checkpoint(load(torch_out)), load_named("mnist")[1])
    assert rel(ours["negElbo"], rust["evaluation"]["negElbo"]) <= 1e-5 and rel(ours["kl"], rust["evaluation"]["kl"]) <= 1e-5

    # And trains on from it, optimiser state restored, the step count going on.
    back = tmp_path / "back.safetensors"
    out = cli("train", "--init", torch_out, "--epochs", "1", "--save", back).stdout
    assert f"continuing from {torch_out} (step {after['step']}, optimiser state restored; saved by {trainer})" in out, out
    final, final_trainer = description(back)
    assert final["step"] == after["step"] + 9003 // 64 and final["config"] == before["config"]
    assert final_trainer.startswith("vae-lab ")


@pytest.mark.parametrize("kind", ["vae", "sohn", "ae"])
def test_every_kind_makes_the_trip(kind, tmp_path):
    start, mid = tmp_path / "cli.safetensors", tmp_path / "torch.safetensors"
    cli("train", "--model", kind, "--epochs", "1", "--latent", "2", "--hidden", "16", "--batch", "256", "--save", start)
    module("train", "--init", start, "--steps", "3", "--no-eval", "--save", mid, "--threads", "1")
    (a, _), (b, _) = description(start), description(mid)
    assert b["step"] == a["step"] + 3 and b["config"] == a["config"]
    assert sorted(tensors(start)) == sorted(tensors(mid))
    rust = cli_json("eval", "--checkpoint", mid)
    ours = evaluate(model_from_checkpoint(load(mid)), load_named("mnist")[1])
    assert rel(ours["negElbo"], rust["evaluation"]["negElbo"]) <= 1e-5


def test_your_own_idx_files_are_split_by_the_lab_s_rule_and_open_in_the_cli(tmp_path):
    """A person's own pair of files (here MNIST's, under another name): every 10th image of each
    class held out, as the page and the CLI split them; the name is recorded."""
    out = tmp_path / "mine.safetensors"
    run = module("train", "--images", "data/mnist/images-idx3-ubyte.gz", "--labels", "data/mnist/labels-idx1-ubyte.gz", "--name", "mine",
                 "--model", "vae", "--latent", "2", "--hidden", "16", "--steps", "2", "--no-eval", "--threads", "1", "--save", out)
    assert "data: mine, 9003 train and 997 test images of 28x28" in run.stdout, run.stdout
    d, _ = description(out)
    assert d["dataset"] == "mine" and d["step"] == 2
    rust = cli_json("eval", "--checkpoint", out, "--dataset", "mnist")
    assert rust["step"] == 2 and rust["evaluation"]["images"] == 997

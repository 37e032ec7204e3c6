"""Bad checkpoints are refused by both sides with the reason (wrong shapes, missing description or
configuration, unknown kind or setting, NaN, broken optimiser state), and nothing is written half:
PyTorch and the CLI leave an existing output file as it was, and a save that fails midway leaves
neither a partial file nor a temporary one."""
import json
import os

import numpy as np
import pytest
from safetensors import safe_open
from safetensors.numpy import save as st_save

from conftest import cli, module, shipped_gans
from vae_lab_torch import CheckpointError, load, model_from_checkpoint, save
from vae_lab_torch import checkpoint as ck


def forge(src, dst, meta=None, tensors=None, info=None):
    """A copy of `src` with its description, tensors or metadata edited by the given functions."""
    with safe_open(str(src), framework="np") as f:
        t = {k: f.get_tensor(k) for k in f.keys()}
        i = dict(f.metadata())
    d = json.loads(i["vae_lab"])
    if meta:
        meta(d)
    i["vae_lab"] = json.dumps(d)
    if tensors:
        tensors(t)
    if info:
        info(i)
    dst.write_bytes(st_save(t, metadata=i))
    return dst


def set_config(key, value):
    return lambda d: d["config"].__setitem__(key, value)


def nan_weight(t):
    t["decoder.out.bias"] = t["decoder.out.bias"].copy()
    t["decoder.out.bias"][3] = np.nan


def negative_moment(t):
    t["optimizer.v.class_means"] = -np.abs(t["optimizer.v.class_means"]) - 1


def repeated_order(t):
    t["training.order"] = t["training.order"].copy()
    t["training.order"][0] = t["training.order"][1]


CASES = {
    # name: (forgery, what PyTorch says, what the CLI says)
    "wrong shapes": (dict(meta=set_config("latent", 4)), "has shape [3, 32], the configuration needs [4, 32]", "has shape [3, 32], the configuration needs [4, 32]"),
    "hidden size": (dict(meta=set_config("hidden", 33)), "the configuration needs", "the configuration needs"),
    "missing config": (dict(meta=lambda d: d.pop("config")), "missing field(s) config", "missing field `config`"),
    "no description": (dict(info=lambda i: i.pop("vae_lab")), "lacks the model description", "lacks the model description"),
    "not the lab's format": (dict(info=lambda i: i.__setitem__("format", "other/2")), "format 'other/2' is not supported", "format 'other/2' is not supported"),
    "unknown kind": (dict(meta=set_config("model", "wgan")), "unknown model kind 'wgan'", "unknown variant `wgan`"),
    "unknown setting": (dict(meta=set_config("wings", 2)), "unknown configuration field(s) wings", "unknown field `wings`"),
    "out of range": (dict(meta=set_config("latent", 0)), "latent = 0 is out of range", "latent = 0 is out of range"),
    "NaN weight": (dict(tensors=nan_weight), "'decoder.out.bias' holds NaN", "'decoder.out.bias' holds NaN"),
    "negative moment": (dict(tensors=negative_moment), "'optimizer.v.class_means' is negative", "'optimizer.v.class_means' is negative"),
    "order not a permutation": (dict(tensors=repeated_order), "not a permutation", "not a permutation"),
    "extra tensor": (dict(tensors=lambda t: t.__setitem__("encoder.extra", np.zeros(2, np.float32))), "has 35 tensors, a Cvae of this size has 34", "has 35 tensors, a Cvae of this size has 34"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_both_sides_refuse_with_the_reason(case, cli_cvae, tmp_path):
    forgery, ours, theirs = CASES[case]
    bad = forge(cli_cvae, tmp_path / "bad.safetensors", **forgery)
    with pytest.raises(CheckpointError) as e:
        load(bad)
    assert ours in str(e.value) and str(e.value).startswith("checkpoint: "), str(e.value)
    out = cli("eval", "--checkpoint", bad, check=False)
    assert out.returncode == 2 and theirs in out.stderr, out.stderr


def test_a_truncated_file_is_refused(cli_cvae, tmp_path):
    bad = tmp_path / "cut.safetensors"
    bad.write_bytes(cli_cvae.read_bytes()[:5000])
    with pytest.raises(CheckpointError, match="^checkpoint: "):
        load(bad)
    assert cli("eval", "--checkpoint", bad, check=False).returncode == 2


@pytest.mark.parametrize("case", ["wrong shapes", "unknown kind", "missing config"])
def test_refused_inputs_leave_the_output_as_it_was(case, cli_cvae, tmp_path):
    bad = forge(cli_cvae, tmp_path / "bad.safetensors", **CASES[case][0])
    out = tmp_path / "out.safetensors"
    out.write_bytes(b"the previous file")
    run = module("train", "--init", bad, "--steps", "2", "--save", out, check=False)
    assert run.returncode == 2 and CASES[case][1] in run.stderr, run.stderr
    rust = cli("train", "--init", bad, "--epochs", "1", "--save", out, check=False)
    assert rust.returncode == 2 and CASES[case][2] in rust.stderr, rust.stderr
    assert out.read_bytes() == b"the previous file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.safetensors", "out.safetensors"]


def test_pytorch_refuses_to_save_a_model_that_does_not_fit_its_description(cli_cvae, tmp_path):
    ckpt = load(cli_cvae)
    tensors = model_from_checkpoint(ckpt).named_tensors()
    tensors["class_means"] = tensors["class_means"][:, :2]
    out = tmp_path / "out.safetensors"
    with pytest.raises(CheckpointError, match="'class_means' has shape \\[10, 2\\], the configuration needs \\[10, 3\\]"):
        save(out, tensors, ckpt.meta)
    assert list(tmp_path.iterdir()) == []


def test_a_save_that_fails_midway_leaves_the_old_file_and_no_temporary(cli_cvae, tmp_path, monkeypatch):
    ckpt = load(cli_cvae)
    out = tmp_path / "out.safetensors"
    out.write_bytes(b"the previous file")

    def disk_full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(ck.os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        save(out, model_from_checkpoint(ckpt).named_tensors(), ckpt.meta)
    assert out.read_bytes() == b"the previous file"
    assert [p.name for p in tmp_path.iterdir()] == ["out.safetensors"]
    monkeypatch.undo()
    save(out, model_from_checkpoint(ckpt).named_tensors(), ckpt.meta)
    assert load(out).meta["step"] == ckpt.meta["step"]


@pytest.mark.parametrize("path", shipped_gans(), ids=lambda p: p.name)
def test_the_shipped_gans_are_refused_with_the_reason(path):
    # No encoder, so nothing of this package's fits; the CLI and the page open them.
    with pytest.raises(CheckpointError, match=r"model kind '(gan|cgan)' has no encoder: vae_lab_torch builds cvae, sohn, vae, ae, pca; train and open the (conditional )?GAN with the CLI or the page"):
        model_from_checkpoint(load(path))


def test_gans_are_shipped_for_the_refusal_to_be_tested():
    assert {p.name for p in shipped_gans()} == {"mnist-gan.safetensors", "mnist-cgan.safetensors"}

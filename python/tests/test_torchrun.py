"""Two processes (torchrun, gloo on CPU) train a class-mean CVAE for one epoch with
DistributedDataParallel; the CLI opens the checkpoint like its own, says PyTorch saved it, and
finds the test −ELBO PyTorch reported. scripts/torch-checkpoint.sh is the command (the page's
end-to-end test can make its file the same way)."""
import re
import subprocess

import pytest

from conftest import ROOT, cli, cli_json, rel


@pytest.fixture(scope="module")
def two_process_run(tmp_path_factory):
    path = tmp_path_factory.mktemp("torchrun") / "cvae.safetensors"
    run = subprocess.run([str(ROOT / "scripts" / "torch-checkpoint.sh"), path], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    return path, run.stdout


def test_two_processes_train_one_epoch(two_process_run):
    _, log = two_process_run
    assert "2 process(es) on cpu" in log and "batch 64 (32 a process)" in log, log
    assert re.search(r"epoch   1  step 140  train: loss [\d.]+", log), log
    assert "weights identical in all 2 processes" in log, log  # they trained as one


def test_the_cli_opens_it_and_finds_pytorch_s_figures(two_process_run):
    path, log = two_process_run
    reported = float(re.search(r"test: −ELBO ([\d.]+)", log)[1])
    rust = cli_json("eval", "--checkpoint", path)
    assert rust["model"] == "cvae" and rust["step"] == 140 and rust["dataset"] == "mnist"
    assert rust["trainer"].startswith("pytorch ") and "vae_lab_torch" in rust["trainer"]
    assert abs(rust["evaluation"]["negElbo"] - reported) <= 0.006, (rust["evaluation"], reported)
    # One epoch learns: a fresh model of this size is at about 540 nats.
    assert rust["evaluation"]["negElbo"] < 260
    text = cli("eval", "--checkpoint", path).stdout
    assert "saved by pytorch " in text, text

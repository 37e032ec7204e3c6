"""The native CLI against PyTorch's CPU training of the same model (issue 27, item 4), one run side
by side: the benchmark model of `vae-lab bench` (a VAE 784-512-20, one hidden layer a side, ReLU,
summed Bernoulli cross-entropy + KL, Adam 1e-3, batch 128) on the same 9,003 MNIST training
images, at 1 thread, 2 threads and all of the machine's. Each side: 20 warm-up steps, then 5 timed
runs of 40 steps; the median samples per second. The CLI on k threads: RAYON_NUM_THREADS=k (its
matrix products) and --threads k (the batch cut in k parts, as the page's two-thread build);
PyTorch: torch.set_num_threads(k). Prints a table; not part of the test command.

    .venv-torch/bin/python python/bench_vs_cli.py [--cli target/release/vae-lab]
    (after scripts/setup.sh --torch; `cargo build --release` first)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vae_lab_torch.data import load_named  # noqa: E402
from vae_lab_torch.facts import default_config  # noqa: E402
from vae_lab_torch.model import LabModel  # noqa: E402

STEPS, REPEATS, WARMUP = 40, 5, 20


def cli_rate(cli, threads):
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    out = subprocess.run([cli, "bench", "--steps", str(STEPS), "--repeats", str(REPEATS), "--threads", str(threads)],
                         env=env, capture_output=True, text=True, check=True).stdout
    rates = json.loads(out.strip().splitlines()[-1])["samplesPerSec"]
    return statistics.median(rates), rates


def torch_rate(train, config, threads):
    torch.set_num_threads(threads)
    model = LabModel(config, train.pixels, train.classes(), torch.Generator().manual_seed(1))
    opt = torch.optim.Adam(model.parameters(), lr=config["learningRate"])
    images = torch.from_numpy(train.flat())
    labels = torch.from_numpy(train.labels.astype(np.int64))
    order = np.random.default_rng(1).permutation(len(train))
    batch, latent = config["batch"], config["latent"]
    cursor = 0

    def step():
        nonlocal cursor, order
        if cursor + batch > len(order):
            order, cursor = np.random.default_rng(cursor).permutation(len(train)), 0
        rows = torch.from_numpy(order[cursor:cursor + batch])
        cursor += batch
        loss, _, _ = model(images[rows], labels[rows], torch.randn(batch, latent), 1.0)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    for _ in range(WARMUP):
        step()
    rates = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(STEPS):
            step()
        rates.append(STEPS * batch / (time.perf_counter() - start))
    return statistics.median(rates), rates


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cli", default=os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "vae-lab"))
    a = p.parse_args()
    if not os.access(a.cli, os.X_OK):
        sys.exit(f"{a.cli}: no CLI there; build it with `cargo build --release --bin vae-lab` or give --cli")
    config = dict(default_config(), model="vae", latent=20, hidden=512, layers=1, batch=128, learningRate=1e-3)
    train, _ = load_named("mnist")
    cores = os.cpu_count() or 1
    counts = sorted({1, 2, cores})
    print(f"# CLI against PyTorch {torch.__version__} (CPU), VAE 784-512-20, batch 128, {len(train)} MNIST images; "
          f"median samples/s of {REPEATS} runs of {STEPS} steps; {cores} cores, load average {os.getloadavg()[0]:.2f} at the start")
    print("| threads | CLI (samples/s) | PyTorch (samples/s) | CLI / PyTorch |")
    print("|---:|---:|---:|---:|")
    for k in counts:
        ours, ours_runs = cli_rate(a.cli, k)
        theirs, theirs_runs = torch_rate(train, config, k)
        print(f"| {k}{' (all)' if k == cores else ''} | {ours:,.0f} ({min(ours_runs):,.0f}–{max(ours_runs):,.0f}) "
              f"| {theirs:,.0f} ({min(theirs_runs):,.0f}–{max(theirs_runs):,.0f}) | {ours / theirs:.2f}x |")


if __name__ == "__main__":
    main()

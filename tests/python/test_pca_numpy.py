"""PCA is the linear autoencoder's optimum, and the CLI solves it exactly: its reconstruction
errors equal those of numpy's SVD of the same centred training images, to 1e-4 relative, on both
data sets and at several latent sizes."""
import gzip
import os
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLI = os.environ.get("VAE_LAB_BIN", str(ROOT / "target" / "debug" / "vae-lab"))


def idx(path):
    """An IDX file's array (uint8), gzipped or not."""
    raw = gzip.open(path).read() if path.suffix == ".gz" else path.read_bytes()
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(raw[3])]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * len(dims)).reshape(dims)


def split(name):
    """(train, test) images as float64 in [0, 1], rows of pixels, split as src/datasets.rs does."""
    d = ROOT / "data" / name
    if name == "fashion":
        tr, te = idx(d / "train-images-idx3-ubyte.gz"), idx(d / "t10k-images-idx3-ubyte.gz")
    else:  # every 10th image of each class, in file order, is a test image
        images, labels = idx(d / "images-idx3-ubyte.gz"), idx(d / "labels-idx1-ubyte.gz")
        seen = np.zeros(256, int)
        is_test = np.zeros(len(labels), bool)
        for i, y in enumerate(labels):
            seen[y] += 1
            is_test[i] = seen[y] % 10 == 0
        tr, te = images[~is_test], images[is_test]
    flat = lambda a: a.reshape(len(a), -1).astype(np.float64) / 255.0
    return flat(tr), flat(te)


def numpy_errors(train, test, k):
    """Mean summed squared error of the rank-k PCA reconstruction, on train and test, from the SVD."""
    mean = train.mean(axis=0)
    _, s, vt = np.linalg.svd(train - mean, full_matrices=False)
    w = vt[:k].T
    train_error = (s[k:] ** 2).sum() / len(train)  # what the discarded directions held
    residual = (test - mean) - (test - mean) @ w @ w.T
    return train_error, (residual ** 2).sum(axis=1).mean()


@pytest.mark.parametrize("name,k", [("mnist", 2), ("mnist", 8), ("mnist", 50), ("fashion", 8)])
def test_pca_matches_numpy_svd(name, k):
    train, test = split(name)
    with tempfile.TemporaryDirectory() as d:
        out = subprocess.run([CLI, "train", "--model", "pca", "--dataset", name, "--latent", str(k), "--save", str(Path(d) / "pca.safetensors")],
                             cwd=ROOT, check=True, capture_output=True, text=True).stdout
    found = re.search(r"train reconstruction error ([\d.]+)\s+test: ([\d.]+)", out)
    assert found, out
    ours = float(found[1]), float(found[2])
    theirs = numpy_errors(train, test, k)
    for a, b in zip(ours, theirs):
        assert abs(a - b) <= 1e-4 * b, f"{name}, latent {k}: ours {ours}, numpy {theirs}"


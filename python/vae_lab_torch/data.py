"""Images and labels from IDX files (raw or gzip), as src/data/ reads them: the named data sets
(file names and splits from the catalog, via facts.json) or a person's own pair of files, split
into training and test images by the same rule."""
import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .facts import DATASETS

MAX_CLASSES = 256


class DataError(ValueError):
    pass


def parse_idx(raw, rank, what):
    """An IDX file's array (uint8), checked as src/data/idx.rs does: magic, type, rank, sizes."""
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0:
        raise DataError(f"{what}: not an IDX file (bad magic number)")
    if raw[2] != 0x08:
        raise DataError(f"{what}: IDX element type 0x{raw[2]:02x} is not unsigned bytes (0x08)")
    if raw[3] != rank:
        raise DataError(f"{what}: IDX rank {raw[3]}, expected {rank}")
    if len(raw) < 4 + 4 * rank:
        raise DataError(f"{what}: IDX header cut short")
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(rank)]
    size = int(np.prod(dims))
    if len(raw) - 4 - 4 * rank != size:
        raise DataError(f"{what}: dimensions {dims} need {size} bytes of data, the file has {len(raw) - 4 - 4 * rank}")
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * rank).reshape(dims)


@dataclass
class Dataset:
    images: np.ndarray  # (n, rows, cols) uint8
    labels: np.ndarray  # (n,) uint8

    @property
    def rows(self):
        return self.images.shape[1]

    @property
    def cols(self):
        return self.images.shape[2]

    @property
    def pixels(self):
        return self.rows * self.cols

    def __len__(self):
        return len(self.labels)

    def classes(self):
        return int(self.labels.max()) + 1 if len(self.labels) else 0

    def flat(self):
        """(n, pixels) float32 in [0, 1], as Dataset::batch_pixels scales them (× f32 1/255)."""
        return self.images.reshape(len(self), -1).astype(np.float32) * np.float32(1.0 / 255.0)

    def subset(self, mask):
        return Dataset(self.images[mask], self.labels[mask])


def from_idx(images, labels):
    img, lab = parse_idx(images, 3, "images"), parse_idx(labels, 1, "labels")
    if 0 in img.shape:
        raise DataError(f"images: the file holds no pixels (dimensions {list(img.shape)})")
    if len(lab) != len(img):
        raise DataError(f"images and labels disagree: {len(img)} images but {len(lab)} labels")
    return Dataset(img, lab)


def split_stratified(data, every):
    """Within each class, in file order, every `every`-th image is a test image (Dataset::split_stratified):
    MNIST's 10,000 digits give 9,003 train and 997 test."""
    seen = np.zeros(MAX_CLASSES, dtype=np.int64)
    is_test = np.zeros(len(data), dtype=bool)
    for i, y in enumerate(data.labels):
        seen[y] += 1
        is_test[i] = seen[y] % every == 0
    return data.subset(~is_test), data.subset(is_test)


def _read(path):
    """`<stem>.gz`, or failing that the raw `<stem>` beside it (datasets::read_file)."""
    path = Path(path)
    for p in (path, path.with_suffix("") if path.suffix == ".gz" else None):
        if p is not None and p.exists():
            return p.read_bytes()
    raise DataError(f"{path}: no such file (scripts/setup.sh prepares the data sets)")


def load_named(name, root="data"):
    """(train, test) of a named data set from `root` (default data/, as the CLI's --data-root)."""
    if name not in DATASETS:
        raise DataError(f"unknown data set '{name}': use one of {', '.join(DATASETS)}")
    d = DATASETS[name]
    files = [Path(root) / f for f in d["files"]]
    first = from_idx(_read(files[0]), _read(files[1]))
    if d.get("testEvery"):
        return split_stratified(first, d["testEvery"])
    return first, from_idx(_read(files[2]), _read(files[3]))


def load_files(images, labels, test_images=None, test_labels=None, batch=1):
    """A person's own files (data::from_files): with a test pair that is the test set; without,
    every 10th image of each class is held out. Checked as check_split does."""
    data = from_idx(_read(images), _read(labels))
    if test_images:
        train, test = data, from_idx(_read(test_images), _read(test_labels))
    else:
        train, test = split_stratified(data, DATASETS["mnist"]["testEvery"])
    check_split(train, test, batch)
    return train, test


def check_split(train, test, batch):
    if len(train) < batch:
        raise DataError(f"{len(train)} training image(s) are fewer than one batch of {batch}: give more images, or a smaller batch size")
    if len(test) == 0:
        raise DataError("no test images: with one file pair every 10th image of each class is held out, so each class needs at least 10 images (or give a test pair)")
    if test.pixels != train.pixels:
        raise DataError(f"train images are {train.rows}x{train.cols} but test images {test.rows}x{test.cols}")
    untested = sorted(set(train.labels.tolist()) - set(test.labels.tolist()))
    if untested:
        raise DataError(f"class(es) {', '.join(map(str, untested))} have training images but no test image")

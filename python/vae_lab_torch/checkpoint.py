"""The lab's checkpoint format (src/files/checkpoint.rs), read and written exactly.

A checkpoint is a safetensors file:
- metadata `format` = "vae-lab/1"; `vae_lab` = JSON {config, rows, cols, classes, dataset, step,
  trainer}; with a training state also `vae_lab_training` = JSON {adamSteps, rngState (a u64 as
  text), spareNormal, cursor, epoch, reconAverage};
- tensors by parameter name (`encoder.hidden.weight`, …, `class_means`), F32 or F16 (shipped
  models); with a training state also Adam's moments `optimizer.m.<name>` and `optimizer.v.<name>`
  (F32 always) and the epoch's sample order `training.order` (U32, a permutation of the training
  set).

Reading checks what Rust checks, in the same order, and refuses with the reason: size, format,
description, configuration (every key known, a known kind, ranges), image size and class count,
the tensor count, every name, shape and dtype, finite values, moments not negative, the order a
permutation, the cursor inside it. Writing goes to a temporary file in the same folder that is
renamed over the target only once complete, so a failed save leaves nothing half written."""
import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save as st_save

from .facts import CONFIG_KEYS, WRITTEN_KEYS, ConfigError, validate_config
from .model import parameter_shapes

FORMAT = "vae-lab/1"
MAX_BYTES = 256 << 20
MAX_ORDER = 10_000_000
TRAINING_KEY = "vae_lab_training"
ORDER = "training.order"
META_KEYS = ["config", "rows", "cols", "classes", "dataset", "step"]
TRAINING_KEYS = ["adamSteps", "rngState", "spareNormal", "cursor", "epoch", "reconAverage"]


class CheckpointError(ValueError):
    """A file this lab does not open, with the reason (the message starts "checkpoint: ")."""


def trainer_name():
    from . import __version__
    return f"pytorch {torch.__version__.split('+')[0]} vae_lab_torch {__version__}"


@dataclass
class TrainingState:
    """Where training stood: Adam's step count and moments by parameter name, the epoch's order of
    training samples and the position in it, the lab's random stream, the guard's running average."""
    adam_steps: int
    m: dict
    v: dict
    order: np.ndarray
    cursor: int
    epoch: int
    rng_state: int
    spare_normal: float = None
    recon_average: float = None


@dataclass
class Checkpoint:
    meta: dict  # config (validated, full), rows, cols, classes, dataset, step, trainer (or None)
    tensors: dict  # name → float32 torch tensor
    training: TrainingState = None
    dtype: str = "F32"  # the weights' stored dtype
    extra_meta: dict = field(default_factory=dict)  # description keys this version does not know

    @property
    def config(self):
        return self.meta["config"]


def _whole(meta, key, lo, hi):
    v = meta.get(key)
    if not isinstance(v, int) or isinstance(v, bool) or not lo <= v <= hi:
        raise CheckpointError(f"checkpoint: '{key}' must be a whole number from {lo} to {hi}, found {v!r}")
    return v


def read_header(path_or_bytes):
    """(meta, training meta or None, tensor names) from the header alone, checked as Rust's
    read_header does."""
    data = path_or_bytes if isinstance(path_or_bytes, (bytes, bytearray)) else Path(path_or_bytes).read_bytes()
    if len(data) > MAX_BYTES:
        raise CheckpointError(f"checkpoint: {len(data) >> 20} MiB is larger than any model this lab builds ({MAX_BYTES >> 20} MiB)")
    if len(data) < 8:
        raise CheckpointError("checkpoint: not a safetensors file (shorter than its header length)")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise CheckpointError(f"checkpoint: not a safetensors file (header of {n} bytes in a file of {len(data)})")
    try:
        header = json.loads(data[8:8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise CheckpointError(f"checkpoint: not a safetensors file ({e})") from None
    if not isinstance(header, dict):
        raise CheckpointError("checkpoint: not a safetensors file (its header is not an object)")
    info = header.pop("__metadata__", None) or {}
    fmt = info.get("format")
    if fmt is None:
        raise CheckpointError("checkpoint: a safetensors file, but not a VAE Lab checkpoint (no format in its metadata)")
    if fmt != FORMAT:
        raise CheckpointError(f"checkpoint: format '{fmt}' is not supported (this lab reads {FORMAT})")
    if "vae_lab" not in info:
        raise CheckpointError("checkpoint: its metadata lacks the model description")
    try:
        meta = json.loads(info["vae_lab"])
    except json.JSONDecodeError as e:
        raise CheckpointError(f"checkpoint: model description unreadable: {e}") from None
    if not isinstance(meta, dict):
        raise CheckpointError("checkpoint: model description unreadable: not an object")
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise CheckpointError(f"checkpoint: model description unreadable: missing field(s) {', '.join(missing)}")
    try:
        config = validate_config(meta["config"])
    except ConfigError as e:
        raise CheckpointError(f"checkpoint: {e}") from None
    # The settings the file has, and those of the kinds built here: written back as they came (a
    # shipped file has no GAN settings; a newer CLI file has them at their defaults).
    config = {k: config[k] for k in CONFIG_KEYS if k in WRITTEN_KEYS or k in meta["config"]}
    rows, cols = _whole(meta, "rows", 0, 2**64 - 1), _whole(meta, "cols", 0, 2**64 - 1)
    classes = _whole(meta, "classes", 0, 2**64 - 1)
    if rows == 0 or cols == 0 or rows * cols > 4096 or classes == 0 or classes > 256:
        raise CheckpointError(f"checkpoint: image size {rows}x{cols} or class count {classes} is out of range")
    if not isinstance(meta["dataset"], str):
        raise CheckpointError("checkpoint: model description unreadable: 'dataset' is not text")
    step = _whole(meta, "step", 0, 2**64 - 1)
    trainer = meta.get("trainer")
    if trainer is not None and not isinstance(trainer, str):
        raise CheckpointError("checkpoint: model description unreadable: 'trainer' is not text")
    known = META_KEYS + ["trainer"]
    out = {"config": config, "rows": rows, "cols": cols, "classes": classes, "dataset": meta["dataset"], "step": step, "trainer": trainer}
    extra = {k: v for k, v in meta.items() if k not in known}
    training = None
    if TRAINING_KEY in info:
        try:
            training = json.loads(info[TRAINING_KEY])
        except json.JSONDecodeError as e:
            raise CheckpointError(f"checkpoint: training state unreadable: {e}") from None
        if not isinstance(training, dict) or set(training) - set(TRAINING_KEYS) or {"adamSteps", "rngState", "cursor", "epoch"} - set(training):
            raise CheckpointError(f"checkpoint: training state unreadable: it must have exactly the fields {', '.join(TRAINING_KEYS)}")
    return out, training, header, extra


def _load_f32(f, header, name, shape):
    if name not in header:
        raise CheckpointError(f"checkpoint: tensor '{name}' is missing")
    found = tuple(header[name]["shape"])
    if found != tuple(shape):
        raise CheckpointError(f"checkpoint: tensor '{name}' has shape {list(found)}, the configuration needs {list(shape)}")
    dtype = header[name]["dtype"]
    if dtype not in ("F32", "F16"):
        raise CheckpointError(f"checkpoint: tensor '{name}' is {dtype}; only F32 and F16 are read")
    values = f.get_tensor(name).astype(np.float32)
    if not math.isfinite(float(np.square(values.astype(np.float64)).sum())):
        raise CheckpointError(f"checkpoint: tensor '{name}' holds NaN or infinite values")
    return torch.from_numpy(values), dtype


def load(path):
    """A checked checkpoint; raises CheckpointError with the reason for anything Rust would refuse."""
    path = Path(path)
    data = path.read_bytes()
    meta, tm, header, extra = read_header(data)
    c = meta["config"]
    expected = parameter_shapes(c, meta["rows"] * meta["cols"], meta["classes"])
    count = len(expected) * 3 + 1 if tm is not None else len(expected)
    if len(header) != count:
        names = ", ".join(n for n, _ in expected)
        more = ", with a moment pair each and the training order" if tm is not None else ""
        raise CheckpointError(f"checkpoint: has {len(header)} tensors, a {c['model'].capitalize()} of this size has {count}: {names}{more}")
    try:
        with safe_open(str(path), framework="np") as f:
            tensors, dtypes = {}, set()
            for name, shape in expected:
                tensors[name], dtype = _load_f32(f, header, name, shape)
                dtypes.add(dtype)
            training = _training_state(f, header, tm, expected) if tm is not None else None
    except SafetensorError as e:
        raise CheckpointError(f"checkpoint: damaged ({e})") from None
    return Checkpoint(meta, tensors, training, "F16" if dtypes == {"F16"} else "F32", extra)


def _training_state(f, header, tm, expected):
    m, v = {}, {}
    for name, shape in expected:
        m[name], _ = _load_f32(f, header, f"optimizer.m.{name}", shape)
        v[name], _ = _load_f32(f, header, f"optimizer.v.{name}", shape)
        if v[name].numel() and float(v[name].min()) < 0:
            raise CheckpointError(f"checkpoint: optimiser moment 'optimizer.v.{name}' is negative")
    if ORDER not in header:
        raise CheckpointError(f"checkpoint: tensor '{ORDER}' is missing")
    spec = header[ORDER]
    if spec["dtype"] != "U32" or len(spec["shape"]) != 1 or not 0 < spec["shape"][0] <= MAX_ORDER:
        raise CheckpointError(f"checkpoint: '{ORDER}' must be 1 to {MAX_ORDER} u32 values, found {spec['dtype']} {spec['shape']}")
    order = f.get_tensor(ORDER)
    if not np.array_equal(np.sort(order), np.arange(len(order), dtype=order.dtype)):
        raise CheckpointError(f"checkpoint: '{ORDER}' is not a permutation of the training samples")
    cursor, epoch = tm["cursor"], tm["epoch"]
    for key, value in (("cursor", cursor), ("epoch", epoch), ("adamSteps", tm["adamSteps"])):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise CheckpointError(f"checkpoint: training state unreadable: '{key}' must be a whole number, found {value!r}")
    if cursor > len(order):
        raise CheckpointError(f"checkpoint: training position {cursor} is past the {len(order)} samples of an epoch")
    try:
        state = int(tm["rngState"])
        assert 0 <= state < 2**64 and str(state) == tm["rngState"]
    except (ValueError, TypeError, AssertionError):
        raise CheckpointError(f"checkpoint: random state '{tm['rngState']}' is not a number") from None
    spare, avg = tm.get("spareNormal"), tm.get("reconAverage")
    if (spare is not None and not math.isfinite(spare)) or (avg is not None and (not math.isfinite(avg) or avg < 0)):
        raise CheckpointError("checkpoint: training state holds a value that is not a finite number")
    return TrainingState(tm["adamSteps"], m, v, order.astype(np.int64), cursor, epoch, state, spare, avg)


def encode(tensors, meta, half=False, training=None):
    """Safetensors bytes for the model's `tensors` (name → tensor) and `meta` (as read by load, or
    built by the trainer), in f16 with `half` (then without a training state, as Rust does)."""
    c = validate_config(meta["config"])
    pixels, classes = meta["rows"] * meta["cols"], meta["classes"]
    expected = dict(parameter_shapes(c, pixels, classes))
    if set(tensors) != set(expected):
        raise CheckpointError(f"checkpoint: the model's tensors {sorted(tensors)} are not the layout of its configuration {sorted(expected)}")
    dtype = np.float16 if half else np.float32
    arrays = {}
    for name, t in tensors.items():
        a = t.detach().to("cpu", torch.float32).numpy()
        if tuple(a.shape) != tuple(expected[name]):
            raise CheckpointError(f"checkpoint: tensor '{name}' has shape {list(a.shape)}, the configuration needs {list(expected[name])}")
        if not np.isfinite(a).all():
            raise CheckpointError(f"checkpoint: tensor '{name}' holds NaN or infinite values: not saved")
        arrays[name] = np.ascontiguousarray(a.astype(dtype))
    # Its kinds' settings, and any other the configuration came with (a CLI file's GAN settings).
    keys = [k for k in CONFIG_KEYS if k in WRITTEN_KEYS or k in meta["config"]]
    description = {"config": {k: c[k] for k in keys}, "rows": meta["rows"], "cols": meta["cols"], "classes": classes,
                   "dataset": meta["dataset"], "step": int(meta["step"]), "trainer": trainer_name()}
    info = {"format": FORMAT, "vae_lab": json.dumps(description, separators=(",", ":"), ensure_ascii=False)}
    if training is not None and not half:
        for which, moments in (("m", training.m), ("v", training.v)):
            for name in expected:
                arrays[f"optimizer.{which}.{name}"] = np.ascontiguousarray(moments[name].detach().to("cpu", torch.float32).numpy())
        arrays[ORDER] = np.ascontiguousarray(np.asarray(training.order, dtype=np.uint32))
        info[TRAINING_KEY] = json.dumps({
            "adamSteps": int(training.adam_steps), "rngState": str(int(training.rng_state) % 2**64),
            "spareNormal": training.spare_normal, "cursor": int(training.cursor), "epoch": int(training.epoch),
            "reconAverage": training.recon_average,
        }, separators=(",", ":"))
    return st_save(arrays, metadata=info)


def write_atomically(path, data):
    """Writes `data` to a temporary file beside `path`, then renames it over `path`: an interrupted
    or failed save leaves the old file (or none), never half of one."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def save(path, tensors, meta, half=False, training=None):
    """Checks and encodes first, then writes atomically: nothing is written unless it all passes."""
    data = encode(tensors, meta, half, training)
    write_atomically(path, data)
    return len(data)

"""VAE Lab's models in PyTorch: build the module of any kind from a checkpoint's configuration,
read and write the lab's checkpoints exactly, evaluate as `vae-lab eval` does, and train with
torchrun (`python -m vae_lab_torch.train`). See docs/pytorch.md."""
import os

# Before torch starts OpenMP: threads that wait sleep rather than spin. On a 2-core machine shared
# with other work, two spinning threads made a small training step 10 times slower (368 against
# 4,030 samples/s, docs/pytorch.md); set OMP_WAIT_POLICY yourself to choose otherwise.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"

from .checkpoint import Checkpoint, CheckpointError, TrainingState, load, save  # noqa: E402
from .facts import ConfigError, default_config, validate_config  # noqa: E402
from .model import LabModel, parameter_shapes  # noqa: E402


def model_from_checkpoint(ckpt):
    """The PyTorch module of a loaded checkpoint, with its weights (and class means)."""
    m = LabModel(ckpt.config, ckpt.meta["rows"] * ckpt.meta["cols"], ckpt.meta["classes"])
    m.load_state_dict(ckpt.tensors, strict=True)
    return m


__all__ = ["Checkpoint", "CheckpointError", "ConfigError", "LabModel", "TrainingState", "default_config", "load",
           "model_from_checkpoint", "parameter_shapes", "save", "validate_config"]

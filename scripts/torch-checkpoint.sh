#!/usr/bin/env bash
# Trains a model with PyTorch in two processes (torchrun, gloo on CPU; NCCL where there are GPUs)
# and writes its checkpoint, for tests that open a PyTorch-trained model in the CLI or the page:
#   scripts/torch-checkpoint.sh OUT.safetensors [vae_lab_torch.train options]
# Default: a small class-mean CVAE on MNIST (latent 4, 2 hidden layers of 64), one epoch.
# Needs .venv-torch (scripts/setup.sh --torch).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/torch-checkpoint.sh OUT.safetensors [train options]" >&2; exit 2; }
out=$1; shift
[ -x .venv-torch/bin/torchrun ] || { echo "no .venv-torch: run scripts/setup.sh --torch" >&2; exit 1; }
[ $# -gt 0 ] || set -- --model cvae --epochs 1 --latent 4 --hidden 64
# --standalone: a rendezvous on a free local port of its own, so two runs at once do not meet.
exec .venv-torch/bin/torchrun --standalone --nproc-per-node "${NPROC:-2}" -m vae_lab_torch.train "$@" --save "$out"

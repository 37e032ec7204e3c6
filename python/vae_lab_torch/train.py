"""Trains any of the lab's kinds in PyTorch, on one process or many (torchrun: DistributedDataParallel,
gloo on CPU, NCCL on GPU), and writes a checkpoint the page and `vae-lab` open like their own.

    torchrun --nproc-per-node 2 -m vae_lab_torch.train --model cvae --epochs 5 --save cvae.safetensors
    python -m vae_lab_torch.train --init mine.safetensors --steps 100 --save more.safetensors

Settings have the CLI's names and defaults (from the lab's facts: `vae-lab facts`). `--batch` is
the whole step's batch, as in the CLI: each of N processes takes batch/N of its rows, and
DistributedDataParallel averages their gradients, so a step is the same step whatever N. An epoch
is the training set in a shuffled order, cut into len // batch steps (a last partial batch is
dropped); that order and the position in it are saved, as the lab saves them. PCA is solved, not
trained: each process sums its share of the training images, the sums are reduced, and the
covariance's top eigenvectors make the model. A step whose objective or gradient is not finite is
skipped (on every process alike) and reported."""
import argparse
import os
import sys
import time

import numpy as np
import torch
import torch.distributed as dist

from . import rng
from .checkpoint import CheckpointError, TrainingState, load, save, trainer_name
from .data import DataError, check_split, load_files, load_named
from .evaluate import evaluate
from .facts import DATASETS, FLAGS, SETTINGS, ConfigError, default_config, kind, validate_config
from .model import LabModel

DEFAULT_EPOCHS = 5  # the CLI's page preset
EXPLOSION_FACTOR = 10.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python -m vae_lab_torch.train", description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", choices=list(DATASETS), help="a named data set under --data-root (default mnist)")
    p.add_argument("--data-root", default="data", help="folder holding mnist/ and fashion/ (default data)")
    p.add_argument("--images", help="your own images IDX file (raw or gzip) instead of --dataset")
    p.add_argument("--labels", help="its labels IDX file")
    p.add_argument("--test-images", help="a test pair (without one every 10th image of each class is held out)")
    p.add_argument("--test-labels")
    p.add_argument("--name", help="the data set's name recorded in the checkpoint (default: --dataset, or 'custom')")
    p.add_argument("--model", help="cvae (default), sohn, vae, ae or pca")
    for key, flag in FLAGS.items():
        r = SETTINGS[key]
        p.add_argument(flag, dest=key, type=int if r.get("integer") else float,
                       help=f"default {r['default']:g}; from {r['min']:g} to {r['max']:g}")
    p.add_argument("--epochs", type=int, help=f"epochs to train (default {DEFAULT_EPOCHS})")
    p.add_argument("--steps", type=int, help="train exactly this many steps instead of whole epochs")
    p.add_argument("--init", help="continue from a checkpoint (its model, step count and optimiser state; --beta/--lr/--batch override)")
    p.add_argument("--save", help="write the checkpoint here (f32 with the optimiser state; --half: f16, model only)")
    p.add_argument("--half", action="store_true")
    p.add_argument("--device", default="auto", help="auto (cuda when there is one), cpu or cuda")
    p.add_argument("--threads", type=int, help="CPU threads per process (default: the cores shared among the processes)")
    p.add_argument("--no-eval", action="store_true", help="skip the test −ELBO after each epoch")
    return p.parse_args(argv)


class Run:
    """The process group (if any), this process's rank and device."""

    def __init__(self, device, threads=None):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        local = int(os.environ.get("LOCAL_RANK", "0"))
        cuda = torch.cuda.is_available() if device == "auto" else device.startswith("cuda")
        self.device = torch.device(f"cuda:{local}" if cuda else "cpu")
        if cuda:
            torch.cuda.set_device(self.device)
        else:
            # The cores shared among this machine's processes (torchrun would leave each one thread).
            per = max(1, (os.cpu_count() or 1) // int(os.environ.get("LOCAL_WORLD_SIZE", self.world)))
            torch.set_num_threads(threads or per)
        if self.world > 1:
            dist.init_process_group("nccl" if cuda else "gloo")

    @property
    def main(self):
        return self.rank == 0

    def say(self, *a, **k):
        if self.main:
            print(*a, **k, flush=True)

    def all_sum(self, t):
        if self.world > 1:
            dist.all_reduce(t)
        return t

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()


def config_from(a, base):
    """The CLI's config_of: `base` with every explicit flag on top, checked."""
    c = dict(base)
    if a.model is not None:
        c["model"] = a.model
    for key in FLAGS:
        if getattr(a, key) is not None:
            c[key] = getattr(a, key)
    return validate_config(c)


def load_data(a, batch):
    if a.images:
        if a.dataset:
            raise DataError("give --dataset or --images/--labels, not both")
        if not a.labels:
            raise DataError("--images needs --labels")
        return load_files(a.images, a.labels, a.test_images, a.test_labels, batch), a.name or "custom"
    name = a.dataset or "mnist"
    train, test = load_named(name, a.data_root)
    check_split(train, test, batch)
    return (train, test), a.name or name


def solve_pca(run, config, train, classes):
    """PCA's tensors (src/models/pca.rs): the top `latent` eigenvectors of the training images'
    covariance, each signed so its largest entry is positive; sums reduced over the processes."""
    x = torch.from_numpy(train.flat())[run.rank::run.world]
    pixels, latent = x.shape[1], config["latent"]
    if latent > pixels:
        raise ConfigError(f"PCA: latent = {latent} directions cannot be more than the {pixels} pixels of an image")
    total = run.all_sum(x.double().sum(dim=0))
    mean = total / len(train)
    scatter = torch.zeros(pixels, pixels, dtype=torch.float64)
    for s in range(0, len(x), 4096):
        c = x[s:s + 4096] - mean.float()
        scatter += (c.T @ c).double()
    scatter = run.all_sum(scatter)
    cov = (scatter + scatter.T) / (2 * len(train))
    values, vectors = torch.linalg.eigh(cov)
    top = vectors[:, torch.argsort(values, descending=True)[:latent]].T  # (latent, pixels)
    peak = top.gather(1, top.abs().argmax(dim=1, keepdim=True))
    w = (top * torch.where(peak < 0, -1.0, 1.0)).float()
    m = mean.float()
    return {"encoder.mu.weight": w.contiguous(), "encoder.mu.bias": -(w @ m), "decoder.out.weight": w.T.contiguous(), "decoder.out.bias": m}


def adam_state(opt, model):
    """Adam's step count and moments by parameter name (zeros before the first step)."""
    m, v, steps = {}, {}, 0
    for name, p in model.named_parameters():
        s = opt.state.get(p, {})
        m[name] = s["exp_avg"].detach().cpu() if s else torch.zeros_like(p, device="cpu")
        v[name] = s["exp_avg_sq"].detach().cpu() if s else torch.zeros_like(p, device="cpu")
        steps = int(s["step"]) if s else steps
    return steps, m, v


def set_adam_state(opt, model, training):
    """torch.optim.Adam's state from the lab's: the same update (bias corrections by the step
    count, ε added to √v̂), so training goes on with the moments it had."""
    if training.adam_steps == 0:
        return
    for name, p in model.named_parameters():
        opt.state[p] = {"step": torch.tensor(float(training.adam_steps)), "exp_avg": training.m[name].to(p.device).clone(),
                        "exp_avg_sq": training.v[name].to(p.device).clone()}


def check_in_step(run, model):
    """DistributedDataParallel keeps every process's weights equal; this checks it before saving
    (rank 0's are saved): a few sums of the weights, their largest and smallest over the processes."""
    flat = torch.cat([p.detach().double().flatten() for p in model.parameters()])
    sums = torch.stack([flat.sum(), (flat * flat).sum(), (flat * torch.arange(len(flat), device=flat.device, dtype=torch.float64).remainder(97)).sum()])
    hi, lo = sums.clone(), sums.clone()
    dist.all_reduce(hi, op=dist.ReduceOp.MAX)
    dist.all_reduce(lo, op=dist.ReduceOp.MIN)
    if not torch.equal(hi, lo):
        raise ConfigError(f"the {run.world} processes' weights differ after training (sums {lo.tolist()} to {hi.tolist()}): not saved")
    run.say(f"weights identical in all {run.world} processes")


def main(argv=None):
    a = parse_args(argv)
    run = Run(a.device, a.threads)
    try:
        return train(a, run)
    except (ConfigError, CheckpointError, DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        run.close()


def train(a, run):
    init = load(a.init) if a.init else None
    if init:
        config = dict(init.config)
        for key in ("beta", "learningRate", "batch"):
            if getattr(a, key) is not None:
                config[key] = getattr(a, key)
        ignored = [FLAGS[k] for k in FLAGS if k not in ("beta", "learningRate", "batch") and getattr(a, k) is not None]
        if a.model or ignored:
            raise ConfigError(f"with --init the model is the checkpoint's: {', '.join(ignored + (['--model'] if a.model else []))} cannot change it")
        config = validate_config(config)
    else:
        config = config_from(a, default_config())
    batch = config["batch"]
    if batch % run.world:
        raise ConfigError(f"batch = {batch} cannot be shared evenly by {run.world} processes: give a multiple of {run.world}")
    (train_set, test_set), dataset = load_data(a, batch)
    classes = max(train_set.classes(), test_set.classes())
    pixels = train_set.pixels
    if init:
        m = init.meta
        if (m["rows"], m["cols"]) != (train_set.rows, train_set.cols):
            raise CheckpointError(f"checkpoint: trained on {m['rows']}x{m['cols']} images, this data set has {train_set.rows}x{train_set.cols}")
        if classes > m["classes"]:
            raise CheckpointError(f"checkpoint: knows {m['classes']} classes, this data set has {classes}")
        classes = m["classes"]
        if not a.name and not a.images and not a.dataset:
            dataset = m["dataset"]
    run.say(f"data: {dataset}, {len(train_set)} train and {len(test_set)} test images of {train_set.rows}x{train_set.cols}; "
            f"{run.world} process(es) on {run.device}")
    meta = {"config": config, "rows": train_set.rows, "cols": train_set.cols, "classes": classes, "dataset": dataset,
            "step": init.meta["step"] if init else 0, "trainer": trainer_name()}

    if not kind(config["model"])["trainable"]:
        if init:
            raise ConfigError("PCA is solved exactly, not trained: there is nothing to continue (solve it anew with --model pca)")
        run.say(f"model: PCA, latent {config['latent']} (solved exactly from the training images, not trained)")
        tensors = solve_pca(run, config, train_set, classes)
        model = LabModel(config, pixels, classes)
        model.load_state_dict(tensors)
        e = evaluate(model, test_set)
        run.say(f"PCA solved: test reconstruction error {e['recon']:.6f} per image (summed squared error)")
        if run.main and a.save:
            zeros = {k: torch.zeros_like(t) for k, t in tensors.items()}
            state = TrainingState(0, zeros, dict(zeros), np.arange(len(train_set)), 0, 0, config["seed"])
            n = save(a.save, model.named_tensors(), meta, a.half, state)
            run.say(f"saved {a.save} ({n} bytes, {'F16' if a.half else 'F32'})")
        return 0

    model = LabModel(config, pixels, classes, torch.Generator().manual_seed(config["seed"]))
    if init:
        model.load_state_dict(init.tensors)
    model.to(run.device)
    net = torch.nn.parallel.DistributedDataParallel(model) if run.world > 1 else model
    opt = torch.optim.Adam(model.parameters(), lr=config["learningRate"], betas=(0.9, 0.999), eps=1e-8)
    step = meta["step"]
    n = len(train_set)
    training = init.training if init else None
    recon_average = None
    if training is not None:
        set_adam_state(opt, model, training)
        recon_average = training.recon_average
    if training is not None and len(training.order) == n:
        order, cursor, epoch = training.order.copy(), training.cursor, training.epoch
        run.say(f"continuing from {a.init} (step {step}, optimiser state and epoch position restored; saved by {init.meta['trainer'] or 'an earlier vae-lab'})")
    else:
        order = np.random.default_rng([config["seed"], step]).permutation(n)
        cursor, epoch = 0, (step * batch) // n
        if init:
            how = "optimiser state restored" if training is not None else "fresh optimiser"
            run.say(f"continuing from {a.init} (step {step}, {how}; saved by {init.meta['trainer'] or 'an earlier vae-lab'})")

    images = torch.from_numpy(train_set.images.reshape(n, -1)).to(run.device)
    labels = torch.from_numpy(train_set.labels.astype(np.int64)).to(run.device)
    noise = torch.Generator(device=run.device).manual_seed((config["seed"] * 1_000_003 + run.rank * 7919 + step) % 2**63)
    local = batch // run.world
    steps_per_epoch = n // batch
    total = a.steps if a.steps is not None else (a.epochs if a.epochs is not None else DEFAULT_EPOCHS) * steps_per_epoch
    c = config
    spread = f", means spread {c['meansSpread']}" if kind(c["model"])["hasClassMeans"] else ""
    run.say(f"model: {c['model']}, latent {c['latent']}, hidden {c['hidden']} × {c['layers']} layers, β {c['beta']}, lr {c['learningRate']}, "
            f"batch {batch} ({local} a process), seed {c['seed']}{spread}; {total} steps ({total / steps_per_epoch:.2f} epochs)")
    variational = kind(c["model"])["variational"]
    done, refused_in_a_row, chunks = 0, 0, 0
    run_start = time.perf_counter()
    while done < total:
        chunk = min(steps_per_epoch, total - done)
        sums = torch.zeros(3, dtype=torch.float64, device=run.device)
        model.train()
        if run.device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        taken = 0
        for _ in range(chunk):
            if cursor + batch > n:
                epoch += 1
                order = np.random.default_rng([c["seed"], epoch, step]).permutation(n)
                cursor = 0
            rows = torch.from_numpy(order[cursor + run.rank * local:cursor + (run.rank + 1) * local]).to(run.device)
            cursor += batch
            x = images[rows].to(torch.float32) * (1.0 / 255.0)
            y = labels[rows]
            eps = torch.randn(local, c["latent"], generator=noise, device=run.device)
            beta = c["beta"] * step / c["warmup"] if c["warmup"] and step < c["warmup"] else c["beta"]
            loss, recon, kl = net(x, y, eps, beta)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            figures = run.all_sum(torch.stack([loss.detach().double(), recon.double(), kl.double()])) / run.world
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), float("inf"))  # gradients are already averaged
            r = float(figures[1])
            exploded = recon_average is not None and r > EXPLOSION_FACTOR * recon_average
            if not (torch.isfinite(norm) and torch.isfinite(figures).all()) or exploded:
                refused_in_a_row += 1
                run.say(f"step {step + 1} skipped: its objective or gradient is not finite or exploded (recon {r:.4g})")
                if refused_in_a_row >= 10:
                    raise ConfigError("10 steps in a row were not finite: lower the learning rate")
                done += 1
                continue
            refused_in_a_row = 0
            opt.step()
            step += 1
            taken += 1
            done += 1
            sums += figures
            recon_average = r if recon_average is None else 0.95 * recon_average + 0.05 * r
        if run.device.type == "cuda":
            torch.cuda.synchronize()
        secs = time.perf_counter() - start
        rate = taken * batch / secs if secs > 0 else 0.0
        loss_, recon_, kl_ = (sums / max(taken, 1)).tolist()
        chunks += 1
        line = f"epoch {chunks:>3}  step {step}  "
        if variational:
            line += f"train: loss {loss_:.2f} (recon {recon_:.2f}, KL {kl_:.2f})"
        else:
            line += f"train: reconstruction error {recon_:.2f}"
        if run.main and not a.no_eval:
            e = evaluate(model, test_set, run.device)
            line += f"  test: −ELBO {e['negElbo']:.2f} (recon {e['recon']:.2f} + KL {e['kl']:.2f})" if variational else f"  test: reconstruction error {e['recon']:.2f}"
        run.say(f"{line}  {rate:.0f} samples/s")
    run.say(f"trained in {time.perf_counter() - run_start:.1f} s")
    if run.world > 1:
        check_in_step(run, model)
    meta["step"] = step
    meta["config"] = c
    if run.main and a.save:
        steps_taken, m, v = adam_state(opt, model)
        state = TrainingState(steps_taken, m, v, order, cursor, epoch, (c["seed"] ^ (step * rng.GOLDEN)) & rng.MASK,
                              None, recon_average)
        nbytes = save(a.save, model.named_tensors(), meta, a.half, state)
        run.say(f"saved {a.save} ({nbytes} bytes, {'F16' if a.half else 'F32'}, step {step})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

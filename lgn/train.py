"""Training loop for logic gate networks.

One dataclass (``config.TrainConfig``) holds every option; the CLI flags of ``train-lgn`` are
generated from it (``cli.py``).  The loop minimizes cross-entropy of the GroupSum
scores with Adam on mini-batches drawn with replacement from a seeded generator.

At every evaluation it records (on the test split unless noted):

* ``soft_test_acc``: accuracy of the relaxed network without noise (softmax / sigmoid
  gate mixtures), ``hard_test_acc``: accuracy of the discretized network (the one
  that compiles to a circuit), ``gap = soft_test_acc - hard_test_acc`` (the
  discretization gap of Yousefi et al., "Mind the Gap", 2025);
* ``unused_gates``: gates of the discretized network outside the functional cone of
  influence of the class scores (``discrete.DiscreteNetwork.gate_stats``), and
  ``constant_gates`` (FALSE/TRUE).

Checkpoints (``checkpoint.pt`` in ``out_dir``) are written atomically and hold the
model, the Adam state, the data-sampling generator, every rank's torch RNG state and
the step, so ``resume=True`` continues a killed run to the same final weights,
bitwise, as an uninterrupted run with the same seed.

``distributed=True`` runs data-parallel (DDP) under ``torchrun``: gloo on CPU, nccl on
CUDA.  All ranks draw the same global batch of ``batch_size`` indices and each takes
its strided share; Gumbel noise is seeded per rank; rank 0 evaluates and writes files.
"""

from __future__ import annotations

import dataclasses
import math
import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from .checkpoint import load_checkpoint, save_checkpoint, state_digest, write_json
from .config import SHAPE_FIELDS, TrainConfig
from .data import Dataset, load_dataset
from .errors import CheckpointError, LGNConfigError
from .layers import PARAMS_PER_GATE
from .model import LogicNetwork

CHECKPOINT_NAME = "checkpoint.pt"
METRICS_NAME = "metrics.json"
CURVE_NAME = "curve.png"
TRAIN_EVAL_EXAMPLES = 10_000  # hard_train_acc is measured on at most this many training examples


def build_model(cfg: TrainConfig, in_dim: int, num_classes: int) -> LogicNetwork:
    """The network a config describes (wiring and init seeded by ``cfg.seed``)."""
    return LogicNetwork(
        in_dim,
        num_classes,
        cfg.widths,
        cfg.parametrization,
        cfg.connections,
        cfg.init,
        cfg.residual_strength,
        cfg.gumbel,
        cfg.gumbel_tau,
        cfg.tau,
        cfg.impl,
        cfg.seed,
        cfg.image_shape if cfg.kernels else None,
        cfg.kernels,
        cfg.conv_field,
        cfg.conv_depth,
    )


def lr_at(cfg: TrainConfig, step: int) -> float:
    """Learning rate for the update after ``step`` updates: constant, or cosine from lr to lr / 100."""
    if cfg.lr_schedule == "constant":
        return cfg.lr
    frac = min(1.0, step / cfg.steps)
    return cfg.lr * (0.01 + 0.99 * 0.5 * (1.0 + math.cos(math.pi * frac)))


# ---------------------------------------------------------------------------- distributed


@dataclass
class _Dist:
    rank: int = 0
    world: int = 1
    owns_group: bool = False  # we called init_process_group, so we destroy it


def _setup(cfg: TrainConfig) -> tuple[_Dist, torch.device]:
    want_cuda = cfg.device == "cuda" or (cfg.device == "auto" and torch.cuda.is_available())
    if cfg.device == "cuda" and not torch.cuda.is_available():
        raise LGNConfigError("device='cuda' requested but CUDA is not available")
    if not cfg.distributed:
        return _Dist(), torch.device("cuda" if want_cuda else "cpu")
    import torch.distributed as dist

    if not dist.is_initialized() and not ("RANK" in os.environ and "WORLD_SIZE" in os.environ):
        raise LGNConfigError("distributed=True needs a torchrun launch (RANK and WORLD_SIZE are unset)")
    world = int(os.environ.get("WORLD_SIZE", dist.get_world_size() if dist.is_initialized() else 1))
    if cfg.batch_size % world != 0:
        raise LGNConfigError(f"batch_size={cfg.batch_size} must be divisible by the world size {world}")
    device = torch.device("cpu")
    if want_cuda:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    owns = False
    if not dist.is_initialized():
        dist.init_process_group("nccl" if want_cuda else "gloo")
        owns = True
    return _Dist(dist.get_rank(), dist.get_world_size(), owns), device


def _gather(obj, d: _Dist) -> list:
    if d.world == 1:
        return [obj]
    import torch.distributed as dist

    out = [None] * d.world
    dist.all_gather_object(out, obj)
    return out


# ---------------------------------------------------------------------------- evaluation


@torch.no_grad()
def _accuracy(model: LogicNetwork, x: torch.Tensor, y: torch.Tensor, mode: str, chunk: int = 4096) -> float:
    correct = 0
    for i in range(0, x.shape[0], chunk):
        correct += (model(x[i : i + chunk], mode=mode).argmax(-1) == y[i : i + chunk]).sum().item()
    return correct / max(1, x.shape[0])


def evaluate(model: LogicNetwork, data: Dataset, device: torch.device) -> dict:
    """Soft and discretized test accuracies, the discretization gap, and gate usage.

    ``hard_train_acc`` is on the first ``TRAIN_EVAL_EXAMPLES`` training examples (all of
    them for every bundled set but MNIST).
    """
    was_training = model.training
    model.eval()
    xs, ys = data.x_test.to(device), data.y_test.to(device)
    soft = _accuracy(model, xs, ys, "soft")
    hard = _accuracy(model, xs, ys, "hard")
    n = min(TRAIN_EVAL_EXAMPLES, data.x_train.shape[0])  # a fixed prefix: the same examples every time
    hard_train = _accuracy(model, data.x_train[:n].to(device), data.y_train[:n].to(device), "hard")
    stats = model.discretize().gate_stats()
    model.train(was_training)
    return {
        "soft_test_acc": soft,
        "hard_test_acc": hard,
        "gap": soft - hard,
        "hard_train_acc": hard_train,
        "unused_gates": stats["unused_gates"],
        "unused_fraction": stats["unused_fraction"],
        "constant_gates": stats["constant_gates"],
        "used_inputs": stats["used_inputs"],
    }


# ---------------------------------------------------------------------------- checkpoints


def _check_compatible(saved: dict, cfg: TrainConfig, path: Path) -> None:
    for name in SHAPE_FIELDS:
        if saved.get(name) != getattr(cfg, name):
            raise CheckpointError(
                f"checkpoint {path} has {name}={saved.get(name)!r} but the config has {name}={getattr(cfg, name)!r}"
            )


def _load_state(model: LogicNetwork, state: dict, path: Path) -> None:
    try:
        model.load_state_dict(state)
    except RuntimeError as e:
        first = str(e).strip().splitlines()
        raise CheckpointError(
            f"checkpoint {path} does not fit the model: {' '.join(line.strip() for line in first[:3])}"
        ) from None


# ---------------------------------------------------------------------------- progress


class _Progress:
    """A rich progress bar (rank 0, when enabled) showing loss and accuracies."""

    def __init__(self, enabled: bool, total: int, start: int, title: str):
        self.bar = None
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self.bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[info]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.bar.start()
        self.task = self.bar.add_task(title, total=total, completed=start, info="")

    def update(self, step: int, info: str | None = None) -> None:
        if self.bar is not None:
            if info is not None:
                self.bar.update(self.task, completed=step, info=info)
            else:
                self.bar.update(self.task, completed=step)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


# ---------------------------------------------------------------------------- training


def train(cfg: TrainConfig) -> dict:
    """Train (or resume) an LGN as configured; returns the metrics dict also written to metrics.json.

    Returns:
        dict with ``config``, ``history`` (one record per evaluation), ``final`` (the last
        record), ``num_gates``, ``num_params``, ``params_per_gate``, ``checkpoint``,
        ``weights_digest`` (sha256 of the final state dict) and, when distributed,
        ``rank_weight_digests`` (every rank's digest; equal when the ranks agree).
        Under DDP only rank 0 evaluates: on the other ranks ``history`` is empty and
        ``final`` is None.
    """
    cfg.validate()
    d, device = _setup(cfg)
    if not d.owns_group:
        return _train(cfg, d, device)
    import torch.distributed as dist

    try:
        result = _train(cfg, d, device)
        if d.world > 1:
            # no rank tears the group down while a peer may still be inside a collective
            # (one loaded CI run saw rank 1 abort with SIGABRT during gloo teardown)
            dist.barrier()
        return result
    finally:
        dist.destroy_process_group()


def keep_freed_memory() -> bool:
    """Let glibc keep freed large blocks for reuse instead of returning them to the OS.

    A training step allocates and frees activation and gradient buffers of megabytes.
    By default glibc maps each one afresh, and faulting its pages in again costs as much
    as the gate kernel itself on a VM (measured: 2.4k -> 3.2k images/s for a 6 x 8,000
    network).  This sets fixed thresholds (no mmap below 1 GiB, no trimming below 2 GiB),
    the in-process equivalent of the ``MALLOC_MMAP_THRESHOLD_`` and
    ``MALLOC_TRIM_THRESHOLD_`` environment variables.  Returns False where the C library
    has no ``mallopt`` (not glibc); nothing changes then.

    It changes the whole process for good (freed memory stays mapped), so ``train`` does
    not call it: ``circuitlab train-lgn`` and the MNIST benchmark, processes that only
    train, do.
    """
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
    return bool(mallopt(m_mmap_threshold, 1 << 30)) and bool(mallopt(m_trim_threshold, 1 << 31))


def _train(cfg: TrainConfig, d: _Dist, device: torch.device) -> dict:
    out = Path(cfg.out_dir)
    ckpt_path = out / CHECKPOINT_NAME
    data = load_dataset(cfg.dataset, cfg.bits, cfg.encoding, cfg.seed)
    model = build_model(cfg, data.num_features, data.num_classes).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    data_gen = torch.Generator().manual_seed(cfg.seed)
    torch.manual_seed(cfg.seed + 1_000_003 * d.rank)  # Gumbel noise: its own stream per rank
    step, history, loss_acc, elapsed0 = 0, [], [0.0, 0], 0.0

    if d.rank == 0:
        _remove_stale_temps(out)
    if cfg.resume and ckpt_path.is_file():
        ck = load_checkpoint(ckpt_path)
        _check_compatible(ck["config"], cfg, ckpt_path)
        _load_state(model, ck["model"], ckpt_path)
        opt.load_state_dict(ck["optimizer"])
        data_gen.set_state(ck["data_rng"])
        if len(ck["torch_rng"]) != d.world:
            raise CheckpointError(
                f"checkpoint {ckpt_path} was written by {len(ck['torch_rng'])} ranks, this run has {d.world}"
            )
        torch.set_rng_state(ck["torch_rng"][d.rank])
        if device.type == "cuda" and ck.get("cuda_rng") is not None:
            torch.cuda.set_rng_state(ck["cuda_rng"][d.rank], device)
        step, history, loss_acc = int(ck["step"]), list(ck["history"]), list(ck["loss_acc"])
        elapsed0 = float(ck.get("elapsed_s", 0.0))
    for group in opt.param_groups:  # the command line's learning rate wins over the checkpoint's
        group["lr"] = lr_at(cfg, step)

    net: torch.nn.Module = model
    if d.world > 1:
        from torch.nn.parallel import DistributedDataParallel

        # The wiring buffers never change, so they need no per-forward sync.
        net = DistributedDataParallel(
            model, device_ids=[device.index] if device.type == "cuda" else None, forward_sync_buffers=False
        )
    x_train, y_train = data.x_train.to(device), data.y_train.to(device)
    n_train = x_train.shape[0]
    is_main = d.rank == 0
    summary = {
        "config": dataclasses.asdict(cfg),
        "dataset": {
            "name": data.name,
            "num_features": data.num_features,
            "num_classes": data.num_classes,
            "train_size": n_train,
            "test_size": int(data.x_test.shape[0]),
        },
        "num_gates": model.num_gates(),
        "num_params": sum(p.numel() for p in model.parameters()),
        "params_per_gate": PARAMS_PER_GATE[cfg.parametrization],
        "world_size": d.world,
    }
    title = f"{cfg.dataset} {cfg.parametrization}{' gumbel' if cfg.gumbel else ''}"
    bar = _Progress(cfg.progress and is_main, cfg.steps, step, title)
    t0 = time.perf_counter() - elapsed0
    deadline = time.perf_counter() + cfg.max_time if cfg.max_time else None
    stopped = "done"
    model.train()
    try:
        while step < cfg.steps:
            idx = torch.randint(n_train, (cfg.batch_size,), generator=data_gen)[d.rank :: d.world]
            idx = idx.to(device)
            loss = F.cross_entropy(net(x_train[idx]), y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            step += 1
            for group in opt.param_groups:
                group["lr"] = lr_at(cfg, step)
            loss_acc[0] += loss.item()
            loss_acc[1] += 1
            if not math.isfinite(loss_acc[0]):
                raise LGNConfigError(f"training diverged at step {step} (loss is not finite); lower lr={cfg.lr}")
            info = None
            out_of_time = deadline is not None and any(_gather(time.perf_counter() > deadline, d))
            last = step == cfg.steps or out_of_time
            if step % cfg.eval_interval == 0 or last:
                if is_main:
                    rec = {
                        "step": step,
                        "train_loss": loss_acc[0] / loss_acc[1],
                        **evaluate(model, data, x_train.device),
                        "elapsed_s": time.perf_counter() - t0,
                    }
                    history.append(rec)
                    write_json({**summary, "history": history, "final": rec}, out / METRICS_NAME)
                    info = (
                        f"loss {rec['train_loss']:.3f} soft {rec['soft_test_acc']:.3f} "
                        f"hard {rec['hard_test_acc']:.3f} unused {rec['unused_gates']}"
                    )
                loss_acc = [0.0, 0]
            if step % cfg.checkpoint_interval == 0 or last:
                _save(
                    model,
                    opt,
                    data_gen,
                    data,
                    cfg,
                    d,
                    device,
                    step,
                    history,
                    loss_acc,
                    time.perf_counter() - t0,
                    ckpt_path,
                )
            bar.update(step, info)
            if out_of_time:
                stopped = "time limit"
                break
    finally:
        bar.close()

    result = {
        **summary,
        "history": history,
        "final": history[-1] if history else None,
        "checkpoint": str(ckpt_path),
        "stopped": stopped,
        "weights_digest": state_digest(model.state_dict()),
    }
    if d.world > 1:
        result["rank_weight_digests"] = _gather(result["weights_digest"], d)
    if is_main:
        write_json(result, out / METRICS_NAME)
        if history:
            from .plot import plot_history

            plot_history(history, out / CURVE_NAME, title)
    return result


def _remove_stale_temps(out: Path) -> None:
    """Delete temp files a killed run left behind mid-write (see ``circuitlab.fileio.atomic_writer``)."""
    for name in (CHECKPOINT_NAME, METRICS_NAME, CURVE_NAME):
        for tmp in out.glob(f".{name}.*.tmp"):
            tmp.unlink(missing_ok=True)


def _save(model, opt, data_gen, data, cfg, d, device, step, history, loss_acc, elapsed, path) -> None:
    """Write the checkpoint (rank 0); every rank contributes its RNG state (a collective)."""
    torch_rng = _gather(torch.get_rng_state(), d)
    cuda_rng = _gather(torch.cuda.get_rng_state(device), d) if device.type == "cuda" else None
    if d.rank != 0:
        return
    save_checkpoint(
        {
            "config": dataclasses.asdict(cfg),
            "step": step,
            "model": model.state_dict(),
            "optimizer": opt.state_dict(),
            "data_rng": data_gen.get_state(),
            "torch_rng": torch_rng,
            "cuda_rng": cuda_rng,
            "history": history,
            "loss_acc": loss_acc,
            "elapsed_s": elapsed,
            "in_dim": model.in_dim,
            "num_classes": model.num_classes,
            "thresholds": None if data.thresholds is None else torch.from_numpy(data.thresholds),
        },
        path,
    )

"""Training loop of the CASCAD-style GNN on a simulation-labelled corpus.

Loss (all L1, the metric DeepGate reports):

    L = mean_{v in AND ∪ OUT} |p_v - y_v|
        + w_pair ( mean_k |joint_k - y_joint_k| + mean_{k valid} |cond_k - y_cond_k| )

Adam with a cosine learning-rate decay computed from the global step (so a resumed
run follows the same schedule).  Batches group circuits of similar depth (a batch
costs one step per level of its deepest circuit) and their order is seeded by
``(seed, epoch)``; a checkpoint stores the epoch and the next batch, so ``--resume``
after a kill continues exactly where the last checkpoint was written.  Checkpoints
go through a temporary file and ``os.replace`` (:mod:`.checkpoint`).

Outputs in ``out/``: ``last.pt`` (full state), ``best.pt`` (best validation),
``history.json``, ``loss_curve.png``; optionally a weights-only file (``export``).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch_geometric.data import Batch

from circuitlab.fileio import atomic_path, atomic_write

from .checkpoint import load_checkpoint, model_from_checkpoint, model_payload, save_checkpoint
from .config import TrainConfig
from .corpus import load_corpus
from .errors import CheckpointError, GnnConfigError
from .metrics import ErrorAccumulator, loss_terms
from .model import CascadGNN
from .schedule import level_schedule


@dataclass
class TrainResult:
    history: list
    best: dict
    out: Path
    stopped: str  # "done", "time limit", "step limit"


def make_batches(graphs, batch_size: int, order=None) -> list[Batch]:
    order = range(len(graphs)) if order is None else order
    idx = list(order)
    return [Batch.from_data_list([graphs[i] for i in idx[s : s + batch_size]]) for s in range(0, len(idx), batch_size)]


def depth_bucket_order(graphs, batch_size: int, rng: np.random.Generator) -> list[int]:
    """A batch order that groups circuits of similar depth (jittered by up to 25%).

    A batch costs one step per level of its deepest circuit, so mixing a deep circuit
    with shallow ones wastes steps.  Circuits are sorted by jittered depth, cut into
    batches, and the batches are shuffled.
    """
    depth = np.array([int(g.level.max()) for g in graphs], dtype=np.float64)
    key = depth * (1 + 0.25 * rng.random(len(graphs)))
    order = np.argsort(key, kind="stable")
    chunks = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
    return [int(i) for c in rng.permutation(len(chunks)) for i in chunks[c]]


@torch.no_grad()
def evaluate_graphs(model: CascadGNN, graphs, batch_size: int = 32) -> dict:
    """MAE of the model and of COP on ``graphs`` (see :class:`.metrics.ErrorAccumulator`)."""
    model.eval()
    acc = ErrorAccumulator()
    loss, n = 0.0, 0
    order = np.argsort([int(g.level.max()) for g in graphs], kind="stable")
    for batch in make_batches(graphs, batch_size, order):
        out = model(batch, level_schedule(batch))
        acc.add(out, batch)
        terms = loss_terms(out, batch)
        loss += float(sum(terms.values())) * batch.num_graphs
        n += batch.num_graphs
    res = acc.result()
    res["loss"] = loss / max(1, n)
    return res


def _lr_at(cfg: TrainConfig, step: int, total: int) -> float:
    frac = min(1.0, step / max(1, total))
    return cfg.lr * (cfg.min_lr_ratio + (1 - cfg.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * frac)))


def plot_history(history: list, path) -> None:
    """Write the loss curve (train loss and validation MAE vs COP per epoch) as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ep = [h["epoch"] for h in history]
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    ax[0].plot(ep, [h["train_loss"] for h in history], label="train loss")
    if history and "val_loss" in history[0]:
        ax[0].plot(ep, [h["val_loss"] for h in history], label="val loss")
    ax[0].set_xlabel("epoch")
    ax[0].set_yscale("log")
    ax[0].legend()
    for key, style in (("signal", "-"), ("cond", "--")):
        if history and f"val_gnn_{key}_mae" in history[0]:
            ax[1].plot(ep, [h[f"val_gnn_{key}_mae"] for h in history], style, label=f"GNN {key}")
            ax[1].plot(ep, [h[f"val_cop_{key}_mae"] for h in history], style, alpha=0.5, label=f"COP {key}")
    ax[1].set_xlabel("epoch")
    ax[1].set_ylabel("validation MAE")
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    try:
        with atomic_path(path, suffix=".tmp.png") as tmp:
            fig.savefig(tmp, dpi=90)
    finally:
        plt.close(fig)


def export_weights(model: CascadGNN, path, info: dict) -> None:
    """Weights-only file (no optimizer state) for :func:`.inference.load_pretrained`."""
    save_checkpoint({**model_payload(model), "training": info}, path)


def train(cfg: TrainConfig, console=None) -> TrainResult:
    """Train per ``cfg``; see the module docstring for the files written."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    console = console or Console(stderr=True)
    torch.set_num_threads(cfg.threads)
    corpus = load_corpus(cfg.corpus)
    train_set, val_set = corpus.split("train"), corpus.split("val")
    if not train_set:
        raise GnnConfigError(f"corpus {cfg.corpus} has no training circuits")
    out = Path(cfg.out)
    out.mkdir(parents=True, exist_ok=True)
    last, best_path = out / "last.pt", out / "best.pt"

    mcfg = cfg.model_config(int(corpus.config.get("skip_depth", 3)), int(corpus.config.get("window_depth", 3)))
    torch.manual_seed(cfg.seed)
    model = CascadGNN(mcfg)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    epoch, start_batch, step, history, best = 0, 0, 0, [], {}
    if cfg.resume and last.exists():
        ckpt = load_checkpoint(last)
        if ckpt["model_config"] != mcfg.to_dict():
            raise CheckpointError(
                f"{last} was trained with {ckpt['model_config']}, not {mcfg.to_dict()}; use another --out"
            )
        model = model_from_checkpoint(ckpt, last)
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        opt.load_state_dict(ckpt["optimizer"])
        epoch, start_batch, step = ckpt["epoch"], ckpt["batch"], ckpt["step"]
        history, best = list(ckpt["history"]), dict(ckpt["best"])
        torch.set_rng_state(ckpt["torch_rng"])
        console.print(f"resumed from {last}: epoch {epoch}, batch {start_batch}, step {step}")
    elif cfg.resume:
        console.print(f"no checkpoint at {last}; starting fresh")

    n_batches = math.ceil(len(train_set) / cfg.batch_size)
    total_steps = cfg.epochs * n_batches  # the LR schedule ignores max_steps, so a stop + resume is exact
    t_start, cpu_start = time.perf_counter(), time.process_time()
    cpu_before = history[-1]["cpu_minutes"] if history else 0.0
    stopped = "done"

    def checkpoint(ep, nb, sums):
        save_checkpoint(
            {
                **model_payload(model),
                "optimizer": opt.state_dict(),
                "epoch": ep,
                "batch": nb,
                "step": step,
                "history": history,
                "best": best,
                "partial": sums,
                "train_config": asdict(cfg),
                "torch_rng": torch.get_rng_state(),
            },
            last,
        )

    sums = {"loss": 0.0, "signal": 0.0, "joint": 0.0, "cond": 0.0, "n": 0}
    if cfg.resume and last.exists():
        sums = dict(load_checkpoint(last).get("partial") or sums)
    progress = Progress(
        TextColumn("[bold]epoch {task.fields[ep]}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} loss {task.fields[loss]:.4f}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not cfg.progress,
    )
    with progress:
        while epoch < cfg.epochs and stopped == "done":
            order = depth_bucket_order(train_set, cfg.batch_size, np.random.default_rng([cfg.seed, epoch]))
            batches = make_batches(train_set, cfg.batch_size, order)
            task = progress.add_task(
                "train", total=len(batches), completed=start_batch, ep=epoch + 1, loss=sums["loss"] / max(1, sums["n"])
            )
            model.train()
            for bi in range(start_batch, len(batches)):
                batch = batches[bi]
                for g in opt.param_groups:
                    g["lr"] = _lr_at(cfg, step, total_steps)
                out_ = model(batch, level_schedule(batch))
                terms = loss_terms(out_, batch)
                loss = terms["signal"] + cfg.pair_weight * (terms["joint"] + terms["cond"])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                if cfg.grad_clip:
                    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.grad_clip)
                opt.step()
                step += 1
                sums["loss"] += float(loss.detach())
                for k in ("signal", "joint", "cond"):
                    sums[k] += float(terms[k].detach())
                sums["n"] += 1
                progress.update(task, advance=1, loss=sums["loss"] / sums["n"])
                if cfg.max_steps and step >= cfg.max_steps:
                    stopped = "step limit"
                elif cfg.max_time and time.perf_counter() - t_start > cfg.max_time:
                    stopped = "time limit"
                if stopped != "done":
                    checkpoint(epoch, bi + 1, sums)
                    break
                if cfg.ckpt_every and step % cfg.ckpt_every == 0:
                    checkpoint(epoch, bi + 1, sums)
            progress.remove_task(task)
            if stopped != "done":
                break
            rec = {
                "epoch": epoch + 1,
                "step": step,
                "minutes": (time.perf_counter() - t_start) / 60,
                "cpu_minutes": cpu_before + (time.process_time() - cpu_start) / 60,
                "train_loss": sums["loss"] / max(1, sums["n"]),
                **{f"train_{k}": sums[k] / max(1, sums["n"]) for k in ("signal", "joint", "cond")},
            }
            if val_set:
                val = evaluate_graphs(model, val_set, cfg.batch_size)
                rec.update({f"val_{k}": v for k, v in val.items()})
                score = val["gnn_signal_mae"] + val["gnn_cond_mae"]
                if not best or score < best["score"]:
                    best = {"score": score, "epoch": epoch + 1, **rec}
                    save_checkpoint({**model_payload(model), "metrics": rec}, best_path)
                console.print(
                    f"epoch {epoch + 1:3d}  train {rec['train_loss']:.4f}  "
                    f"val signal MAE {val['gnn_signal_mae']:.4f} (COP {val['cop_signal_mae']:.4f})  "
                    f"cond MAE {val['gnn_cond_mae']:.4f} (COP {val['cop_cond_mae']:.4f})"
                )
            else:
                best = {"score": rec["train_loss"], "epoch": epoch + 1, **rec}
                save_checkpoint({**model_payload(model), "metrics": rec}, best_path)
                console.print(f"epoch {epoch + 1:3d}  train {rec['train_loss']:.4f}")
            history.append(rec)
            epoch, start_batch = epoch + 1, 0
            sums = {"loss": 0.0, "signal": 0.0, "joint": 0.0, "cond": 0.0, "n": 0}
            checkpoint(epoch, 0, sums)
            atomic_write(out / "history.json", json.dumps(history, indent=1))
            plot_history(history, out / "loss_curve.png")
    if cfg.export and best_path.exists():
        best_model = model_from_checkpoint(load_checkpoint(best_path), best_path)
        export_weights(
            best_model, cfg.export, {"train_config": asdict(cfg), "best": best, "corpus_config": corpus.config}
        )
    return TrainResult(history, best, out, stopped)

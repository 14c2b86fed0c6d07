"""Checkpoints and weight files of :class:`CascadGNN`.

A checkpoint is a ``torch.save`` dict readable with ``weights_only=True``:

    format         "circuitlab.gnn.checkpoint/1"
    arch           CascadGNN.ARCH
    model_config   ModelConfig fields
    model          state dict
    (training checkpoints also: optimizer, epoch, batch, step, history, train_config, rng)

Files are written to a temporary file in the same folder and renamed over the target
(``os.replace``), so a kill at any moment leaves either the old or the new file.
"""

from __future__ import annotations

from pathlib import Path

import torch

from circuitlab.fileio import atomic_writer, load_weights_file

from .errors import CheckpointError
from .model import CascadGNN, ModelConfig

FORMAT = "circuitlab.gnn.checkpoint/1"


def save_checkpoint(payload: dict, path) -> None:
    """Atomically write ``payload`` (plus format tag) to ``path``."""
    payload = {"format": FORMAT, **payload}
    atomic_writer(path, lambda f: torch.save(payload, f))


def model_payload(model: CascadGNN) -> dict:
    """The architecture-defining part of a checkpoint."""
    return {"arch": CascadGNN.ARCH, "model_config": model.config.to_dict(), "model": model.state_dict()}


def load_checkpoint(path) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Raises:
        CheckpointError: missing, unreadable, not a circuitlab GNN checkpoint, or of
            another architecture.
    """
    path = Path(path)
    ckpt = load_weights_file(path, "circuitlab GNN checkpoint", error=CheckpointError)
    if not isinstance(ckpt, dict) or ckpt.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a circuitlab GNN checkpoint ({FORMAT})")
    if ckpt.get("arch") != CascadGNN.ARCH:
        raise CheckpointError(f"{path} holds architecture {ckpt.get('arch')!r}, expected {CascadGNN.ARCH!r}")
    return ckpt


def model_from_checkpoint(ckpt: dict, path="checkpoint") -> CascadGNN:
    """Build the model a checkpoint describes and load its weights (strictly)."""
    try:
        config = ModelConfig(**ckpt["model_config"])
    except (TypeError, KeyError, ValueError) as e:
        raise CheckpointError(f"{path}: bad model_config: {e}") from None
    model = CascadGNN(config)
    try:
        model.load_state_dict(ckpt["model"], strict=True)
    except (RuntimeError, KeyError) as e:
        first = str(e).strip().splitlines()
        raise CheckpointError(
            f"{path}: weights do not fit architecture {CascadGNN.ARCH} with {config}: {' '.join(first[:2])[:300]}"
        ) from None
    return model

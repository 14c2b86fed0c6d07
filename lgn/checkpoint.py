"""Crash-safe checkpoint files for LGN training.

A checkpoint is written to a temporary file in the same directory, flushed and
fsync'ed, then moved over the old one with ``os.replace`` (atomic on POSIX), so a
process killed at any moment (even ``kill -9``) leaves either the previous or the
new checkpoint, never a truncated one.  Files are read with ``weights_only=True``;
they hold only tensors and plain Python containers.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import torch

from circuitlab.fileio import atomic_writer, load_weights_file

from .errors import CheckpointError

FORMAT = "circuitlab.lgn/1"


def save_checkpoint(obj: dict, path: str | os.PathLike) -> None:
    """Atomically ``torch.save`` a checkpoint dict (``format`` is added)."""
    obj = dict(obj, format=FORMAT)
    atomic_writer(path, lambda f: torch.save(obj, f))


def write_json(obj, path: str | os.PathLike) -> None:
    """Atomically write ``obj`` as indented JSON."""
    data = json.dumps(obj, indent=2, sort_keys=False).encode()
    atomic_writer(path, lambda f: f.write(data))


def load_checkpoint(path: str | os.PathLike, map_location="cpu") -> dict:
    """Read a checkpoint written by ``save_checkpoint``; raises ``CheckpointError`` on any problem."""
    path = Path(path)
    obj = load_weights_file(path, "circuitlab LGN checkpoint", map_location, error=CheckpointError)
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise CheckpointError(f"checkpoint {path} is not a {FORMAT} checkpoint")
    return obj


def state_digest(state_dict: dict) -> str:
    """sha256 over the names, dtypes, shapes and raw bytes of a state dict (bitwise identity check)."""
    h = hashlib.sha256()
    for name in sorted(state_dict):
        t = state_dict[name].detach().cpu().contiguous()
        h.update(f"{name}:{t.dtype}:{tuple(t.shape)}".encode())
        h.update(t.view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()

"""Load a trained LGN from a training checkpoint (for evaluation and the export step).

The checkpoint stores the training config (which fixes the architecture and the
wiring seed), the input width and class count, the state dict (gate parameters and the
wiring buffers ``a``, ``b``) and the thermometer thresholds that binarize raw features.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import torch

from .checkpoint import load_checkpoint
from .config import TrainConfig
from .discrete import DiscreteNetwork
from .errors import CheckpointError
from .model import LogicNetwork


@dataclasses.dataclass
class LoadedModel:
    """A model rebuilt from a checkpoint.

    Attributes:
        model: the ``LogicNetwork`` in eval mode (discretized forward).
        config: the training config.
        step: training step of the checkpoint.
        thresholds: thermometer thresholds [raw_features, bits], or None for one-hot data.
    """

    model: LogicNetwork
    config: TrainConfig
    step: int
    thresholds: np.ndarray | None

    def discretize(self) -> DiscreteNetwork:
        return self.model.discretize()


def load_model(path: str | os.PathLike, device: str | torch.device = "cpu", impl: str | None = None) -> LoadedModel:
    """Rebuild the network of a checkpoint and load its weights.

    Args:
        path: ``checkpoint.pt`` written by ``train``.
        device: where to put the model.
        impl: kernel implementation override (default: the checkpoint's).

    Raises:
        CheckpointError: unreadable file, unknown config keys, or weights that do not fit.
    """
    ck = load_checkpoint(path)
    known = {f.name for f in dataclasses.fields(TrainConfig)}
    saved = dict(ck["config"])
    unknown = sorted(set(saved) - known)
    if unknown:
        raise CheckpointError(f"checkpoint {path} has unknown config keys: {', '.join(unknown)}")
    cfg = TrainConfig(**saved)
    if impl is not None:
        cfg.impl = impl
    from .train import build_model

    model = build_model(cfg, int(ck["in_dim"]), int(ck["num_classes"]))
    try:
        model.load_state_dict(ck["model"])
    except RuntimeError as e:
        msg = " ".join(line.strip() for line in str(e).strip().splitlines()[:3])
        raise CheckpointError(f"checkpoint {path} does not fit its own config: {msg}") from None
    model.to(device).eval()
    thr = ck.get("thresholds")
    return LoadedModel(model, cfg, int(ck["step"]), None if thr is None else thr.numpy())


def load_discrete(path: str | os.PathLike) -> DiscreteNetwork:
    """The discretized network (per layer a, b, gate ids) of a checkpoint."""
    return load_model(path).discretize()

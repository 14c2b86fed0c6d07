"""Inference: pretrained weights and probabilities for the solver guidance.

``predict(aig, pairs)`` returns ``P(v = 1)`` for every AIG variable and
``P(v = 1 | u = b)`` for each requested pair, from one forward/reverse propagation of
:class:`CascadGNN` over the AIG (plus one step for all virtual pair nodes).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from circuitlab.aig import AIG

from .checkpoint import load_checkpoint, model_from_checkpoint
from .data import aig_to_data
from .errors import WeightsNotFoundError
from .model import CascadGNN
from .schedule import level_schedule

WEIGHTS = Path(__file__).resolve().parent / "weights" / "cascad.pt"

_CACHE: dict = {}


def load_pretrained(path=None) -> CascadGNN:
    """The pretrained model (``gnn/weights/cascad.pt`` unless ``path`` is given), in eval mode.

    Raises:
        WeightsNotFoundError: the weights file does not exist.
        CheckpointError: the file is unreadable or holds another architecture.
    """
    path = Path(path) if path is not None else WEIGHTS
    if not path.exists():
        raise WeightsNotFoundError(
            f"pretrained GNN weights not found at {path} (train them with `circuitlab train-gnn --export PATH`)"
        )
    key = (str(path.resolve()), path.stat().st_mtime_ns)
    if key not in _CACHE:
        model = model_from_checkpoint(load_checkpoint(path), path)
        _CACHE.clear()
        _CACHE[key] = model.eval()
    return _CACHE[key]


@dataclass
class Prediction:
    """GNN estimates for one circuit.

    Attributes:
        signal: ``[M + 1]`` P(var = 1) (row 0, the constant, is 0).
        outputs: ``[O]`` P(output literal = 1).
        cond: ``[K]`` P(v = 1 | u = b) per pair.
        joint: ``[K]`` P(v = 1 ∧ u = b) per pair.
        pairs: ``[K, 3]`` the pairs, as given.
    """

    signal: np.ndarray
    outputs: np.ndarray
    cond: np.ndarray
    joint: np.ndarray
    pairs: np.ndarray


def predict(aig: AIG, pairs=None, model: CascadGNN | None = None, threads: int | None = None) -> Prediction:
    """Signal and conditional probabilities of ``aig``.

    Args:
        pairs: ``[K, 3]`` pairs ``(u, v, b)`` of AIG variables (see :mod:`.pairs`), or None.
        model: defaults to :func:`load_pretrained`.
        threads: torch CPU threads for this call (unchanged when None).
    Raises:
        CircuitGraphError / EmptyCircuitError: cyclic or empty AIG (see :func:`.data.check_graph`);
        PairError: malformed pairs; WeightsNotFoundError: no pretrained weights.
    """
    model = model or load_pretrained()
    data = aig_to_data(aig, pairs, skip_depth=model.config.skip_depth, window_depth=model.config.window_depth)
    old = torch.get_num_threads()
    if threads:
        torch.set_num_threads(threads)
    try:
        model.eval()
        with torch.inference_mode():
            out = model(data, level_schedule(data))
    finally:
        torch.set_num_threads(old)
    n_var = aig.max_var + 1
    prob = out.prob.numpy().astype(np.float64)
    signal = prob[:n_var].copy()
    signal[0] = 0.0
    k = data.pair_index.shape[1]
    pairs_arr = data.pair_index[:2].T.numpy() if k else np.zeros((0, 2), np.int64)
    return Prediction(
        signal,
        prob[n_var : n_var + aig.num_outputs].copy(),
        out.cond.numpy().astype(np.float64),
        out.joint.numpy().astype(np.float64),
        np.concatenate([pairs_arr, data.pair_b.numpy()[:, None]], 1) if k else np.zeros((0, 3), np.int64),
    )

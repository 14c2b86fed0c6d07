"""Training labels from bit-parallel simulation.

For every variable ``P(v = 1)`` is the fraction of patterns where its row has a 1;
for a pair ``(u, v, b)`` the joint ``P(v = 1 ∧ u = b)`` is the popcount of the AND of
the two rows (``u``'s row complemented when ``b = 0``), from the same words:

    p_v      = popcount(S_v) / n
    joint_k  = popcount(S_v & (S_u ^ ~b)) / n
    cond_k   = joint_k / P(u = b)          (defined where P(u = b) > 0)

Patterns are exhaustive (exact labels) for at most ``exhaustive_limit`` free inputs,
else ``num_patterns`` uniform random patterns; the standard error of each estimate is
recorded (0 when exact):

    se(p)    = sqrt(p (1 - p) / n)
    se(cond) = sqrt(c (1 - c) / (n P(u = b)))
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from circuitlab.aig import AIG
from circuitlab.sim import ONES, exhaustive_patterns, random_patterns, simulate

from .errors import GnnConfigError
from .pairs import check_pairs

EXHAUSTIVE_LIMIT = 16
NUM_PATTERNS = 1 << 16


@dataclass
class Labels:
    """Simulation labels of one circuit.

    Attributes:
        prob: ``[M + 1]`` P(var = 1).
        prob_se: ``[M + 1]`` standard error of ``prob``.
        joint: ``[K]`` P(v = 1 ∧ u = b).
        pu: ``[K]`` P(u = b).
        cond: ``[K]`` P(v = 1 | u = b); 0 where undefined (``valid`` False).
        cond_se: ``[K]`` standard error of ``cond``.
        valid: ``[K]`` P(u = b) > 0 in the patterns, so ``cond`` is defined.
        num_patterns: n.
        exact: the patterns enumerate every input vector.
    """

    prob: np.ndarray
    prob_se: np.ndarray
    joint: np.ndarray
    pu: np.ndarray
    cond: np.ndarray
    cond_se: np.ndarray
    valid: np.ndarray
    num_patterns: int
    exact: bool


def simulation_labels(
    aig: AIG,
    pairs=None,
    num_patterns: int = NUM_PATTERNS,
    seed: int = 0,
    exhaustive_limit: int = EXHAUSTIVE_LIMIT,
    chunk_words: int = 64,
) -> Labels:
    """Simulate ``aig`` and count ones per variable and per pair (see module docstring).

    Args:
        pairs: ``[K, 3]`` pairs (u, v, b), or None.
        num_patterns: random patterns when not exhaustive (rounded up to a multiple of 64).
        exhaustive_limit: enumerate all patterns when ``I + L <= exhaustive_limit``.
        chunk_words: words simulated at once (memory ``(M + 1) * chunk_words * 8`` bytes).
    """
    if num_patterns < 64 or chunk_words < 1:
        raise GnnConfigError("num_patterns must be >= 64 and chunk_words >= 1")
    pairs = check_pairs(pairs, aig.max_var + 1)
    u, v = pairs[:, 0], pairs[:, 1]
    umask = np.where(pairs[:, 2] == 1, np.uint64(0), ONES)[:, None]  # flip u's row when b = 0
    n_free = aig.num_inputs + aig.num_latches
    exact = n_free <= exhaustive_limit
    pats = exhaustive_patterns(n_free) if exact else None
    total_words = pats.shape[1] if pats is not None else -(-num_patterns // 64)
    ones = np.zeros(aig.max_var + 1, dtype=np.int64)
    both = np.zeros(len(pairs), dtype=np.int64)
    for s in range(0, total_words, chunk_words):
        e = min(total_words, s + chunk_words)
        chunk = pats[:, s:e] if pats is not None else random_patterns(n_free, e - s, seed + s)
        vals = simulate(aig, chunk)  # [M+1, w]
        ones += np.bitwise_count(vals).sum(axis=1, dtype=np.int64)
        if len(pairs):
            both += np.bitwise_count((vals[u] ^ umask) & vals[v]).sum(axis=1, dtype=np.int64)
    n = 64 * total_words
    prob = ones / n
    pu = np.where(pairs[:, 2] == 1, prob[u], 1.0 - prob[u])
    joint = both / n
    valid = pu > 0
    cond = np.where(valid, joint / np.where(valid, pu, 1.0), 0.0)
    if exact:
        prob_se = np.zeros_like(prob)
        cond_se = np.zeros_like(cond)
    else:
        prob_se = np.sqrt(prob * (1 - prob) / n)
        cond_se = np.where(valid, np.sqrt(cond * (1 - cond) / np.maximum(n * pu, 1.0)), 0.0)
    return Labels(prob, prob_se, joint, pu, cond, cond_se, valid, n, exact)


def attach_labels(data, aig: AIG, labels: Labels):
    """Add label tensors to ``data`` (from :func:`circuitlab.gnn.data.aig_to_data`).

    Adds ``y [N]`` (variables: P(var = 1); outputs: P(output literal = 1); pair nodes:
    the joint), ``y_se [N]``, and per pair ``y_cond``, ``y_cond_se``, ``y_pu``, ``cond_valid``.
    """
    p = labels.prob
    outs = aig.outputs
    p_out = np.where(outs & 1, 1.0 - p[outs >> 1], p[outs >> 1])
    se_out = labels.prob_se[outs >> 1]
    k = len(labels.joint)
    if data.num_nodes != len(p) + len(outs) + k:
        raise GnnConfigError("labels do not match the data (different circuit or pairs)")
    joint_se = np.sqrt(labels.joint * (1 - labels.joint) / labels.num_patterns) if not labels.exact else np.zeros(k)
    f32 = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32))  # noqa: E731
    data.y = f32(np.concatenate([p, p_out, labels.joint]))
    data.y_se = f32(np.concatenate([labels.prob_se, se_out, joint_se]))
    data.y_cond = f32(labels.cond)
    data.y_cond_se = f32(labels.cond_se)
    data.y_pu = f32(labels.pu)
    data.cond_valid = torch.as_tensor(labels.valid, dtype=torch.bool)
    return data

"""Node pairs ``(u, v, b)`` whose conditional probability ``P(v = 1 | u = b)`` is wanted.

CASCAD (Zhu et al., "Circuit-Aware SAT Solving: Guiding CDCL via Conditional
Probabilities", 2025) guides a CDCL solver with gate-level conditional probabilities:
after the solver assigns ``u = b``, how likely is ``v`` to be 1?  Two families of
pairs matter:

* **fanin pairs**: a gate with each of its fanins, in both directions
  (``P(g | f = b)`` and ``P(f | g = b)``), the implications a solver propagates;
* **candidate equivalences** in a miter: nodes from its two halves whose simulation
  signatures (nearly) agree up to complement, the pairs SAT sweeping tries to merge.

A pair list is an int64 array ``[K, 3]`` of AIG variables ``u, v`` and the condition
value ``b`` in {0, 1}.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.miter import miter
from circuitlab.sim import random_patterns, simulate

from .errors import PairError

PAIR_COLUMNS = ("u", "v", "b")


def check_pairs(pairs, num_vars: int) -> np.ndarray:
    """Validate and normalize ``pairs`` to an int64 array ``[K, 3]``.

    Args:
        pairs: ``None``, or anything array-like of shape ``[K, 3]`` with columns u, v, b.
        num_vars: ``M + 1``; u and v must lie in ``0 .. M``.
    Raises:
        PairError: wrong shape, non-integer values, out-of-range variables, b not 0/1.
    """
    if pairs is None:
        return np.zeros((0, 3), dtype=np.int64)
    arr = np.asarray(pairs)
    if arr.size == 0:
        return np.zeros((0, 3), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise PairError(f"pairs must have shape [K, 3] (u, v, b), got {list(arr.shape)}")
    if not np.issubdtype(arr.dtype, np.integer) and not np.all(np.equal(np.mod(arr, 1), 0)):
        raise PairError("pairs must hold integers (u, v, b)")
    arr = arr.astype(np.int64)
    uv = arr[:, :2]
    if uv.min() < 0 or uv.max() >= num_vars:
        raise PairError(f"pair variables must lie in 0..{num_vars - 1}, got {uv.min()}..{uv.max()}")
    if not np.all((arr[:, 2] == 0) | (arr[:, 2] == 1)):
        raise PairError("pair condition values b must be 0 or 1")
    return np.ascontiguousarray(arr)


def fanin_pairs(aig: AIG, both_directions: bool = True, values=(0, 1)) -> np.ndarray:
    """Every AND gate with each of its fanins.

    Args:
        both_directions: also ``P(fanin | gate = b)``, not only ``P(gate | fanin = b)``.
        values: condition values b to include.
    Returns:
        ``[K, 3]`` pairs, ``K = 2 A * len(values) * (2 if both_directions else 1)``.
    """
    gates = np.arange(aig.first_and_var, aig.max_var + 1, dtype=np.int64)
    fanins = aig.ands >> 1  # [A, 2]
    g = np.repeat(gates, 2)
    f = fanins.reshape(-1)
    dirs = [(f, g)] + ([(g, f)] if both_directions else [])
    out = [np.stack([u, v, np.full_like(u, b)], 1) for (u, v) in dirs for b in values]
    return np.concatenate(out) if out else np.zeros((0, 3), np.int64)


def pair_relation(aig: AIG, pairs: np.ndarray) -> np.ndarray:
    """``[K, 4]`` float structural relation of each pair.

    Columns: u is a fanin of v; that fanin edge is complemented; v is a fanin of u;
    that edge is complemented.
    """
    pairs = check_pairs(pairs, aig.max_var + 1)
    u, v = pairs[:, 0], pairs[:, 1]
    rel = np.zeros((len(pairs), 4), dtype=np.float32)
    first = aig.first_and_var
    for col, (child, parent) in enumerate(((u, v), (v, u))):
        is_and = parent >= first
        fan = np.zeros((len(pairs), 2), dtype=np.int64) - 2
        fan[is_and] = aig.ands[parent[is_and] - first]
        hit = (fan >> 1) == child[:, None]  # [K, 2]
        any_hit = hit.any(1)
        compl = np.where(hit[:, 0], fan[:, 0] & 1, fan[:, 1] & 1)
        rel[:, 2 * col] = any_hit
        rel[:, 2 * col + 1] = any_hit & (compl == 1)
    return rel


def forced_pairs(aig: AIG, pairs: np.ndarray) -> np.ndarray:
    """``[K]`` bool: ``P(v | u = b)`` is fixed by one fanin edge alone.

    * ``u`` feeds ``v`` through literal ``l``, and ``u = b`` makes ``l`` false: ``v = 0``;
    * ``v`` feeds ``u``, and ``b = 1``: every fanin literal of ``u`` is true, so ``v`` is known.
    """
    pairs = check_pairs(pairs, aig.max_var + 1)
    rel = pair_relation(aig, pairs)
    b = pairs[:, 2]
    lit_false = (b ^ rel[:, 1].astype(np.int64)) == 0
    return ((rel[:, 0] > 0) & lit_false) | ((rel[:, 2] > 0) & (b == 1))


def candidate_pairs(
    aig: AIG,
    num_patterns: int = 256,
    max_mismatch: int = 2,
    groups=None,
    seed: int = 0,
    window: int = 8,
    both_directions: bool = True,
    values=(0, 1),
) -> np.ndarray:
    """AND-gate pairs whose simulation signatures agree, up to complement, on all but
    ``max_mismatch`` of ``num_patterns`` random patterns.

    Signatures are bucketed by their first 64-bit word (polarity-normalized so bit 0
    is 0) and compared within a sliding window of ``window`` neighbours of the sorted
    order, all vectorized.  Nodes within ``max_mismatch`` of a constant are skipped
    (they are constant candidates, not pair candidates).

    Args:
        groups: optional ``[M + 1]`` int labels; then only pairs with different labels,
            both ``>= 0``, are kept (e.g. the two halves of a miter, see :func:`miter_halves`).
    Returns:
        ``[K, 3]`` pairs (u, v, b), u < v unless ``both_directions``.
    """
    if num_patterns < 64 or max_mismatch < 0 or window < 1:
        raise PairError("candidate_pairs needs num_patterns >= 64, max_mismatch >= 0, window >= 1")
    words = -(-num_patterns // 64)
    n_free = aig.num_inputs + aig.num_latches
    sig = simulate(aig, random_patterns(n_free, words, seed))  # [M+1, W]
    flip = (sig[:, 0] & np.uint64(1)).astype(bool)
    sig = np.where(flip[:, None], ~sig, sig)
    ones = np.bitwise_count(sig).sum(1)
    cand = np.arange(aig.first_and_var, aig.max_var + 1)
    cand = cand[ones[cand] > max_mismatch]
    if groups is not None:
        groups = np.asarray(groups)
        if groups.shape != (aig.max_var + 1,):
            raise PairError(f"groups must have shape [{aig.max_var + 1}], got {list(groups.shape)}")
        cand = cand[groups[cand] >= 0]
    order = cand[np.argsort(sig[cand, 0], kind="stable")]
    found = []
    for d in range(1, window + 1):
        a, b = order[:-d], order[d:]
        same = sig[a, 0] == sig[b, 0]
        a, b = a[same], b[same]
        if groups is not None:
            keep = groups[a] != groups[b]
            a, b = a[keep], b[keep]
        mism = np.bitwise_count(sig[a] ^ sig[b]).sum(1)
        keep = mism <= max_mismatch
        found.append(np.stack([np.minimum(a, b)[keep], np.maximum(a, b)[keep]], 1))
    uv = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), np.int64)
    dirs = [uv] + ([uv[:, ::-1]] if both_directions else [])
    out = [np.concatenate([d, np.full((len(d), 1), bv)], 1) for d in dirs for bv in values]
    return np.concatenate(out).astype(np.int64) if out else np.zeros((0, 3), np.int64)


def miter_halves(a: AIG, b: AIG) -> tuple[AIG, np.ndarray]:
    """The miter of ``a`` and ``b`` (:func:`circuitlab.miter.miter`) and ``[M + 1]`` labels:
    0 for AND gates of ``a``'s copy, 1 for the rest (``b``'s copy and the XOR/OR tail),
    -1 for the constant and inputs.

    ``miter`` builds ``a`` first into a fresh builder with one input per input of ``a``;
    replaying that step gives the number of ANDs of ``a``'s copy.  Nodes that ``b``
    shares with ``a`` through structural hashing are labelled 0.
    """
    m = miter(a, b)
    replay = AIGBuilder()
    replay.add_aig(a, [replay.input(n) for n in a.input_names])
    n_a = replay.num_ands
    groups = np.full(m.max_var + 1, -1, dtype=np.int64)
    first = m.first_and_var
    groups[first : first + n_a] = 0
    groups[first + n_a :] = 1
    return m, groups

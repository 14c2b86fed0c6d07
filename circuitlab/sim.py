"""Bit-parallel simulation and signal probabilities.

Every value is a row of ``uint64`` words: bit ``k`` of word ``w`` is pattern
``64 * w + k``.  Gates are evaluated level by level over the AIG arrays, so each
level costs a handful of numpy calls regardless of its width.

The same levelized traversal (:func:`propagate`) also computes the classical
independence (COP) signal-probability estimate, and :func:`window_probabilities` a
sharper one that is exact inside a small fanin window of each gate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .aig import AIG
from .errors import CircuitError

if TYPE_CHECKING:  # numpy.typing costs start-up; annotations only
    import numpy.typing as npt

ONES = np.uint64(0xFFFFFFFFFFFFFFFF)
EXHAUSTIVE_LIMIT = 20


@dataclass
class _Level:
    lhs: np.ndarray  # [n] variables defined at this level
    v0: np.ndarray
    v1: np.ndarray
    c0: np.ndarray  # [n] bool: fanin 0 complemented
    c1: np.ndarray


def schedule(aig: AIG) -> list[_Level]:
    """The levelized evaluation order of ``aig`` (cached on the object)."""
    key = (aig.ands.ctypes.data, aig.ands.shape, aig.num_inputs, aig.num_latches)
    cached = aig._schedule
    if cached is not None and cached[0] == key:
        return cached[1]
    first = aig.first_and_var
    plan = []
    for idx in aig.level_order():
        f = aig.ands[idx]
        plan.append(
            _Level(first + idx, f[:, 0] >> 1, f[:, 1] >> 1, (f[:, 0] & 1).astype(bool), (f[:, 1] & 1).astype(bool))
        )
    aig._schedule = (key, plan)
    return plan


# gate(x0, c0, x1, c1) -> out over fanin rows x0, x1 [n, ...] and complement flags c0, c1 [n]
GateFn = Callable[[np.ndarray, np.ndarray, np.ndarray, np.ndarray], np.ndarray]


def propagate(aig: AIG, values: np.ndarray, gate: GateFn) -> np.ndarray:
    """Fill ``values[first_and_var:]`` in topological order.

    Args:
        values: ``[M+1, ...]`` array with the constant, input and latch rows set.
        gate: ``gate(x0, c0, x1, c1) -> out``, where ``x0, x1`` are the fanin rows
            ``[n, ...]`` and ``c0, c1`` the complement flags ``[n]``.
    """
    for lv in schedule(aig):
        values[lv.lhs] = gate(values[lv.v0], lv.c0, values[lv.v1], lv.c1)
    return values


def _and_words(x0: np.ndarray, c0: np.ndarray, x1: np.ndarray, c1: np.ndarray) -> np.ndarray:
    m0 = np.where(c0, ONES, np.uint64(0))[:, None]
    m1 = np.where(c1, ONES, np.uint64(0))[:, None]
    return (x0 ^ m0) & (x1 ^ m1)


def _and_prob(p0: np.ndarray, c0: np.ndarray, p1: np.ndarray, c1: np.ndarray) -> np.ndarray:
    return np.where(c0, 1.0 - p0, p0) * np.where(c1, 1.0 - p1, p1)


def simulate(aig: AIG, patterns: np.ndarray) -> np.ndarray:
    """Simulate ``aig`` on bit-packed patterns.

    Args:
        patterns: ``[I + L, W]`` uint64: one row per input, then per latch (latches
            are treated as free inputs: one combinational step).
    Returns:
        ``[M + 1, W]`` uint64 value of every variable (row 0 is the constant 0).
    """
    patterns = np.asarray(patterns)
    n_free = aig.num_inputs + aig.num_latches
    if patterns.ndim != 2 or patterns.shape[0] != n_free:
        raise CircuitError(f"patterns must have shape [{n_free}, W], got {list(patterns.shape)}")
    vals = np.empty((aig.max_var + 1, patterns.shape[1]), dtype=np.uint64)
    vals[0] = 0
    vals[1 : n_free + 1] = patterns
    return propagate(aig, vals, _and_words)


def lit_values(values: np.ndarray, lits: npt.ArrayLike) -> np.ndarray:
    """Rows of ``values`` for the given literals (complemented where odd)."""
    arr = np.asarray(lits, dtype=np.int64)
    rows: np.ndarray = values[arr >> 1] ^ np.where(arr & 1, ONES, np.uint64(0))[:, None]
    return rows


def simulate_outputs(aig: AIG, patterns: np.ndarray) -> np.ndarray:
    """``[O, W]`` output words for bit-packed ``patterns``."""
    return lit_values(simulate(aig, patterns), aig.outputs)


def exhaustive_patterns(n: int) -> np.ndarray:
    """``[n, max(1, 2**n / 64)]`` words enumerating all ``2**n`` input vectors.

    Pattern ``p`` assigns input ``i`` the bit ``(p >> i) & 1``.  With fewer than 64
    patterns the unused bits repeat earlier patterns, which leaves probabilities exact.
    """
    if n > EXHAUSTIVE_LIMIT:
        raise CircuitError(f"exhaustive simulation is limited to {EXHAUSTIVE_LIMIT} inputs, got {n}")
    words = max(1, (1 << n) // 64)
    out = np.empty((n, words), dtype=np.uint64)
    k = np.arange(64, dtype=np.uint64)
    w = np.arange(words, dtype=np.uint64)
    for i in range(n):
        if i < 6:
            bits = (k >> np.uint64(i)) & np.uint64(1)
            out[i] = np.bitwise_or.reduce(bits << k)
        else:
            out[i] = np.where((w >> np.uint64(i - 6)) & np.uint64(1), ONES, np.uint64(0))
    return out


def random_patterns(n: int, words: int, seed: int = 0) -> np.ndarray:
    """``[n, words]`` uniformly random uint64 words."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, 2**64, size=(n, words), dtype=np.uint64, endpoint=False)


def pack_vectors(vectors: np.ndarray) -> np.ndarray:
    """Pack ``[N, n]`` booleans (one vector a row) into ``[n, ceil(N/64)]`` words."""
    v = np.asarray(vectors, dtype=bool)
    n_vec, n = v.shape
    words = max(1, -(-n_vec // 64))
    bits = np.zeros((n, words * 64), dtype=bool)  # one transposing copy, then contiguous packing
    bits[:, :n_vec] = v.T
    return np.packbits(bits, axis=1, bitorder="little").view("<u8").astype(np.uint64, copy=False)


def unpack_words(words: np.ndarray, count: int) -> np.ndarray:
    """Inverse of :func:`pack_vectors`: ``[n, W]`` words → ``[count, n]`` booleans."""
    w = np.ascontiguousarray(words, dtype="<u8")
    bits = np.unpackbits(w.view(np.uint8).reshape(w.shape[0], -1), axis=1, bitorder="little")
    return bits[:, :count].T.astype(bool)


def evaluate(aig: AIG, vectors: npt.ArrayLike) -> np.ndarray:
    """Evaluate explicit input vectors (e.g. counterexamples).

    Args:
        vectors: ``[N, I + L]`` booleans (or ``[I + L]`` for one vector).
    Returns:
        ``[N, O]`` booleans (``[O]`` for one vector).
    """
    v = np.asarray(vectors, dtype=bool)
    single = v.ndim == 1
    v = v.reshape(1, -1) if single else v
    n_free = aig.num_inputs + aig.num_latches
    if v.shape[1] != n_free:
        raise CircuitError(f"input vectors need {n_free} values, got {v.shape[1]}")
    out = unpack_words(simulate_outputs(aig, pack_vectors(v)), len(v))
    return out[0] if single else out


SIM_CHUNK_BYTES = 256 << 20  # simulation values held at once by signal_probabilities


def signal_probabilities(
    aig: AIG,
    num_patterns: int = 1 << 16,
    seed: int = 0,
    exhaustive_limit: int = EXHAUSTIVE_LIMIT,
    chunk_words: int | None = None,
) -> np.ndarray:
    """``[M + 1]`` P(var = 1) under uniform random inputs.

    Exact (exhaustive) when the circuit has at most ``exhaustive_limit`` free inputs,
    else estimated from ``num_patterns`` random patterns.  Words are simulated in
    chunks so memory stays at ``(M + 1) * chunk_words * 8`` bytes; by default the chunk
    is 64 words, fewer for large circuits so that it stays within :data:`SIM_CHUNK_BYTES`.
    """
    if chunk_words is None:
        chunk_words = max(1, min(64, SIM_CHUNK_BYTES // (8 * (aig.max_var + 1))))
    n_free = aig.num_inputs + aig.num_latches
    exact = n_free <= exhaustive_limit
    pats = exhaustive_patterns(n_free) if exact else None
    total_words = pats.shape[1] if pats is not None else max(1, -(-num_patterns // 64))
    ones = np.zeros(aig.max_var + 1, dtype=np.int64)
    for s in range(0, total_words, chunk_words):
        e = min(total_words, s + chunk_words)
        chunk = pats[:, s:e] if pats is not None else random_patterns(n_free, e - s, seed + s)
        ones += np.bitwise_count(simulate(aig, chunk)).sum(axis=1, dtype=np.int64)
    return ones / (64.0 * total_words)


def cop_probabilities(aig: AIG, input_prob: float = 0.5) -> np.ndarray:
    """``[M + 1]`` COP estimate: P(AND) = P(a) P(b), assuming independent fanins."""
    p = np.empty(aig.max_var + 1, dtype=np.float64)
    p[0] = 0.0
    p[1 : aig.num_inputs + aig.num_latches + 1] = input_prob
    return propagate(aig, p, _and_prob)


def window_probabilities(aig: AIG, depth: int = 3, input_prob: float = 0.5, chunk: int = 16384) -> np.ndarray:
    """``[M + 1]`` signal probabilities, exact within a depth-``depth`` fanin window.

    COP multiplies fanin probabilities, so it is wrong wherever the fanins share a
    signal (reconvergent fanout).  Here each gate ``g`` is expanded into its fanin
    tree of ``depth`` levels (an input or the constant stands for itself below its
    level).  The ``2^depth`` leaf slots are deduplicated, so a signal that reaches
    ``g`` along several paths is *one* variable of the window, and

        P(g) = sum_{a in {0,1}^U} [g(a) = 1] prod_j P(leaf_j)^{a_j} (1 - P(leaf_j))^{1 - a_j}

    over the ``U <= 2^depth`` distinct leaves, whose probabilities are this same
    estimate at lower levels.  Reconvergence within the window is exact; leaves are
    assumed independent.  ``depth = 1`` is COP (except for gates whose two fanins
    are the same variable, which COP gets wrong).  A circuit no deeper than
    ``depth`` is computed exactly.

    Two passes: the windows (distinct leaves and the truth table of ``g`` over them)
    of all gates at once, in chunks of ``chunk`` gates; then the probabilities, where
    the assignment weights are ``exp(log P(leaf) @ bits + log(1 - P(leaf)) @ (1 - bits))``
    (``depth = 3``: 256 assignments of 8 leaves per gate).  A leaf lies ``depth`` fanin
    steps below its gate, so it is an input, the constant, or at least ``depth`` levels
    lower: ``depth`` consecutive levels never read each other and are one batched step.
    """
    if not 1 <= depth <= 3:
        raise ValueError(f"window depth must be 1, 2 or 3, got {depth}")
    first = aig.first_and_var
    p = np.zeros(aig.max_var + 1, dtype=np.float64)
    p[1:first] = input_prob
    # fanins of every variable; an input or the constant is AND(x, x) = x
    fan = np.repeat(np.arange(aig.max_var + 1, dtype=np.int64)[:, None], 2, axis=1)
    fan[first:] = aig.ands >> 1
    comp = np.zeros((aig.max_var + 1, 2), dtype=bool)
    comp[first:] = (aig.ands & 1).astype(bool)
    k = 1 << depth  # leaf slots
    bits = ((np.arange(1 << k)[:, None] >> np.arange(k)) & 1).astype(bool)  # [2^k, k]: assignments
    gates = np.arange(first, aig.max_var + 1, dtype=np.int64)
    leaves = np.zeros((len(gates), k), dtype=np.int64)  # distinct leaves, padded with the constant
    tables = np.zeros((len(gates), max(1, (1 << k) // 8)), dtype=np.uint8)  # packed truth tables
    for s in range(0, len(gates), chunk):
        leaves[s : s + chunk], tt = _windows(gates[s : s + chunk], fan, comp, depth, bits)
        tables[s : s + chunk] = np.packbits(tt, axis=1, bitorder="little")
    on, off = bits.T.astype(np.float64), (~bits).T.astype(np.float64)  # [k, 2^k]
    tiny = np.finfo(np.float64).tiny
    plan = schedule(aig)  # one entry per level 1..D (levels of a DAG have no gaps)
    for i in range(0, len(plan), depth):
        lhs = np.concatenate([lv.lhs for lv in plan[i : i + depth]])
        q = p[leaves[lhs - first]]  # [n, k]; padding slots have P = 0, so their bit must be 0
        logw = np.log(np.maximum(q, tiny)) @ on + np.log(np.maximum(1.0 - q, tiny)) @ off  # [n, 2^k]
        tt = np.unpackbits(tables[lhs - first], axis=1, count=1 << k, bitorder="little")
        p[lhs] = np.einsum("ij,ij->i", np.exp(logw), tt)
    return p


def _windows(
    gates: np.ndarray, fan: np.ndarray, comp: np.ndarray, depth: int, bits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The windows of ``gates`` (``[n]``): ``[n, k]`` distinct leaves (padded with the
    constant 0) and ``[n, 2^k]`` bool truth table of each gate over them."""
    n, k = len(gates), bits.shape[1]
    slots, comps = gates[:, None], []
    for _ in range(depth):  # expand the fanin tree: [n, 2^d] slots at depth d
        comps.append(comp[slots].reshape(n, -1))
        slots = fan[slots].reshape(n, -1)
    # deduplicate each row's leaves: rank[i, j] = index of leaf j among row i's distinct leaves
    order = np.argsort(slots, axis=1, kind="stable")
    srt = np.take_along_axis(slots, order, axis=1)
    new = np.ones_like(srt, dtype=bool)
    new[:, 1:] = srt[:, 1:] != srt[:, :-1]
    rank_sorted = np.cumsum(new, axis=1) - 1
    rank = np.empty_like(rank_sorted)
    np.put_along_axis(rank, order, rank_sorted, axis=1)
    leaves = np.zeros((n, k), dtype=np.int64)
    rows, cols = np.nonzero(new)
    leaves[rows, rank_sorted[rows, cols]] = srt[rows, cols]
    vals = bits[:, rank].transpose(1, 2, 0)  # [n, k, 2^k]: each leaf slot's value
    for c in reversed(comps):  # evaluate the tree bottom-up
        x = vals ^ c[:, :, None]
        vals = x[:, 0::2] & x[:, 1::2]
    return leaves, vals[:, 0]


def naive_evaluate(aig: AIG, vector: Iterable[object]) -> list[bool]:
    """Reference per-gate evaluation of one input vector (plain Python, for tests)."""
    val = [False] * (aig.max_var + 1)
    for k, b in enumerate(vector):
        val[k + 1] = bool(b)
    first = aig.first_and_var
    for j, (r0, r1) in enumerate(aig.ands.tolist()):
        val[first + j] = (val[r0 >> 1] ^ bool(r0 & 1)) and (val[r1 >> 1] ^ bool(r1 & 1))
    return [val[o >> 1] ^ bool(o & 1) for o in aig.outputs.tolist()]

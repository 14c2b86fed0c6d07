"""Difference windows: the final check of a swept miter, first on where its halves differ.

After sweeping, the two circuits of a miter usually share almost every node: on the
compiled MNIST network against its ``dc2`` copy, 313,635 of a 313,855-AND cone are
shared and only 591 ANDs differ.  One CDCL call on the whole miter still wanders over
all of it (5k-28k conflicts, 15-60 s), although the proof only needs the differing
region and a few levels of logic below it.

A **window** is a set ``W`` of ANDs closed downwards up to its **leaves** (the fanins of
``W`` outside ``W``), which become free inputs.  Freeing the leaves drops every
constraint between them, so the window's miter output is a relaxation of the real one:
if it is UNSAT on the window, it is UNSAT on the circuit.  A SAT answer on a window
proves nothing (its leaf values may be unreachable), and the window grows.

For every output ``x XOR y`` left by the sweeper, the **difference region** is the
symmetric difference of the cones of ``x`` and ``y`` (nodes that only one half uses).
The windows are that region grown by ``k`` levels of fanins below it, for ``k`` in
:data:`LEVELS`; the final check of the whole cone comes after them (see
``solvers.core._final_check``).  An output that is not an XOR of two nodes makes its
whole cone the difference region, so no window is smaller than its cone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from circuitlab.aig import AIG, LIT

LEVELS = (4, 8, 16, 32, 64)  # fanin levels grown below the difference region, in turn
MAX_FRACTION = 0.5  # a window of more than this share of the cone is left to the full check
MAX_OUTPUTS = 256  # more outputs left than this: no windows (cone marks cost O(outputs x nodes))
MAX_MARK_WORDS = 1 << 25  # nor when the cone marks would take more 64-bit words (256 MiB)
_EVEN = np.uint64(0x5555555555555555)


@dataclass
class Window:
    """One window: ``aig`` has the leaves as inputs and one output, the OR of the miter outputs.

    Attributes:
        leaves: ``[I']`` variables of the miter that ``aig``'s inputs stand for, in order.
        levels: fanin levels grown below the difference region.
        ands: ANDs of the window (``aig`` adds the output's OR chain).
        cone_ands: ANDs in the cone of the miter outputs.
        difference: ANDs in the difference region.
    """

    aig: AIG
    leaves: np.ndarray
    levels: int
    ands: int
    cone_ands: int
    difference: int


def xor_operands(aig: AIG, lit: int) -> tuple[int, int] | None:
    """``(x, y)`` variables when ``lit`` is ``x XOR y`` or ``x XNOR y`` as three ANDs, else ``None``."""
    first = aig.first_and_var
    v = lit >> 1
    if v < first:
        return None
    f0, f1 = (int(x) for x in aig.ands[v - first])
    if not (f0 & 1 and f1 & 1) or (f0 >> 1) < first or (f1 >> 1) < first:
        return None
    p = {int(x) for x in aig.ands[(f0 >> 1) - first]}
    q = {int(x) for x in aig.ands[(f1 >> 1) - first]}
    if len(p) != 2 or {x ^ 1 for x in p} != q:
        return None
    x, y = sorted(p)
    if x >> 1 == y >> 1:
        return None
    return x >> 1, y >> 1


def difference_region(aig: AIG) -> tuple[np.ndarray, np.ndarray]:
    """``(difference, cone)``: ``[M + 1]`` masks of the difference region and of the outputs' cone.

    The region holds every AND that exactly one operand of some XOR output uses, and the
    ANDs of the XOR gates themselves; for an output that is not an XOR, its whole cone.
    """
    first = aig.first_and_var
    outs = [int(o) for o in aig.outputs if o > 1]
    words = max(1, -(-len(outs) // 32))
    marks = np.zeros((aig.max_var + 1, words), dtype=np.uint64)  # bit 2j: x of output j, 2j+1: y
    region = np.zeros(aig.max_var + 1, dtype=bool)
    for j, o in enumerate(outs):
        w, bit = divmod(2 * j, 64)
        ops = xor_operands(aig, o)
        if ops is None:  # the whole cone differs
            marks[o >> 1, w] |= np.uint64(1) << np.uint64(bit)
            continue
        x, y = ops
        marks[x, w] |= np.uint64(1) << np.uint64(bit)
        marks[y, w] |= np.uint64(1) << np.uint64(bit + 1)
        region[o >> 1] = True  # the XOR's three ANDs
        region[aig.ands[(o >> 1) - first] >> 1] = True
    for idx in reversed(aig.level_order()):  # an AND passes its marks to its fanins
        m = marks[first + idx]  # [n, words]
        hit = (m != 0).any(axis=1)
        for side in (0, 1):
            np.bitwise_or.at(marks, aig.ands[idx[hit], side] >> 1, m[hit])
    one = ((marks & _EVEN) ^ ((marks >> np.uint64(1)) & _EVEN)) != 0  # exactly one operand uses it
    region |= one.any(axis=1)
    cone = (marks != 0).any(axis=1)
    region[:first] = False
    cone[:first] = False
    return region, cone


def windows(aig: AIG, levels: tuple[int, ...] = LEVELS, max_fraction: float = MAX_FRACTION) -> Iterator[Window]:
    """The windows of the combinational miter ``aig`` (every output must be proved 0), smallest first.

    Yields nothing when no window is smaller than ``max_fraction`` of the cone, when an
    output is constant 1, or when more than :data:`MAX_OUTPUTS` outputs are left (or
    their cone marks would exceed :data:`MAX_MARK_WORDS`).
    """
    outs = aig.outputs[aig.outputs != 0]
    words = -(-len(outs) // 32)  # of the cone marks, per variable
    if len(outs) == 0 or (outs == 1).any() or len(outs) > MAX_OUTPUTS or aig.num_latches:
        return
    if words * (aig.max_var + 1) > MAX_MARK_WORDS:
        return
    region, cone = difference_region(aig)
    first = aig.first_and_var
    cone_ands = int(cone.sum())
    inside = region.copy()
    leaves = _leaves(aig, inside)
    grown = 0
    for k in levels:
        while grown < k:  # one level: the AND leaves join the window
            new = leaves[leaves >= first]
            if len(new) == 0:
                return  # the window is the whole cone: the full check does it
            inside[new] = True
            leaves = _leaves(aig, inside, new, leaves[leaves < first])
            grown += 1
        size = int(inside.sum())
        if size > max_fraction * cone_ands:
            return
        free = leaves[leaves != 0]
        yield Window(_window_aig(aig, inside, free), free, k, size, cone_ands, int(region.sum()))


def _leaves(aig: AIG, inside: np.ndarray, new: np.ndarray | None = None, old: np.ndarray | None = None) -> np.ndarray:
    """Sorted fanin variables of the window's ANDs (``new`` ones only, plus ``old`` leaves) outside it."""
    first = aig.first_and_var
    nodes = np.nonzero(inside)[0] if new is None else new
    fan = aig.ands[nodes - first].reshape(-1) >> 1
    cand = fan if old is None else np.concatenate([fan, old])
    cand = np.unique(cand)
    out: np.ndarray = cand[~inside[cand]]
    return out


def _window_aig(aig: AIG, inside: np.ndarray, leaves: np.ndarray) -> AIG:
    """The window as an AIG: the ``leaves`` (constant 0 left out) become inputs, its output the OR of the outputs."""
    first = aig.first_and_var
    nodes = np.nonzero(inside)[0]  # ascending: topological
    new = np.full(aig.max_var + 1, -1, dtype=LIT)
    new[0] = 0
    new[leaves] = np.arange(1, len(leaves) + 1)
    new[nodes] = np.arange(len(leaves) + 1, len(leaves) + len(nodes) + 1)

    def remap(lits: np.ndarray) -> np.ndarray:
        mapped: np.ndarray = 2 * new[lits >> 1] + (lits & 1)
        return mapped

    ands = remap(aig.ands[nodes - first])
    ands = np.sort(ands, axis=1)[:, ::-1]  # rhs0 >= rhs1
    outs = remap(aig.outputs[aig.outputs != 0])
    assert (outs >= 0).all() and (ands >= 0).all()  # every output and fanin is in the window or a leaf
    # OR of the outputs: a chain of ANDs over their complements, complemented
    acc = int(outs[0]) ^ 1
    var = len(leaves) + len(nodes)
    chain = []
    for o in outs[1:]:
        var += 1
        chain.append(sorted((acc, int(o) ^ 1), reverse=True))
        acc = 2 * var
    all_ands = np.concatenate([ands, np.asarray(chain, dtype=LIT).reshape(-1, 2)])
    return AIG(len(leaves), all_ands, np.asarray([acc ^ 1], dtype=LIT))

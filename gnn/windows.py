"""Windows: small sub-circuits cut out of a large AIG (DeepGate-style training data).

A window of depth ``d`` around root gates keeps every AND reachable from a root by at
most ``d - 1`` fanin steps; fanins outside the window become fresh primary inputs
(the cut).  The window is a standalone combinational AIG whose outputs are the roots,
built with vectorized numpy remapping (one loop per depth step, none per node).
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import AIG, LIT

from .errors import GnnConfigError


def window(aig: AIG, roots, depth: int) -> AIG:
    """The window of ``depth`` levels above the root variables ``roots``.

    Args:
        roots: AND-gate variables (each becomes an output, uncomplemented).
        depth: at least 1 (depth 1 keeps only the roots).
    Returns:
        An AIG with the cut leaves as inputs (in variable order) and the roots as outputs.
    """
    roots = np.unique(np.asarray(roots, dtype=np.int64).reshape(-1))
    first = aig.first_and_var
    if depth < 1:
        raise GnnConfigError(f"window depth must be >= 1, got {depth}")
    if len(roots) == 0 or roots.min() < first or roots.max() > aig.max_var:
        raise GnnConfigError(f"window roots must be AND variables {first}..{aig.max_var}")
    inside = np.zeros(aig.max_var + 1, dtype=bool)
    frontier = roots
    for _ in range(depth):
        inside[frontier] = True
        fan = (aig.ands[frontier - first] >> 1).reshape(-1)
        fan = np.unique(fan[fan >= first])
        frontier = fan[~inside[fan]]
        if len(frontier) == 0:
            break
    gates = np.flatnonzero(inside)
    lits = aig.ands[gates - first]  # [G, 2]
    fan = lits >> 1
    leaves = np.unique(fan[~inside[fan] & (fan > 0)])
    new_var = np.zeros(aig.max_var + 1, dtype=np.int64)
    new_var[leaves] = np.arange(1, len(leaves) + 1)
    new_var[gates] = np.arange(len(leaves) + 1, len(leaves) + 1 + len(gates))
    ands = 2 * new_var[fan] + (lits & 1)
    ands = np.sort(ands, axis=1)[:, ::-1]
    outs = 2 * new_var[roots]
    return AIG(len(leaves), np.ascontiguousarray(ands, dtype=LIT), outs.astype(LIT))

"""gnn/windows.py: a window computes its roots from its cut leaves."""

import numpy as np
import pytest

from circuitlab.generators import wallace_multiplier
from circuitlab.gnn.errors import GnnConfigError
from circuitlab.gnn.windows import window
from circuitlab.sim import random_patterns, simulate


@pytest.mark.parametrize("depth", [1, 3, 6])
def test_window_matches_the_big_circuit(depth):
    big = wallace_multiplier(5)
    roots = np.array([big.max_var, big.max_var - 7, big.first_and_var + 30])
    w = window(big, roots, depth)
    w.validate()
    assert w.num_outputs == 3 and w.num_ands <= big.num_ands
    vals = simulate(big, random_patterns(big.num_inputs, 4, 1))
    leaves = _leaves(big, roots, depth)  # the window's inputs, in variable order
    assert len(leaves) == w.num_inputs
    got = simulate(w, vals[leaves])
    assert np.array_equal(got[w.outputs >> 1], vals[np.sort(np.unique(roots))])


def _leaves(big, roots, depth):
    first = big.first_and_var
    inside, frontier = set(), {int(r) for r in roots}
    for _ in range(depth):
        inside |= frontier
        nxt = set()
        for g in frontier:
            for lit in big.ands[g - first]:
                v = int(lit) >> 1
                if v >= first and v not in inside:
                    nxt.add(v)
        frontier = nxt
    leaves = {int(lit) >> 1 for g in inside for lit in big.ands[g - first]} - inside - {0}
    return np.array(sorted(leaves))


def test_window_rejects_bad_roots():
    big = wallace_multiplier(3)
    with pytest.raises(GnnConfigError):
        window(big, [1], 2)
    with pytest.raises(GnnConfigError):
        window(big, [big.max_var], 0)

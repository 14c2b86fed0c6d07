"""gnn/reconv.py: vectorized reconvergence stems agree with a set-based reference."""

import numpy as np

from circuitlab.gnn.reconv import reconvergence

from .conftest import small_circuit


def _reference(aig, levels, depth):
    first = aig.first_and_var
    fan = {first + j: [int(x) >> 1 for x in row] for j, row in enumerate(aig.ands)}

    def anc(v):
        out, frontier = {v}, {v}
        for _ in range(depth - 1):
            frontier = {f for x in frontier for f in fan.get(x, [])}
            out |= frontier
        return out - {0}

    stems = []
    for j in range(aig.num_ands):
        f0, f1 = fan[first + j]
        common = anc(f0) & anc(f1)
        stems.append(max(levels[c] for c in common) if common else -1)
    return np.array(stems)


def test_stem_levels_match_reference():
    for seed in range(3):
        aig = small_circuit(seed, n_in=5, n_gates=60)
        lev = aig.levels()
        stem, span = reconvergence(aig, lev, 3)
        ref = _reference(aig, lev, 3)
        got = np.where(stem >= 0, lev[np.maximum(stem, 0)], -1)
        assert np.array_equal(got, ref)
        gates = np.arange(aig.first_and_var, aig.max_var + 1)
        assert np.array_equal(span[stem >= 0], lev[gates][stem >= 0] - got[stem >= 0])
        assert (stem < gates).all()


def test_xor_has_its_inputs_as_stem():
    from circuitlab.aig import AIGBuilder

    b = AIGBuilder()
    x, y = b.input(), b.input()
    b.output(b.xor_(x, y))
    aig = b.build()
    stem, span = reconvergence(aig, aig.levels(), 2)
    assert stem[-1] in (1, 2) and span[-1] == 2

"""gnn/pairs.py: pair validation, fanin pairs, structural relations, miter candidates."""

import numpy as np
import pytest

from circuitlab.aig import AIGBuilder
from circuitlab.generators import ripple_adder
from circuitlab.gnn.errors import PairError
from circuitlab.gnn.labels import simulation_labels
from circuitlab.gnn.pairs import candidate_pairs, check_pairs, fanin_pairs, forced_pairs, miter_halves, pair_relation

from .conftest import small_circuit


def test_check_pairs_accepts_and_normalizes(circuit):
    p = check_pairs([[1, circuit.max_var, 0], [2, 3, 1]], circuit.max_var + 1)
    assert p.dtype == np.int64 and p.shape == (2, 3)
    assert check_pairs(None, 5).shape == (0, 3)


@pytest.mark.parametrize("bad", [[[1, 2]], [[1, 2, 3]], [[-1, 2, 0]], [[1, 999, 0]], [[1.5, 2, 0]]])
def test_check_pairs_rejects(bad, circuit):
    with pytest.raises(PairError):
        check_pairs(bad, circuit.max_var + 1)


def test_fanin_pairs_cover_every_gate_fanin_edge(circuit):
    p = fanin_pairs(circuit)
    assert len(p) == 8 * circuit.num_ands
    one_way = fanin_pairs(circuit, both_directions=False, values=(1,))
    gates = np.arange(circuit.first_and_var, circuit.max_var + 1)
    assert sorted(map(tuple, one_way[:, :2].tolist())) == sorted(
        [(int(f), int(g)) for g, row in zip(gates, circuit.ands >> 1, strict=True) for f in row]
    )


def test_relation_and_forced_pairs_match_simulation():
    aig = small_circuit(3, n_in=5, n_gates=30)
    pairs = fanin_pairs(aig)
    rel = pair_relation(aig, pairs)
    assert (rel[:, 0] + rel[:, 2] >= 1).all()  # every fanin pair is related one way
    forced = forced_pairs(aig, pairs)
    lab = simulation_labels(aig, pairs)  # 5 inputs: exact
    ok = forced & lab.valid
    assert ok.sum() > 0
    assert np.isin(lab.cond[ok], [0.0, 1.0]).all()
    # u feeds v and u = b falsifies the edge literal: v must be 0
    lit_false = (pairs[:, 2] ^ rel[:, 1].astype(int)) == 0
    sel = ok & (rel[:, 0] > 0) & lit_false
    assert sel.any() and (lab.cond[sel] == 0).all()


def test_candidate_pairs_in_a_miter_are_near_equivalences():
    a = ripple_adder(4)
    b = AIGBuilder()  # a structurally different but equal adder: xor written as (x|y)&~(x&y)
    xs = [b.input(f"a{i}") for i in range(4)]
    ys = [b.input(f"b{i}") for i in range(4)]
    c = 0
    for x, y in zip(xs, ys, strict=True):
        t = b.and_(b.or_(x, y), b.and_(x, y) ^ 1)
        b.output(b.and_(b.or_(t, c), b.and_(t, c) ^ 1), None)
        c = b.or_(b.and_(x, y), b.and_(t, c))
    b.output(c, None)
    m, groups = miter_halves(a, b.build())
    assert set(np.unique(groups)) == {-1, 0, 1}
    assert (groups[: m.first_and_var] == -1).all()
    pairs = candidate_pairs(m, groups=groups, num_patterns=512, max_mismatch=0)
    assert len(pairs) > 0
    assert (groups[pairs[:, 0]] != groups[pairs[:, 1]]).all()
    lab = simulation_labels(m, pairs)  # 8 inputs: exact
    assert np.isin(lab.cond[lab.valid], [0.0, 1.0]).all()  # exact agreement => equivalences


def test_candidate_pairs_rejects_bad_options(circuit):
    with pytest.raises(PairError):
        candidate_pairs(circuit, num_patterns=10)
    with pytest.raises(PairError):
        candidate_pairs(circuit, groups=np.zeros(3))

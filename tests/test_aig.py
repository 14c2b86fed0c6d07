import numpy as np
import pytest

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.errors import CircuitError
from circuitlab.sim import evaluate, naive_evaluate
from helpers import random_aig


def test_builder_strash_and_constant_folding():
    b = AIGBuilder()
    x, y = b.input("x"), b.input("y")
    g = b.and_(x, y)
    assert b.and_(y, x) == g  # structural hashing, commutative
    assert b.and_(x, 0) == 0 and b.and_(x, 1) == x
    assert b.and_(x, x) == x and b.and_(x, x ^ 1) == 0
    assert b.num_ands == 1
    b.output(b.xor_(x, y), "s")
    b.output(b.mux_(x, y, y ^ 1), "m")
    aig = b.build()
    aig.validate()
    table = evaluate(aig, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert table[:, 0].tolist() == [False, True, True, False]
    assert table[:, 1].tolist() == [True, False, False, True]  # x ? y : ~y == xnor


def test_levels_fanout_and_depth():
    b = AIGBuilder()
    x, y, z = b.input(), b.input(), b.input()
    g1 = b.and_(x, y)
    g2 = b.and_(g1, z)
    b.output(g2)
    b.output(g1 ^ 1)
    aig = b.build()
    assert aig.levels().tolist() == [0, 0, 0, 0, 1, 2]
    assert aig.depth() == 2
    assert aig.fanout_counts().tolist() == [0, 1, 1, 1, 2, 1]
    assert [idx.tolist() for idx in aig.level_order()] == [[0], [1]]


def test_cone_and_cleanup_keep_function():
    aig = random_aig(3, n_in=8, n_and=60, n_out=4)
    cone = aig.cone([1])
    assert cone.num_outputs == 1 and cone.num_ands <= aig.num_ands
    rng = np.random.default_rng(0)
    vec = rng.random((50, aig.num_inputs)) < 0.5
    assert (evaluate(cone, vec)[:, 0] == evaluate(aig, vec)[:, 1]).all()
    # dangling logic is removed
    b = AIGBuilder()
    x, y = b.input(), b.input()
    b.and_(x, y ^ 1)  # dangling
    b.output(b.and_(x, y))
    clean = b.build().cleanup()
    assert clean.num_ands == 1 and clean.num_inputs == 2
    assert b.build().cleanup(keep_inputs=False).num_inputs == 2


def test_validate_rejects_non_topological():
    aig = AIG(2, [[8, 2]], [6])  # var 3 would need a fanin var 4 > itself
    with pytest.raises(CircuitError):
        aig.validate()


def test_builder_rejects_unknown_literal():
    b = AIGBuilder()
    b.input()
    with pytest.raises(CircuitError):
        b.and_(2, 10)


def test_add_aig_reproduces_function():
    src = random_aig(5)
    b = AIGBuilder()
    ins = [b.input() for _ in range(src.num_inputs)]
    for o in b.add_aig(src, ins):
        b.output(o)
    dup = b.build()
    vec = np.random.default_rng(1).random((40, src.num_inputs)) < 0.5
    assert (evaluate(dup, vec) == evaluate(src, vec)).all()
    assert [naive_evaluate(src, v) for v in vec] == evaluate(src, vec).tolist()

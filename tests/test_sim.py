import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aiger import read_aiger
from circuitlab.errors import CircuitError
from circuitlab.sim import (cop_probabilities, evaluate, exhaustive_patterns, naive_evaluate, pack_vectors,
                            signal_probabilities, simulate, unpack_words)

from helpers import EXAMPLES, random_aig


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), n_in=st.integers(1, 9), n_and=st.integers(0, 60), n=st.integers(1, 130))
def test_bit_parallel_equals_per_gate(seed, n_in, n_and, n):
    aig = random_aig(seed, n_in, n_and, 3)
    vec = np.random.default_rng(seed).random((n, n_in)) < 0.5
    assert evaluate(aig, vec).tolist() == [naive_evaluate(aig, v) for v in vec]


def test_pack_unpack_roundtrip():
    v = np.random.default_rng(0).random((200, 7)) < 0.5
    assert (unpack_words(pack_vectors(v), 200) == v).all()


def test_exhaustive_patterns_enumerate_all():
    for n in (1, 3, 6, 8):
        pats = exhaustive_patterns(n)
        vecs = unpack_words(pats, 1 << n)
        codes = (vecs * (1 << np.arange(n))).sum(axis=1)
        assert sorted(codes.tolist()) == list(range(1 << n))
    with pytest.raises(CircuitError):
        exhaustive_patterns(21)


def test_signal_probabilities_exact_small():
    aig = random_aig(4, n_in=5, n_and=30, n_out=2)
    p = signal_probabilities(aig)
    vec = np.array([[(k >> i) & 1 for i in range(5)] for k in range(32)], bool)
    ref = np.array([naive_evaluate(aig, v) for v in vec]).mean(axis=0)
    po = np.where(aig.outputs & 1, 1 - p[aig.outputs >> 1], p[aig.outputs >> 1])
    assert np.allclose(po, ref)


def test_signal_probabilities_random_close_to_exact():
    aig = read_aiger(EXAMPLES / "ctrl.aig")  # 7 inputs: exact available
    exact = signal_probabilities(aig)
    est = signal_probabilities(aig, num_patterns=1 << 16, exhaustive_limit=0)
    assert np.abs(exact - est).max() < 0.02


def test_cop_is_exact_on_trees():
    # fanout-free circuit: COP is exact
    from circuitlab.aig import AIGBuilder
    b = AIGBuilder()
    x = [b.input() for _ in range(4)]
    b.output(b.or_(b.and_(x[0], x[1]), b.and_(x[2] ^ 1, x[3])))
    aig = b.build()
    assert np.allclose(cop_probabilities(aig), signal_probabilities(aig))


def test_simulate_shape_error():
    aig = random_aig(1)
    with pytest.raises(CircuitError):
        simulate(aig, np.zeros((1, 1), np.uint64))

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aiger import read_aiger
from circuitlab.errors import CircuitError
from circuitlab.sim import (
    cop_probabilities,
    evaluate,
    exhaustive_patterns,
    naive_evaluate,
    pack_vectors,
    signal_probabilities,
    simulate,
    unpack_words,
    window_probabilities,
)
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


def _xor_chain(n):
    from circuitlab.aig import AIGBuilder

    b = AIGBuilder()
    x = [b.input() for _ in range(n)]
    acc = x[0]
    for xi in x[1:]:
        acc = b.xor_(acc, xi)
    b.output(acc)
    return b.build()


def test_window_is_exact_within_its_depth():
    # one XOR is 3 ANDs over 2 levels: reconvergent, so COP is wrong (3/8 instead of 1/2)
    aig = _xor_chain(2)
    exact = signal_probabilities(aig)
    assert not np.allclose(cop_probabilities(aig), exact)
    for depth in (2, 3):
        assert np.allclose(window_probabilities(aig, depth), exact)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), n_in=st.integers(2, 8), n_and=st.integers(1, 50))
def test_window_depth1_is_cop_and_deeper_windows_are_no_worse_on_average(seed, n_in, n_and):
    aig = random_aig(seed, n_in, n_and, 2)
    fan = aig.ands >> 1
    if (fan[:, 0] != fan[:, 1]).all():  # COP only differs on AND(x, x) / AND(x, !x)
        assert np.allclose(window_probabilities(aig, 1), cop_probabilities(aig))
    w = window_probabilities(aig, 3)
    assert ((w >= -1e-12) & (w <= 1 + 1e-12)).all()
    exact = signal_probabilities(aig)
    depth = aig.levels()
    shallow = depth <= 3  # a gate whose whole cone fits in the window is exact
    assert np.allclose(w[shallow], exact[shallow])


def test_window_beats_cop_on_xor_chains():
    aig = _xor_chain(6)
    exact = signal_probabilities(aig)
    err_cop = np.abs(cop_probabilities(aig) - exact).mean()
    err_win = np.abs(window_probabilities(aig) - exact).mean()
    assert err_win < 0.5 * err_cop


def test_window_depth_out_of_range():
    with pytest.raises(ValueError, match="window depth"):
        window_probabilities(random_aig(1), 4)


def test_simulate_shape_error():
    aig = random_aig(1)
    with pytest.raises(CircuitError):
        simulate(aig, np.zeros((1, 1), np.uint64))

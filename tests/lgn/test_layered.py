"""Layered bit-parallel inference: the same predictions as the network and its circuit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.compiled import pack_bool
from circuitlab.lgn.compile import CompiledLGN
from circuitlab.lgn.discrete import DiscreteLayer, DiscreteNetwork
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.layered import LayeredLGN, compile_program

from .networks import random_network


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("k", [2, 3, 10])
@pytest.mark.parametrize("n", [1, 255, 256, 700, 1100])
def test_matches_network_and_circuit(seed, k, n):
    # batch sizes around the 256-sample block: a partial last block, exactly one, several
    dn = random_network(seed, widths=(40, 30, 7 * k), k=k)
    x = np.random.default_rng(seed + 100).random((n, dn.in_dim)) < 0.5
    want = dn.predict(x).tolist()
    assert LayeredLGN(dn).predict(x).tolist() == want
    assert CompiledLGN.from_network(dn).predict(x).tolist() == want


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**31),
    depth=st.integers(1, 4),
    k=st.integers(1, 6),
    group=st.integers(1, 40),
    n=st.integers(1, 600),
)
def test_random_networks_hypothesis(seed, depth, k, group, n):
    rng = np.random.default_rng(seed)
    widths = [int(rng.integers(1, 30)) for _ in range(depth - 1)] + [k * group]
    dn = random_network(seed, in_dim=int(rng.integers(1, 20)), widths=tuple(widths), k=k)
    x = rng.random((n, dn.in_dim)) < rng.random()
    assert LayeredLGN(dn).predict(x).tolist() == dn.predict(x).tolist()


def test_packed_planes_equal_the_circuit_outputs():
    dn = random_network(3, widths=(50, 40, 30), k=10)
    x = np.random.default_rng(0).random((999, dn.in_dim)) < 0.5
    words = pack_bool(x)
    got = LayeredLGN(dn).predict_packed(words)
    want = CompiledLGN.from_network(dn).predict_packed(words)
    n_words = got.shape[1]
    # bits past the last sample are padding in both; compare the real ones
    mask = np.full(n_words, ~np.uint64(0))
    mask[-1] = np.uint64((1 << (999 % 64)) - 1)
    assert got.shape == want.shape
    assert ((got ^ want) & mask).max() == 0


def test_ties_pick_the_first_class():
    layer = DiscreteLayer(np.zeros(6, np.int64), np.zeros(6, np.int64), np.full(6, 15, np.uint8))
    dn = DiscreteNetwork(2, 3, 1.0, (layer,))
    assert LayeredLGN(dn).predict(np.array([[0, 1], [1, 1]], bool)).tolist() == [0, 0]


def test_unused_gates_are_dropped():
    # gate 1 of layer 1 feeds only an input that layer 2's gates ignore
    l1 = DiscreteLayer(np.array([0, 1]), np.array([1, 0]), np.array([3, 6], np.uint8))
    l2 = DiscreteLayer(np.array([0, 0]), np.array([1, 1]), np.array([3, 12], np.uint8))
    dn = DiscreteNetwork(2, 2, 1.0, (l1, l2))
    lay = LayeredLGN(dn)
    prog = compile_program(dn)
    assert prog.gates == 0  # layer 1: gate 0 is a wire (input 0), gate 1 unused
    assert lay.num_gates == 2  # the two last-layer gates, counted
    assert prog.la.tolist() == [0, 0] and prog.lb.tolist() == [0, 0]  # both read input 0; b is ignored
    x = np.array([[a, b] for a in (0, 1) for b in (0, 1)], bool)
    assert lay.predict(x).tolist() == dn.predict(x).tolist() == [1, 1, 0, 0]


def test_bad_shapes_raise():
    lay = LayeredLGN(random_network(0))
    with pytest.raises(LGNConfigError, match=r"\[N, 12\]"):
        lay.predict(np.zeros((3, 5), bool))
    with pytest.raises(LGNConfigError, match=r"\[12, W\]"):
        lay.predict_packed(np.zeros((5, 2), np.uint64))


def test_large_groups():
    # 1,500 gates per class: counts need 11 bit planes and many carry-save levels
    dn = random_network(7, in_dim=30, widths=(200, 3000), k=2)
    x = np.random.default_rng(1).random((300, 30)) < 0.5
    assert LayeredLGN(dn).predict(x).tolist() == dn.predict(x).tolist()
    assert np.ptp(dn.scores(x)) > 0


def test_fold_table_complements_inputs():
    from circuitlab.lgn.gates import eval_gate_numpy
    from circuitlab.lgn.layered import FOLD

    a = np.array([0, 0, 1, 1], bool)
    b = np.array([0, 1, 0, 1], bool)
    for g in range(16):
        for na in (0, 1):
            for nb in (0, 1):
                want = eval_gate_numpy(np.full(4, g), a ^ bool(na), b ^ bool(nb))
                assert eval_gate_numpy(np.full(4, FOLD[g, na, nb]), a, b).tolist() == want.tolist()


def test_wires_and_inverters_take_no_rows():
    # a chain of NOT / pass-through gates, then an XOR reading two inverted inputs
    l1 = DiscreteLayer(np.array([0, 1]), np.array([1, 0]), np.array([12, 10], np.uint8))  # ~x0, ~x0
    l2 = DiscreteLayer(np.array([0, 1]), np.array([1, 0]), np.array([3, 6], np.uint8))  # a, a ^ b
    l3 = DiscreteLayer(np.array([1, 0]), np.array([0, 1]), np.array([9, 5], np.uint8))  # xnor, b
    dn = DiscreteNetwork(2, 2, 1.0, (l1, l2, l3))
    prog = compile_program(dn)
    assert prog.gates == 1  # only layer 2's XOR computes something; it reads x0 twice, uncomplemented
    assert prog.ga.tolist() == [0] and prog.gb.tolist() == [0]
    x = np.array([[a, b] for a in (0, 1) for b in (0, 1)], bool)
    assert LayeredLGN(dn).predict(x).tolist() == dn.predict(x).tolist()

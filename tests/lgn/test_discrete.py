"""The discretized network: Boolean evaluation and gate usage counts."""

import itertools

import numpy as np
import pytest

from circuitlab.lgn.discrete import DiscreteLayer, DiscreteNetwork
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.gates import truth_table


def _net():
    # inputs x0..x3
    # layer 0: g0 = AND(x0, x1), g1 = A(x2, x3) (ignores x3), g2 = TRUE(x0, x3), g3 = XOR(x1, x2)
    # layer 1: h0 = B(g0, g1) (ignores g0), h1 = OR(g1, g3)
    l0 = DiscreteLayer(np.array([0, 2, 0, 1]), np.array([1, 3, 3, 2]), np.array([1, 3, 15, 6], dtype=np.uint8))
    l1 = DiscreteLayer(np.array([0, 1]), np.array([1, 3]), np.array([5, 7], dtype=np.uint8))
    return DiscreteNetwork(in_dim=4, num_classes=2, tau=1.0, layers=(l0, l1))


def test_forward_is_the_boolean_circuit():
    net = _net()
    xs = np.array(list(itertools.product((0, 1), repeat=4)), dtype=bool)
    out = net.forward(xs)
    for x, (h0, h1) in zip(xs, out, strict=True):
        g1 = x[2]
        g3 = x[1] ^ x[2]
        assert h0 == g1 and h1 == (g1 | g3)
    assert net.scores(xs).shape == (16, 2)
    assert np.array_equal(net.predict(xs), net.scores(xs).argmax(-1))


def test_usage_follows_functional_dependencies():
    net = _net()
    used = net.used_masks()
    assert used[1].tolist() == [True, True]
    # g0 feeds h0 only through the ignored input; g2 (TRUE) feeds nothing.
    assert used[0].tolist() == [False, True, False, True]
    # x0 is read by g0 (unused) and g2 (unused, constant); x3 only through ignored inputs.
    assert net.used_inputs().tolist() == [False, True, True, False]
    stats = net.gate_stats()
    assert stats == {
        "total_gates": 6,
        "unused_gates": 2,
        "unused_fraction": 2 / 6,
        "constant_gates": 1,
        "unused_per_layer": [2, 0],
        "used_inputs": 2,
    }


def test_all_sixteen_gates_evaluate_by_truth_table():
    layer = DiscreteLayer(np.zeros(16, dtype=np.int64), np.ones(16, dtype=np.int64), np.arange(16, dtype=np.uint8))
    net = DiscreteNetwork(2, 16, 1.0, (layer,))
    xs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=bool)
    out = net.forward(xs)  # [4, 16]
    for g in range(16):
        assert out[:, g].astype(int).tolist() == list(truth_table(g))


def test_validation():
    bad_index = DiscreteLayer(np.array([0, 4]), np.array([1, 2]), np.array([1, 1], dtype=np.uint8))
    with pytest.raises(LGNConfigError, match="out of range"):
        DiscreteNetwork(4, 2, 1.0, (bad_index,))
    ok = DiscreteLayer(np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([1, 1, 1], dtype=np.uint8))
    with pytest.raises(LGNConfigError, match="divisible"):
        DiscreteNetwork(4, 2, 1.0, (ok,))
    net = _net()
    with pytest.raises(LGNConfigError, match="expected inputs"):
        net.forward(np.zeros((3, 5), dtype=bool))

"""Compiling discretized networks: the circuit predicts exactly what the network predicts."""

import numpy as np
import pytest

from circuitlab.lgn.compile import CompiledLGN, compile_netlist, compile_network, decode_class
from circuitlab.lgn.discrete import DiscreteLayer, DiscreteNetwork
from circuitlab.sim import evaluate

from .networks import random_network


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_compiled_circuit_matches_network(seed, k):
    dn = random_network(seed, widths=(24, 16, 5 * k), k=k)
    x = np.random.default_rng(seed).random((700, dn.in_dim)) < 0.5
    aig = compile_network(dn)
    assert decode_class(evaluate(aig, x)).tolist() == dn.predict(x).tolist()
    assert CompiledLGN(aig).predict(x).tolist() == dn.predict(x).tolist()


def test_ties_pick_lowest_class():
    # last layer: constant gates giving equal counts for every class
    layer = DiscreteLayer(np.zeros(6, np.int64), np.zeros(6, np.int64), np.full(6, 15, np.uint8))
    dn = DiscreteNetwork(2, 3, 1.0, (layer,))
    x = np.array([[0, 1], [1, 1]], bool)
    assert dn.predict(x).tolist() == [0, 0]
    assert decode_class(evaluate(compile_network(dn), x)).tolist() == [0, 0]


def test_unused_gates_dropped_and_constants_folded():
    # gate 0 reads input 0 through "a" (id 3); gate 1 is constant TRUE; layer 2 uses only gate 0
    l1 = DiscreteLayer(np.array([0, 1]), np.array([1, 0]), np.array([3, 15], np.uint8))
    l2 = DiscreteLayer(np.array([0, 0]), np.array([1, 1]), np.array([3, 12], np.uint8))
    dn = DiscreteNetwork(2, 2, 1.0, (l1, l2))
    net = compile_netlist(dn)
    # the pass-through gates are wires and the TRUE gate is never built: only NOTs,
    # the popcount/comparator logic, and no AND/XOR for layer gates beyond those
    assert net.gate_counts().get("A", 0) == 0 and net.gate_counts().get("TRUE", 0) == 0
    aig = compile_network(dn)
    assert aig.num_ands == 0  # class = argmax(x0, ~x0) = ~x0 after folding
    x = np.array([[a, b] for a in (0, 1) for b in (0, 1)], bool)
    assert decode_class(evaluate(aig, x)).tolist() == dn.predict(x).tolist() == [1, 1, 0, 0]

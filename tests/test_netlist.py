import numpy as np
import pytest

from circuitlab.errors import CircuitError
from circuitlab.netlist import Netlist, gate_truth
from circuitlab.sim import evaluate
from helpers import random_aig

# difflogic's real-valued relaxations, evaluated on {0,1}: the numbering reference
DIFFLOGIC = [
    lambda a, b: 0 * a,
    lambda a, b: a * b,
    lambda a, b: a - a * b,
    lambda a, b: a,
    lambda a, b: b - a * b,
    lambda a, b: b,
    lambda a, b: a + b - 2 * a * b,
    lambda a, b: a + b - a * b,
    lambda a, b: 1 - (a + b - a * b),
    lambda a, b: 1 - (a + b - 2 * a * b),
    lambda a, b: 1 - b,
    lambda a, b: 1 - b + a * b,
    lambda a, b: 1 - a,
    lambda a, b: 1 - a + a * b,
    lambda a, b: 1 - a * b,
    lambda a, b: 0 * a + 1,
]


def all_gates_netlist():
    net = Netlist()
    a, b, s = net.add_input("a"), net.add_input("b"), net.add_input("s")
    for op in range(16):
        net.add_output(net.add_gate(op, a, b), f"g{op}")
    net.add_output(net.add_not(a), "not")
    net.add_output(net.add_buf(b), "buf")
    net.add_output(net.add_mux(s, a, b), "mux")
    net.add_output(Netlist.TRUE, "one")
    return net


def test_gate_numbering_matches_difflogic():
    a = np.array([0, 0, 1, 1])
    b = np.array([0, 1, 0, 1])
    for op in range(16):
        assert gate_truth(op, a, b).astype(int).tolist() == DIFFLOGIC[op](a, b).tolist()


def test_netlist_lowers_to_equal_aig():
    net = all_gates_netlist()
    vec = np.array([[(k >> i) & 1 for i in range(3)] for k in range(8)], bool)
    aig = net.to_aig()
    assert (evaluate(aig, vec) == net.evaluate(vec)).all()
    assert aig.output_names[-1] == "one" and aig.outputs[-1] == 1


@pytest.mark.parametrize("op", range(16))
def test_each_gate_lowers_to_fewest_ands(op):
    """One AND for every gate with one or three true minterms, three for XOR/XNOR."""
    net = Netlist()
    a, b = net.add_input("a"), net.add_input("b")
    net.add_output(net.add_gate(op, a, b))
    aig = net.to_aig()
    vec = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], bool)
    assert (
        evaluate(aig, vec)[:, 0].astype(int).tolist()
        == DIFFLOGIC[op](vec[:, 0].astype(int), vec[:, 1].astype(int)).tolist()
    )
    ones = bin(op).count("1")
    assert aig.num_ands == {0: 0, 1: 1, 2: 3 if op in (6, 9) else 0, 3: 1, 4: 0}[ones]  # 2: XOR or a literal


def test_from_aig_roundtrip():
    aig = random_aig(8, 6, 50, 3)
    net = Netlist.from_aig(aig)
    vec = np.random.default_rng(0).random((100, 6)) < 0.5
    assert (net.evaluate(vec) == evaluate(aig, vec)).all()
    assert (evaluate(net.to_aig(), vec) == evaluate(aig, vec)).all()


def test_bad_gate_and_fanin():
    net = Netlist()
    a = net.add_input()
    with pytest.raises(CircuitError):
        net.add_gate(16, a, a)
    with pytest.raises(CircuitError):
        net.add_gate(1, a, 99)

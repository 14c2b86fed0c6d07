"""SAT sweeping: merges only proven equivalences, collapses equivalent miters."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aig import AIGBuilder
from circuitlab.aiger import read_aiger
from circuitlab.errors import CircuitError
from circuitlab.miter import miter
from circuitlab.netlist import Netlist
from circuitlab.sim import evaluate
from circuitlab.solvers import SAT, UNSAT, check_equivalence
from circuitlab.solvers.sweep import sweep
from helpers import EXAMPLES, random_aig


def exhaustive(n):
    return np.array(list(itertools.product([0, 1], repeat=n)), dtype=bool)


def random_netlist_aig(seed, n_in, n_gates, n_out):
    """Random two-input gates of every non-trivial kind (XOR-rich, unlike random ANDs,
    which mostly collapse to constants)."""
    rng = np.random.default_rng(seed)
    net = Netlist()
    nodes = [net.add_input(f"x{k}") for k in range(n_in)]
    for _ in range(n_gates):
        op = int(rng.choice([1, 2, 4, 6, 7, 8, 9, 11, 13, 14]))
        x, y = rng.choice(len(nodes), 2, replace=False)
        nodes.append(net.add_gate(op, nodes[x], nodes[y]))
    for k in range(n_out):
        net.add_output(nodes[-1 - k])
    return net.to_aig()


def redundant_aig(seed, n_in=12):
    """A random AIG's outputs next to a twin of its logic in which every other AND is
    rebuilt as ``AND(AND(x, y), OR(x, y))``: the same function, another structure, so
    sweeping has real equivalences to find (and strashing alone cannot merge them)."""
    a = random_netlist_aig(seed, n_in, 40, 3)
    b = AIGBuilder()
    xs = [b.input(f"x{k}") for k in range(n_in)]
    first = a.first_and_var
    copies = []
    for twist in (False, True):
        lit = {0: 0, **{k + 1: xs[k] for k in range(n_in)}}
        for j, (l0, l1) in enumerate(a.ands.tolist()):
            x, y = lit[l0 >> 1] ^ (l0 & 1), lit[l1 >> 1] ^ (l1 & 1)
            lit[first + j] = b.and_(b.and_(x, y), b.or_(x, y)) if twist and j % 2 else b.and_(x, y)
        copies.append([lit[o >> 1] ^ (o & 1) for o in a.outputs.tolist()])
    for outs in copies:
        for o in outs:
            b.output(o)
    return b.build()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_sweep_keeps_the_function(seed):
    aig = redundant_aig(seed)
    out, stats = sweep(aig, words=1)  # few patterns: many candidates, some refuted
    vec = exhaustive(aig.num_inputs)
    assert (evaluate(out, vec) == evaluate(aig, vec)).all()
    assert out.num_inputs == aig.num_inputs and out.num_outputs == aig.num_outputs
    assert stats.proved + stats.refuted + stats.undecided == stats.candidates
    assert out.num_ands <= aig.num_ands


def test_equivalent_miter_collapses_to_constant():
    a, b = read_aiger(EXAMPLES / "bar.aig"), read_aiger(EXAMPLES / "bar_dc2.aig")
    out, stats = sweep(miter(a, b))
    assert out.num_ands == 0 and out.outputs.tolist() == [0]
    assert stats.complete and stats.proved > 1000


def test_buggy_miter_keeps_its_difference():
    a, b = read_aiger(EXAMPLES / "i2c.aig"), read_aiger(EXAMPLES / "i2c_bug.aig")
    out, stats = sweep(miter(a, b))
    assert out.outputs.tolist() != [0] and stats.refuted + stats.undecided > 0
    res = check_equivalence(a, b)
    assert res.status == SAT and res.differing_outputs


def test_lec_with_and_without_sweep_agree():
    a, b = read_aiger(EXAMPLES / "i2c.aig"), read_aiger(EXAMPLES / "i2c_dc2.aig")
    swept, plain = check_equivalence(a, b), check_equivalence(a, b, engine="cdcl")
    assert swept.status == plain.status == UNSAT
    assert swept.sweep["ands_after"] == 0 and plain.sweep is None


def test_a_proof_turns_sweeping_off(tmp_path):
    a, b = read_aiger(EXAMPLES / "i2c.aig"), read_aiger(EXAMPLES / "i2c_dc2.aig")
    res = check_equivalence(a, b, proof=str(tmp_path / "p.drat"), check_proof=True)
    assert res.status == UNSAT and res.proof_verified and res.sweep is None


def test_conflict_budget_bounds_the_sweep():
    a, b = read_aiger(EXAMPLES / "bar.aig"), read_aiger(EXAMPLES / "bar_dc2.aig")
    _, stats = sweep(miter(a, b), max_conflicts=0)
    assert not stats.complete and stats.proved == 0


def test_sequential_aig_is_refused():
    with pytest.raises(CircuitError, match="combinational"):
        sweep(random_aig(1, 3, 10, 1, latches=1))

"""Guidance: phases, priorities (IPASIR-UP decide / activities) and decision callbacks."""

from __future__ import annotations

import time

import numpy as np
import pytest
from pysat.examples.genhard import PHP

from circuitlab.aiger import read_aiger
from circuitlab.solvers import SAT, UNSAT, DecisionPropagator, Guidance, Solver, SolverOptionError, check_equivalence
from helpers import EXAMPLES

N = 30
PAIRS = [[2 * i + 1, 2 * i + 2] for i in range(N)]  # x1|x2, x3|x4, ...: any one of each pair


def _phases(pick):
    """Per pair: pick[i] = 1 prefers (odd true, even false), 0 the opposite."""
    out = []
    for i, p in enumerate(pick):
        a, b = 2 * i + 1, 2 * i + 2
        out += [a, -b] if p else [-a, b]
    return out


@pytest.mark.parametrize("name", ["cadical195", "glucose4", "minisat22"])
def test_phases_decide_the_model(name):
    """Every pair is satisfied by the preferred phases, so a solver that follows them
    returns exactly them."""
    pick = np.random.default_rng(1).integers(2, size=N)
    want = _phases(pick)
    with Solver(name, PAIRS, guidance=Guidance(phases=want)) as s:
        r = s.solve()
    assert r.status == SAT and sorted(r.model, key=abs) == sorted(want, key=abs)


@pytest.mark.parametrize("first", ["odd", "even"])
def test_priorities_route_decisions_through_the_propagator(first):
    """All phases prefer 0; whichever variable of a pair is decided first becomes 0 and
    forces the other to 1, so the model shows the decision order."""
    top = [2 * i + (1 if first == "odd" else 2) for i in range(N)]
    g = Guidance(phases=[-v for v in range(1, 2 * N + 1)], priorities={v: 1.0 + v for v in top})
    with Solver("cadical195", PAIRS, guidance=g) as s:
        r = s.solve()
    assert r.status == SAT and r.stats.guided_decisions == N
    assert all(lit < 0 for lit in r.model if abs(lit) in set(top))
    assert all(lit > 0 for lit in r.model if abs(lit) not in set(top))


@pytest.mark.parametrize("name", ["glucose4", "minisat22"])
def test_priorities_become_activities_elsewhere(name):
    g = Guidance(priorities={v: float(v) for v in range(1, 2 * N + 1)})
    with Solver(name, PAIRS, guidance=g) as s:
        assert s.solve().status == SAT
    with Solver(name, PHP(5), guidance=Guidance(priorities={1: 5.0, 2: 3.0})) as s:
        assert s.solve().status == UNSAT


def test_decide_callback_sees_the_assignment_and_steers():
    calls = []

    def decide(state):
        calls.append(state.level)
        for v in range(1, 2 * N + 1):
            if not state.is_assigned(v):
                assert state.value(v) is None
                return v  # always true
        return 0

    with Solver("cadical195", PAIRS, guidance=Guidance(decide=decide)) as s:
        r = s.solve()
    assert r.status == SAT and len(calls) >= N
    assert r.stats.guided_decisions == 2 * N and all(lit > 0 for lit in r.model)


@pytest.mark.parametrize("bad", [lambda st: 1, lambda st: 10_000, lambda st: 0, lambda st: -3])
def test_useless_callback_answers_do_not_change_answers(bad):
    with Solver("cadical195", PHP(5), guidance=Guidance(decide=bad)) as s:
        assert s.solve().status == UNSAT
    with Solver("cadical195", PAIRS, guidance=Guidance(decide=bad)) as s:
        assert s.solve().status == SAT


@pytest.mark.parametrize("child", [False, True])
def test_callback_errors_are_reraised(child):
    def broken(state):
        raise ZeroDivisionError("bad model")

    with (
        Solver("cadical195", PAIRS, guidance=Guidance(decide=broken)) as s,
        pytest.raises(ZeroDivisionError, match="bad model"),
    ):
        s.solve(deadline=time.monotonic() + 30 if child else None)


@pytest.mark.parametrize("name", ["cadical195", "glucose4", "minisat22"])
def test_guidance_never_changes_a_verdict(name):
    """Random phases and priorities on real miters: same answers, verified as usual."""
    a = read_aiger(EXAMPLES / "i2c.aig")
    rng = np.random.default_rng(7)
    m = a.max_var * 2 + 8  # comfortably covers the miter's variables
    for other, want in (("i2c_dc2.aig", UNSAT), ("i2c_bug.aig", SAT)):
        g = Guidance(
            phases=[int(v) * (1 if rng.random() < 0.5 else -1) for v in range(1, m)],
            priorities={int(v): float(rng.random()) for v in rng.choice(np.arange(1, m), 20)},
        )
        r = check_equivalence(a, read_aiger(EXAMPLES / other), backend=name, guidance=g, engine="cdcl")
        assert r.status == want


def test_from_aig_shifts_variables_by_one():
    g = Guidance.from_aig(phases=np.array([0, 1, -1, 0]), priorities=np.array([np.nan, 2.0, np.inf, 0.5]), observe=[3])
    assert g.phases == [2, -3]
    assert g.priorities == {2: 2.0, 4: 0.5}
    assert g.observe == [4]


def test_bad_guidance_is_a_typed_error():
    with pytest.raises(SolverOptionError, match="0 is not a literal"):
        Guidance(phases=[1, 0])
    with pytest.raises(SolverOptionError, match="finite"):
        Guidance(priorities={1: float("nan")})
    with pytest.raises(SolverOptionError, match="callable"):
        Guidance(decide=42)


def test_propagator_tracks_levels_backtracks_and_fixed_literals():
    g = Guidance(phases=[-3], priorities={1: 1.0, 2: 2.0, 3: 3.0})
    p = DecisionPropagator(g, g.observed(3))
    assert p.decide() == -3  # highest priority first, preferred phase
    p.on_new_level()
    p.on_assignment(-3)
    assert p.decide() == 2
    p.on_new_level()
    p.on_assignment(2)
    p.on_assignment(1, fixed=True)  # a root-level unit: never undone
    assert p.decide() == 0  # all observed variables assigned
    p.on_backtrack(1)  # undo level 2: var 2 is free again
    assert p.state.value(2) is None and p.state.value(3) is False and p.state.value(1) is True
    assert p.decide() == 2
    p.on_backtrack(0)
    assert p.decide() == -3 and p.state.value(1) is True

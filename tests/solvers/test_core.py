"""solve_cnf / solve_aig / check_equivalence: certified answers only."""

from __future__ import annotations

import numpy as np
import pytest
from pysat.examples.genhard import PHP
from pysat.formula import CNF

from circuitlab.aig import AIGBuilder
from circuitlab.aiger import read_aiger
from circuitlab.errors import InterfaceMismatchError
from circuitlab.sim import evaluate
from circuitlab.solvers import (
    SAT,
    UNKNOWN,
    UNSAT,
    InternalSolverError,
    SolveOptions,
    Solver,
    SolveResult,
    check_equivalence,
    model_satisfies,
    solve_aig,
    solve_cnf,
)
from helpers import EXAMPLES, random_aig


def test_model_satisfies():
    clauses = [[1, -2], [2, 3], [-3]]
    assert model_satisfies(clauses, [1, 2, -3])
    assert not model_satisfies(clauses, [1, -2, -3])
    assert model_satisfies(clauses, [1, 2]) is True  # unlisted x3 reads false
    assert not model_satisfies([[3]], [1, 2])
    assert not model_satisfies([[1], []], [1])  # an empty clause is never satisfied
    assert model_satisfies([], [])


@pytest.mark.parametrize("seed", range(6))
def test_solve_aig_inputs_set_an_output(seed):
    aig = random_aig(seed, n_in=8, n_and=40, n_out=3)
    r = solve_aig(aig)
    if r.status == SAT:
        assert evaluate(aig, r.inputs).any()
    else:  # UNSAT: every output is constant 0, so exhaustive simulation agrees
        vecs = (np.arange(256)[:, None] >> np.arange(8)) & 1
        assert r.status == UNSAT and not evaluate(aig, vecs.astype(bool)).any()


def test_constant_false_circuit_is_unsat():
    b = AIGBuilder()
    x = b.input("x")
    b.output(b.and_(x, x ^ 1), "never")
    assert solve_aig(b.build(), check_proof=True).status == UNSAT


def test_options_object_and_keywords_combine():
    aig = random_aig(3)
    r = solve_aig(aig, SolveOptions(backend="glucose4"), encoding="pg")
    assert r.backend == "glucose4" and r.stats.total_time >= r.stats.solve_time


def test_zero_timeout_answers_unknown_without_solving():
    r = solve_cnf(PHP(4), timeout=0)
    assert r.status == UNKNOWN and r.reason == "timeout"


def _lying_solve(status, model):
    def solve(self, **kw):
        return SolveResult(status, self.backend.name, model=model)

    return solve


def test_a_wrong_model_is_an_internal_error_never_an_answer(monkeypatch):
    monkeypatch.setattr(Solver, "solve", _lying_solve(SAT, [-1, -2, -3]))
    with pytest.raises(InternalSolverError, match="falsifies a clause"):
        solve_cnf(CNF(from_clauses=[[1, 2], [3]]))
    b = AIGBuilder()
    b.output(b.and_(b.input(), b.input()))
    with pytest.raises(InternalSolverError, match="sets no output"):
        solve_aig(b.build())


def test_a_rejected_proof_is_an_internal_error(monkeypatch):
    monkeypatch.setattr(Solver, "proof", lambda self: ["0"])  # claims the empty clause at once
    with pytest.raises(InternalSolverError, match="dratify rejected"):
        solve_cnf(PHP(4), check_proof=True)


def test_a_counterexample_that_does_not_separate_is_an_internal_error(monkeypatch):
    a = read_aiger(EXAMPLES / "i2c.aig")
    monkeypatch.setattr(Solver, "solve", _lying_solve(SAT, []))  # "a differs from itself"
    with pytest.raises(InternalSolverError, match="does not separate"):
        check_equivalence(a, a, engine="cdcl")


@pytest.mark.parametrize("backend", ["cadical195", "kissat404", "glucose4", "minisat22"])
def test_equivalence_and_counterexample(backend):
    a = read_aiger(EXAMPLES / "i2c.aig")
    assert check_equivalence(a, read_aiger(EXAMPLES / "i2c_dc2.aig"), backend=backend).status == UNSAT
    bug = read_aiger(EXAMPLES / "i2c_bug.aig")
    r = check_equivalence(a, bug, backend=backend)
    assert r.status == SAT and r.differing_outputs
    diff = np.flatnonzero(evaluate(a, r.inputs) != evaluate(bug, r.inputs))
    assert diff.tolist() == r.differing_outputs


def test_interface_mismatch_is_a_user_error():
    with pytest.raises(InterfaceMismatchError):
        check_equivalence(read_aiger(EXAMPLES / "ctrl.aig"), read_aiger(EXAMPLES / "dec.aig"))


def test_dimacs_answers_are_checked_both_ways():
    sat = CNF(from_clauses=[[1, 2], [-1, 2], [-2, 3]])
    r = solve_cnf(sat, backend="kissat404")
    assert r.status == SAT and model_satisfies(sat.clauses, r.model)
    r = solve_cnf(PHP(4), check_proof=True, backend="glucose4")
    assert r.status == UNSAT and r.proof_verified

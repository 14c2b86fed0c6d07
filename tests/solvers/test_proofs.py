"""DRAT proofs: dratify accepts real refutations, rejects broken ones, on real miters."""

from __future__ import annotations

import pytest
from pysat.examples.genhard import PHP

from circuitlab.aiger import read_aiger
from circuitlab.cli import main
from circuitlab.cnf import read_dimacs
from circuitlab.solvers import UNSAT, Solver, check_drat, check_equivalence, write_proof

# 12 equivalent miters proved by CaDiCaL, 3 by Glucose: every proof checked by dratify
CADICAL_PROVED = [f"{c}:{s}" for c in ("ctrl", "int2float", "router", "dec", "adder", "i2c") for s in ("dc2", "resyn2")]
GLUCOSE_PROVED = ["ctrl:dc2", "int2float:resyn2", "router:dc2"]


def _proof(name, cnf):
    with Solver(name, cnf, proof=True) as s:
        assert s.solve().status == UNSAT
        return s.proof()


@pytest.mark.parametrize("name", ["cadical195", "glucose4"])
def test_real_refutations_are_accepted(name):
    cnf = PHP(5)
    chk = check_drat(cnf.clauses, _proof(name, cnf), cnf.nv)
    assert chk.ok and chk.steps > 0 and chk.rup > 0 and chk.time > 0


def test_a_proof_without_the_empty_clause_is_rejected():
    cnf = PHP(5)
    lines = [x for x in _proof("cadical195", cnf) if x.strip() != "0"]
    assert not check_drat(cnf.clauses, lines, cnf.nv).ok


def test_a_refutation_of_a_satisfiable_formula_is_rejected():
    clauses = [[1, 2], [-1, 3], [-2, -3]]
    assert not check_drat(clauses, ["1 0", "0"], 3).ok
    assert not check_drat(clauses, "0\n", 3).ok


def test_a_tampered_lemma_is_rejected():
    cnf = PHP(5)
    lines = _proof("cadical195", cnf)
    bogus = ["1 0"]  # x1 alone is not implied by the pigeonhole clauses
    assert not check_drat(cnf.clauses, bogus + lines, cnf.nv).ok


@pytest.mark.parametrize(
    "backend, name", [("cadical195", n) for n in CADICAL_PROVED] + [("glucose4", n) for n in GLUCOSE_PROVED]
)
def test_miter_proofs_are_checked(backend, name, miter_set, tmp_path):
    inst = miter_set[name]
    assert inst.equivalent
    path = tmp_path / "proof.drat"
    r = check_equivalence(read_aiger(inst.a), read_aiger(inst.b), backend=backend, proof=str(path), check_proof=True)
    assert r.status == UNSAT and r.proof_verified is True
    assert r.stats.check_time is not None and r.stats.check_time > 0
    assert len(path.read_text().splitlines()) == r.proof_steps


def test_lec_proof_checks_against_the_documented_cnf(miter_set, tmp_path, capsys):
    """The proof of `lec --proof` refutes exactly `circuitlab miter` + `circuitlab cnf`."""
    inst = miter_set["router:resyn2"]
    m, cnf, proof = tmp_path / "m.aig", tmp_path / "m.cnf", tmp_path / "p.drat"
    assert main(["lec", str(inst.a), str(inst.b), "--proof", str(proof)]) == 0
    assert main(["miter", str(inst.a), str(inst.b), "-o", str(m)]) == 0
    assert main(["cnf", str(m), "-o", str(cnf)]) == 0
    formula = read_dimacs(cnf)
    assert check_drat(formula.clauses, proof.read_text(), formula.nv).ok


def test_write_proof_is_atomic(tmp_path):
    path = tmp_path / "p.drat"
    write_proof(path, ["1 2 0", "d 1 2 0", "0"])
    assert path.read_text() == "1 2 0\nd 1 2 0\n0\n"
    assert [p.name for p in tmp_path.iterdir()] == ["p.drat"]

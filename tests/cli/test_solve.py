"""`circuitlab solve` and `circuitlab lec`: options, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest
from pysat.examples.genhard import PHP

from circuitlab.cli import main
from circuitlab.cnf import dimacs_text, read_dimacs
from circuitlab.solvers import check_drat, model_satisfies
from helpers import EXAMPLES

I2C, I2C_DC2, I2C_BUG = (str(EXAMPLES / f) for f in ("i2c.aig", "i2c_dc2.aig", "i2c_bug.aig"))


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def unsat_cnf(tmp_path):
    path = tmp_path / "php4.cnf"
    path.write_text(dimacs_text(PHP(4)))
    return str(path)


@pytest.fixture
def sat_cnf(tmp_path):
    path = tmp_path / "sat.cnf"
    path.write_text("c three clauses\np cnf 3 3\n1 2 0\n-1 3 0\n-2 -3 0\n")
    return str(path)


@pytest.mark.parametrize("backend", ["cadical195", "kissat404", "glucose4", "minisat22"])
def test_solve_dimacs_exit_codes(capsys, backend, sat_cnf, unsat_cnf):
    code, out, _ = run(capsys, "solve", sat_cnf, "--backend", backend)
    assert code == 10 and out.startswith("s SATISFIABLE")
    model = [int(x) for x in out.splitlines()[1].split()[1:-1]]
    assert model_satisfies(read_dimacs(sat_cnf).clauses, model)
    code, out, _ = run(capsys, "solve", unsat_cnf, "--backend", backend)
    assert code == 20 and out.startswith("s UNSATISFIABLE")


def test_solve_aiger_json(capsys):
    code, out, _ = run(capsys, "solve", str(EXAMPLES / "ctrl.aig"), "--json", "--backend", "glucose4")
    d = json.loads(out)
    assert code == 10 and d["status"] == "SAT" and d["backend"] == "glucose4"
    assert len(d["inputs"]) == 7 and d["stats"]["conflicts"] is not None


def test_solve_with_proof_file_and_check(capsys, tmp_path, unsat_cnf):
    proof = tmp_path / "php.drat"
    code, out, _ = run(capsys, "solve", unsat_cnf, "--proof", str(proof), "--check-proof")
    assert code == 20 and "verified by dratify" in out
    cnf = read_dimacs(unsat_cnf)
    assert check_drat(cnf.clauses, proof.read_text(), cnf.nv).ok


def test_no_proof_file_for_a_sat_answer(capsys, tmp_path, sat_cnf):
    proof = tmp_path / "none.drat"
    assert run(capsys, "solve", sat_cnf, "--proof", str(proof))[0] == 10
    assert not proof.exists()


def test_solve_limits_give_unknown(capsys, tmp_path):
    hard = tmp_path / "php10.cnf"
    hard.write_text(dimacs_text(PHP(10)))
    code, out, _ = run(capsys, "solve", str(hard), "--conflicts", "100", "--json")
    assert code == 0 and json.loads(out)["reason"] == "conflicts"
    code, out, _ = run(capsys, "solve", str(hard), "--timeout", "0.5", "--backend", "kissat404")
    assert code == 0 and out.startswith("s UNKNOWN") and "c unknown: timeout" in out


def test_lec_verdicts_and_exit_codes(capsys):
    code, out, _ = run(capsys, "lec", I2C, I2C_DC2, "--check-proof")
    assert code == 0 and out.splitlines()[0] == "EQUIVALENT" and "verified by dratify" in out
    code, out, _ = run(capsys, "lec", I2C, I2C_BUG, "--backend", "minisat22")
    assert code == 1 and out.splitlines()[0] == "NOT EQUIVALENT"
    assert "counterexample" in out and "verified by simulating both circuits" in out
    code, out, _ = run(capsys, "lec", I2C, I2C_DC2, "--timeout", "0", "--json")
    d = json.loads(out)
    assert code == 3 and d["verdict"] == "UNKNOWN" and d["reason"] == "timeout"


def test_lec_json_counterexample(capsys):
    code, out, _ = run(capsys, "lec", I2C, I2C_BUG, "--json", "--backend", "kissat404")
    d = json.loads(out)
    assert code == 1 and d["verdict"] == "NOT EQUIVALENT" and d["differing_outputs"]
    assert len(d["counterexample"]) == 147


BAD_DIMACS = {
    "header": "p cnf x 2\n1 0\n2 0\n",
    "no_header": "1 2 0\n",
    "clause": "p cnf 2 1\n1 a 0\n",
    "range": "p cnf 2 1\n1 3 0\n",
    "count": "p cnf 2 2\n1 2 0\n",
    "unterminated": "p cnf 2 1\n1 2\n",
}


@pytest.mark.parametrize("kind", sorted(BAD_DIMACS))
def test_malformed_dimacs_is_one_line_exit_2(capsys, tmp_path, kind):
    path = tmp_path / f"{kind}.cnf"
    path.write_text(BAD_DIMACS[kind])
    code, out, err = run(capsys, "solve", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("circuitlab: error:")


@pytest.mark.parametrize(
    "argv, match",
    [
        (["solve", I2C, "--backend", "zchaff"], "unknown backend 'zchaff'"),
        (["lec", I2C, I2C_DC2, "--backend", "zchaff"], "unknown backend"),
        (["solve", I2C, "--timeout", "-1"], "--timeout must be a non-negative"),
        (["lec", I2C, I2C_DC2, "--timeout", "-0.5"], "--timeout must be a non-negative"),
        (["solve", I2C, "--conflicts", "-2"], "--conflicts must be a non-negative"),
        (["lec", I2C, I2C_DC2, "--backend", "kissat404", "--check-proof"], "'kissat404' does not support DRAT"),
        (["solve", I2C, "--proof", "/no/such/dir/p.drat"], "does not exist"),
        (["lec", I2C, str(EXAMPLES / "ctrl.aig")], "counts differ"),
    ],
)
def test_bad_requests_are_one_line_exit_2(capsys, argv, match):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and match in err


def test_lec_json_exit_code_phases_and_matching(tmp_path):
    import subprocess
    import sys

    from circuitlab.aiger import read_aiger, write_aiger

    unnamed = read_aiger(I2C_BUG)
    unnamed.input_names = [None] * unnamed.num_inputs
    unnamed.output_names = [None] * unnamed.num_outputs
    write_aiger(unnamed, tmp_path / "unnamed.aig")
    for b, want in ((I2C_DC2, 0), (str(tmp_path / "unnamed.aig"), 1)):
        r = subprocess.run(
            [sys.executable, "-m", "circuitlab.cli", "lec", I2C, b, "--json"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        out = json.loads(r.stdout)
        assert r.returncode == out["exit_code"] == want
        assert set(out["phases"]) == {"read_s", "check_s", "search_s"}
        assert out["time_s"] >= out["phases"]["read_s"] + out["phases"]["check_s"] - 1e-3
        if want == 1:
            assert out["matched_by"] == {"inputs": "position", "outputs": "position"}
            assert "matched by position" in r.stderr
            assert out["counterexample_inputs"]["pi000"] in (0, 1)
        else:
            assert out["matched_by"] == {"inputs": "name", "outputs": "name"} and r.stderr == ""


def test_backends_table(capsys):
    code, out, _ = run(capsys, "backends", "--json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert code == 0 and rows["circuitlab"]["filter"] and not rows["kissat404"]["proof"]
    assert sum(r["default"] for r in rows.values()) == 1
    code, out, _ = run(capsys, "backends")
    assert code == 0 and "cadical195" in out and "phases" in out

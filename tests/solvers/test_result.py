"""SolveResult and SolveStats: codes, JSON and the CLI's comment lines."""

from __future__ import annotations

import json

import numpy as np

from circuitlab.solvers import SAT, UNKNOWN, UNSAT, SolveResult, SolveStats


def test_status_codes_are_the_competition_exit_codes():
    assert (SAT, UNSAT, UNKNOWN) == (10, 20, 0)
    assert SolveResult(SAT, "x").name == "SAT" and SolveResult(UNKNOWN, "x").name == "UNKNOWN"


def test_json_of_a_sat_answer():
    r = SolveResult(
        SAT,
        "glucose4",
        SolveStats(conflicts=3, decisions=5, solve_time=0.25),
        model=[1, -2],
        inputs=np.array([True, False, True]),
    )
    d = json.loads(json.dumps(r.to_json()))
    assert d["status"] == "SAT" and d["exit_code"] == 10 and d["backend"] == "glucose4"
    assert d["inputs"] == "101" and d["stats"]["conflicts"] == 3 and d["time_s"] == 0.25
    assert "reason" not in d and "proof" not in d


def test_json_and_comments_of_unknown_and_proved_answers():
    u = SolveResult(UNKNOWN, "kissat404", SolveStats(solve_time=5.0), reason="timeout")
    assert u.to_json()["reason"] == "timeout"
    assert u.comment_lines()[0] == "c unknown: timeout"
    assert "conflicts" not in u.comment_lines()[-1]  # Kissat exposes no counters
    p = SolveResult(
        UNSAT,
        "cadical195",
        SolveStats(conflicts=9, check_time=0.5),
        proof_steps=12,
        proof_verified=True,
        proof_file="p.drat",
    )
    assert p.to_json()["proof"] == {"file": "p.drat", "steps": 12, "verified": True, "check_time_s": 0.5}
    assert any("12 lines, written to p.drat, verified by dratify" in x for x in p.comment_lines())
    assert "conflicts 9" in p.comment_lines()[-1]

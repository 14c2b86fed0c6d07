"""The Solver: one class over four backends, limits, proofs, Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from pysat.examples.genhard import PHP
from pysat.formula import CNF

from circuitlab.solvers import (
    BACKENDS,
    SAT,
    UNKNOWN,
    UNSAT,
    Solver,
    SolverOptionError,
    check_drat,
    get_backend,
    model_satisfies,
)

ALL = sorted(BACKENDS)
SAT_CLAUSES = [[1, 2, 3], [-1, -2], [-2, -3], [-1, -3], [2, 3]]
UNSAT_CLAUSES = [[1, 2], [-1, 2], [1, -2], [-1, -2]]


@pytest.mark.parametrize("name", ALL)
def test_sat_and_unsat(name):
    with Solver(name, SAT_CLAUSES) as s:
        r = s.solve()
        assert r.status == SAT and r.backend == name
        assert model_satisfies(SAT_CLAUSES, r.model)
    with Solver(name, CNF(from_clauses=UNSAT_CLAUSES)) as s:
        assert s.num_vars == 2
        assert s.solve().status == UNSAT


@pytest.mark.parametrize("name", ALL)
def test_stats_where_the_backend_has_them(name):
    with Solver(name, PHP(5)) as s:
        r = s.solve()
    assert r.status == UNSAT and r.stats.solve_time > 0
    if get_backend(name).stats:
        assert r.stats.conflicts > 0 and r.stats.decisions > 0 and r.stats.propagations > 0
    else:
        assert r.stats.conflicts is None


@pytest.mark.parametrize("name", ALL)
def test_conflict_limit_gives_unknown(name, hard_cnf):
    with Solver(name, hard_cnf) as s:
        r = s.solve(conflicts=50)
    assert r.status == UNKNOWN and r.reason == "conflicts"
    if name == "cadical195":  # CaDiCaL stops on the dot; Glucose only between restarts
        assert r.stats.conflicts <= 51


@pytest.mark.parametrize("name", ALL)
def test_deadline_gives_unknown_in_time(name, hard_cnf):
    with Solver(name, hard_cnf) as s:
        start = time.monotonic()
        r = s.solve(deadline=start + 0.5)
        wall = time.monotonic() - start
    assert r.status == UNKNOWN and r.reason == "timeout"
    assert wall < 2.0


def test_deadline_already_past():
    with Solver("cadical195", SAT_CLAUSES) as s:
        r = s.solve(deadline=time.monotonic() - 1)
    assert r.status == UNKNOWN and r.reason == "timeout"


@pytest.mark.parametrize("name", ["cadical195", "glucose4"])
@pytest.mark.parametrize("child", [False, True])
def test_proof_in_process_and_from_the_watchdog_child(name, child):
    cnf = PHP(4)
    with Solver(name, cnf, proof=True) as s:
        # a far deadline sends CaDiCaL's search to the watchdog child; a memory limit
        # sends any backend there
        r = s.solve(memory_mb=4096 if child else None)
        lines = s.proof()
    assert r.status == UNSAT and len(lines) > 0
    assert check_drat(cnf.clauses, lines, cnf.nv).ok


def test_answers_from_the_child_match():
    with Solver("kissat404", SAT_CLAUSES) as s:
        r = s.solve(deadline=time.monotonic() + 30)  # Kissat has no interrupt: the watchdog runs it
    assert r.status == SAT and model_satisfies(SAT_CLAUSES, r.model)


def test_proof_without_logging_is_refused():
    with Solver("cadical195", UNSAT_CLAUSES) as s:
        s.solve()
        with pytest.raises(SolverOptionError, match="not enabled"):
            s.proof()


def test_kissat_solves_once_and_closed_solvers_refuse():
    s = Solver("kissat404", SAT_CLAUSES)
    assert s.solve().status == SAT
    with pytest.raises(SolverOptionError, match="not incremental"):
        s.solve()
    s.close()
    with pytest.raises(SolverOptionError, match="closed"):
        s.solve()
    s.close()  # idempotent


def test_negative_conflicts_refused():
    with Solver("minisat22", SAT_CLAUSES) as s, pytest.raises(SolverOptionError):
        s.solve(conflicts=-1)


CTRL_C_SCRIPT = """
import sys, time
from pysat.examples.genhard import PHP
from circuitlab.solvers import Solver
backend, deadline = sys.argv[1], sys.argv[2] == "deadline"
with Solver(backend, PHP(11)) as s:
    print("ready", flush=True)
    res = s.solve(deadline=time.monotonic() + 60 if deadline else None)
print(res.name, res.reason, flush=True)
"""


@pytest.mark.parametrize(
    "name, mode", [("cadical195", "none"), ("kissat404", "none"), ("glucose4", "deadline"), ("cadical195", "deadline")]
)
def test_ctrl_c_gives_unknown(name, mode):
    """SIGINT in the middle of a search: in-process (pysat's handler), timer-interrupted
    (Glucose) and watchdog (CaDiCaL with a deadline) all end in UNKNOWN, exit 0."""
    p = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_SCRIPT, name, mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(0.7)
        start = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
    assert p.returncode == 0, err
    assert out.split() == ["UNKNOWN", "interrupted"]
    assert time.monotonic() - start < 10

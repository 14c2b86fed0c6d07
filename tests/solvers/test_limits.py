"""Limits on a hard miter (EPFL multiplier vs its dc2 copy): time, conflicts, memory."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import LEC_INSTANCES
from circuitlab.solvers import UNKNOWN, check_equivalence

MULT = LEC_INSTANCES / "multiplier.aig"
MULT_DC2 = LEC_INSTANCES / "multiplier_dc2.aig"


@pytest.fixture(scope="module")
def multiplier():
    return read_aiger(MULT), read_aiger(MULT_DC2)


@pytest.mark.slow
def test_cli_timeout_5s_answers_unknown_within_6s():
    """The whole command -- interpreter start, reading, miter, encoding, search -- ends
    in UNKNOWN (exit 3) within 6 s of wall time."""
    start = time.monotonic()
    r = _lec_cdcl("--timeout", "5")
    wall = time.monotonic() - start
    assert r.returncode == 3, r.stderr
    out = json.loads(r.stdout)
    assert out["verdict"] == "UNKNOWN" and out["reason"] == "timeout"
    assert wall <= 6.0, f"took {wall:.2f} s"


@pytest.mark.parametrize("backend", ["cadical195", "kissat404", "glucose4", "minisat22"])
def test_every_backend_stops_at_the_deadline(backend, multiplier):
    start = time.monotonic()
    r = check_equivalence(*multiplier, backend=backend, timeout=2.5, engine="cdcl")
    wall = time.monotonic() - start
    assert r.status == UNKNOWN and r.reason == "timeout"
    assert wall <= 3.5, f"took {wall:.2f} s"


def _lec_cdcl(*args):
    """``circuitlab lec MULT MULT_DC2 --json --engine cdcl ARGS`` as a process."""
    cmd = [sys.executable, "-m", "circuitlab.cli", "lec", str(MULT), str(MULT_DC2), "--json", "--engine", "cdcl"]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=120)


def test_conflict_limit_on_the_cli():
    r = _lec_cdcl("--conflicts", "200")
    assert r.returncode == 3, r.stderr
    out = json.loads(r.stdout)
    assert out["reason"] == "conflicts" and 200 <= out["stats"]["conflicts"] <= 201


_MEMORY_CHILD = """
import json
from pysat.examples.genhard import PHP
from pysat.formula import CNF
from circuitlab.solvers import solve_cnf
big = CNF(from_clauses=PHP(10).clauses + [[v, v + 1] for v in range(1000, 201000, 2)])
r = solve_cnf(big, memory_mb=1, timeout=120)
print(json.dumps([r.status, r.reason]))
"""


def test_memory_limit_gives_unknown():
    """The search runs in a child with 1 MiB of extra address space: it runs out.

    100k extra binary clauses on fresh variables make the solver allocate well over
    1 MiB while loading.  The limit caps address space, so it runs in a fresh
    interpreter: a forked pytest worker can hold hundreds of MiB of free heap, which
    the solver reuses without mapping anything new (seen in CI: the search ran to UNSAT).
    """
    r = subprocess.run([sys.executable, "-c", _MEMORY_CHILD], capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr
    status, reason = json.loads(r.stdout)
    assert status == UNKNOWN and reason == "memory"

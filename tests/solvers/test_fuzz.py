"""The differential fuzzer: a small run agrees with CaDiCaL, and the command reports it."""

from __future__ import annotations

import random
import subprocess
import sys

from circuitlab.solvers.fuzz import FAMILIES, draw_options, run


def test_small_run_has_no_disagreement():
    rep = run(seed=5, count=150, proofs=25)
    assert rep.disagreements == 0
    assert rep.instances == 150 and rep.sat + rep.unsat == 150
    assert rep.models_checked == rep.sat and rep.proofs_checked == 25
    assert set(rep.families) == {f.__name__ for f in FAMILIES}


def test_families_are_deterministic_per_seed():
    for family in FAMILIES:
        a = family(random.Random(3))
        b = family(random.Random(3))
        assert a == b


def test_options_are_drawn_from_the_table():
    rng = random.Random(0)
    assert any(draw_options(rng) for _ in range(10))


def test_command_line(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "circuitlab.benchmarks.fuzz_engine", "--seed", "2", "--count", "30", "--proofs", "5"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "30 instances" in r.stdout and "0 disagreements" in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "circuitlab.benchmarks.fuzz_engine", "--count", "-1"], capture_output=True, text=True
    )
    assert r.returncode == 2 and "non-negative" in r.stderr

"""Difference windows (solvers/window.py): relaxations of a swept miter, checked before the whole."""

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab import generators
from circuitlab.aig import AIG, AIGBuilder
from circuitlab.aiger import write_aiger
from circuitlab.miter import miter
from circuitlab.mutate import flip_fanin
from circuitlab.sim import lit_values, random_patterns, simulate
from circuitlab.solvers import SAT, UNSAT, check_equivalence
from circuitlab.solvers.core import solve_aig
from circuitlab.solvers.window import difference_region, windows, xor_operands
from helpers import random_aig

# a sweep too weak to prove multipliers, so that their difference is left to the final check
WEAK = {"rounds": 1, "query_conflicts": 1, "output_conflicts": 1, "bughunt_conflicts": 0, "cut_leaves": 0}


def shared_front(n_in: int = 24, depth: int = 150, width: int = 12, seed: int = 0) -> tuple[AIGBuilder, list[int]]:
    """A builder holding ``depth`` random gates ``x XOR (y AND z)`` over ``n_in`` inputs, each
    over three of the 30 signals before it (so the last ones need almost all of them and
    stay balanced, neither constant nor equal); ``width`` of them to build on."""
    rng = np.random.default_rng(seed)
    b = AIGBuilder()
    lits = [b.input(f"x{k}") for k in range(n_in)]
    for _ in range(depth):
        x, y, z = (
            lits[len(lits) - 1 - int(k)] ^ int(rng.integers(2))
            for k in rng.choice(min(30, len(lits)), 3, replace=False)
        )
        lits.append(b.xor_(x, b.and_(y, z)))
    return b, lits[-width:]


def multiplier_on(front_seed: int, mult: AIG) -> AIG:
    """``mult`` applied to signals of a deep shared front: a pair of these differs only in ``mult``."""
    b, sig = shared_front(seed=front_seed)
    for k, o in enumerate(b.add_aig(mult, sig[: mult.num_inputs])):
        b.output(o, f"p{k}")
    return b.build()


def per_output_miter(a: AIG, b: AIG) -> AIG:
    return miter(a, b, per_output=True)


def test_xor_operands_finds_the_miter_xor_and_nothing_else():
    b = AIGBuilder()
    x, y, z = b.input(), b.input(), b.input()
    b.output(b.xor_(x, b.and_(y, z)))
    b.output(b.and_(x, y))
    aig = b.build()
    assert xor_operands(aig, int(aig.outputs[0])) is not None
    assert set(xor_operands(aig, int(aig.outputs[0]))) == {x >> 1, b.and_(y, z) >> 1}
    assert xor_operands(aig, int(aig.outputs[1])) is None
    assert xor_operands(aig, 2) is None  # an input


def test_the_difference_region_is_what_one_half_alone_uses():
    m = per_output_miter(
        multiplier_on(1, generators.array_multiplier(4)), multiplier_on(1, generators.wallace_multiplier(4))
    )
    region, cone = difference_region(m)
    first = m.first_and_var
    assert 0 < region.sum() < cone.sum() and not region[:first].any()
    # the shared front (strashed together in the miter) is outside the region
    front, _ = shared_front(seed=1)
    assert cone.sum() > front.num_ands / 2 and region.sum() < cone.sum() - front.num_ands / 2


def test_a_window_proves_a_pair_that_differs_only_in_its_multiplier():
    a = multiplier_on(2, generators.array_multiplier(4))
    b = multiplier_on(2, generators.wallace_multiplier(4))
    ws = list(windows(per_output_miter(a, b)))
    assert ws, "the multipliers are a small part of the cone: there must be windows"
    assert [w.levels for w in ws] == sorted(w.levels for w in ws)
    assert all(w.ands <= w.cone_ands / 2 for w in ws)
    # multiplication agrees for any operands, so even the smallest window is UNSAT
    assert solve_aig(ws[0].aig, backend="cadical195").status == UNSAT


def test_no_window_of_a_real_difference_is_unsat():
    a = multiplier_on(3, generators.array_multiplier(4))
    bug = multiplier_on(3, flip_fanin(generators.wallace_multiplier(4), 5))
    m = per_output_miter(a, bug)
    ws = list(windows(m))
    assert ws
    for w in ws:  # a relaxation of a satisfiable miter is satisfiable
        assert solve_aig(w.aig, backend="cadical195").status == SAT


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_a_window_computes_the_miter_from_its_leaves(seed):
    """Fed the leaves' real values, a window's output is the OR of the miter's outputs."""
    a = random_aig(seed, n_in=8, n_and=300, n_out=4)
    b = flip_fanin(a, a.num_ands - 1 - seed % 40, seed % 2)  # a change near the outputs
    m = per_output_miter(a, b)
    vals = simulate(m, random_patterns(m.num_inputs, 4, seed))
    want = np.bitwise_or.reduce(lit_values(vals, m.outputs), axis=0)
    for w in windows(m, levels=(1, 2, 4, 8), max_fraction=1.0):
        got = lit_values(simulate(w.aig, vals[w.leaves]), w.aig.outputs)[0]
        assert np.array_equal(got, want)
        if solve_aig(w.aig, backend="cadical195").status == UNSAT:  # sound: the miter is UNSAT too
            assert solve_aig(m, backend="cadical195").status == UNSAT


def test_no_windows_for_a_constant_output_or_a_miter_without_outputs_left():
    b = AIGBuilder()
    b.input()
    b.output(1)
    assert list(windows(b.build())) == []
    b = AIGBuilder()
    b.input()
    b.output(0)
    assert list(windows(b.build())) == []


@pytest.mark.parametrize("backend", ["cadical195", "circuitlab"])
def test_check_equivalence_reports_its_windows_and_agrees_without_them(backend):
    a = multiplier_on(4, generators.array_multiplier(5))
    b = multiplier_on(4, generators.wallace_multiplier(5))
    res = check_equivalence(a, b, backend=backend, sweep_options=WEAK)
    off = check_equivalence(a, b, backend=backend, final_windows=False, sweep_options=WEAK)
    assert res.status == off.status == UNSAT
    assert res.sweep["windows"][-1]["verdict"] == "UNSAT" and "windows" not in off.sweep
    bug = multiplier_on(4, flip_fanin(generators.wallace_multiplier(5), 7))
    res = check_equivalence(a, bug, backend=backend, sweep_options=WEAK)
    assert res.status == SAT and res.differing_outputs


def test_lec_prints_the_windows_and_no_windows_turns_them_off(tmp_path):
    pa, pb = tmp_path / "a.aig", tmp_path / "b.aig"
    write_aiger(multiplier_on(5, generators.array_multiplier(5)), pa)
    write_aiger(multiplier_on(5, generators.dadda_multiplier(5)), pb)
    weak = [x for k, v in WEAK.items() for x in ("--sweep-option", f"{k}={v}")]
    cmd = [sys.executable, "-m", "circuitlab.cli", "lec", str(pa), str(pb), *weak]
    out = subprocess.run(cmd, capture_output=True, text=True)
    assert out.returncode == 0 and "c window:" in out.stdout and "UNSAT" in out.stdout
    out = subprocess.run([*cmd, "--no-windows", "--json"], capture_output=True, text=True)
    assert out.returncode == 0 and "windows" not in json.loads(out.stdout)["sweep"]


def test_a_stopped_window_stops_the_check(monkeypatch):
    """Ctrl-C (or the deadline) during a window ends the check: no further window, no full check."""
    from circuitlab.solvers import UNKNOWN, core
    from circuitlab.solvers.result import SolveResult, SolveStats

    calls = []

    def stopped(w, opts, seconds, guide_final):
        calls.append(w.levels)
        return SolveResult(UNKNOWN, opts.backend, SolveStats(solve_time=0.5), reason="interrupted")

    monkeypatch.setattr(core, "_window_check", stopped)
    a = multiplier_on(6, generators.array_multiplier(5))
    b = multiplier_on(6, generators.wallace_multiplier(5))
    res = check_equivalence(a, b, sweep_options=WEAK)
    assert res.status == UNKNOWN and res.reason == "interrupted" and calls == [4]
    assert res.sweep["windows"][0]["verdict"] == "UNKNOWN"

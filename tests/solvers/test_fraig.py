"""Native SAT sweeping: the C++ sweeper against the Python sweep and plain CDCL."""

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab import generators
from circuitlab.aig import AIGBuilder
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import LEC_INSTANCES
from circuitlab.errors import CircuitError
from circuitlab.miter import match_interfaces, miter
from circuitlab.mutate import flip_fanin
from circuitlab.sim import evaluate
from circuitlab.solvers import SAT, UNKNOWN, UNSAT, SolverOptionError, check_equivalence
from circuitlab.solvers.fraig import (
    SWEEP_OPTIONS,
    check_options,
    fraig,
    native_evaluate,
    native_miter,
    prove_outputs_zero,
)
from circuitlab.solvers.sweep import sweep
from helpers import EXAMPLES, random_aig

from .test_sweep import exhaustive, redundant_aig


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), words=st.sampled_from([1, 2, 16]))
def test_native_round_keeps_the_function_like_the_python_reference(seed, words):
    aig = redundant_aig(seed)
    native, stats = fraig(aig, options={"sim_words": words, "seed": seed % 1000})
    reference, ref_stats = sweep(aig, words=words)
    vec = exhaustive(aig.num_inputs)
    assert (evaluate(native, vec) == evaluate(aig, vec)).all()
    assert native.num_inputs == aig.num_inputs and native.num_outputs == aig.num_outputs
    # both prove the twin's rebuilt gates: neither keeps much more logic than the other
    assert native.num_ands <= max(reference.num_ands, aig.num_ands // 2)
    assert stats["complete"] and stats["proved"] >= 1


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6))
def test_native_miter_and_evaluate_match_the_python_reference(seed):
    a = random_aig(seed, 8, 60, 4)
    b = flip_fanin(a, seed % a.num_ands, seed % 2) if seed % 3 else a.copy()
    b.input_names = b.input_names[::-1]  # matched by name: a permutation of the inputs
    in_perm, out_perm = match_interfaces(a, b)
    vec = exhaustive(a.num_inputs)
    want = evaluate(miter(a, b, per_output=True), vec)
    got = native_miter(a, b, in_perm, out_perm)
    assert got.num_inputs == a.num_inputs and got.output_names == a.output_names
    assert (evaluate(got, vec) == want).all()
    for row in vec[:: max(1, len(vec) // 16)]:
        assert (native_evaluate(a, row) == evaluate(a, row)).all()
    with pytest.raises(CircuitError, match="values"):
        native_evaluate(a, vec[0][:-1])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10**6), mutate=st.booleans())
def test_verdicts_agree_with_monolithic_cdcl(seed, mutate):
    a = redundant_aig(seed)
    b = flip_fanin(a, seed % a.num_ands, seed % 2) if mutate else a.copy()
    for engine in ("auto", "sweep"):
        got = check_equivalence(a, b, engine=engine, backend="circuitlab")
        want = check_equivalence(a, b, engine="cdcl", backend="cadical195")
        assert got.status == want.status
        if got.status == SAT:  # re-simulated by check_equivalence; check it once more here
            assert (evaluate(a, got.inputs) != evaluate(b, got.inputs)).any()


@pytest.mark.parametrize("backend", ["circuitlab", "cadical195"])
@pytest.mark.parametrize("pair", ["bar_dc2", "i2c_dc2", "i2c_bug"])
def test_example_pairs(pair, backend):
    a, b = read_aiger(EXAMPLES / f"{pair.split('_')[0]}.aig"), read_aiger(EXAMPLES / f"{pair}.aig")
    res = check_equivalence(a, b, backend=backend)
    assert res.status == (SAT if pair.endswith("bug") else UNSAT)
    assert res.sweep is not None and res.sweep["engine"] == "auto"
    if res.status == UNSAT:
        assert res.sweep["ands_after"] == 0 or backend != "circuitlab"


def test_a_difference_found_only_by_sat_is_verified():
    # 24-input AND of all inputs against constant 0: random simulation never sets it
    b = AIGBuilder()
    xs = [b.input(f"x{k}") for k in range(24)]
    b.output(b.and_many(xs), "y")
    a = b.build()
    zero = AIGBuilder()
    for k in range(24):
        zero.input(f"x{k}")
    zero.output(0, "y")
    res = check_equivalence(a, zero.build(), backend="circuitlab")
    assert res.status == SAT and res.inputs.all() and res.differing_outputs == [0]
    assert res.sweep["bughunt_calls"] >= 1


def test_constant_outputs():
    one = AIGBuilder()
    one.input("x")
    one.output(1, "y")
    res = prove_outputs_zero(one.build())
    assert res.status == SAT and res.inputs is not None and len(res.inputs) == 1
    zero = AIGBuilder()
    zero.input("x")
    zero.output(0, "y")
    assert prove_outputs_zero(zero.build()).status == UNSAT


def test_deadline_and_options():
    m = miter(read_aiger(EXAMPLES / "bar.aig"), read_aiger(EXAMPLES / "bar_dc2.aig"), per_output=True)
    res = prove_outputs_zero(m, deadline=time.monotonic() - 1, options={"bughunt_conflicts": 0})
    assert res.status == UNKNOWN and res.reason == "timeout" and not res.stats["complete"]
    with pytest.raises(SolverOptionError, match="sweep option"):
        check_options({"query_conflicts": 0})
    with pytest.raises(SolverOptionError, match="unknown sweep option"):
        check_options({"nope": 1})
    with pytest.raises(SolverOptionError, match="mode"):
        prove_outputs_zero(m, mode="fast")
    assert set(SWEEP_OPTIONS) >= {"query_conflicts", "recycle_vars", "recycle_calls", "growth"}


def test_final_zero_leaves_the_outputs_to_the_caller():
    m = miter(read_aiger(EXAMPLES / "bar.aig"), read_aiger(EXAMPLES / "bar_dc2.aig"), per_output=True)
    res = prove_outputs_zero(m, options={"final": 0, "rounds": 1, "query_conflicts": 1, "output_conflicts": 1})
    assert res.status in (UNKNOWN, UNSAT)
    assert res.reduced is not None and res.reduced.num_inputs == m.num_inputs
    vec = np.random.default_rng(0).integers(0, 2, (256, m.num_inputs)).astype(bool)
    assert not evaluate(res.reduced, vec).any()  # still a miter of equivalent circuits


def test_a_counterexample_that_does_not_separate_is_an_internal_error(monkeypatch):
    from circuitlab.solvers import InternalSolverError
    from circuitlab.solvers import fraig as fraig_module
    from circuitlab.solvers.fraig import FraigResult

    a = read_aiger(EXAMPLES / "i2c.aig")
    lie = FraigResult(
        SAT,
        inputs=np.zeros(a.num_inputs, dtype=bool),
        stats={"seconds": 0.0, "conflicts": 0, "decisions": 0, "propagations": 0},
    )
    monkeypatch.setattr(fraig_module, "prove_outputs_zero", lambda *args, **kw: lie)
    with pytest.raises(InternalSolverError, match="does not separate"):
        check_equivalence(a, a)


def test_sequential_aig_is_refused():
    with pytest.raises(CircuitError, match="combinational"):
        fraig(random_aig(1, 3, 10, 1, latches=1))


def test_proofs_and_guidance_select_monolithic(tmp_path):
    a, b = read_aiger(EXAMPLES / "i2c.aig"), read_aiger(EXAMPLES / "i2c_dc2.aig")
    res = check_equivalence(a, b, proof=str(tmp_path / "p.drat"), check_proof=True)
    assert res.status == UNSAT and res.proof_verified and res.sweep is None
    with pytest.raises(SolverOptionError, match="engine"):
        check_equivalence(a, b, engine="fast")


def _cli(*args, timeout=120):
    cmd = [sys.executable, "-m", "circuitlab.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def test_cli_json_exit_code_matches_the_process(tmp_path):
    import json

    for other, code in (("i2c_dc2", 0), ("i2c_bug", 1)):
        r = _cli("lec", str(EXAMPLES / "i2c.aig"), str(EXAMPLES / f"{other}.aig"), "--json")
        assert r.returncode == code, r.stderr
        out = json.loads(r.stdout)
        assert out["exit_code"] == code and out["sweep"]["engine"] == "auto" and out["time_s"] > 0
    r = _cli("lec", str(EXAMPLES / "i2c.aig"), str(EXAMPLES / "i2c_dc2.aig"), "--sweep-option", "growth=0")
    assert r.returncode == 2 and "growth" in r.stderr and "Traceback" not in r.stderr
    r = _cli("engine-options")
    assert r.returncode == 0 and "--sweep-option" in r.stdout and "recycle_vars" in r.stdout


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_ctrl_c_during_sweeping_gives_unknown(sig):
    a, b = LEC_INSTANCES / "multiplier.aig", LEC_INSTANCES / "multiplier_dc2.aig"
    # one-conflict queries, no cut proofs and 100 rounds: a sweep slow enough to be interrupted in it
    slow = ["--engine", "sweep"]
    for opt in ("rounds=100", "growth=1", "query_conflicts=1", "output_conflicts=1", "cut_leaves=0"):
        slow += ["--sweep-option", opt]
    p = subprocess.Popen(
        [sys.executable, "-m", "circuitlab.cli", "lec", str(a), str(b), "--json", *slow],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    time.sleep(4.0)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    assert p.returncode == 3, (out, err)
    assert "Traceback" not in err
    import json

    res = json.loads(out)
    assert res["verdict"] == "UNKNOWN" and res["reason"] == "interrupted" and res["sweep"]["candidates"] > 0


def test_a_gate_simulation_never_sees_switch_is_a_candidate_of_the_constant():
    b = AIGBuilder()
    x = [b.input(f"x{k}") for k in range(24)]
    wide = b.and_many(x)  # 1 on one pattern in 2^24: never seen in simulation, not constant
    dead = b.and_(x[0], b.and_(x[1], x[0] ^ 1))  # x0 & x1 & !x0: constant 0, not by strashing
    b.output(b.and_(wide ^ 1, x[2]), "o0")
    b.output(b.and_(dead ^ 1, x[3]), "o1")  # dead's fanout collapses once dead is merged with 0
    aig = b.build()
    out, stats = fraig(aig, options={"query_conflicts": 1000})
    vec = exhaustive(6)
    pad = np.zeros((vec.shape[0], 18), dtype=bool)
    full = np.concatenate([vec, pad], axis=1)
    assert (evaluate(out, full) == evaluate(aig, full)).all()
    assert out.num_ands < aig.num_ands and stats["proved"] >= 1 and stats["refuted"] >= 1


@pytest.mark.parametrize("budget", [0, 1])
def test_query_propagation_budget_keeps_the_verdicts(budget):
    a = read_aiger(EXAMPLES / "i2c.aig")
    for other, want in (("i2c_dc2", UNSAT), ("i2c_bug", SAT)):
        res = check_equivalence(
            a, read_aiger(EXAMPLES / f"{other}.aig"), backend="circuitlab", sweep_options={"query_propagations": budget}
        )
        assert res.status == want
    assert SWEEP_OPTIONS["query_propagations"].default > 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10**6), leaves=st.sampled_from([0, 2, 3, 6, 10, 16]))
def test_cut_proofs_keep_the_function(seed, leaves):
    aig = redundant_aig(seed)
    out, stats = fraig(aig, options={"cut_leaves": leaves, "sim_words": 1})
    vec = exhaustive(aig.num_inputs)
    assert (evaluate(out, vec) == evaluate(aig, vec)).all()
    assert stats["cut_proved"] <= stats["proved"]
    if leaves == 0:
        assert stats["cut_proved"] == 0


def test_cut_proof_needs_the_whole_reconvergence():
    b = AIGBuilder()
    x, y, z = b.input("x"), b.input("y"), b.input("z")
    p, q = b.and_(x, y), b.and_(x, z)
    # (x y)(x z) and x (y z): equal, but only over the cut {x, y, z}; over {x y, x z} or
    # {x, y z} each is a different function of independent-looking leaves
    b.output(b.and_(p, q), "left")
    b.output(b.and_(x, b.and_(y, z)), "right")
    aig = b.build()
    for leaves, by_cut in ((3, 1), (2, 0)):
        out, stats = fraig(aig, options={"cut_leaves": leaves})
        assert stats["proved"] == 1 and stats["cut_proved"] == by_cut  # SAT proves it otherwise
        assert out.num_ands < aig.num_ands


@pytest.mark.parametrize("leaves", [0, 4, 10])
def test_cut_leaves_keeps_the_verdicts(leaves):
    a = read_aiger(EXAMPLES / "bar.aig")  # bar's outputs are swept, not proved by bug hunting
    for other, want in (("bar_dc2", UNSAT), ("bar_bug", SAT)):
        res = check_equivalence(
            a, read_aiger(EXAMPLES / f"{other}.aig"), backend="circuitlab", sweep_options={"cut_leaves": leaves}
        )
        assert res.status == want
        if want == UNSAT:
            assert res.sweep["proved"] > 0
            assert (res.sweep["cut_proved"] > 0) == (leaves > 0)


def test_auto_stops_querying_once_sat_stalls_and_sweep_mode_never_does():
    from .test_window import multiplier_on

    m = miter(
        multiplier_on(4, generators.array_multiplier(6)),
        multiplier_on(4, generators.dadda_multiplier(6)),
        per_output=True,
    )
    hard = {"query_conflicts": 1, "cut_leaves": 0}  # every query undecided or nearly
    stalled = prove_outputs_zero(m, options={**hard, "stall_queries": 16})
    never = prove_outputs_zero(m, options={**hard, "stall_queries": 0})
    swept = prove_outputs_zero(m, mode="sweep", options={**hard, "stall_queries": 16})
    assert stalled.status == never.status == swept.status == UNSAT
    assert stalled.stats["stalled"] > 0 and stalled.stats["undecided"] < never.stats["undecided"]
    assert never.stats["stalled"] == 0 and swept.stats["stalled"] == 0

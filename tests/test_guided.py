"""circuitlab.guided: probabilities -> hint arrays; guidance never changes a verdict."""

import json
import subprocess
import sys

import numpy as np
import pytest

from circuitlab import guided
from circuitlab.aig import AIGBuilder
from circuitlab.aiger import read_aiger
from circuitlab.guided import GuidanceError, guidance_for, hints, parse_parts, probabilities
from circuitlab.miter import miter
from circuitlab.solvers import SAT, UNSAT, solve_aig
from helpers import EXAMPLES


def test_parse_parts():
    assert parse_parts("filter,phases") == ["phases", "filter"]
    assert parse_parts("all") == ["phases", "priorities", "filter"]
    assert parse_parts("all", sweeping=True) == ["phases", "priorities", "filter", "order"]
    assert parse_parts("order,phases", sweeping=True) == ["phases", "order"]
    with pytest.raises(GuidanceError, match="order guides SAT sweeping"):
        parse_parts("order")
    for bad in ("", "nope", "phases,nope"):
        with pytest.raises(GuidanceError, match="--guide"):
            parse_parts(bad)
    with pytest.raises(GuidanceError, match="--guide-source"):
        probabilities(read_aiger(EXAMPLES / "ctrl.aig"), source="oracle")


def test_hint_arrays_follow_the_probabilities():
    p = np.array([0.0, 0.5, 0.9, 0.1, 0.52])  # constant, an input, three gates
    h = hints(p, ["phases", "priorities", "filter"], first_and_var=2)
    assert h["phases"].tolist() == [0, 0, 1, -1, 0]
    pr = h["priorities"]  # one input: the search goes inputs first, throughout
    assert np.isnan(pr[0]) and pr[1] > pr[4] > pr[2] == pytest.approx(pr[3])  # least predictable first
    assert h["priority_window"] == guided.WHOLE_SEARCH
    wide = hints(p, ["priorities"], first_and_var=2, num_inputs=guided.INPUT_FIRST_MAX + 1)
    assert np.isnan(wide["priorities"][:2]).all() and wide["priority_window"] == 0  # only seeds the orders
    assert wide["priorities"][4] > wide["priorities"][2]
    w = h["filter_weights"]
    assert w.shape == (5, 2) and w[2, 0] < 0 < w[2, 1]  # a usually-true literal scores clauses down


def test_inputs_first_priorities_reach_the_engine():
    from circuitlab.generators import array_multiplier, wallace_multiplier
    from circuitlab.miter import miter
    from circuitlab.solvers import UNSAT, solve_aig

    m = miter(array_multiplier(4), wallace_multiplier(4))
    g, rep = guided.guidance_for(m, ["priorities"], source="sim")
    assert rep.inputs_first and g.priority_window == guided.WHOLE_SEARCH
    r = solve_aig(m, backend="circuitlab", guidance=g)
    assert r.status == UNSAT and r.stats.hooks["priority_decisions"] == r.stats.decisions > 0


def _wide_and(n=24):
    b = AIGBuilder()
    xs = [b.input(f"x{k}") for k in range(n)]
    b.output(b.and_many(xs), "y")
    return b.build()


def test_hybrid_asks_the_gnn_only_for_gates_simulation_never_saw_switch(monkeypatch):
    calls = []

    def fake_gnn(aig, threads, rep):
        calls.append(aig.max_var)
        return np.full(aig.max_var + 1, 0.25)

    monkeypatch.setattr(guided, "_gnn", fake_gnn)
    p, rep = probabilities(read_aiger(EXAMPLES / "ctrl.aig"), "hybrid")
    assert not calls and rep.gnn_vars == 0 and ((p >= 0) & (p <= 1)).all()
    aig = _wide_and()
    p, rep = probabilities(aig, "hybrid", patterns=1024)
    assert calls and rep.gnn_vars > 0  # the deep ANDs of 24 inputs are never 1 in 1,024 patterns
    assert p[aig.max_var] == 0.25 and p[1] == pytest.approx(0.5, abs=0.1)


@pytest.mark.parametrize("source", ["sim", "hybrid", "gnn"])
def test_guidance_never_changes_a_verdict(source):
    a = read_aiger(EXAMPLES / "i2c.aig")
    for other, want in (("i2c_dc2", UNSAT), ("i2c_bug", SAT)):
        m = miter(a, read_aiger(EXAMPLES / f"{other}.aig"))
        g, rep = guidance_for(m, ["phases", "priorities", "filter"], source)
        r = solve_aig(m, backend="circuitlab", guidance=g)
        assert r.status == want and r.stats.hooks is not None
        assert rep.phased > 0 and rep.prioritized > 0 and rep.filter_literals == 2 * (m.max_var + 1)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "circuitlab.cli", *args], capture_output=True, text=True, timeout=300)


def test_cli_guided_reports_what_the_guidance_did(tmp_path):
    m = tmp_path / "m.aig"
    assert _cli("miter", str(EXAMPLES / "i2c.aig"), str(EXAMPLES / "i2c_bug.aig"), "-o", str(m)).returncode == 0
    r = _cli("solve", "--guided", str(m))
    assert r.returncode == 10 and "verified by simulation" in r.stdout and "c guidance:" in r.stdout
    r = _cli("solve", "--guide", "phases,filter", "--guide-source", "sim", "--json", str(m))
    out = json.loads(r.stdout)
    assert r.returncode == 10 and out["guidance"]["parts"] == ["phases", "filter"] and out["backend"] == "circuitlab"
    assert out["guidance"]["engine"]["phase_decisions"] >= 0
    # a capability the backend lacks fails before any model runs; DIMACS has no circuit to guide
    r = _cli("solve", "--guide", "filter", "--backend", "cadical195", str(m))
    assert r.returncode == 2 and "filter" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    cnf = tmp_path / "m.cnf"
    assert _cli("cnf", str(m), "-o", str(cnf)).returncode == 0
    r = _cli("solve", "--guided", str(cnf))
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_hybrid_runs_the_gnn_only_after_ten_times_its_cost(monkeypatch):
    from circuitlab.generators import array_multiplier, wallace_multiplier
    from circuitlab.guided import solve_guided
    from circuitlab.solvers import SolveOptions

    calls = []

    def fake_gnn(aig, threads, rep):
        calls.append(aig.max_var)
        return np.full(aig.max_var + 1, 0.5)

    monkeypatch.setattr(guided, "_gnn", fake_gnn)
    m = miter(array_multiplier(6), wallace_multiplier(6))  # equivalent; the search takes well over 10 ms

    def search(g, seconds):
        return solve_aig(m, SolveOptions(backend="circuitlab", timeout=seconds), guidance=g)

    monkeypatch.setattr(guided, "GNN_FIXED_S", 0.001)  # a GNN "costing" 1 ms may run after 10 ms of search
    monkeypatch.setattr(guided, "GNN_PER_LEVEL_S", 0.0)
    monkeypatch.setattr(guided, "GNN_PER_NODE_S", 0.0)
    res, rep = solve_guided(m, ["phases"], "hybrid", 1, search, timeout=60)
    assert res.status == UNSAT and calls and rep.gnn_vars > 0 and "GNN run after" in rep.note
    calls.clear()
    monkeypatch.setattr(guided, "GNN_FIXED_S", 60.0)  # a GNN that cannot pay for itself here
    res, rep = solve_guided(m, ["phases"], "hybrid", 1, search, timeout=60)
    assert res.status == UNSAT and not calls and "GNN skipped" in rep.note


def test_guided_sweeping_guides_what_sweeping_leaves():
    from circuitlab.generators import array_multiplier, wallace_multiplier
    from circuitlab.solvers import SolverOptionError, check_equivalence

    a, b = array_multiplier(5), wallace_multiplier(5)
    seen = []

    def guide_final(aig, solve, seconds):
        g, rep = guided.guidance_for(aig, ["priorities"], source="sim")
        seen.append((aig.num_outputs, rep.inputs_first))
        return solve(g, seconds)

    weak = {"rounds": 1, "query_conflicts": 1, "output_conflicts": 1, "bughunt_conflicts": 0}
    res = check_equivalence(a, b, backend="circuitlab", sweep_options=weak, guide_final=guide_final)
    assert res.status == UNSAT and seen == [(1, True)] and res.sweep is not None
    assert res.stats.hooks["priority_decisions"] > 0
    with pytest.raises(SolverOptionError, match="sweeping engine"):
        check_equivalence(a, b, engine="cdcl", guide_final=guide_final)


def test_cli_guided_sweeping_reports_the_guidance(tmp_path):
    from circuitlab.aiger import write_aiger
    from circuitlab.generators import array_multiplier, ripple_adder, wallace_multiplier

    write_aiger(array_multiplier(6), tmp_path / "a.aig")
    write_aiger(wallace_multiplier(6), tmp_path / "b.aig")
    r = _cli(
        "lec",
        "--guide",
        "priorities",
        "--guide-source",
        "sim",
        "--json",
        str(tmp_path / "a.aig"),
        str(tmp_path / "b.aig"),
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["verdict"] == "EQUIVALENT" and out["sweep"]["engine"] == "auto" and "guidance" in out
    assert out["guidance"].get("inputs_first") or "not used" in out["guidance"]["note"]
    write_aiger(ripple_adder(8), tmp_path / "c.aig")  # sweeping alone proves a circuit against itself
    r = _cli("lec", "--guided", "--guide-source", "sim", str(tmp_path / "c.aig"), str(tmp_path / "c.aig"))
    assert r.returncode == 0 and "c guidance: not used" in r.stdout, r.stdout + r.stderr


def test_sweep_order_scores_only_candidates_and_defers_what_the_gnn_calls_unlikely(monkeypatch):
    from circuitlab.generators import array_multiplier, wallace_multiplier
    from circuitlab.gnn import inference
    from circuitlab.guided import DEFER_MIN, sweep_candidates, sweep_deferrals

    m = miter(array_multiplier(4), wallace_multiplier(4))
    v, u, pol = sweep_candidates(m)
    assert len(v) and (u < v).all() and (u == 0).any() and (u > 0).any()
    flags, rep = sweep_deferrals(m, "sim")
    assert not flags.any() and rep.gnn_seconds == 0 and "simulation defers" in rep.note
    flags, rep = sweep_deferrals(m, "gnn")
    assert rep.candidates == len(v) and rep.deferred == int(flags.sum()) and rep.gnn_seconds > 0
    assert set(np.flatnonzero(flags)) <= set(v.tolist())  # only candidates are ever deferred
    real = inference.predict

    def inverse(aig, pairs=None, **kw):  # a model sure that v = NOT u in every pair, and every gate 1/2
        pred = real(aig, pairs, **kw)
        pred.signal[:] = 0.5
        pred.cond[:] = np.where(pred.pairs[:, 2] == 1, 0.0, 1.0)
        return pred

    monkeypatch.setattr("circuitlab.gnn.predict", inverse)
    flags, rep = sweep_deferrals(m, "gnn")
    # scores: 1 for a pair of equal polarity, 0 for a complemented one, 1/2 for the constant's candidates
    assert DEFER_MIN <= 0.5
    assert sorted(np.flatnonzero(flags)) == sorted(v[(pol == 0) | (u == 0)].tolist())
    flags, rep = sweep_deferrals(m, "hybrid")
    assert set(np.flatnonzero(flags)) <= set(v[u == 0].tolist())  # hybrid asks only about the constant's candidates


@pytest.mark.parametrize("pair, want", [("i2c_dc2", UNSAT), ("i2c_bug", SAT)])
def test_deferring_candidates_never_changes_a_verdict(pair, want):
    from circuitlab.solvers import SolverOptionError
    from circuitlab.solvers.core import match_interfaces
    from circuitlab.solvers.fraig import native_miter, prove_outputs_zero

    a, b = read_aiger(EXAMPLES / "i2c.aig"), read_aiger(EXAMPLES / f"{pair}.aig")
    m = native_miter(a, b, *match_interfaces(a, b))
    plain = prove_outputs_zero(m)
    every = np.ones(m.max_var + 1, dtype=np.int8)
    weak_outputs = {"bughunt_conflicts": 0, "output_conflicts": 1}  # the outputs wait for the sweep
    deferred = prove_outputs_zero(m, deferred=every, options=weak_outputs)
    assert plain.status == deferred.status == want and plain.stats["deferred"] == 0
    if want == UNSAT:
        assert deferred.stats["deferred"] > 0 and deferred.stats["rounds"] >= 2  # proved in the later rounds
    with pytest.raises(SolverOptionError, match="one flag per variable"):
        prove_outputs_zero(m, deferred=every[:-1])


def test_guide_sweep_reaches_the_sweeper_and_needs_a_sweeping_engine():
    from circuitlab.solvers import SolverOptionError, check_equivalence

    a, b = read_aiger(EXAMPLES / "i2c.aig"), read_aiger(EXAMPLES / "i2c_dc2.aig")
    seen = []

    def guide_sweep(m, run, deadline):
        seen.append(m.num_outputs)
        return run(np.ones(m.max_var + 1, dtype=np.int8), deadline)

    weak_outputs = {"bughunt_conflicts": 0, "output_conflicts": 1}
    res = check_equivalence(a, b, backend="circuitlab", sweep_options=weak_outputs, guide_sweep=guide_sweep)
    assert res.status == UNSAT and seen == [a.num_outputs] and res.sweep["deferred"] > 0
    with pytest.raises(SolverOptionError, match="sweeping engine"):
        check_equivalence(a, b, engine="cdcl", guide_sweep=guide_sweep)


def test_cli_sweep_order_reports_and_is_refused_without_sweeping(tmp_path):
    a, b = str(EXAMPLES / "i2c.aig"), str(EXAMPLES / "i2c_bug.aig")
    r = _cli("lec", "--guide", "order", "--guide-source", "gnn", "--json", a, b)
    assert r.returncode == 1, r.stderr
    out = json.loads(r.stdout)
    assert out["sweep_guidance"]["parts"] == ["order"] and out["sweep_guidance"]["candidates"] >= 0
    assert "guidance" not in out  # no CDCL hints were asked for
    r = _cli("lec", "--guide", "order", "--guide-source", "sim", a, str(EXAMPLES / "i2c_dc2.aig"))
    assert r.returncode == 0 and "c sweep order: from sim" in r.stdout, r.stdout + r.stderr
    for cmd in (["lec", "--engine", "cdcl", "--guide", "order", a, b], ["solve", "--guide", "order", a]):
        r = _cli(*cmd)
        assert r.returncode == 2 and "order guides SAT sweeping" in r.stderr, r.stderr
        assert len(r.stderr.strip().splitlines()) == 1


def test_hybrid_sweep_order_runs_the_gnn_only_for_a_sweep_still_running(monkeypatch):
    from circuitlab.generators import array_multiplier, wallace_multiplier
    from circuitlab.solvers import check_equivalence

    calls, reports = [], []

    def fake_deferrals(aig, source, threads=1, patterns=4096, seed=0):
        calls.append(aig.num_ands)
        flags = np.zeros(aig.max_var + 1, dtype=np.int8)
        flags[aig.max_var] = 1  # one deferral, so the restarted sweep takes it
        return flags, guided.GuideReport(source=source, parts=["order"], deferred=1)

    def guide_sweep(m, run, deadline):
        res, rep = guided.sweep_guided(m, "hybrid", 1, run, deadline)
        reports.append(rep)
        return res

    monkeypatch.setattr(guided, "sweep_deferrals", fake_deferrals)
    monkeypatch.setattr(guided, "GNN_PER_LEVEL_S", 0.0)
    monkeypatch.setattr(guided, "GNN_PER_NODE_S", 0.0)
    a, b = array_multiplier(6), wallace_multiplier(6)  # the sweep takes well over 10 ms
    for fixed, ran in ((0.001, True), (60.0, False)):
        calls.clear()
        monkeypatch.setattr(guided, "GNN_FIXED_S", fixed)
        res = check_equivalence(a, b, backend="circuitlab", timeout=60, guide_sweep=guide_sweep)
        assert res.status == UNSAT and bool(calls) == ran
        if ran:  # scored and swept on the miter as far as the stopped sweep reduced it
            assert calls[0] <= miter(a, b).num_ands and "reduced miter" in reports[-1].note
        assert ("GNN run after" if ran else "GNN skipped") in reports[-1].note

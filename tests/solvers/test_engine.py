"""circuitlab's native CDCL engine: answers, hooks, limits, proofs and bad input."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from pysat.solvers import Solver as PysatSolver

from circuitlab.benchmarks import LEC_INSTANCES
from circuitlab.solvers import SolverOptionError, model_satisfies
from circuitlab.solvers.engine import OPTIONS, Engine, parse_options
from circuitlab.solvers.fuzz import pigeonhole, random_3sat
from circuitlab.solvers.proofs import check_drat
from helpers import EXAMPLES


def rand3(n: int, ratio: float, seed: int) -> list[list[int]]:
    rng = random.Random(seed)
    return [[v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), 3)] for _ in range(int(n * ratio))]


def php(pigeons: int, holes: int) -> list[list[int]]:
    def x(p, h):
        return p * holes + h + 1

    out = [[x(p, h) for h in range(holes)] for p in range(pigeons)]
    for h in range(holes):
        for p in range(pigeons):
            out.extend([-x(p, h), -x(q, h)] for q in range(p + 1, pigeons))
    return out


def cadical(clauses, assumptions=()):
    with PysatSolver(name="cadical195", bootstrap_with=clauses) as s:
        return s.solve(assumptions=list(assumptions)), s.get_model()


def solved(clauses, **opts) -> Engine:
    e = Engine(options=opts)
    e.add_clauses(clauses)
    return e


def test_agrees_with_cadical_and_models_satisfy():
    rng = random.Random(7)
    for _ in range(60):
        family = rng.choice([random_3sat, pigeonhole])
        _, clauses, nv = family(rng)
        e = Engine(nv)
        e.add_clauses(clauses, grow=False)
        status = e.solve()
        want, _ = cadical(clauses)
        assert status == (10 if want else 20)
        if status == 10:
            assert model_satisfies(clauses, e.model_literals())


@pytest.mark.parametrize("heuristic", [0, 1, 2])
@pytest.mark.parametrize("policy", [0, 1])
def test_unsat_proofs_check_for_every_heuristic_and_policy(heuristic, policy):
    clauses = next(c for seed in range(100) if not cadical(c := rand3(60, 5.0, seed))[0])
    e = Engine(60, options={"heuristic": heuristic, "reduce_policy": policy, "reduce_init": 20}, proof=True)
    e.add_clauses(clauses)
    assert e.solve() == 20
    assert e.stats()["reductions"] > 0
    chk = check_drat(clauses, e.proof(), 60)
    assert chk.ok, chk.reason


def test_proof_written_to_a_file(tmp_path):
    clauses = php(5, 4)
    e = Engine(20, proof=str(tmp_path / "p.drat"))
    e.add_clauses(clauses)
    assert e.solve() == 20
    e.proof()  # flushes
    assert check_drat(clauses, (tmp_path / "p.drat").read_text(), 20).ok


def test_assumptions_and_failed_core():
    clauses = [[1, 2], [-1, 3], [-2, 3], [4, 5]]
    e = solved(clauses)
    assert e.solve([-3]) == 20
    assert e.failed() == [-3]
    assert e.solve([-3, 4]) == 20 and set(e.failed()) == {-3}
    assert e.solve([4, -5]) == 10
    m = e.model_literals()
    assert m[3] == 4 and m[4] == -5
    assert e.solve() == 10  # assumptions do not stick


def test_core_is_refuted_on_random_instances():
    rng = random.Random(3)
    for seed in range(40):
        clauses = rand3(25, 3.0, seed)
        e = solved(clauses)
        assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, 26), 10)]
        status = e.solve(assumptions)
        assert status == (10 if cadical(clauses, assumptions)[0] else 20)
        if status == 20:
            core = e.failed()
            assert set(core) <= set(assumptions)
            assert not cadical(clauses, core)[0]


# ---- hooks -------------------------------------------------------------------------
def _sat_instance_with_conflicts():
    for seed in range(50):
        clauses = rand3(150, 4.15, seed)
        ok, model = cadical(clauses)
        if ok and solved(clauses).solve() == 10:
            e = solved(clauses)
            e.solve()
            if e.stats()["conflicts"] > 20:
                return clauses, model
    raise AssertionError("no satisfiable instance with conflicts found")


def test_forced_phases_of_a_model_solve_with_zero_conflicts():
    clauses, model = _sat_instance_with_conflicts()
    e = solved(clauses, forced_phases=1)
    e.set_phases(np.sign(np.asarray(model[: e.num_vars])))
    assert e.solve() == 10
    st = e.stats()
    assert st["conflicts"] == 0
    assert st["phase_decisions"] == st["decisions"] == st["phases_followed"]


def test_initial_phases_are_followed_and_counted():
    clauses, model = _sat_instance_with_conflicts()
    e = solved(clauses)
    e.set_phases(np.sign(np.asarray(model[: e.num_vars])))
    assert e.solve() == 10
    st = e.stats()
    assert st["phase_decisions"] > 0 and st["phases_followed"] > 0


def _stats_key(e: Engine) -> tuple:
    st = e.stats()
    return tuple(st[k] for k in ("conflicts", "decisions", "propagations", "learned", "deleted", "restarts"))


@pytest.mark.parametrize("policy", [0, 1])
def test_zero_filter_weights_reproduce_the_unhooked_run(policy):
    clauses = rand3(120, 4.5, seed=11)
    opts = {"reduce_init": 50, "reduce_inc": 20, "reduce_policy": policy}
    plain = solved(clauses, **opts)
    hooked = solved(clauses, **opts)
    hooked.set_filter_weights(np.zeros((hooked.num_vars, 2)))
    assert plain.solve() == hooked.solve() == 20
    assert plain.stats()["reductions"] > 3
    assert _stats_key(plain) == _stats_key(hooked)
    assert hooked.stats()["filter_kept"] == hooked.stats()["filter_dropped"] == 0


def test_filter_weights_change_what_is_kept():
    clauses = rand3(120, 4.5, seed=11)
    opts = {"reduce_init": 50, "reduce_inc": 20, "elim": 0}  # elimination would drop some weighted variables
    e = solved(clauses, **opts)
    w = np.zeros((e.num_vars, 2), dtype=np.float32)
    w[:60, 0] = 5.0  # keep clauses with positive literals of the first 60 variables
    w[60:, 1] = -5.0
    e.set_filter_weights(w)
    e.solve(conflicts=3000)
    st = e.stats()
    assert st["filter_dropped"] > 0 and st["filter_kept"] > 0
    kept = e.learnt_clauses()
    favoured = sum(1 for c in kept for x in c if 0 < x <= 60)
    plain = solved(clauses, **opts)
    plain.solve(conflicts=3000)
    favoured_plain = sum(1 for c in plain.learnt_clauses() for x in c if 0 < x <= 60)
    assert favoured / max(1, sum(map(len, kept))) > favoured_plain / max(1, sum(map(len, plain.learnt_clauses())))


def test_priority_window_decides_by_priority():
    clauses = rand3(100, 4.0, seed=5)
    e = solved(clauses, priority_window=1_000_000)
    prio = np.full(e.num_vars, np.nan)
    prio[:10] = np.arange(10, 0, -1)
    e.set_priorities(prio)
    e.solve()
    assert e.stats()["priority_decisions"] > 0
    assert solved(clauses).solve() == e.solve()


def test_hook_arrays_are_checked():
    e = Engine(4)
    with pytest.raises(ValueError, match="one entry per variable"):
        e.set_phases(np.ones(3))
    with pytest.raises(ValueError, match="one entry per variable"):
        e.set_priorities(np.ones(5))
    with pytest.raises(ValueError, match=r"\[num_vars, 2\]"):
        e.set_filter_weights(np.ones(8))
    with pytest.raises(ValueError, match="finite"):
        e.set_filter_weights(np.full((4, 2), np.inf))


# ---- limits --------------------------------------------------------------------------
def test_conflict_budget_gives_unknown():
    e = solved(php(9, 8))
    assert e.solve(conflicts=50) == 0 and e.stop_reason == "conflicts"
    assert e.stats()["conflicts"] == 50


def test_time_budget_gives_unknown_on_time():
    e = solved(php(11, 10))
    t = time.monotonic()
    assert e.solve(seconds=0.3) == 0
    assert e.stop_reason == "timeout" and time.monotonic() - t < 1.0


def test_interrupt_from_another_thread():
    e = solved(php(11, 10))
    threading.Timer(0.2, e.interrupt).start()
    t = time.monotonic()
    assert e.solve() == 0
    assert e.stop_reason == "interrupted" and time.monotonic() - t < 1.5
    e.clear_interrupt()
    assert e.solve(conflicts=10) == 0 and e.stop_reason == "conflicts"  # still usable


def test_memory_budget_gives_unknown():
    e = solved(php(11, 10))
    assert e.solve(memory_mb=0.01) == 0 and e.stop_reason == "memory"


# ---- bad input -----------------------------------------------------------------------
def test_zero_inside_a_clause_is_refused():
    e = Engine(3)
    with pytest.raises(ValueError, match="0 is not a literal"):
        e.add_clause([1, 0, 2])
    with pytest.raises(SolverOptionError, match="contains 0"):
        e.add_clauses([[1, 0, 2]])


def test_variables_beyond_the_declared_count_are_refused():
    e = Engine(3)
    with pytest.raises(ValueError, match="beyond the 3 declared"):
        e.add_clause([1, -4])
    with pytest.raises(ValueError, match="beyond"):
        e.solve([5])
    assert e.add_clause([1, 2])  # still usable


def test_empty_clause_makes_the_formula_unsat():
    e = Engine(2)
    assert e.add_clause([1, 2])
    assert not e.add_clause([])
    assert e.solve() == 20 and e.failed() == []


def test_variable_count_out_of_range_is_refused():
    with pytest.raises(ValueError, match="out of range"):
        Engine(2**40)
    with pytest.raises(ValueError):
        Engine(-1)


def test_allocation_failure_is_a_memory_error():
    """Under a 1 GiB address-space limit, declaring 200M variables fails cleanly."""
    script = (
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from circuitlab.solvers.engine import Engine\n"
        "e = Engine(2)\n"
        "try:\n    e.reserve(200_000_000)\nexcept MemoryError:\n    print('MemoryError')\n"
        "try:\n    e.add_clause([1])\nexcept RuntimeError as err:\n    print('refused:', err)\n"
    )
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "MemoryError" in r.stdout and "refused:" in r.stdout


# ---- options ---------------------------------------------------------------------------
def test_option_table_and_parsing():
    assert {"heuristic", "restarts", "reduce_policy", "priority_window", "forced_phases"} <= set(OPTIONS)
    assert parse_options(["heuristic=1", "reduce-policy=1"]) == {"heuristic": 1, "reduce_policy": 1}
    for bad, msg in [("nope=1", "unknown engine option"), ("heuristic=9", "outside"), ("heuristic", "NAME=VALUE")]:
        with pytest.raises(SolverOptionError, match=msg):
            parse_options([bad])
    assert Engine(options={"heuristic": 0}).options()["heuristic"] == 0


# ---- CLI: in-process limits and Ctrl-C ----------------------------------------------------
def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "circuitlab.cli", *args], capture_output=True, text=True, **kw)


def test_cli_solve_with_the_native_backend(tmp_path):
    m = tmp_path / "m.aig"
    assert _cli("miter", str(EXAMPLES / "i2c.aig"), str(EXAMPLES / "i2c_dc2.aig"), "-o", str(m)).returncode == 0
    r = _cli("solve", str(m), "--backend", "circuitlab", "--check-proof", "--engine-option", "heuristic=1")
    assert r.returncode == 20, r.stderr
    assert "verified by dratify" in r.stdout
    r = _cli("solve", str(m), "--backend", "cadical195", "--engine-option", "heuristic=1")
    assert r.returncode == 2 and "applies to --backend circuitlab" in r.stderr


@pytest.mark.slow
def test_cli_timeout_and_ctrl_c_are_in_process():
    a, b = LEC_INSTANCES / "multiplier.aig", LEC_INSTANCES / "multiplier_dc2.aig"
    t = time.monotonic()
    r = _cli("lec", str(a), str(b), "--backend", "circuitlab", "--engine", "cdcl", "--timeout", "3", timeout=60)
    assert r.returncode == 3 and time.monotonic() - t < 3 + 2.5, r.stderr
    p = subprocess.Popen(
        [sys.executable, "-m", "circuitlab.cli", "lec", str(a), str(b), "--backend", "circuitlab", "--engine", "cdcl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    time.sleep(3.0)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 3, (out, err)
    assert "Traceback" not in err


@pytest.mark.slow
def test_cli_sigterm_stops_the_native_search_like_ctrl_c():
    a, b = LEC_INSTANCES / "multiplier.aig", LEC_INSTANCES / "multiplier_dc2.aig"
    p = subprocess.Popen(
        [sys.executable, "-m", "circuitlab.cli", "lec", str(a), str(b), "--backend", "circuitlab", "--engine", "cdcl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(3.0)
    p.send_signal(signal.SIGTERM)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 3, (out, err)
    assert "UNKNOWN" in out and "interrupted" in out and "Traceback" not in err


# ---- bounded variable elimination (elim.cpp) ----------------------------------------
def _miter_cnf(bits: int = 4, bug: bool = False) -> tuple[list[list[int]], int]:
    from circuitlab.cnf import encode
    from circuitlab.generators import array_multiplier, wallace_multiplier
    from circuitlab.miter import miter

    b = wallace_multiplier(bits)
    if bug:  # one output inverted: the miter is satisfiable
        b.outputs[0] ^= 1
    enc = encode(miter(array_multiplier(bits), b))
    return enc.cnf.clauses, enc.cnf.nv


def _agree_under_random_assumptions(e: Engine, clauses, nv: int, rng: random.Random, rounds: int, size: int) -> None:
    """Re-solve ``e`` under random assumptions; verdicts match CaDiCaL's, models are checked."""
    for _ in range(rounds):
        assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(2, nv + 1), size)]
        want, _ = cadical(clauses, assumptions)
        status = e.solve(assumptions)
        assert (status == 10) == want
        if status == 10:
            model = e.model_literals()
            assert model_satisfies(clauses, model) and all(model[abs(a) - 1] == a for a in assumptions)


def test_elimination_removes_gate_variables_and_keeps_the_answer():
    clauses, nv = _miter_cnf()
    with_elim, without = solved(clauses), solved(clauses, elim=0)
    assert with_elim.solve() == without.solve() == 20
    st = with_elim.stats()
    assert st["eliminated"] > nv // 3 and st["elim_resolvents"] > 0
    assert without.stats()["eliminated"] == 0


def test_models_are_extended_to_eliminated_variables():
    clauses, nv = _miter_cnf(bug=True)
    e = solved(clauses)
    assert e.solve() == 10
    assert e.stats()["eliminated"] > 0
    assert model_satisfies(clauses, e.model_literals())  # every original clause, eliminated variables too


def test_elimination_proofs_check():
    clauses, nv = _miter_cnf(bits=3)
    e = Engine(nv, proof=True)
    e.add_clauses(clauses, grow=False)
    assert e.solve() == 20 and e.stats()["eliminated"] > 0
    assert check_drat(clauses, e.proof(), nv).ok


def test_first_assumptions_are_frozen_and_later_ones_restore():
    clauses, nv = _miter_cnf(bug=True)
    rng = random.Random(3)
    first = [v if rng.random() < 0.5 else -v for v in rng.sample(range(2, nv + 1), 4)]
    e = solved(clauses)
    want, _ = cadical(clauses, first)
    assert (e.solve(first) == 10) == want
    assert e.stats()["restored"] == 0  # assumptions of the first solve are never eliminated
    # later assumptions on any variable: eliminated clauses come back first
    _agree_under_random_assumptions(e, clauses, nv, rng, rounds=10, size=4)
    assert e.stats()["restored"] > 0


def test_a_clause_on_an_eliminated_variable_restores_it():
    clauses, nv = _miter_cnf(bug=True)
    e = solved(clauses)
    assert e.solve() == 10
    st = e.stats()
    assert st["eliminated"] > 0
    # force every input and the (eliminated) gate variables through new clauses
    model = e.model_literals()
    extra = [[-lit] for lit in model[1:40]]
    e.add_clauses(extra)
    want, _ = cadical(clauses + extra)
    status = e.solve()
    assert (status == 10) == want
    if status == 10:
        assert model_satisfies(clauses + extra, e.model_literals())
    assert e.stats()["restored"] > 0


# ---- equivalent-literal substitution (decompose.cpp) -------------------------------
def test_equivalent_literals_are_substituted_with_proofs_and_models():
    # x1 = x2 = ¬x3 as binary clauses, plus a pigeonhole core that needs conflicts
    clauses, nv = php(5, 4), 20
    eqs = [[-21, 22], [21, -22], [22, 23], [-22, -23], [21, 1, 2]]
    e = Engine(nv + 3, options={"decompose_int": 10, "elim": 0}, proof=True)
    e.add_clauses(clauses + eqs, grow=False)
    assert e.solve() == 20
    st = e.stats()
    assert st["decompositions"] > 0 and st["substituted"] >= 2
    assert check_drat(clauses + eqs, e.proof(), nv + 3).ok


def test_substitution_keeps_models_and_later_assumptions_right():
    clauses, nv = _miter_cnf(bits=4, bug=True)
    e = solved(clauses, decompose_int=10, elim=0)
    assert e.solve() == 10
    assert model_satisfies(clauses, e.model_literals())
    _agree_under_random_assumptions(e, clauses, nv, random.Random(9), rounds=8, size=3)


def _xor_chain(n: int, parity: int) -> list[list[int]]:
    """y_i = ¬(x_i ⊕ y_{i-1}) as the four ternary clauses each, and the last y fixed."""
    clauses, y = [], 1  # variable 1 is y_0
    for i in range(n):
        x, z = 2 + 2 * i, 3 + 2 * i
        clauses += [[z, x, y], [z, -x, -y], [-z, -x, y], [-z, x, -y]]
        y = z
    return [*clauses, [y if parity else -y], [1]]


def test_xor_definitions_are_eliminated_with_models_and_proofs():
    sat = _xor_chain(12, 1)
    e = solved(sat)
    assert e.solve() == 10 and e.stats()["eliminated"] > 0
    assert model_satisfies(sat, e.model_literals())
    # fix every x too: the parity decides; one of the two is unsatisfiable
    answers = []
    for parity in (0, 1):
        clauses = _xor_chain(12, parity) + [[2 + 2 * i] for i in range(12)]
        want, _ = cadical(clauses)
        e = Engine(26, proof=True)
        e.add_clauses(clauses, grow=False)
        status = e.solve()
        assert (status == 10) == want
        if status == 20:
            assert check_drat(clauses, e.proof(), 26).ok
        answers.append(status)
    assert sorted(answers) == [10, 20]

"""Differential fuzzing of circuitlab's engine against PySAT's CaDiCaL.

Each instance is solved by the engine (with randomly drawn engine options, so that
every heuristic and database policy is exercised) and by ``cadical195``; the verdicts
must agree.  Every SAT model of the engine is checked against every clause; a sample of
UNSAT answers has its DRAT proof checked by ``dratify``; some instances are solved
again under random assumptions, and a failed-assumption core must itself be refuted.

Families (drawn in turn):

* random 3-SAT near the satisfiability threshold (clause/variable ratio 3.8-4.6);
* pigeonhole formulas, ``n + 1`` pigeons in ``n`` holes (UNSAT) or ``n`` in ``n`` (SAT);
* miters of small generated circuits: adders and multipliers of two architectures
  (equivalent, UNSAT), and against a copy with one gate changed (SAT).

Run it with ``python -m circuitlab.benchmarks.fuzz_engine --seed 1 --count 10000 --proofs 500``.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pysat.solvers import Solver as PysatSolver

from circuitlab.cnf import encode
from circuitlab.miter import miter
from circuitlab.mutate import observable_mutation

from .core import model_satisfies
from .engine import OPTIONS, Engine
from .proofs import check_drat

Clauses = list[list[int]]


def random_3sat(rng: random.Random) -> tuple[str, Clauses, int]:
    n = rng.randint(10, 90)
    m = int(n * rng.uniform(3.8, 4.6))
    clauses = [[v if rng.random() < 0.5 else -v for v in rng.sample(range(1, n + 1), 3)] for _ in range(m)]
    return f"3sat-{n}-{m}", clauses, n


def pigeonhole(rng: random.Random) -> tuple[str, Clauses, int]:
    holes = rng.randint(2, 6)
    pigeons = holes + (1 if rng.random() < 0.7 else 0)

    def x(p: int, h: int) -> int:
        return p * holes + h + 1

    clauses = [[x(p, h) for h in range(holes)] for p in range(pigeons)]
    for h in range(holes):
        for p in range(pigeons):
            clauses.extend([-x(p, h), -x(q, h)] for q in range(p + 1, pigeons))
    return f"php-{pigeons}-{holes}", clauses, pigeons * holes


def circuit_miter(rng: random.Random) -> tuple[str, Clauses, int]:
    from circuitlab import generators as g

    pairs: list[tuple[str, Callable, Callable, int, int]] = [
        ("adder", g.ripple_adder, g.kogge_stone_adder, 3, 10),
        ("adder", g.ripple_adder, g.cla_adder, 3, 10),
        ("mult", g.array_multiplier, g.wallace_multiplier, 2, 4),
        ("mult", g.array_multiplier, g.dadda_multiplier, 2, 4),
    ]
    name, make_a, make_b, lo, hi = rng.choice(pairs)
    width = rng.randint(lo, hi)
    a, b = make_a(width), make_b(width)
    kind = "equiv"
    if rng.random() < 0.5:
        b, _, _ = observable_mutation(b, seed=rng.randrange(2**31))
        kind = "bug"
    enc = encode(miter(a, b))
    return f"miter-{name}{width}-{kind}", [list(c) for c in enc.cnf.clauses], enc.cnf.nv


FAMILIES = (random_3sat, pigeonhole, circuit_miter)

# options drawn per instance: small intervals so that reductions, restarts, rephasing
# and mode switches all happen on small formulas
_DRAWN = {
    "heuristic": (0, 1, 2),
    "restarts": (0, 1, 2),
    "stable": (0, 1, 2),
    "stable_init": (10, 100, 1000),
    "reduce_init": (10, 50, 2000),
    "reduce_inc": (5, 300),
    "reduce_policy": (0, 1),
    "rephase_int": (10, 100, 1000),
    "minimize": (0, 1),
    "bump_reasons": (0, 1),
    "target": (0, 1, 2),
    "phase": (0, 1),
    "luby_base": (4, 100, 1024),
    "elim": (0, 1),
    "elim_bound": (0, 16, 1000),
    "elim_occ": (2, 100),
    "elim_xor": (0, 1),
    "tier1_idle": (1, 15),
    "decompose": (0, 1),
    "decompose_int": (10, 100, 2000),
    "reuse_trail": (0, 1),
}


def draw_options(rng: random.Random) -> dict[str, int]:
    opts = {name: rng.choice(values) for name, values in _DRAWN.items() if rng.random() < 0.5}
    assert set(opts) <= set(OPTIONS)
    return opts


@dataclass
class Report:
    instances: int = 0
    disagreements: int = 0
    sat: int = 0
    unsat: int = 0
    models_checked: int = 0
    proofs_checked: int = 0
    cores_checked: int = 0
    families: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    def line(self) -> str:
        fams = ", ".join(f"{k} {v}" for k, v in sorted(self.families.items()))
        return (
            f"{self.instances} instances ({fams}): {self.disagreements} disagreements; {self.sat} SAT "
            f"({self.models_checked} models checked), {self.unsat} UNSAT ({self.proofs_checked} DRAT proofs "
            f"checked), {self.cores_checked} assumption cores checked; {self.seconds:.1f} s"
        )


def reference(clauses: Clauses, assumptions: list[int] | None = None) -> bool:
    with PysatSolver(name="cadical195", bootstrap_with=clauses) as s:
        return bool(s.solve(assumptions=assumptions or []))


def run(seed: int, count: int, proofs: int, failures: Path | None = None, log=print) -> Report:
    """Fuzz ``count`` instances from ``seed``; check up to ``proofs`` DRAT proofs."""
    rng = random.Random(seed)
    rep = Report()
    t0 = time.monotonic()
    for i in range(count):
        family = FAMILIES[i % len(FAMILIES)]
        name, clauses, nv = family(rng)
        opts = draw_options(rng)
        want_proof = rep.proofs_checked < proofs and rng.random() < 0.5
        eng = Engine(nv, options=opts, proof=want_proof)
        eng.add_clauses(clauses)
        status = eng.solve()
        expected = reference(clauses)
        rep.instances += 1
        rep.families[family.__name__] += 1
        ok = status == (10 if expected else 20)
        if ok and status == 10:
            rep.sat += 1
            ok = model_satisfies(clauses, eng.model_literals())
            rep.models_checked += 1
        elif ok:
            rep.unsat += 1
            if want_proof:
                chk = check_drat(clauses, eng.proof(), nv)
                ok = chk.ok
                rep.proofs_checked += 1
        if ok and rng.random() < 0.3 and nv >= 4:  # incremental: solve again under assumptions
            assumptions = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, nv + 1), min(nv, 6))]
            st2 = eng.solve(assumptions)
            ok = st2 == (10 if reference(clauses, assumptions) else 20)
            if ok and st2 == 20:
                core = eng.failed()
                ok = set(core) <= set(assumptions) and not reference(clauses, core)
                rep.cores_checked += 1
            elif ok and st2 == 10:
                model = eng.model_literals()
                ok = model_satisfies(clauses, model) and all(model[abs(a) - 1] == a for a in assumptions)
        if ok and rng.random() < 0.2 and nv >= 2:  # incremental: a new clause, perhaps on eliminated variables
            extra = [v if rng.random() < 0.5 else -v for v in rng.sample(range(1, nv + 1), min(nv, 3))]
            eng.add_clause(extra)
            clauses = [*clauses, extra]
            st3 = eng.solve()
            ok = st3 == (10 if reference(clauses) else 20)
            if ok and st3 == 10:
                ok = model_satisfies(clauses, eng.model_literals())
        if not ok:
            rep.disagreements += 1
            log(f"DISAGREEMENT on instance {i} ({name}, options {opts}): engine {status}, cadical {expected}")
            if failures is not None:
                failures.mkdir(parents=True, exist_ok=True)
                body = "".join(" ".join(map(str, c)) + " 0\n" for c in clauses)
                (failures / f"seed{seed}-{i}-{name}.cnf").write_text(f"p cnf {nv} {len(clauses)}\n{body}")
    rep.seconds = time.monotonic() - t0
    return rep

"""The cost of the Python decision seam (IPASIR-UP ``decide()``) on CaDiCaL 1.9.5.

On a few equivalent miters, CaDiCaL's search time is measured in four set-ups:

* ``none``      — no propagator (the baseline);
* ``null``      — a propagator that observes no variable and whose ``decide()``
  always returns 0: the bare price of the callbacks CaDiCaL makes at every
  decision (``decide``, ``propagate``, ``add_clause``, ``on_new_level``...);
* ``tracking``  — ``Guidance(decide=lambda state: 0)``: the same, plus observing
  every variable, so each assignment and backtrack also calls into Python (what a
  decision callback needs to see the assignment).

What guidance *does* to the search is another matter, measured once on i2c:dc2
(``--steer``): priorities over the primary inputs make CaDiCaL decide every input
first, which turns the search into input enumeration.

Connecting a propagator also changes the search (observed variables are frozen
against elimination), so the table reports conflicts next to times; the per-call
cost is the extra time divided by the Python calls made.

Usage::

    python -m circuitlab.benchmarks.solvers_overhead [--repeats 3]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
from pathlib import Path

from pysat.engines import Propagator
from pysat.solvers import Solver as PysatSolver

from circuitlab.aiger import read_aiger
from circuitlab.benchmarks.results_io import RESULTS
from circuitlab.benchmarks.solvers_instances import build_instances
from circuitlab.cnf import encode
from circuitlab.miter import miter
from circuitlab.solvers import UNKNOWN, Guidance, Solver, check_equivalence

MITERS = ("i2c:dc2", "priority:resyn2", "adder:resyn2", "max:dc2", "max:resyn2")


class CountingNull(Propagator):
    """Observes nothing, decides nothing, counts every callback."""

    def __init__(self):
        super().__init__()
        self.calls = 0

    def decide(self):
        self.calls += 1
        return 0

    def on_new_level(self):
        self.calls += 1

    def on_backtrack(self, to):
        self.calls += 1

    def on_assignment(self, lit, fixed=False):
        self.calls += 1

    def check_model(self, model):
        self.calls += 1
        return True

    def propagate(self):
        self.calls += 1
        return []

    def provide_reason(self, lit):
        return []

    def add_clause(self):
        self.calls += 1
        return []


def time_plain(cnf, null: bool) -> tuple[float, int, int]:
    """(seconds, conflicts, python calls) of one CaDiCaL search, with or without the null propagator."""
    s = PysatSolver(name="cadical195", bootstrap_with=cnf.clauses)
    prop = None
    if null:
        prop = CountingNull()
        s.connect_propagator(prop)
    t0 = time.perf_counter()
    assert s.solve() is False
    dt = time.perf_counter() - t0
    conflicts = s.accum_stats()["conflicts"]
    s.delete()
    return dt, conflicts, (prop.calls if prop else 0)


class Counter:
    """A decide callback that returns 0 and counts its calls."""

    def __init__(self):
        self.calls = 0

    def __call__(self, state):
        self.calls += 1
        return 0


def time_guided(cnf, guidance) -> tuple[float, int, int]:
    with Solver("cadical195", cnf, guidance=guidance) as s:
        r = s.solve()
    assert r.status == 20 and r.stats.conflicts is not None  # CaDiCaL counts its conflicts
    return r.stats.solve_time, r.stats.conflicts, r.stats.guided_decisions or 0


def measure(name: str, a, b, repeats: int) -> dict:
    cnf = encode(miter(a, b)).cnf
    setups = {
        "none": lambda: time_plain(cnf, null=False),
        "null": lambda: time_plain(cnf, null=True),
        "tracking": lambda: time_guided(cnf, Guidance(decide=Counter())),
    }
    row = {"name": name, "vars": cnf.nv, "clauses": len(cnf.clauses)}
    for key, fn in setups.items():
        runs = [fn() for _ in range(repeats)]
        row[key] = (
            statistics.median(r[0] for r in runs),
            statistics.median(r[1] for r in runs),
            statistics.median(r[2] for r in runs),
        )
        print(name, key, row[key], flush=True)
    return row


def report(rows, repeats: int) -> str:
    lines = [
        "# Overhead of the Python decision callback (CaDiCaL 1.9.5, IPASIR-UP)",
        "",
        f"Median of {repeats} runs per cell; search time only (no encoding). Machine: "
        f"{platform.machine()}, 2 cores shared with other jobs, Python {platform.python_version()}.",
        "Set-ups: `none` no propagator; `null` a propagator that observes nothing and whose "
        "`decide()` returns 0; `tracking` `Guidance(decide=...)` returning 0 while observing every "
        "variable (the assignment a decision callback sees).",
        "",
        "| miter | vars | none s (confl.) | null s (confl.) | null/none | tracking s (confl.) | tracking/none |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    ratios: dict[str, list[float]] = {"null": [], "tracking": []}
    for r in rows:
        base = r["none"][0]
        cells = []
        for key in ("null", "tracking"):
            t, c, _ = r[key]
            ratios[key].append(t / base)
            cells += [f"{t:.3f} ({c})", f"{t / base:.2f}x"]
        lines.append(f"| {r['name']} | {r['vars']} | {base:.3f} ({r['none'][1]}) | " + " | ".join(cells) + " |")
    geo = {k: statistics.geometric_mean(v) for k, v in ratios.items()}
    per_call = [(r["null"][0] - r["none"][0]) / r["null"][2] * 1e6 for r in rows if r["null"][2]]
    lines += [
        "",
        f"**Geometric-mean slowdown:** null {geo['null']:.2f}x, tracking {geo['tracking']:.2f}x.",
        f"Python callbacks in the `null` set-up: {min(r['null'][2] for r in rows):,} to "
        f"{max(r['null'][2] for r in rows):,} per search; extra time per callback, median "
        f"{statistics.median(per_call):.2f} µs (this folds in the change of search, so it is a "
        "rough figure).",
        "",
    ]
    return "\n".join(lines)


def steer(a, b, limit: float) -> str:
    """One line: i2c:dc2 with hard priorities on the primary inputs, against none."""
    m = miter(a, b)
    inputs = {v: float(v) for v in range(2, m.num_inputs + 2)}  # CNF variables of the inputs
    lines = []
    for label, g in (("no guidance", None), ("priorities on the inputs", Guidance(priorities=inputs))):
        r = check_equivalence(a, b, guidance=g, timeout=limit, engine="cdcl")
        shown = f"UNKNOWN after {limit:g} s" if r.status == UNKNOWN else f"{r.name} in {r.stats.solve_time:.3f} s"
        lines.append(f"{label}: {shown}")
        print("steer", label, shown, flush=True)
    return "; ".join(lines)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--steer", type=float, default=60.0, help="time limit of the steering example (0: skip)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as work:
        insts = {i.name: i for i in build_instances(Path(work), circuits=("i2c", "priority", "adder", "max"))}
        rows = [measure(n, read_aiger(insts[n].a), read_aiger(insts[n].b), args.repeats) for n in MITERS]
        text = report(rows, args.repeats)
        if args.steer > 0:
            i2c = insts["i2c:dc2"]
            text += (
                "\n## Steering, not overhead\n\nOn i2c:dc2, CaDiCaL with "
                + steer(read_aiger(i2c.a), read_aiger(i2c.b), args.steer)
                + ". Deciding every primary input first turns CDCL on a miter into input "
                "enumeration: hard priorities through `decide()` must be few and well chosen.\n"
            )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "solvers_overhead.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()

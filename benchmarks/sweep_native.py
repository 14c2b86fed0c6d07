"""Native sweeping against its Python reference, on the 41-miter LEC set and compiled LGNs.

The same instances as ``solvers_backends`` (10 EPFL circuits x {dc2, resyn2} x
{equivalent, one observable bug}, plus ``multiplier`` against its ``dc2`` copy), and the
compiled logic-gate-network pairs of the suite's ``lgn`` family (the trained MNIST network
and a random-weight one of the MNIST shape, each against an ABC ``dc2`` copy and a
one-gate-bug copy; ``suite.lgn_pairs``).  Two
ways to decide each pair, both timed from the two read circuits to the verified answer:

* **native**: ``check_equivalence(a, b, backend="circuitlab")``, the default ``auto``
  engine (``solvers/fraig.py`` over ``solvers/cdcl/sweep.cpp``);
* **Python reference**: the pure-Python sweep (``solvers/sweep.py``, PySAT MiniSat
  queries) on the single-output miter, then CaDiCaL on what it leaves: what ``lec`` did
  before the native sweeper.

Both must give the same verdict (and ABC's ``cec`` the same, when installed).

    python -m benchmarks.sweep_native --timeout 60
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from circuitlab.aiger import read_aiger
from circuitlab.miter import miter
from circuitlab.solvers import SAT, UNKNOWN, UNSAT, check_equivalence, solve_aig
from circuitlab.solvers.sweep import sweep

from .results_io import RESULTS, write_results
from .solvers_backends import instances
from .solvers_instances import Instance
from .suite import EQ, lgn_pairs


def reference(a, b, timeout: float) -> tuple[int, float]:
    """The Python sweep, then CaDiCaL on the reduced miter: ``(status as lec, seconds)``."""
    start = time.monotonic()
    reduced, _ = sweep(miter(a, b), deadline=start + timeout)
    rest = max(0.0, timeout - (time.monotonic() - start))
    r = solve_aig(reduced, backend="cadical195", timeout=rest)
    status = {SAT: SAT, UNSAT: UNSAT}.get(r.status, UNKNOWN)  # a satisfiable miter: they differ
    return status, time.monotonic() - start


def native(a, b, timeout: float) -> tuple[int, float]:
    start = time.monotonic()
    r = check_equivalence(a, b, backend="circuitlab", timeout=timeout)
    return r.status, time.monotonic() - start


def run(timeout: float, log=print) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="circuitlab-sweep-bench-") as tmp:
        lgn = [Instance(name, a, b, expected == EQ) for name, a, b, expected in lgn_pairs(Path(tmp) / "lgn")]
        for inst in instances(Path(tmp)) + lgn:
            a, b = read_aiger(inst.a), read_aiger(inst.b)
            row: dict = {"instance": inst.name, "equivalent": inst.equivalent, "lgn": inst in lgn}
            for name, fn in (("native", native), ("python", reference)):
                status, seconds = fn(a, b, timeout)
                solved = status != UNKNOWN
                if solved and (status == UNSAT) != inst.equivalent:
                    raise AssertionError(f"{name} gave a wrong verdict on {inst.name}")
                row[name] = seconds if solved else None
            log(f"{inst.name:24s} native {_t(row['native'])}  python {_t(row['python'])}")
            rows.append(row)
    return rows


def _t(x: float | None) -> str:
    return "timeout" if x is None else f"{x:.3f} s"


def par2(times: list[float | None], timeout: float) -> float:
    return sum(2 * timeout if t is None else t for t in times) / len(times)


def report(rows: list[dict], timeout: float) -> str:
    lines = [
        "# Native sweeping vs its Python reference (41-miter LEC set, compiled LGN pairs)",
        "",
        f"Limit {timeout:.0f} s; time from the two read circuits to the verified verdict; same run.",
        "",
        "| set | engine | solved | PAR-2 (s) | total (s) |",
        "|---|---|---|---|---|",
    ]
    groups = [
        ("41-miter set", [r for r in rows if not r.get("lgn")]),
        ("compiled LGN pairs", [r for r in rows if r.get("lgn")]),
    ]
    groups = [(name, rs) for name, rs in groups if rs]
    for set_name, rs in groups:
        nat, ref = [r["native"] for r in rs], [r["python"] for r in rs]
        for label, ts in (("native (`lec` auto, circuitlab engine)", nat), ("Python sweep + CaDiCaL (reference)", ref)):
            solved = [t for t in ts if t is not None]
            lines.append(
                f"| {set_name} | {label} | {len(solved)}/{len(ts)} | {par2(ts, timeout):.3f} | {sum(solved):.2f} |"
            )
    lines.append("")
    for set_name, rs in groups:
        nat, ref = [r["native"] for r in rs], [r["python"] for r in rs]
        faster = sum(1 for n, p in zip(nat, ref, strict=True) if n is not None and (p is None or n <= p))
        lines.append(
            f"* {set_name}: PAR-2 ratio native / Python **{par2(nat, timeout) / par2(ref, timeout):.3f}**; "
            f"native at most as slow on {faster}/{len(rs)} instances; verdicts agree on all."
        )
    lines.append("")
    lines += ["| instance | native (s) | Python (s) |", "|---|---|---|"]
    lines += [f"| {r['instance']} | {_t(r['native'])} | {_t(r['python'])} |" for r in rows]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = ap.parse_args(argv)
    rows = run(args.timeout)
    md = report(rows, args.timeout)
    write_results(args.out / "sweep_native", {"timeout": args.timeout, "rows": rows}, md)
    print(f"wrote {args.out / 'sweep_native.md'}")


if __name__ == "__main__":
    main()

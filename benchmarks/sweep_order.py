"""GNN-ordered sweeping (``lec --guide order``): do the GNN's scores find the candidate
pairs that do not hold, and does deferring them make sweeping faster?

For each miter (EPFL circuits against ABC ``dc2`` and one-gate-bug copies, and
cross-architecture multipliers), same run:

* **Scores.** The candidate pairs of sweeping (gates whose 4,096-pattern signatures agree
  with an earlier variable's) are scored by the GNN (see :mod:`circuitlab.guided`); a pair
  scoring at least ``DEFER_MIN`` is deferred.  Each candidate is then simulated on
  ``--check-words`` x 64 further random patterns: a pair those patterns split certainly
  does not hold (*split*); the others very likely do.  A useful score defers the split
  pairs and few of the others.
* **Sweeping.** ``check_equivalence`` with the sweeping engine, unguided and with the
  GNN's deferrals (``guide_sweep``), each timed in-process; the GNN's time is reported
  beside, and is part of the guided total.

    python -m benchmarks.sweep_order
    python -m benchmarks.sweep_order --only ctrl,i2c --widths 6
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from circuitlab.aig import AIG
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import EPFL
from circuitlab.guided import DEFER_MIN, sweep_candidates, sweep_deferrals
from circuitlab.sim import random_patterns, simulate
from circuitlab.solvers import check_equivalence
from circuitlab.solvers.core import match_interfaces
from circuitlab.solvers.fraig import native_miter

from .lec_epfl import make_copy
from .results_io import RESULTS, write_results

CIRCUITS = ("adder", "bar", "cavlc", "ctrl", "dec", "i2c", "int2float", "max", "priority", "router", "sin")


def pairs(only: list[str], widths: list[int], workdir: Path) -> list[tuple[str, AIG, AIG]]:
    from circuitlab.generators import array_multiplier, dadda_multiplier, wallace_multiplier

    out = []
    for c in only:
        a = read_aiger(EPFL / f"{c}.aig")
        for family in ("dc2", "bug"):
            out.append((f"{c}-{family}", a, read_aiger(make_copy(c, family, workdir))))
    for w in widths:
        out.append((f"mult{w}-array-vs-wallace", array_multiplier(w), wallace_multiplier(w)))
        out.append((f"mult{w}-array-vs-dadda", array_multiplier(w), dadda_multiplier(w)))
    return out


def split_by_simulation(m: AIG, v: np.ndarray, u: np.ndarray, pol: np.ndarray, words: int) -> np.ndarray:
    """``[K]``: candidate k differs from its partner on some of ``words`` x 64 fresh patterns."""
    vals = simulate(m, random_patterns(m.num_inputs, words, seed=12345))  # [M + 1, W]
    want = np.where(pol[:, None] == 1, ~np.uint64(0), np.uint64(0))  # v XOR u on every pattern
    return ~np.all((vals[v] ^ vals[u]) == want, axis=1)


def measure(name: str, a: AIG, b: AIG, words: int, timeout: float) -> dict:
    in_perm, out_perm = match_interfaces(a, b)
    m = native_miter(a, b, in_perm, out_perm)
    v, u, pol = sweep_candidates(m)
    split = split_by_simulation(m, v, u, pol, words)
    flags, rep = sweep_deferrals(m, "gnn")
    deferred = flags[v].astype(bool)
    row = {
        "instance": name,
        "ands": m.num_ands,
        "candidates": len(v),
        "constant_candidates": int((u == 0).sum()),
        "split": int(split.sum()),
        "deferred": int(deferred.sum()),
        "deferred_split": int((deferred & split).sum()),
        "gnn_s": round(rep.gnn_seconds, 3),
    }
    runs = {}
    for label, guide in (("unguided", None), ("order", flags)):

        def guide_sweep(miter, run, deadline, guide=guide):
            return run(guide if guide is not None and guide.any() else None, deadline)

        t0 = time.monotonic()
        res = check_equivalence(a, b, backend="circuitlab", timeout=timeout, guide_sweep=guide_sweep)
        runs[label] = {
            "verdict": {20: "EQ", 10: "NEQ"}.get(res.status, "unknown"),
            "seconds": round(time.monotonic() - t0, 3),
            "skipped": (res.sweep or {}).get("deferred", 0),
        }
    row["runs"] = runs
    return row


def report(rows: list[dict], timeout: float, words: int) -> str:
    def total(label: str) -> float:
        return sum(
            r["runs"][label]["seconds"] if r["runs"][label]["verdict"] != "unknown" else 2 * timeout for r in rows
        )

    lines = [
        "# GNN-ordered sweeping: scores and deferrals",
        "",
        f"Candidates: gates whose 4,096-pattern signatures agree with an earlier variable (up to "
        f"complement). *split*: the candidates that {words * 64:,} further random patterns split "
        f"(they certainly do not hold). Deferred: GNN score >= {DEFER_MIN} (`lec --guide order "
        f"--guide-source gnn`). Sweeping is `check_equivalence` with the default engine, "
        f"in-process, {timeout:.0f} s limit; the guided time adds the GNN's.",
        "",
        "| instance | ANDs | candidates (of the constant) | split | deferred | deferred & split "
        "| GNN (s) | sweep (s) | sweep, order (s) | skipped in round 1 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        un, od = r["runs"]["unguided"], r["runs"]["order"]
        lines.append(
            f"| {r['instance']} | {r['ands']:,} | {r['candidates']:,} ({r['constant_candidates']:,}) "
            f"| {r['split']:,} | {r['deferred']:,} | {r['deferred_split']:,} | {r['gnn_s']:.2f} "
            f"| {un['seconds']:.3f} {un['verdict']} | {od['seconds'] + r['gnn_s']:.3f} {od['verdict']} "
            f"| {od['skipped']:,} |"
        )
    cand = sum(r["candidates"] for r in rows)
    spl = sum(r["split"] for r in rows)
    dfr = sum(r["deferred"] for r in rows)
    hit = sum(r["deferred_split"] for r in rows)
    gnn = sum(r["gnn_s"] for r in rows)
    lines += [
        "",
        f"Totals: {cand:,} candidates, {spl:,} split by further simulation, {dfr:,} deferred by the "
        f"GNN, of which {hit:,} split. Sweeping PAR-2 sums: unguided {total('unguided'):.2f} s, "
        f"ordered {total('order'):.2f} s plus {gnn:.2f} s of GNN.",
    ]
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default=",".join(CIRCUITS), help="EPFL circuits (comma-separated)")
    ap.add_argument("--widths", default="6,7", help="multiplier widths (comma-separated; empty: none)")
    ap.add_argument("--check-words", type=int, default=1024, help="64-pattern words of the split check")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--workdir", type=Path, default=Path("build/lec_epfl"))
    ap.add_argument("--out", type=Path, default=RESULTS / "sweep_order")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(1)
    args.workdir.mkdir(parents=True, exist_ok=True)
    only = [c for c in args.only.split(",") if c]
    widths = [int(w) for w in args.widths.split(",") if w]
    from circuitlab.generators import ripple_adder
    from circuitlab.gnn import predict

    t0 = time.monotonic()  # importing torch and loading the model: paid once per lec process
    predict(ripple_adder(4), threads=1)
    load_s = round(time.monotonic() - t0, 2)
    rows = []
    for name, a, b in pairs(only, widths, args.workdir):
        rows.append(measure(name, a, b, args.check_words, args.timeout))
        print(rows[-1], flush=True)
    env = {"timeout_s": args.timeout, "check_patterns": args.check_words * 64, "defer_min": DEFER_MIN}
    env["gnn_load_s"] = load_s
    md = report(rows, args.timeout, args.check_words)
    md += f"\nGNN times are inference only; loading the model (torch imported before) took {load_s:.2f} s once.\n"
    write_results(args.out, {"environment": env, "rows": rows}, md)


if __name__ == "__main__":
    main()

"""Guided solving ablation on the hard family: does guidance pay on circuitlab's engine?

Instances: array-vs-Wallace multiplier miters (equivalent, so UNSAT) at several widths,
the family where CDCL does the work (no internal equivalences for sweeping to use).

Configurations, all in the same run, each timed from the AIG to the answer with the
hint making (simulation, GNN import and inference) included:

* ``cadical195`` plain, and circuitlab's engine unguided (the reference);
* each guidance part alone (``phases``, ``priorities``, ``filter``) and all together,
  with simulation probabilities (``sim``: no model);
* all parts with the GNN's probabilities (``gnn``) and with ``hybrid``.

Reported: PAR-2 per configuration, its ratio to the unguided engine (> 1 means the
guidance made it slower), and the engine's hook statistics.

    python -m benchmarks.guided_ablation --widths 6,7,8 --timeout 60
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from circuitlab.guided import PARTS, guidance_for
from circuitlab.solvers import UNKNOWN, UNSAT, solve_aig

from .engine_par2 import generated_multipliers
from .results_io import RESULTS, write_results

CONFIGS = [
    ("cadical195", None, None),
    ("engine", None, None),
    *[("engine", "sim", (part,)) for part in PARTS],
    ("engine", "sim", PARTS),
    ("engine", "hybrid", PARTS),
    ("engine", "gnn", PARTS),
]


def label(backend: str, source: str | None, parts) -> str:
    if source is None:
        return f"{backend} unguided"
    return f"engine {source}:{'+'.join(parts) if len(parts) < len(PARTS) else 'all'}"


def run_one(aig, backend: str, source: str | None, parts, timeout: float) -> dict:
    start = time.monotonic()
    guidance, rep = None, None
    if source is not None:
        guidance, rep = guidance_for(aig, parts, source, threads=1)
    rest = max(0.0, timeout - (time.monotonic() - start))
    r = solve_aig(
        aig, backend="cadical195" if backend == "cadical195" else "circuitlab", guidance=guidance, timeout=rest
    )
    if r.status != UNKNOWN and r.status != UNSAT:
        raise AssertionError("an equivalent miter was answered SAT")
    return {
        "seconds": None if r.status == UNKNOWN else time.monotonic() - start,
        "hint_seconds": 0.0 if rep is None else rep.seconds,
        "gnn_seconds": 0.0 if rep is None else rep.gnn_seconds,
        "conflicts": r.stats.conflicts,
        "hooks": r.stats.hooks,
    }


def par2(times, timeout: float) -> float:
    return sum(2 * timeout if t is None else t for t in times) / len(times)


def report(rows: dict, names: list[str], timeout: float) -> str:
    base = par2([rows["engine unguided"][n]["seconds"] for n in names], timeout)
    lines = [
        "# Guided solving ablation (array-vs-Wallace multiplier miters, circuitlab engine)",
        "",
        f"Limit {timeout:.0f} s; time from the AIG to the answer, hint making (GNN included) counted; same run.",
        "Ratio = PAR-2 / PAR-2 of the unguided engine (below 1: guidance helps).",
        "",
        "| configuration | " + " | ".join(f"{n} (s)" for n in names) + " | PAR-2 (s) | ratio | hints (s) |",
        "|---|" + "---|" * (len(names) + 3),
    ]
    for lab, per in rows.items():
        ts = [per[n]["seconds"] for n in names]
        cells = " | ".join("timeout" if t is None else f"{t:.2f}" for t in ts)
        hints = sum(per[n]["hint_seconds"] for n in names)
        p = par2(ts, timeout)
        lines.append(f"| {lab} | {cells} | {p:.2f} | {p / base:.2f} | {hints:.2f} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--widths", default="6,7,8")
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = ap.parse_args(argv)
    insts = generated_multipliers(tuple(int(w) for w in args.widths.split(",")))
    names = [n.split(":")[0] for n, _ in insts]
    rows: dict[str, dict] = {}
    for backend, source, parts in CONFIGS:
        lab = label(backend, source, parts)
        rows[lab] = {}
        for name, (_, aig) in zip(names, insts, strict=True):
            rows[lab][name] = run_one(aig, backend, source, parts, args.timeout)
            t = rows[lab][name]["seconds"]
            print(f"{lab:28s} {name:6s} {'timeout' if t is None else f'{t:.2f} s'}", flush=True)
    md = report(rows, names, args.timeout)
    write_results(args.out / "guided_ablation", {"timeout": args.timeout, "rows": rows}, md)


if __name__ == "__main__":
    main()

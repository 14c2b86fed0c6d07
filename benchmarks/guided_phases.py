"""Do GNN phases help CaDiCaL?  Plain against ``--guided`` phases on the LEC miter set.

Run: ``python -m circuitlab.benchmarks.guided_phases [--timeout S]``.
Writes ``benchmarks/results/guided_phases.{json,md}``.

Each miter is solved by cadical195 twice in the same run: with no guidance, and with
phase preferences from the pretrained GNN (``circuitlab.guided``).  Solve
time excludes encoding; GNN inference time is reported in its own column.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from circuitlab.aiger import read_aiger
from circuitlab.benchmarks.results_io import RESULTS, write_results
from circuitlab.guided import guidance_for
from circuitlab.miter import miter
from circuitlab.solvers import UNKNOWN, solve_aig

from .solvers_backends import instances, par2


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for inst in instances(Path(tmp)):
            m = miter(read_aiger(inst.a), read_aiger(inst.b))
            t = time.perf_counter()
            g, _ = guidance_for(m, ["phases"], source="gnn")
            t_gnn = time.perf_counter() - t
            row = {"name": inst.name, "equivalent": inst.equivalent, "gnn_s": t_gnn, "phases": len(g.phases)}
            for label, guidance in (("plain", None), ("guided", g)):
                r = solve_aig(m, guidance=guidance, timeout=args.timeout)
                assert r.status == UNKNOWN or (r.status == 20) == inst.equivalent, inst.name
                row[label] = None if r.status == UNKNOWN else r.stats.solve_time
            print(json.dumps(row), flush=True)
            rows.append(row)
    fmt = lambda x: "timeout" if x is None else f"{x:.3f}"  # noqa: E731
    md = [
        f"cadical195, timeout {args.timeout:g} s, solve time only (s); GNN inference separately.",
        "",
        "| miter | plain | GNN phases | GNN inference |",
        "|---|---|---|---|",
    ]
    md += [f"| {r['name']} | {fmt(r['plain'])} | {fmt(r['guided'])} | {r['gnn_s']:.2f} |" for r in rows]
    p_plain = par2([r["plain"] for r in rows], args.timeout)
    p_guided = par2([r["guided"] for r in rows], args.timeout)
    md += ["", f"PAR-2: plain {p_plain:.3f} s, GNN phases {p_guided:.3f} s (ratio {p_guided / p_plain:.2f})."]
    write_results(args.out / "guided_phases", rows, "\n".join(md))


if __name__ == "__main__":
    main()

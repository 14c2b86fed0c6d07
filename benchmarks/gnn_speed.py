"""GNN inference speed on EPFL circuits, against plain CaDiCaL on their LEC miters.

Run: ``python -m circuitlab.benchmarks.gnn_speed [--epfl DIR] [--timeout 60]``.
Writes ``benchmarks/results/gnn_speed.json`` and ``.md``.

For each circuit (default: multiplier, sqrt, hyp), on one CPU thread:

* ``aig_to_data`` time on the circuit (the conversion is vectorized);
* GNN inference (signal probabilities) on the circuit;
* the LEC miter of the circuit against its ABC ``dc2`` copy, and ``predict`` on it with
  the miter's candidate-equivalence pairs (what the solver guidance would call);
* plain CaDiCaL 1.9.5 (pysat ``cadical195``, in a child process) on the Tseitin CNF of
  that miter, killed after ``max(--timeout, --limit-factor x GNN time)`` seconds of wall
  time.  A timeout makes the ratio an upper bound (the child's clause loading counts
  against the limit); with the default factor 11 a timeout still decides the 10% goal,
  since the ratio is then below 1/11.

Ratio = GNN time on the miter / CaDiCaL time on the miter.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from circuitlab.abc import abc_optimize
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import EPFL
from circuitlab.benchmarks.results_io import RESULTS, write_results
from circuitlab.cnf import encode, write_dimacs
from circuitlab.gnn.data import aig_to_data
from circuitlab.gnn.inference import WEIGHTS, load_pretrained, predict
from circuitlab.gnn.pairs import candidate_pairs, miter_halves
from circuitlab.gnn.schedule import level_schedule

DEFAULT_EPFL = EPFL


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


_CHILD = """
import sys, time
from pysat.formula import CNF
from pysat.solvers import Solver
cnf = CNF(from_file=sys.argv[1])
with Solver(name="cadical195", bootstrap_with=cnf.clauses) as s:
    t = time.perf_counter()
    res = s.solve()
    print("UNSAT" if res is False else "SAT", time.perf_counter() - t, flush=True)
"""


def cadical(cnf, timeout: float) -> dict:
    """Solve with CaDiCaL 1.9.5 in a child process, killed after ``timeout`` seconds.

    pysat's ``cadical195`` keeps the GIL while solving, so a ``threading.Timer`` calling
    ``interrupt()`` never runs; a child process with a wall-clock limit is reliable.
    The reported time is the child's own solve time (clause loading excluded).
    """
    with tempfile.TemporaryDirectory(prefix="gnn-speed-") as tmp:
        path = Path(tmp) / "miter.cnf"
        write_dimacs(cnf, path)
        try:
            res = subprocess.run(
                [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return {"status": "TIMEOUT", "seconds": timeout}
    status, secs = res.stdout.split()
    return {"status": status, "seconds": float(secs)}


def bench(path: Path, model, timeout: float, limit_factor: float) -> dict:
    aig = read_aiger(path)
    cfg = model.config
    data, t_data = timed(lambda: aig_to_data(aig, skip_depth=cfg.skip_depth, window_depth=cfg.window_depth))
    sched, t_sched = timed(lambda: level_schedule(data))
    with torch.inference_mode():
        _, t_inf = timed(lambda: model(data, sched))
    opt, t_abc = timed(lambda: abc_optimize(aig, "dc2", timeout=600))
    (m, groups), t_miter = timed(lambda: miter_halves(aig, opt))
    pairs, t_pairs = timed(lambda: candidate_pairs(m, groups=groups))
    _, t_pred = timed(lambda: predict(m, pairs, model=model))
    enc, t_enc = timed(lambda: encode(m))
    gnn_total = t_pairs + t_pred
    limit = max(timeout, limit_factor * gnn_total)
    sat = cadical(enc.cnf, limit)
    return {
        "circuit": path.stem,
        "ands": aig.num_ands,
        "depth": int(data.level.max()),
        "aig_to_data_s": t_data,
        "schedule_s": t_sched,
        "inference_s": t_inf,
        "dc2_s": t_abc,
        "dc2_ands": opt.num_ands,
        "miter_ands": m.num_ands,
        "miter_s": t_miter,
        "miter_pairs": int(len(pairs)),
        "miter_candidate_pairs_s": t_pairs,
        "miter_predict_s": t_pred,
        "cnf_vars": enc.cnf.nv,
        "cnf_clauses": len(enc.cnf.clauses),
        "encode_s": t_enc,
        "cadical_limit_s": limit,
        "cadical_status": sat["status"],
        "cadical_s": sat["seconds"],
        "ratio_gnn_over_cadical": gnn_total / sat["seconds"],
        "ratio_is_upper_bound": sat["status"] == "TIMEOUT",
    }


def to_markdown(res: dict) -> str:
    lines = [
        "# GNN inference speed vs plain CaDiCaL (1 CPU thread)",
        "",
        f"Weights `{res['weights']}`; CaDiCaL limit per miter: max({res['timeout']:.0f} s, "
        f"{res['limit_factor']:g} x the GNN time on it); machine shared with other jobs, so wall times are "
        "noisy.",
        "",
        "| circuit | ANDs | depth | aig_to_data s | GNN infer s | miter ANDs | pairs | GNN on miter s "
        "(pairs + predict) | CaDiCaL on miter | ratio GNN/CaDiCaL |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in res["rows"]:
        bound = "<= " if r["ratio_is_upper_bound"] else ""
        lines.append(
            f"| {r['circuit']} | {r['ands']} | {r['depth']} | {r['aig_to_data_s']:.2f} | "
            f"{r['inference_s']:.2f} | {r['miter_ands']} | {r['miter_pairs']} | "
            f"{r['miter_candidate_pairs_s'] + r['miter_predict_s']:.2f} | "
            f"{r['cadical_status']} {r['cadical_s']:.1f} s | {bound}{r['ratio_gnn_over_cadical']:.3f} |"
        )
    lines += [
        "",
        "GNN time grows with the logic depth: each level is one batched step (forward and "
        "reverse), so deep narrow circuits (sqrt, hyp) pay per-step overhead.",
        "",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epfl", default=str(DEFAULT_EPFL))
    ap.add_argument("--circuits", default="multiplier,sqrt,hyp")
    ap.add_argument("--timeout", type=float, default=60.0, help="least CaDiCaL time limit per miter (s)")
    ap.add_argument(
        "--limit-factor",
        type=float,
        default=11.0,
        help="give CaDiCaL at least this many times the GNN's time on the miter",
    )
    ap.add_argument("--weights", default=None)
    ap.add_argument("--out", default=str(RESULTS / "gnn_speed"))
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    model = load_pretrained(args.weights)
    rows = []
    for name in args.circuits.split(","):
        row = bench(Path(args.epfl) / f"{name}.aig", model, args.timeout, args.limit_factor)
        print(json.dumps(row))
        rows.append(row)
    res = {
        "weights": str(args.weights or WEIGHTS),
        "timeout": args.timeout,
        "limit_factor": args.limit_factor,
        "threads": 1,
        "rows": rows,
    }
    write_results(args.out, res, to_markdown(res))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

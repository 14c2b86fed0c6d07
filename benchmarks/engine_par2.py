"""circuitlab's native CDCL engine against PySAT's CaDiCaL 1.9.5 on plain miters (same run).

Instances are miters solved without sweeping, so that CDCL does all the work:

* generated multipliers, array against Wallace (carry-save) trees, 5-8 bits (UNSAT);
* EPFL ``arbiter``, ``bar``, ``voter`` and ``mem_ctrl`` against ABC ``dc2`` copies (UNSAT);
* the 41-miter LEC set of ``solvers_backends`` (10 EPFL circuits x {dc2, resyn2} x
  {equivalent, one observable bug}, plus the EPFL multiplier), with ``--lec-set``.

Both solvers get the same Tseitin CNF and the same limit; the time is the search alone
(clause loading excluded for both), PAR-2 counts a timeout as twice the limit.  The
engine's own profile (elimination, propagation + decisions, conflict analysis, reduction) is
reported from its statistics.  Writes ``engine_par2.{md,json}`` and a cactus plot.

    python -m circuitlab.benchmarks.engine_par2 [--timeout 60] [--lec-set]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pysat.solvers import Solver as PysatSolver

from circuitlab.abc import abc_optimize_file
from circuitlab.aig import AIG
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import EPFL
from circuitlab.cnf import encode
from circuitlab.miter import miter
from circuitlab.solvers.engine import Engine
from circuitlab.solvers.watchdog import run_in_child

from .results_io import RESULTS, write_results


def generated_multipliers(widths=(5, 6, 7, 8)) -> list[tuple[str, AIG]]:
    from circuitlab.generators import array_multiplier, wallace_multiplier

    return [(f"mult{n}:array-vs-wallace", miter(array_multiplier(n), wallace_multiplier(n))) for n in widths]


def epfl_dc2(workdir: Path, names=("arbiter", "bar", "voter", "mem_ctrl")) -> list[tuple[str, AIG]]:
    out = []
    for name in names:
        opt = workdir / f"{name}_dc2.aig"
        abc_optimize_file(EPFL / f"{name}.aig", "dc2", opt)
        out.append((f"{name}:dc2", miter(read_aiger(EPFL / f"{name}.aig"), read_aiger(opt))))
    return out


def lec_set(workdir: Path) -> list[tuple[str, AIG]]:
    from .solvers_backends import instances

    return [(inst.name, miter(read_aiger(inst.a), read_aiger(inst.b))) for inst in instances(workdir)]


def _engine(clauses, nv, timeout):
    e = Engine(nv)
    e.add_clauses(clauses, grow=False)
    t = time.perf_counter()
    status = e.solve(seconds=timeout)
    return status, time.perf_counter() - t, e.stats()


def _cadical(clauses, timeout):
    def job():
        with PysatSolver(name="cadical195", bootstrap_with=clauses) as s:
            t = time.perf_counter()
            r = s.solve()
            return (10 if r else 20), time.perf_counter() - t, s.accum_stats()

    out = run_in_child(job, time.monotonic() + timeout + 5.0 + len(clauses) * 2e-6, None)
    if out.reason:
        return 0, timeout, {}
    status, t, st = out.value
    return (status, t, st) if t <= timeout else (0, timeout, st)


def par2(times: list[float | None], timeout: float) -> float:
    return sum(2 * timeout if t is None else t for t in times) / max(1, len(times))


def run(instances, timeout: float, log=print) -> list[dict]:
    rows = []
    for name, m in instances:
        enc = encode(m)
        clauses, nv = enc.cnf.clauses, enc.cnf.nv
        es, et, est = _engine(clauses, nv, timeout)
        cs, ct, cst = _cadical(clauses, timeout)
        if es and cs and es != cs:
            raise SystemExit(f"{name}: engine says {es}, cadical195 says {cs}")
        row = {
            "instance": name,
            "vars": nv,
            "clauses": len(clauses),
            "engine_status": es,
            "engine_s": et if es else None,
            "engine_conflicts": est["conflicts"],
            "engine_profile": {
                k: round(est[k], 4) for k in ("time_elim", "time_propagate", "time_analyze", "time_reduce")
            },
            "engine_eliminated": est["eliminated"],
            "cadical_status": cs,
            "cadical_s": ct if cs else None,
            "cadical_conflicts": cst.get("conflicts"),
        }
        rows.append(row)
        log(
            f"{name:28s} engine {_t(et if es else None):>9s} s ({est['conflicts']} conflicts)   "
            f"cadical195 {_t(ct if cs else None):>9s} s ({cst.get('conflicts')} conflicts)"
        )
    return rows


def report(groups: dict[str, list[dict]], timeout: float) -> str:
    lines = [
        "# circuitlab engine vs PySAT CaDiCaL 1.9.5 on plain miters (no sweeping)",
        "",
        f"Limit {timeout:g} s per instance; PAR-2 = mean search time, 2x the limit for a timeout; same run, "
        "same Tseitin CNF, one core.",
        "",
        "| family | instances | engine solved | engine PAR-2 (s) | cadical195 solved | cadical195 PAR-2 (s) | ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    everything: list[dict] = []
    for fam, rows in groups.items():
        everything += rows
        lines.append(_row(fam, rows, timeout))
    lines.append(_row("**all**", everything, timeout))
    both = [r for r in everything if r["engine_s"] is not None and r["cadical_s"] is not None]
    e_sum, c_sum = sum(r["engine_s"] for r in both), sum(r["cadical_s"] for r in both)
    lines += [
        "",
        "ratio = engine PAR-2 / cadical195 PAR-2 (goal: at most 1.5).  A timeout of both solvers adds the same "
        "2x the limit to both PAR-2 sums, which pulls the ratio towards 1; on the "
        f"{len(both)} instances both solve, the engine takes {e_sum:.2f} s and cadical195 {c_sum:.2f} s in total "
        f"(ratio {e_sum / c_sum if c_sum else float('nan'):.2f}).",
        "",
        "| instance | vars | eliminated | engine (s) | conflicts | elim / propagate+decide / analyze / reduce (s) "
        "| cadical195 (s) | conflicts |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in everything:
        p = r["engine_profile"]
        lines.append(
            f"| {r['instance']} | {r['vars']} | {r.get('engine_eliminated', 0)} | {_t(r['engine_s'])} | "
            f"{r['engine_conflicts']} | {p.get('time_elim', 0.0):.2f} / "
            f"{p['time_propagate']:.2f} / {p['time_analyze']:.2f} / {p['time_reduce']:.2f} | "
            f"{_t(r['cadical_s'])} | {r['cadical_conflicts']} |"
        )
    return "\n".join(lines) + "\n"


def _t(x):
    return "timeout" if x is None else f"{x:.3f}"


def _row(fam, rows, timeout):
    e = par2([r["engine_s"] for r in rows], timeout)
    c = par2([r["cadical_s"] for r in rows], timeout)
    es = sum(r["engine_s"] is not None for r in rows)
    cs = sum(r["cadical_s"] is not None for r in rows)
    return f"| {fam} | {len(rows)} | {es} | {e:.3f} | {cs} | {c:.3f} | {e / c if c else float('nan'):.2f} |"


def cactus(groups, timeout: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for rs in groups.values() for r in rs]
    fig, ax = plt.subplots(figsize=(6, 4))
    for key, label in (("engine_s", "circuitlab engine"), ("cadical_s", "cadical195 (PySAT)")):
        ts = sorted(r[key] for r in rows if r[key] is not None)
        ax.step(range(1, len(ts) + 1), ts, where="post", label=label)
    ax.set_xlabel("instances solved")
    ax.set_ylabel("search time (s)")
    ax.set_yscale("log")
    ax.set_title(f"plain miters, {timeout:g} s limit")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--lec-set", action="store_true", help="also the 41-miter LEC set")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        groups = {"generated multipliers": run(generated_multipliers(), args.timeout)}
        groups["EPFL vs dc2"] = run(epfl_dc2(Path(tmp)), args.timeout)
        if args.lec_set:
            groups["41-miter LEC set"] = run(lec_set(Path(tmp)), args.timeout)
    text = report(groups, args.timeout)
    write_results(args.out / "engine_par2", {"timeout": args.timeout, "groups": groups}, text)
    cactus(groups, args.timeout, args.out / "engine_cactus.png")


if __name__ == "__main__":
    main()

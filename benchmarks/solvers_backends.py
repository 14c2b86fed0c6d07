"""Compare the four backends on the LEC miter set: PAR-2 table and cactus plot.

Instances: 10 EPFL circuits x {dc2, resyn2} x {equivalent, one observable bug}
(``solvers_instances.build_instances``), plus the hard multiplier-vs-dc2 miter
shipped in ``lec_instances/``.  Each backend solves each miter through
``check_equivalence`` (certified answers) with a wall-clock limit ``T``; an answer
counts with its search time (``stats.solve_time``), a timeout counts ``2T``
(PAR-2, as in the SAT competitions).  ABC's ``cec`` (SAT sweeping with
simulation, a different engine) runs on the same instances in the same session as
the named peer.

Usage::

    python -m circuitlab.benchmarks.solvers_backends [--timeout 60] [--out benchmarks/results]

Writes ``solvers_par2.md`` and ``solvers_cactus.png``.
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

from circuitlab.abc import abc_cec
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import LEC_INSTANCES
from circuitlab.benchmarks.results_io import RESULTS
from circuitlab.benchmarks.solvers_instances import ALL_CIRCUITS, Instance, build_instances
from circuitlab.fileio import atomic_path, atomic_write
from circuitlab.solvers import BACKENDS, UNKNOWN, UNSAT, check_equivalence


def instances(workdir: Path) -> list[Instance]:
    out = build_instances(workdir, circuits=ALL_CIRCUITS)
    out.append(Instance("multiplier:dc2", LEC_INSTANCES / "multiplier.aig", LEC_INSTANCES / "multiplier_dc2.aig", True))
    return out


SWEEP = "circuitlab sweep"  # check_equivalence with SAT sweeping (its default), timed whole


def run(insts: list[Instance], timeout: float) -> tuple[dict, dict]:
    """``times[engine][name]`` (None = timeout) and ``abc[name]`` = (verdict, seconds).

    The backends run the plain miter (``engine="cdcl"``) and are timed by their search;
    :data:`SWEEP` is timed from miter to answer (``stats.total_time``, sweep included).
    """
    times: dict[str, dict[str, float | None]] = {b: {} for b in [*BACKENDS, SWEEP]}
    abc = {}
    for inst in insts:
        t0 = time.perf_counter()
        abc[inst.name] = (abc_cec(inst.a, inst.b), time.perf_counter() - t0)
        a, b = read_aiger(inst.a), read_aiger(inst.b)
        for engine in times:
            if engine == SWEEP:
                r = check_equivalence(a, b, timeout=timeout)
                t = r.stats.total_time
            else:
                r = check_equivalence(a, b, backend=engine, timeout=timeout, engine="cdcl")
                t = r.stats.solve_time
            if r.status == UNKNOWN:
                times[engine][inst.name] = None
            else:
                assert (r.status == UNSAT) == inst.equivalent == abc[inst.name][0], (inst.name, engine)
                times[engine][inst.name] = t
            shown = "timeout" if r.status == UNKNOWN else f"{t:.3f}s"
            print(f"{inst.name:24s} {engine:17s} {r.name:7s} {shown}", flush=True)
    return times, abc


def par2(ts, timeout: float) -> float:
    return sum(2 * timeout if t is None else t for t in ts) / len(ts)


def report(insts, times, abc, timeout: float) -> str:
    names = [i.name for i in insts]
    lines = [
        "# Backends on the LEC miter set: PAR-2",
        "",
        f"{len(insts)} miters ({sum(i.equivalent for i in insts)} equivalent, "
        f"{sum(not i.equivalent for i in insts)} with one observable bug); wall-clock limit "
        f"T = {timeout:g} s per run; PAR-2 = mean of the search time, 2T for a timeout.",
        "Every answer is certified (counterexamples re-simulated on both circuits) and agrees with ABC `cec`.",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores shared with other jobs, "
        f"Python {platform.python_version()}; one run per cell (expect noise of some 10-30 %).",
        "",
        "| backend | solved | PAR-2 (s) | PAR-2 / ABC cec | total search (s) |",
        "| --- | --- | --- | --- | --- |",
    ]
    abc_par2 = par2([t for _, t in abc.values()], timeout)
    for b in times:
        ts = [times[b][n] for n in names]
        solved = sum(t is not None for t in ts)
        total = sum(t for t in ts if t is not None)
        lines.append(
            f"| {b} | {solved}/{len(ts)} | {par2(ts, timeout):.3f} | {par2(ts, timeout) / abc_par2:.2f} | {total:.2f} |"
        )
    lines.append(
        f"| ABC `cec` (peer, whole process) | {len(abc)}/{len(abc)} | {abc_par2:.3f} | 1.00 | "
        f"{sum(t for _, t in abc.values()):.2f} |"
    )
    lines += [
        "",
        "## Per instance (search seconds; `-` = timeout)",
        "",
        "| instance | verdict | " + " | ".join(times) + " | ABC cec |",
        "| --- | --- | " + " | ".join("---" for _ in times) + " | --- |",
    ]
    for inst in insts:
        cells = ["-" if times[b][inst.name] is None else f"{times[b][inst.name]:.3f}" for b in times]
        verdict = "equivalent" if inst.equivalent else "bug"
        lines.append(f"| {inst.name} | {verdict} | " + " | ".join(cells) + f" | {abc[inst.name][1]:.2f} |")
    lines += [
        "",
        "ABC's time is the whole `berkeley-abc` process (start-up, reading both files, "
        "`cec`); the backends' time is the search alone on the plain miter (encoding and miter "
        f"excluded); `{SWEEP}` is `check_equivalence` with its default SAT sweeping, timed from "
        "miter to answer.",
        "",
    ]
    return "\n".join(lines)


def cactus(insts, times, abc, timeout: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    series = {b: [t for t in times[b].values() if t is not None] for b in times}
    series["ABC cec"] = [t for _, t in abc.values()]
    for name, ts in series.items():
        ts = sorted(ts)
        ax.plot(range(1, len(ts) + 1), ts, marker="o", markersize=3, label=name)
    ax.set_yscale("log")
    ax.set_xlabel("instances solved")
    ax.set_ylabel("time per instance (s, log)")
    ax.set_title(f"Cactus plot: {len(insts)} LEC miters, T = {timeout:g} s")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    try:
        with atomic_path(path, suffix=".tmp.png") as tmp:
            fig.savefig(tmp, dpi=120)
    finally:
        plt.close(fig)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        insts = instances(Path(work))
        times, abc = run(insts, args.timeout)
    text = report(insts, times, abc, args.timeout)
    atomic_write(args.out / "solvers_par2.md", text)
    cactus(insts, times, abc, args.timeout, args.out / "solvers_cactus.png")
    print(text)


if __name__ == "__main__":
    main()

"""Scale: time and peak memory of read, sim, cnf and lec at 10^5, 10^6 and 10^7 ANDs, beside ABC.

Random AIGs (1,024 inputs, 1,024 outputs, fanins drawn from a window of recent
nodes, random polarities) are written as binary AIGER.  Each measurement is one
fresh process, and its peak RSS is the kernel's (``wait4``), so interpreter start-up
and imports count, as a user would see them:

* read: circuitlab ``read_aiger``; ABC ``read`` (its network) and ``&r`` (flat Gia arrays);
* sim: circuitlab ``signal_probabilities`` over 4,096 random patterns (chunked to
  bounded memory); ABC has no combinational random-simulation command to compare;
* cnf: ``circuitlab cnf`` (Tseitin, streamed); ABC ``&write_cnf`` (its mapped CNF, fewer
  clauses: a different encoding, shown for scale);
* lec: ``circuitlab lec`` against ABC ``cec``, on the circuit and its ABC ``dc2`` copy
  (10^5 and 10^6 ANDs; ``dc2`` of 10^7 ANDs is left out, it alone takes very long), both
  limited to 120 s: random logic keeps few internal equivalences after ``dc2``, so this
  measures memory under a hard check more than time to an answer.

    python -m circuitlab.benchmarks.scale [--sizes 100000,1000000,10000000] [--out DIR]

Writes ``scale.json``, ``scale.md`` and ``scale.png`` (time and memory against size).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np

from circuitlab.abc import abc_binary, abc_optimize_file
from circuitlab.aig import AIG
from circuitlab.benchmarks.results_io import RESULTS, write_results

WINDOW = 2048
LEC_LIMIT_S = 120.0  # random logic has few internal equivalences: both checkers may give up
CIRCUITLAB = [sys.executable, "-m", "circuitlab.cli"]


def random_aig(num_ands: int, num_inputs: int = 1024, num_outputs: int = 1024, seed: int = 0) -> AIG:
    """A random AIG built directly as arrays (no strashing): gate k reads two distinct
    variables among the ``WINDOW`` before it, each complemented with probability 1/2.
    (With ``AND(x, !x)`` allowed, constants spread through deep random logic, and ABC's
    strashing reader collapses a 10^7-gate circuit to nothing.)"""
    rng = np.random.default_rng(seed)
    first = num_inputs + 1
    var = np.arange(first, first + num_ands, dtype=np.int64)
    lo = np.maximum(1, var - WINDOW)
    f0 = lo + (rng.random(num_ands) * (var - lo)).astype(np.int64)
    f1 = lo + (rng.random(num_ands) * (var - lo - 1)).astype(np.int64)
    f1 += f1 >= f0  # two distinct fanin variables: no gate is structurally constant
    lits = np.stack([2 * f0 + rng.integers(0, 2, num_ands), 2 * f1 + rng.integers(0, 2, num_ands)], 1)
    ands = np.sort(lits, axis=1)[:, ::-1].copy()
    outputs = 2 * var[-num_outputs:] + rng.integers(0, 2, num_outputs)
    return AIG(num_inputs, ands, outputs)


# A small launcher process forks and execs the measured command, then reports its peak
# RSS from wait4.  Measuring children of this (large) process directly would not work: a
# child's peak RSS starts at its parent's at fork time.
LAUNCHER = (
    "import json, os, sys, time\n"
    "t = time.perf_counter()\n"
    "pid = os.fork()\n"
    "if pid == 0:\n"
    "    os.execvp(sys.argv[1], sys.argv[1:])\n"
    "_, status, usage = os.wait4(pid, 0)\n"
    "print(json.dumps({'time_s': time.perf_counter() - t, 'rss_kb': usage.ru_maxrss,"
    " 'rc': os.waitstatus_to_exitcode(status)}), file=sys.stderr)\n"
)


def measure(cmd: list[str], timeout: float) -> dict:
    """Wall time, peak RSS (MiB) and exit code of one process (killed after ``timeout`` s)."""
    p = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, *map(str, cmd)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        peak = _peak_rss_mb(p.pid)
        os.killpg(p.pid, 9)
        p.communicate()
        return {"time_s": None, "rss_mb": peak, "rc": None, "timeout": True, "limit_s": timeout}
    r = json.loads(err.decode().strip().splitlines()[-1])
    return {"time_s": round(r["time_s"], 3), "rss_mb": round(r["rss_kb"] / 1024, 1), "rc": r["rc"]}


def _peak_rss_mb(launcher: int) -> float | None:
    """VmHWM of the launcher's child, read before it is killed."""
    try:
        child = Path(f"/proc/{launcher}/task/{launcher}/children").read_text().split()[0]
        for line in Path(f"/proc/{child}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, IndexError, ValueError):
        pass
    return None


def python_op(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def operations(n: int, work: Path, with_lec: bool) -> dict[tuple[str, str], list[str]]:
    """The measured commands at size ``n`` (``with_lec``: only the lec pair, after ABC's ``dc2``)."""
    path = work / f"rand_{n}.aig"
    if not path.exists():  # in a child, so that this process stays small
        gen = (
            "from circuitlab.aiger import write_aiger; from circuitlab.benchmarks.scale import random_aig; "
            f"write_aiger(random_aig({n}), {str(path)!r})"
        )
        subprocess.run([sys.executable, "-c", gen], check=True)
    abc = abc_binary()
    if with_lec:
        opt = work / f"rand_{n}_dc2.aig"
        if not opt.exists():
            abc_optimize_file(path, "dc2", opt, timeout=3600)
        return {
            ("lec", "circuitlab"): [*CIRCUITLAB, "lec", str(path), str(opt), "--timeout", str(LEC_LIMIT_S)],
            ("lec", "ABC cec"): [abc, "-q", f"cec -T {LEC_LIMIT_S:.0f} {path} {opt}"],
        }
    return {
        ("read", "circuitlab"): python_op(f"from circuitlab.aiger import read_aiger; read_aiger({str(path)!r})"),
        ("read", "ABC read"): [abc, "-q", f"read {path}; print_stats"],
        ("read", "ABC &r"): [abc, "-q", f"&r {path}; &ps"],
        ("sim", "circuitlab"): python_op(
            "from circuitlab.aiger import read_aiger; from circuitlab.sim import signal_probabilities; "
            f"signal_probabilities(read_aiger({str(path)!r}), 4096)"
        ),
        ("cnf", "circuitlab"): [*CIRCUITLAB, "cnf", str(path), "-o", str(work / "c.cnf")],
        ("cnf", "ABC &write_cnf"): [abc, "-q", f"&r {path}; &write_cnf {work / 'abc.cnf'}"],
    }


def run(n: int, work: Path, with_lec: bool, timeout: float) -> list[dict]:
    rows = []
    for (op, tool), cmd in operations(n, work, with_lec).items():
        r = measure(cmd, min(timeout, LEC_LIMIT_S + 30) if op == "lec" else timeout)
        rows.append({"ands": n, "op": op, "tool": tool, **r})
        print(json.dumps(rows[-1]), flush=True)
    for f in ("c.cnf", "abc.cnf"):
        (work / f).unlink(missing_ok=True)
    return rows


def table(rows: list[dict]) -> str:
    sizes = sorted({r["ands"] for r in rows})
    md = ["| operation | tool | " + " | ".join(f"{n:,} ANDs: s / MiB" for n in sizes) + " |"]
    md.append("|---|---|" + "---|" * len(sizes))
    for op, tool in dict.fromkeys((r["op"], r["tool"]) for r in rows):
        cells = []
        for n in sizes:
            r = next((x for x in rows if (x["ands"], x["op"], x["tool"]) == (n, op, tool)), None)
            if r is None:
                cells.append("")
            elif r.get("timeout"):
                peak = "?" if r["rss_mb"] is None else f"{r['rss_mb']:,.0f}"
                cells.append(f"killed at {r.get('limit_s', 0):.0f} s / {peak}")
            else:
                bad = "" if r["rc"] in (0, None) else f" (exit {r['rc']}{', unknown' if r['rc'] == 3 else ''})"
                cells.append(f"{r['time_s']:.2f} / {r['rss_mb']:,.0f}{bad}")
        md.append(f"| {op} | {tool} | " + " | ".join(cells) + " |")
    return "\n".join(md) + "\n"


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for op, tool in dict.fromkeys((r["op"], r["tool"]) for r in rows):
        pts = [r for r in rows if (r["op"], r["tool"]) == (op, tool) and not r.get("timeout")]
        if not pts:
            continue
        xs = [r["ands"] for r in pts]
        style = "-" if tool == "circuitlab" else "--"
        axes[0].plot(xs, [r["time_s"] for r in pts], style, marker="o", label=f"{op}: {tool}")
        axes[1].plot(xs, [r["rss_mb"] for r in pts], style, marker="o", label=f"{op}: {tool}")
    for ax, what in zip(axes, ("wall time (s)", "peak RSS (MiB)"), strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("AND gates")
        ax.set_ylabel(what)
        ax.grid(True, which="both", alpha=0.3)
    axes[1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--lec-sizes", default="100000,1000000", help="sizes of the lec pairs (after ABC dc2)")
    ap.add_argument("--timeout", type=float, default=300.0, help="seconds per measurement (then killed)")
    ap.add_argument("--workdir", type=Path, default=Path("build/scale"))
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    # ABC's dc2 recurses along the logic depth: a 10^6-gate random circuit overflows 8 MiB of stack
    resource.setrlimit(resource.RLIMIT_STACK, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    rows: list[dict] = []
    jobs = [(int(x), False) for x in args.sizes.split(",") if x] + [
        (int(x), True) for x in args.lec_sizes.split(",") if x
    ]
    for n, with_lec in jobs:
        rows += run(n, args.workdir, with_lec, args.timeout)
        md = "# Scale against ABC (time / peak RSS, one process each)\n\n" + table(rows)
        write_results(args.out / "scale", rows, md, echo=False)  # after every size: a crash keeps what was measured
        plot(rows, args.out / "scale.png")
    print(md)


if __name__ == "__main__":
    main()

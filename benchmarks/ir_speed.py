"""IR speed: binary AIGER read of EPFL hyp.aig against ABC and py-aiger, and simulation throughput.

Run: ``python -m circuitlab.benchmarks.ir_speed [--epfl DIR] [--file hyp.aig]``.
Writes ``benchmarks/results/ir_speed.json`` and ``.md``.

* ABC: ``berkeley-abc -q "read F; read F; ..."`` with K reads minus an empty start-up,
  divided by K.  ``read`` builds ABC's network object; ``&r`` reads into the flat Gia
  arrays, the closest peer to ours; both are reported.
* py-aiger: ``aiger.load(F)`` in a child process, capped at ``--pyaiger-timeout`` seconds
  (a timeout gives a lower bound on the ratio).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import EPFL
from circuitlab.benchmarks.results_io import RESULTS, write_results
from circuitlab.compiled import CompiledAIG
from circuitlab.sim import random_patterns, schedule, simulate, simulate_outputs

DEFAULT_EPFL = EPFL


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def abc_read_time(path: Path, k: int = 5, cmd: str = "read") -> float | None:
    exe = shutil.which("berkeley-abc")
    if exe is None:
        return None

    def run(cmd):
        t = time.perf_counter()
        subprocess.run([exe, "-q", cmd], check=True, capture_output=True)
        return time.perf_counter() - t

    base = min(run("") for _ in range(3))
    full = min(run("; ".join([f"{cmd} {path}"] * k)) for _ in range(3))
    return (full - base) / k


def pyaiger_read_time(path: Path, timeout: float) -> tuple[float, bool]:
    code = f"import aiger, time; t=time.perf_counter(); aiger.load({str(path)!r}); print(time.perf_counter()-t)"
    try:
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=True)
        return float(r.stdout.strip().splitlines()[-1]), True
    except subprocess.TimeoutExpired:
        return timeout, False


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epfl", type=Path, default=DEFAULT_EPFL)
    ap.add_argument("--file", default="hyp.aig")
    ap.add_argument("--pyaiger-timeout", type=float, default=600)
    ap.add_argument("--sim-words", type=int, default=256)
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = ap.parse_args(argv)
    path = args.epfl / args.file
    if not path.is_file():
        sys.exit(f"ir_speed: {path} not found (pass --epfl DIR)")
    aig = read_aiger(path)
    ours = best_of(lambda: read_aiger(path), 5)
    abc = abc_read_time(path)
    abc_gia = abc_read_time(path, cmd="&r")
    print(f"ours {ours * 1e3:.1f} ms, abc {abc and abc * 1e3:.1f} ms", flush=True)
    pya, finished = pyaiger_read_time(path, args.pyaiger_timeout)
    print(f"py-aiger {pya:.1f} s{'' if finished else ' (timed out)'}", flush=True)
    # simulation throughput (schedule cached after the first call)
    schedule(aig)
    pats = random_patterns(aig.num_inputs, args.sim_words, 0)
    t_sim = best_of(lambda: simulate(aig, pats), 3)
    gp = aig.num_ands * 64 * args.sim_words / t_sim
    comp = CompiledAIG(aig)
    t_comp = best_of(lambda: comp.simulate_outputs(pats), 3)
    gp_comp = aig.num_ands * 64 * args.sim_words / t_comp  # counted in the AIG's ANDs, like numpy's
    assert (comp.simulate_outputs(pats) == simulate_outputs(aig, pats)).all(), "compiled != numpy simulation"
    res = {
        "file": args.file,
        "ands": aig.num_ands,
        "inputs": aig.num_inputs,
        "depth": aig.depth(),
        "read_ours_s": ours,
        "read_abc_s": abc,
        "read_abc_gia_s": abc_gia,
        "ratio_ours_over_abc_gia": None if abc_gia is None else ours / abc_gia,
        "read_pyaiger_s": pya,
        "pyaiger_finished": finished,
        "ratio_ours_over_abc": None if abc is None else ours / abc,
        "speedup_vs_pyaiger": pya / ours,
        "sim_words": args.sim_words,
        "sim_s": t_sim,
        "sim_gate_patterns_per_s": gp,
        "compiled_sim_s": t_comp,
        "compiled_gate_patterns_per_s": gp_comp,
    }
    lb = "" if finished else " (lower bound: py-aiger timed out)"
    md = [
        "| measure | value |",
        "|---|---|",
        f"| circuit | {args.file}: {aig.num_ands} ANDs, depth {aig.depth()} |",
        f"| binary read, circuitlab | {ours * 1e3:.1f} ms |",
        f"| binary read, ABC `read` | {abc * 1e3:.1f} ms |" if abc else "| ABC | not installed |",
        f"| circuitlab / ABC `read` time | {ours / abc:.2f}× |" if abc else "",
        f"| binary read, ABC `&r` (Gia arrays) | {abc_gia * 1e3:.1f} ms |" if abc_gia else "",
        f"| circuitlab / ABC `&r` time | {ours / abc_gia:.2f}× |" if abc_gia else "",
        f"| binary read, py-aiger `aiger.load` | {pya:.2f} s |",
        f"| speed-up over py-aiger | {pya / ours:.0f}×{lb} |",
        f"| simulation, numpy levelized ({64 * args.sim_words} patterns) | {t_sim * 1e3:.0f} ms = {gp / 1e9:.2f} G gate·patterns/s |",
        f"| simulation, compiled C interpreter (same patterns) | {t_comp * 1e3:.0f} ms = {gp_comp / 1e9:.2f} G gate·patterns/s |",
    ]
    write_results(args.out / "ir_speed", res, "\n".join(x for x in md if x))


if __name__ == "__main__":
    main()

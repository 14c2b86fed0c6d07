"""Memory on the largest EPFL circuits: peak RSS of `circuitlab lec` under a timeout.

Each large EPFL circuit is checked against an ABC-``balance``d copy (fast to make,
and structurally different enough that the miter does not collapse under structural
hashing) with ``circuitlab lec A B --timeout T``.  The peak resident set of the
command's process tree (the CLI and its watchdog child; ``wait4``'s ``ru_maxrss``)
is reported next to the AIG sizes, and one run with ``--memory-mb`` shows the limit
being enforced.  Uses the EPFL suite bundled with circuitlab.

Usage::

    python -m circuitlab.benchmarks.solvers_memory [--timeout 20]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from circuitlab.abc import abc_optimize_file
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks import EPFL
from circuitlab.benchmarks.results_io import RESULTS

LARGEST = ("hyp", "mem_ctrl", "div", "log2", "multiplier", "sqrt")


def run_lec(a: Path, b: Path, extra: list[str]) -> dict:
    """Run the CLI; its JSON verdict plus wall time and peak RSS (MiB) of the tree."""
    cmd = [sys.executable, "-m", "circuitlab.cli", "lec", str(a), str(b), "--json", *extra]
    start = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None and p.stderr is not None  # both are PIPEs
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    if p.returncode not in (0, 1, 3):
        raise RuntimeError(f"{cmd} failed ({p.returncode}): {err.strip()[:300]}")
    d = json.loads(out)
    return {"verdict": d["verdict"], "reason": d.get("reason", ""), "wall": wall, "rss_mib": usage.ru_maxrss / 1024}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--memory-mb", type=float, default=256.0)
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in LARGEST:
            a = EPFL / f"{name}.aig"
            b = Path(work) / f"{name}_balance.aig"
            abc_optimize_file(a, "balance", b)
            aig = read_aiger(a)
            r = run_lec(a, b, ["--timeout", str(args.timeout)])
            rows.append((name, aig.num_ands, read_aiger(b).num_ands, f"--timeout {args.timeout:g}", r))
            print(name, r, flush=True)
        a, b = EPFL / "hyp.aig", Path(work) / "hyp_balance.aig"
        r = run_lec(a, b, ["--timeout", str(args.timeout), "--memory-mb", str(args.memory_mb)])
        rows.append(
            (
                "hyp",
                read_aiger(a).num_ands,
                read_aiger(b).num_ands,
                f"--timeout {args.timeout:g} --memory-mb {args.memory_mb:g}",
                r,
            )
        )
        print("hyp (memory limit)", r, flush=True)
    lines = [
        "# Memory on the largest EPFL circuits",
        "",
        "`circuitlab lec A balance(A)` with the default backend (cadical195); peak RSS is the "
        "largest process of the command's tree (CLI + watchdog child), from `wait4`.",
        "",
        "| circuit | ANDs (A / balanced) | options | verdict | wall (s) | peak RSS (MiB) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, na, nb, opts, r in rows:
        verdict = r["verdict"] + (f" ({r['reason']})" if r["reason"] else "")
        lines.append(f"| {name} | {na:,} / {nb:,} | `{opts}` | {verdict} | {r['wall']:.1f} | {r['rss_mib']:.0f} |")
    lines.append("")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "solvers_memory.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()

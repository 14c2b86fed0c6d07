"""Differential fuzzing of circuitlab's engine against PySAT's CaDiCaL (see :mod:`circuitlab.solvers.fuzz`).

Usage::

    python -m circuitlab.benchmarks.fuzz_engine --seed 1 --count 10000 --proofs 500

Exit status 0 when no instance disagrees, 1 otherwise (each disagreement is printed
and written as DIMACS to ``--failures``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from circuitlab.solvers.fuzz import run


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(
        prog="python -m circuitlab.benchmarks.fuzz_engine", description=__doc__.split("\n\n")[0]
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--proofs", type=int, default=100, help="DRAT proofs to check at most")
    ap.add_argument("--failures", type=Path, default=None, help="folder for the DIMACS of failing instances")
    args = ap.parse_args(argv)
    if args.count < 0 or args.proofs < 0:
        ap.error("--count and --proofs must be non-negative")
    rep = run(args.seed, args.count, args.proofs, args.failures)
    print(rep.line())
    return 1 if rep.disagreements else 0


if __name__ == "__main__":
    sys.exit(main())

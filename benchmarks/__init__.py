"""Benchmarks of circuitlab, and the circuits they use (installed as package data).

Benchmark scripts take their data and output folders from options; the defaults for
outputs are under the current directory, never inside the installed package.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent
EPFL = DATA / "epfl"  # the 20 EPFL combinational benchmarks (MIT license, epfl/LICENSE)
LEC_INSTANCES = DATA / "lec_instances"  # small LEC pairs of the solver benchmarks

"""Helpers shared by tests: paths, the EPFL suite, random AIGs (import as ``from helpers import ...``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.benchmarks import EPFL as BUNDLED_EPFL

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "circuitlab" / "examples"
EPFL = BUNDLED_EPFL  # the 20 EPFL circuits shipped with the package


def epfl_files():
    if not EPFL.is_dir():
        return []
    return sorted(EPFL.glob("*.aig"))


def random_aig(seed: int, n_in: int = 6, n_and: int = 30, n_out: int = 3, latches: int = 0) -> AIG:
    """A random combinational (or sequential) AIG built with the strashing builder."""
    rng = np.random.default_rng(seed)
    b = AIGBuilder()
    lits = [b.input(f"x{k}") for k in range(n_in)]
    lats = [b.latch(f"l{k}", init=int(rng.integers(3))) for k in range(latches)]
    lits += lats
    if not lits:
        lits = [0]  # only constants to build from
    for _ in range(n_and):
        x, y = rng.choice(len(lits), 2)
        lits.append(b.and_(int(lits[x]) ^ int(rng.integers(2)), int(lits[y]) ^ int(rng.integers(2))))
    for k in range(n_out):
        b.output(int(lits[-1 - int(rng.integers(min(len(lits), 8)))]) ^ int(rng.integers(2)), f"y{k}")
    for lat in lats:
        b.set_next(lat, int(lits[int(rng.integers(len(lits)))]))
    return b.build()

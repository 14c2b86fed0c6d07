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


def circuitlab(*args, timeout: float = 600, **kw):
    """The finished ``python -m circuitlab.cli ARGS`` process (text output captured)."""
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "circuitlab.cli", *map(str, args)]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def train_iris_lgn(out, steps: int = 40, seed: int = 1):
    """A small iris LGN trained by `circuitlab train-lgn` into ``out``; its checkpoint path."""
    r = circuitlab(
        "train-lgn", "--dataset", "iris", "--layers", "2", "--width", "30", "--steps", steps,
        "--eval-interval", "20", "--out-dir", out, "--no-progress", "--seed", seed,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out / "checkpoint.pt"

"""Every command under SIGINT and SIGTERM at a random moment: the documented exit code,
no traceback, and no half-written file (an output is absent, or complete and readable).

The moment is drawn from a seeded generator (printed on failure), between just after
start-up and a few seconds in, so over runs it lands in reading, working and writing.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from circuitlab.benchmarks import EPFL, LEC_INSTANCES
from circuitlab.formats import read_circuit
from helpers import circuitlab, train_iris_lgn

HYP = EPFL / "hyp.aig"  # 214k ANDs: reading, writing and simulating it takes a while
MULT, MULT_DC2 = LEC_INSTANCES / "multiplier.aig", LEC_INSTANCES / "multiplier_dc2.aig"
INTERRUPTED = 130

# command -> (arguments with OUT for the output folder, exit codes of a finished run, code when stopped)
COMMANDS = {
    "info": (["info", HYP], {0}, INTERRUPTED),
    "convert": (["convert", HYP, "OUT/hyp.v"], {0}, INTERRUPTED),
    "sim": (["sim", HYP, "--patterns", "2000000"], {0}, INTERRUPTED),
    "cnf": (["cnf", HYP, "-o", "OUT/hyp.cnf"], {0}, INTERRUPTED),
    "miter": (["miter", HYP, HYP, "-o", "OUT/m.aig"], {0}, INTERRUPTED),
    "solve": (["solve", "OUT/mult_miter.aig", "--backend", "circuitlab", "--cex", "OUT/w.wit"], {0, 20}, 0),
    "lec": (["lec", MULT, MULT_DC2, "--engine", "cdcl", "--cex", "OUT/w.wit"], {0}, 3),
    "train-lgn": (
        [
            "train-lgn",
            "--dataset",
            "iris",
            "--layers",
            "2",
            "--width",
            "30",
            "--steps",
            "100000",
            "--out-dir",
            "OUT/lgn",
            "--no-progress",
        ],
        {0},
        INTERRUPTED,
    ),
    "export-lgn": (["export-lgn", "CKPT", "--aig", "OUT/net.aig", "--verilog", "OUT/net.v"], {0}, INTERRUPTED),
    "gnn-corpus": (["gnn-corpus", "--out", "OUT/c.pt", "--tiny", "--no-epfl"], {0}, INTERRUPTED),
    "train-gnn": (
        ["train-gnn", "--corpus", "CORPUS", "--out", "OUT/gnn", "--epochs", "50", "--no-progress"],
        {0},
        INTERRUPTED,
    ),
    "bench-lec": (
        ["bench", "lec", "--suite", "OUT/suite", "--families", "arith", "--configs", "engine", "--timeout", "5"],
        {0},
        INTERRUPTED,
    ),
}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """A trained LGN checkpoint, a tiny GNN corpus and the multiplier miter."""
    d = tmp_path_factory.mktemp("signal-inputs")
    train_iris_lgn(d / "lgn", steps=20)
    r = circuitlab("gnn-corpus", "--out", d / "corpus.pt", "--tiny", "--no-epfl")
    assert r.returncode == 0, r.stderr
    r = circuitlab("miter", MULT, MULT_DC2, "-o", d / "mult_miter.aig")
    assert r.returncode == 0, r.stderr
    return {"CKPT": d / "lgn" / "checkpoint.pt", "CORPUS": d / "corpus.pt", "MITER": d / "mult_miter.aig"}


def _check_outputs(out: Path) -> None:
    leftovers = [p.name for p in out.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == [], f"half-written temporary files left: {leftovers}"
    for p in out.rglob("*"):
        if p.suffix in (".aig", ".v"):
            read_circuit(p)  # complete, or it would not parse
        elif p.suffix == ".cnf":
            from circuitlab.cnf import read_dimacs

            read_dimacs(p)


@pytest.mark.slow
@pytest.mark.signals
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_signal_at_a_random_moment(name, sig, inputs, tmp_path):
    args, finished, stopped = COMMANDS[name]
    out = tmp_path / "out"
    out.mkdir()
    if name == "solve":
        (out / "mult_miter.aig").write_bytes(inputs["MITER"].read_bytes())
    argv = [str(a).replace("OUT", str(out)) for a in args]
    argv = [str(inputs[a]) if a in inputs else a for a in argv]
    delay = random.Random(f"{name}-{sig}").uniform(0.3, 4.0)
    p = subprocess.Popen(
        [sys.executable, "-m", "circuitlab.cli", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(delay)
    sent = p.poll() is None
    if sent:
        p.send_signal(sig)
    try:
        stdout, stderr = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        p.kill()
        pytest.fail(f"{name} did not stop within 120 s of signal {sig!r} sent after {delay:.2f} s")
    where = f"{name}, signal {sig.name} after {delay:.2f} s (sent: {sent})"
    allowed = finished | {stopped}
    assert p.returncode in allowed, f"{where}: exit {p.returncode}\n{stderr[-2000:]}"
    assert "Traceback" not in stderr, f"{where}:\n{stderr[-2000:]}"
    if p.returncode == INTERRUPTED:
        assert stderr.strip().splitlines()[-1] == "circuitlab: interrupted", where
    if name in ("solve", "lec") and p.returncode == stopped:
        assert "UNKNOWN" in stdout, where
    _check_outputs(out)

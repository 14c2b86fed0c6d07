"""solve --guided: GNN phases reach the solver and never change a verdict."""

import subprocess
import sys

from circuitlab.aiger import read_aiger
from circuitlab.miter import miter
from circuitlab.solvers import SAT, UNSAT, solve_aig
from circuitlab.solvers.gnn_guidance import gnn_guidance, gnn_phases
from helpers import EXAMPLES


def test_guided_verdicts_and_phases(tmp_path):
    a = read_aiger(EXAMPLES / "i2c.aig")
    for other, want in (("i2c_dc2", UNSAT), ("i2c_bug", SAT)):
        m = miter(a, read_aiger(EXAMPLES / f"{other}.aig"))
        ph = gnn_phases(m)
        assert ph.shape == (m.max_var + 1,) and ph[0] == 0 and (ph != 0).any()
        g = gnn_guidance(m)
        assert len(g.phases) == int((ph != 0).sum())
        assert solve_aig(m, guidance=g).status == want


def test_cli_guided(tmp_path):
    m = tmp_path / "m.aig"
    cmd = [sys.executable, "-m", "circuitlab.cli"]
    subprocess.run(cmd + ["miter", str(EXAMPLES / "i2c.aig"), str(EXAMPLES / "i2c_bug.aig"), "-o", str(m)], check=True)
    r = subprocess.run(cmd + ["solve", "--guided", str(m)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 10 and "verified by simulation" in r.stdout
    cnf = tmp_path / "m.cnf"
    subprocess.run(cmd + ["cnf", str(m), "-o", str(cnf)], check=True)
    r = subprocess.run(cmd + ["solve", "--guided", str(cnf)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1

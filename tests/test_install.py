"""A clean install: build the wheel (no packaging warnings), install it into a fresh venv,
and run the installed `circuitlab` from outside the source tree on the bundled data."""

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_clean_and_runs_outside_the_tree(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")}
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-v",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            tmp_path / "dist",
            ROOT,
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        env=env,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    # packaging warnings (setuptools, pip); a compiler's notes on a source line are not packaging
    warnings = [
        line
        for line in (build.stdout + build.stderr).splitlines()
        if re.search("warn", line, re.I) and not re.search(r"\.(c|cpp|hpp|h):\d+", line)
    ]
    assert warnings == [], "\n".join(warnings[:20])
    (wheel,) = (tmp_path / "dist").glob("circuitlab-*.whl")

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=300)
    # the dependencies (torch, pysat, ...) come from this environment, circuitlab from the wheel
    purelib = Path(sysconfig.get_paths()["purelib"])
    (site,) = (venv / "lib").glob("python3*/site-packages")
    (site / "deps.pth").write_text(f"{purelib}\n")
    pip = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import circuitlab, os; print(os.path.dirname(circuitlab.__file__))"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pkg = Path(where.stdout.strip())
    assert pkg.is_relative_to(site), pkg  # the wheel's copy, not the source tree

    def circuitlab(*args):
        return subprocess.run(
            [venv / "bin" / "circuitlab", *map(str, args)],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    r = circuitlab("lec", pkg / "examples" / "i2c.aig", pkg / "examples" / "i2c_dc2.aig")
    assert r.returncode == 0 and r.stdout.startswith("EQUIVALENT"), r.stderr
    r = circuitlab("lec", pkg / "benchmarks" / "epfl" / "ctrl.aig", pkg / "benchmarks" / "epfl" / "ctrl.aig")
    assert r.returncode == 0, r.stderr
    r = circuitlab("bench", "--help")
    assert r.returncode == 0 and "lec" in r.stdout
    r = circuitlab("bench", "lec", "--list")
    assert r.returncode == 0 and r.stdout.strip()
    assert len(list((pkg / "benchmarks" / "lec_instances").glob("*.aig"))) > 0
    assert not list(work.iterdir())  # nothing written where it ran

"""Shared fixtures: the external tools ABC and yosys (required in CI)."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} not installed (apt-get install berkeley-abc yosys)")
    return path


@pytest.fixture
def abc():
    """Run a berkeley-abc command string; returns stdout."""
    exe = _tool("berkeley-abc")

    def run(cmd: str, cwd=None) -> str:
        r = subprocess.run([exe, "-q", cmd], capture_output=True, text=True, timeout=300, cwd=cwd)
        assert r.returncode == 0, r.stderr
        return r.stdout

    return run


@pytest.fixture
def yosys():
    exe = _tool("yosys")

    def run(script: str, cwd=None) -> str:
        r = subprocess.run([exe, "-q", "-p", script], capture_output=True, text=True, timeout=300, cwd=cwd)
        assert r.returncode == 0, r.stderr + r.stdout
        return r.stdout

    return run

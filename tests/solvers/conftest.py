"""Fixtures of the solver tests: the generated miter set, small hard CNFs."""

from __future__ import annotations

import os

import pytest
from pysat.examples.genhard import PHP

from circuitlab.abc import AbcError, abc_binary
from circuitlab.benchmarks.solvers_instances import build_instances


def require_abc() -> None:
    try:
        abc_binary()
    except AbcError:
        if os.environ.get("CI"):
            pytest.fail("berkeley-abc is required in CI (.ci/run installs it)")
        pytest.skip("berkeley-abc not installed (apt-get install berkeley-abc)")


@pytest.fixture(scope="session")
def miter_set(tmp_path_factory):
    """The CI miter set (EPFL circuits vs dc2/resyn2 copies, and observable mutants)."""
    require_abc()
    return {inst.name: inst for inst in build_instances(tmp_path_factory.mktemp("miters"))}


@pytest.fixture(scope="session")
def hard_cnf():
    """Pigeonhole 11 -> 10: hopeless for resolution, so every backend runs until stopped."""
    return PHP(10)

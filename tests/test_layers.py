"""The floors of the package (README, Layout): click only in circuitlab/cli, no model in solvers/."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("circuitlab", "solvers", "gnn", "lgn", "benchmarks")


def _sources():
    for pkg in PACKAGES:
        yield from (ROOT / pkg).rglob("*.py")


def test_click_is_imported_only_by_the_cli_package():
    offenders = [
        str(p.relative_to(ROOT))
        for p in _sources()
        if re.search(r"^\s*(import click|from click)", p.read_text(), re.M) and "circuitlab/cli/" not in str(p)
    ]
    assert offenders == []


def test_solvers_import_no_model_and_read_no_argv():
    for p in (ROOT / "solvers").rglob("*.py"):
        text = p.read_text()
        assert not re.search(r"circuitlab\.gnn|from \.\.gnn|import torch", text), p
        assert "sys.argv" not in text, p


def test_libraries_read_no_argv():
    for pkg in ("gnn", "lgn"):
        for p in (ROOT / pkg).rglob("*.py"):
            assert "sys.argv" not in p.read_text(), p

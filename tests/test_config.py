"""circuitlab/config.py: one options table gives the API fields, the flags and the docs."""

from dataclasses import dataclass

import pytest

from circuitlab.config import option, option_rows, options_markdown


@dataclass
class Toy:
    size: int = option(3, "how big")
    rate: float | None = option(None, "how fast", metavar="R")
    mode: str = option("a", "which way", choices=("a", "b"))
    verbose: bool = option(False, "say more")
    tags: tuple[str, ...] = option((), "labels", metavar="TAG")
    corpus: str = option("", "input file", required=True)


def test_rows_follow_the_fields():
    rows = {r.name: r for r in option_rows(Toy)}
    assert list(rows) == ["size", "rate", "mode", "verbose", "tags", "corpus"]
    assert (rows["size"].flag, rows["size"].type, rows["size"].default) == ("--size", int, 3)
    assert rows["rate"].type is float and rows["rate"].metavar == "R"  # Optional[float] -> float
    assert rows["mode"].choices == ("a", "b") and rows["verbose"].type is bool
    assert rows["tags"].repeatable and rows["tags"].type is str
    assert rows["corpus"].required and not rows["size"].required


def test_markdown_table_lists_every_option():
    md = options_markdown(Toy)
    assert md.count("\n") == 2 + 6
    assert "| `--mode` | `a` | which way One of: a, b. |" in md and "| `--corpus` | required |" in md


@pytest.mark.parametrize("cls_path", ["circuitlab.solvers.options:SolveOptions", "circuitlab.lgn.config:TrainConfig"])
def test_component_configs_use_the_mechanism(cls_path):
    import importlib

    module, name = cls_path.split(":")
    rows = option_rows(getattr(importlib.import_module(module), name))
    assert rows and all(r.help for r in rows)


def test_gnn_config_is_torch_free():
    import subprocess
    import sys

    code = "import sys, circuitlab.gnn.config; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr

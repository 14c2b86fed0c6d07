"""SolveOptions: validation, overrides, and the CLI flags generated from the table."""

from __future__ import annotations

import dataclasses
import math
import sys
import time

import click
import pytest
from click.testing import CliRunner

from circuitlab.cli.options import config_options
from circuitlab.solvers import SolveOptions, SolverOptionError, UnsupportedFeatureError


def test_defaults():
    o = SolveOptions()
    assert o.backend == "cadical195" and o.timeout is None and not o.wants_proof
    assert o.deadline(100.0) is None


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"timeout": -1}, "--timeout must be a non-negative"),
        ({"timeout": math.nan}, "--timeout"),
        ({"timeout": "soon"}, "--timeout must be a number"),
        ({"conflicts": -5}, "--conflicts must be a non-negative integer"),
        ({"conflicts": 2.5}, "--conflicts"),
        ({"conflicts": True}, "--conflicts"),
        ({"memory_mb": 0}, "--memory-mb must be a positive"),
        ({"backend": "zchaff"}, "unknown backend 'zchaff'"),
        ({"encoding": "onehot"}, "unknown encoding"),
        ({"proof": "/no/such/dir/p.drat"}, "does not exist"),
    ],
)
def test_bad_values_raise_typed_errors(kw, match):
    with pytest.raises(SolverOptionError, match=match):
        SolveOptions(**kw)


def test_infinite_timeout_means_none_and_zero_is_allowed():
    assert SolveOptions(timeout=math.inf).timeout is None
    assert SolveOptions(timeout=0).deadline(7.0) == 7.0


def test_proof_needs_a_proof_backend():
    with pytest.raises(UnsupportedFeatureError, match="kissat404"):
        SolveOptions(backend="kissat404", check_proof=True)
    assert SolveOptions(backend="glucose4", check_proof=True).wants_proof


def test_make_applies_overrides_and_rejects_unknown_keywords():
    base = SolveOptions(backend="glucose4", timeout=3)
    o = SolveOptions.make(base, timeout=1.5)
    assert (o.backend, o.timeout) == ("glucose4", 1.5)
    with pytest.raises(TypeError, match="unknown solve option"):
        SolveOptions.make(base, timeuot=1)


def test_click_flags_come_from_the_table():
    seen = {}

    @click.command()
    @config_options(SolveOptions)
    def cmd(**kw):
        seen.update(kw)

    r = CliRunner().invoke(
        cmd,
        [
            "--backend",
            "minisat22",
            "--timeout",
            "2.5",
            "--conflicts",
            "7",
            "--check-proof",
            "--memory-mb",
            "64",
            "--encoding",
            "pg",
        ],
    )
    assert r.exit_code == 0, r.output
    assert set(seen) == {f.name for f in dataclasses.fields(SolveOptions)}
    o = SolveOptions(**{**seen, "backend": "glucose4"})
    assert (o.timeout, o.conflicts, o.check_proof, o.memory_mb, o.encoding) == (2.5, 7, True, 64.0, "pg")
    help_text = CliRunner().invoke(cmd, ["--help"]).output
    for f in dataclasses.fields(SolveOptions):
        assert "--" + f.name.replace("_", "-") in help_text


def test_command_clock_starts_now_inside_other_programs(monkeypatch):
    from circuitlab.cli.common import command_start, process_age

    assert process_age() > 0
    before = time.monotonic()
    assert before - 0.01 <= command_start() <= time.monotonic()  # pytest is not the command
    monkeypatch.setattr(sys, "argv", ["/usr/bin/circuitlab", "solve", "x.aig"])
    assert command_start() <= before - process_age() + 0.05  # the command: from process start

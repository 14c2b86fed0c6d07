"""Helpers shared by the command modules: reading circuits, printing, the --timeout clock."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click


def read_circuit(path: str):
    """The AIG in ``path`` (AIGER ascii or binary)."""
    from circuitlab.aiger import read_aiger

    return read_aiger(path)


def echo_json(obj) -> None:
    click.echo(json.dumps(obj, indent=2, default=str))


def bits(arr) -> str:
    return "".join("1" if b else "0" for b in arr)


def parse_bits(s: str, n: int, what: str) -> list[bool]:
    s = s.strip()
    if len(s) != n or set(s) - {"0", "1"}:
        raise click.BadParameter(f"{what} must be {n} characters of 0/1, got {s[:40]!r}")
    return [c == "1" for c in s]


def json_option(command):
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)


def command_start() -> float:
    """``time.monotonic()`` at which a command's ``--timeout`` clock starts.

    When this process *is* the command (started as the ``circuitlab`` script or as
    ``python -m circuitlab.cli``), the clock starts at process start (see
    :func:`process_age`); when ``circuitlab.cli.main`` is called from inside another
    program (tests, notebooks), it starts now.
    """
    entry = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    as_command = entry.name == "circuitlab" or entry.parts[-3:] == ("circuitlab", "cli", "__main__.py")
    return time.monotonic() - (process_age() if as_command else 0.0)


def process_age() -> float:
    """Seconds since this process started (Linux ``/proc``; 0.0 where unknown).

    The CLI starts its ``--timeout`` clock at process start, so that the limit covers
    the interpreter's start-up too: ``circuitlab lec --timeout 5`` ends within about
    5 s of wall time, as a user timing the command sees it.
    """
    try:
        with open("/proc/self/stat") as fh:
            after_name = fh.read().rsplit(")", 1)[1].split()  # fields 3.. of proc(5)
        with open("/proc/uptime") as fh:
            uptime = float(fh.read().split()[0])
        started = int(after_name[19]) / os.sysconf("SC_CLK_TCK")  # field 22: starttime
    except (OSError, ValueError, IndexError):
        return 0.0
    return max(0.0, uptime - started)

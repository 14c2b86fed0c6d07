"""Helpers shared by the command modules: reading circuits, printing, the --timeout clock."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click


def read_circuit(path: str, fmt: str | None = None, comb: bool | None = None):
    """The AIG in ``path`` (``-``: stdin; AIGER, BLIF or Verilog, see :mod:`circuitlab.formats`).

    Args:
        comb: ``None`` reads the circuit as it is; otherwise see :func:`combinational`.
    """
    from circuitlab.formats import read_circuit as read

    aig = read(path, fmt)
    return aig if comb is None else combinational(aig, path, comb)


def combinational(aig, path: str, comb: bool):
    """``aig`` if it has no latches; its combinational core (:meth:`AIG.comb`) with
    ``comb``; else a one-line refusal (latches are never silently made inputs)."""
    from circuitlab.errors import UserError

    if not aig.num_latches:
        return aig
    if comb:
        return aig.comb()
    raise UserError(
        f"{path} is sequential ({aig.num_latches} latches); this command works on combinational logic: "
        "add --comb to make latch outputs inputs and latch next-states outputs (as ABC's comb does)"
    )


def format_option(command):
    from circuitlab.formats import READ_FORMATS

    return click.option(
        "--format",
        "fmt",
        type=click.Choice(READ_FORMATS),
        default=None,
        help="Input format (default: from the extension, else from the content; needed for no file type).",
    )(command)


def comb_option(command):
    return click.option(
        "--comb",
        is_flag=True,
        help="Work on the combinational core of a sequential circuit: latch outputs become inputs and "
        "latch next-states outputs (ABC's comb).  Without it, latches are refused.",
    )(command)


def input_names(aig) -> list[str]:
    return [n if n is not None else f"i{k}" for k, n in enumerate(aig.input_names)]


def named_bits(aig, values) -> str:
    """``name=0 name=1 ...`` for the inputs of ``aig``."""
    return " ".join(f"{n}={int(bool(v))}" for n, v in zip(input_names(aig), values, strict=True))


def write_witness(path: str, inputs, outputs: list[int]) -> None:
    from circuitlab.formats import write_output
    from circuitlab.witness import witness_for

    write_output(path, witness_for(inputs, outputs).text())


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


def ignore_signals() -> None:
    """From here on SIGINT and SIGTERM are ignored: an answer is decided and is being written.

    Setting ``SIG_IGN`` also drops a signal whose Python handler has not run yet (one
    that an interrupted native search left pending would otherwise surface as a
    KeyboardInterrupt while the verdict prints, and change the exit code to 130).
    """
    import signal

    while True:
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_IGN)
            return
        except KeyboardInterrupt:  # a pending one fired between the two calls: go round
            continue

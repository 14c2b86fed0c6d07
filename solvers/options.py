"""One options table for solving: the API keywords, the CLI flags and their help.

Following CaDiCaL's ``options.hpp`` habit, every solver option is declared once, in
:class:`SolveOptions`; :func:`click_options` turns the table into the flags of
``circuitlab solve`` and ``circuitlab lec``, and the constructor validates values
(raising :class:`SolverOptionError`, which the CLI prints as one line, exit 2).
"""

from __future__ import annotations

import math
import os
import sys
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from circuitlab.cnf import ENCODINGS

from .backends import BACKENDS, DEFAULT_BACKEND, get_backend
from .errors import SolverOptionError


def _opt(default, help: str, click_type=None, metavar=None):
    return field(default=default, metadata={"help": help, "click_type": click_type, "metavar": metavar})


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: backend, limits and certificates.

    Args:
        backend: a key of :data:`~circuitlab.solvers.backends.BACKENDS`.
        timeout: wall-clock seconds for the whole call (miter, encoding, search,
            verification; not proof checking); ``None`` for no limit.  UNKNOWN when it
            passes.
        conflicts: conflict limit of the search; UNKNOWN when reached.
        proof: file to write a DRAT proof of an UNSAT answer to.
        check_proof: validate the DRAT proof of an UNSAT answer with ``dratify``.
        memory_mb: extra address space (MiB) the solver may allocate; the solve then
            runs in a child process, and running out gives UNKNOWN.
        encoding: CNF encoding of circuits (``tseitin`` or ``pg``).
    """

    backend: str = _opt(DEFAULT_BACKEND, "SAT backend: " + ", ".join(BACKENDS) + ".", str, "NAME")
    timeout: float | None = _opt(
        None, "Wall-clock limit in seconds for the whole command; UNKNOWN when it passes.", float, "S"
    )
    conflicts: int | None = _opt(None, "Conflict limit; UNKNOWN when it is reached.", int, "N")
    proof: str | None = _opt(None, "Write a DRAT proof of an UNSAT answer to FILE.", str, "FILE")
    check_proof: bool = _opt(False, "Check the DRAT proof of an UNSAT answer (dratify).")
    memory_mb: float | None = _opt(None, "Memory limit in MiB for the solver (child process).", float, "MB")
    encoding: str = _opt("tseitin", "CNF encoding of circuits: " + ", ".join(ENCODINGS) + ".", str, "NAME")
    engine_option: tuple[str, ...] = _opt(
        (),
        "Option of the circuitlab engine as NAME=VALUE (repeatable; `circuitlab engine-options` lists them).",
        str,
        "NAME=VALUE",
    )

    def __post_init__(self):
        backend = get_backend(self.backend)
        if self.timeout is not None:
            t = _number(self.timeout, "--timeout")
            if math.isnan(t) or t < 0:
                raise SolverOptionError(f"--timeout must be a non-negative number of seconds, got {self.timeout}")
            object.__setattr__(self, "timeout", None if math.isinf(t) else t)
        if self.conflicts is not None and (
            isinstance(self.conflicts, bool) or not isinstance(self.conflicts, int) or self.conflicts < 0
        ):
            raise SolverOptionError(f"--conflicts must be a non-negative integer, got {self.conflicts!r}")
        if self.memory_mb is not None:
            m = _number(self.memory_mb, "--memory-mb")
            if not (m > 0) or math.isinf(m):
                raise SolverOptionError(f"--memory-mb must be a positive number, got {self.memory_mb}")
        if self.encoding not in ENCODINGS:
            raise SolverOptionError(f"unknown encoding {self.encoding!r}; choose from {', '.join(ENCODINGS)}")
        if self.proof is not None:
            parent = Path(self.proof).expanduser().resolve().parent
            if not parent.is_dir():
                raise SolverOptionError(f"--proof: directory {str(parent)!r} does not exist")
        if self.wants_proof:
            backend.require("proof")
        object.__setattr__(self, "engine_option", tuple(self.engine_option or ()))
        if self.engine_option:
            if not backend.native:
                raise SolverOptionError(f"--engine-option applies to --backend circuitlab, not {self.backend}")
            self.engine_options()  # validates

    def engine_options(self) -> dict[str, int]:
        """``engine_option`` as a checked ``{name: value}`` for the circuitlab engine."""
        from .engine import parse_options

        return parse_options(self.engine_option)

    @property
    def wants_proof(self) -> bool:
        return self.proof is not None or self.check_proof

    def deadline(self, start: float) -> float | None:
        """Absolute ``time.monotonic()`` deadline of a call that started at ``start``."""
        return None if self.timeout is None else start + self.timeout

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def make(cls, options: SolveOptions | None = None, **overrides) -> SolveOptions:
        """``options`` with ``overrides`` applied (keywords named like the fields)."""
        names = {f.name for f in fields(cls)}
        bad = sorted(set(overrides) - names)
        if bad:
            raise TypeError(f"unknown solve option(s): {', '.join(bad)}")
        base = asdict(options) if options is not None else {}
        return cls(**{**base, **overrides})


def _number(x, what: str) -> float:
    if isinstance(x, bool):
        raise SolverOptionError(f"{what} must be a number, got {x!r}")
    try:
        return float(x)
    except (TypeError, ValueError):
        raise SolverOptionError(f"{what} must be a number, got {x!r}") from None


def click_options(command):
    """Decorate a click command with one flag per :class:`SolveOptions` field.

    Flags are named after the fields (``memory_mb`` -> ``--memory-mb``); the command
    receives them as keywords of the same names, ready for ``SolveOptions(**kw)``.
    """
    import click

    for f in reversed(fields(SolveOptions)):
        flag = "--" + f.name.replace("_", "-")
        meta = f.metadata
        if meta["click_type"] is None:
            command = click.option(flag, f.name, is_flag=True, help=meta["help"])(command)
        elif isinstance(f.default, tuple):  # repeatable
            command = click.option(
                flag, f.name, type=meta["click_type"], multiple=True, metavar=meta["metavar"], help=meta["help"]
            )(command)
        else:
            shown = f" [default: {f.default}]" if f.default is not None else ""
            command = click.option(
                flag,
                f.name,
                type=meta["click_type"],
                default=f.default,
                metavar=meta["metavar"],
                help=meta["help"] + shown,
            )(command)
    return command


def command_start() -> float:
    """``time.monotonic()`` at which a CLI command's ``--timeout`` clock starts.

    When this process *is* the command (started as the ``circuitlab`` script or as
    ``python -m circuitlab.cli``), the clock starts at process start (see
    :func:`process_age`); when ``circuitlab.cli.main`` is called from inside another
    program (tests, notebooks), it starts now.
    """
    entry = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path()
    as_command = entry.name == "circuitlab" or entry.parts[-2:] == ("circuitlab", "cli.py")
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

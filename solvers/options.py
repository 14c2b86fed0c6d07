"""One options table for solving: the API keywords, the CLI flags and their help.

Following CaDiCaL's ``options.hpp`` habit, every solver option is declared once, in
:class:`SolveOptions` (fields made by :func:`circuitlab.config.option`); the CLI turns
the table into the flags of ``circuitlab solve`` and ``circuitlab lec``, and the
constructor validates values (raising :class:`SolverOptionError`, which the CLI prints
as one line, exit 2).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from circuitlab.cnf import ENCODINGS
from circuitlab.config import option

from .backends import BACKENDS, DEFAULT_BACKEND, get_backend
from .errors import SolverOptionError


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

    backend: str = option(DEFAULT_BACKEND, "SAT backend: " + ", ".join(BACKENDS) + ".", metavar="NAME")
    timeout: float | None = option(
        None, "Wall-clock limit in seconds for the whole command; UNKNOWN when it passes.", metavar="S"
    )
    conflicts: int | None = option(None, "Conflict limit; UNKNOWN when it is reached.", metavar="N")
    proof: str | None = option(None, "Write a DRAT proof of an UNSAT answer to FILE.", metavar="FILE")
    check_proof: bool = option(False, "Check the DRAT proof of an UNSAT answer (dratify).")
    memory_mb: float | None = option(None, "Memory limit in MiB for the solver (child process).", metavar="MB")
    encoding: str = option("tseitin", "CNF encoding of circuits.", choices=ENCODINGS)
    engine_option: tuple[str, ...] = option(
        (),
        "Option of the circuitlab engine as NAME=VALUE (repeatable; `circuitlab engine-options` lists them).",
        metavar="NAME=VALUE",
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

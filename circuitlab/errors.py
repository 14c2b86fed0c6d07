"""The one error tree of circuitlab, and the exit codes of the command line.

::

    CircuitlabError                      every error circuitlab raises on purpose
    ├── UserError (ValueError)           bad input: exit 2, one line, no traceback
    │   ├── CircuitError, AigerFormatError, DimacsFormatError, InterfaceMismatchError
    │   ├── CheckpointError              a checkpoint that is missing, foreign or broken
    │   ├── solvers: SolverOptionError, UnsupportedFeatureError
    │   ├── gnn: GnnError and its kinds;  lgn: LGNError and its kinds
    │   └── AbcError                     ABC missing or failing
    └── InternalError (RuntimeError)     a bug or a broken install: exit 70, one line
        ├── NativeLibraryError           naming the log file that holds the traceback
        ├── solvers: InternalSolverError (an answer that failed its certificate)
        └── lgn: CompileMismatchError    (a compiled circuit that disagrees with its network)
"""

from __future__ import annotations

import os

# exit codes of `circuitlab` (the README's table)
EXIT_OK = 0
EXIT_NOT_EQUIVALENT = 1  # lec
EXIT_USER_ERROR = 2
EXIT_LEC_UNKNOWN = 3  # lec
EXIT_SAT = 10  # solve
EXIT_UNSAT = 20  # solve
EXIT_INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE
EXIT_INTERRUPTED = 130  # 128 + SIGINT


class CircuitlabError(Exception):
    """Base class of every error circuitlab raises on purpose."""

    exit_code = EXIT_USER_ERROR


class UserError(CircuitlabError, ValueError):
    """Bad user input: a malformed file, a bad option, an impossible request (exit 2)."""


class InternalError(CircuitlabError, RuntimeError):
    """A bug or a broken install, never the user's fault (exit 70)."""

    exit_code = EXIT_INTERNAL_ERROR


class CircuitError(UserError):
    """A circuit that breaks the IR's invariants, or a bad request on one."""


class AigerFormatError(UserError):
    """A malformed AIGER file.  The message names the file and the line or byte offset."""

    def __init__(
        self, path: str | os.PathLike[str] | None, msg: str, line: int | None = None, offset: int | None = None
    ) -> None:
        where = str(path) if path is not None else "<bytes>"
        if line is not None:
            where += f":{line}"
        elif offset is not None:
            where += f": byte {offset}"
        super().__init__(f"{where}: {msg}")
        self.path, self.line, self.offset = path, line, offset


class TextFormatError(UserError):
    """A malformed text file (DIMACS, BLIF, Verilog, ...).  The message names the file and line."""

    def __init__(self, path: str | os.PathLike[str] | None, msg: str, line: int | None = None) -> None:
        where = str(path) if path is not None else "<text>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {msg}")
        self.path, self.line = path, line


class DimacsFormatError(TextFormatError):
    """A malformed DIMACS CNF file."""


class InterfaceMismatchError(UserError):
    """Two circuits whose inputs or outputs cannot be matched (miter, LEC)."""


class CheckpointError(UserError):
    """A checkpoint (LGN or GNN) that is missing, unreadable, foreign, or of another model."""

"""Typed errors.  The CLI turns any :class:`CircuitlabError` (and ValueError) into
one line on stderr and exit code 2."""

from __future__ import annotations

import os


class CircuitlabError(ValueError):
    """Base class of every user-facing error."""


class CircuitError(CircuitlabError):
    """A circuit that breaks the IR's invariants, or a bad request on one."""


class AigerFormatError(CircuitlabError):
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


class DimacsFormatError(CircuitlabError):
    """A malformed DIMACS CNF file."""

    def __init__(self, path: str | os.PathLike[str] | None, msg: str, line: int | None = None) -> None:
        where = str(path) if path is not None else "<text>"
        if line is not None:
            where += f":{line}"
        super().__init__(f"{where}: {msg}")


class InterfaceMismatchError(CircuitlabError):
    """Two circuits whose inputs or outputs cannot be matched (miter, LEC)."""

"""Circuit files by format: one reader and one writer entry point for every command.

Readers: AIGER (``aag``/``aig``), BLIF and Verilog (structural natively, general through
yosys).  Writers: those and DOT.  The format comes from ``fmt``, else the file
extension, else (reading) the content itself.  The path ``-`` is stdin or stdout;
a path that is not a regular file (``/dev/stdout``, a pipe) is written directly,
anything else atomically (temporary file, then rename).  A missing output folder is
an error, never created silently.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .aig import AIG
from .errors import UserError

READ_FORMATS = ("aag", "aig", "blif", "verilog")
WRITE_FORMATS = ("aag", "aig", "blif", "verilog", "dot")
EXTENSIONS = {".aag": "aag", ".aig": "aig", ".blif": "blif", ".v": "verilog", ".sv": "verilog", ".dot": "dot"}
STDIO = "-"


class FormatError(UserError):
    """An unknown or unusable circuit format, or an output path that cannot be written."""


def format_of(path: str | os.PathLike[str], fmt: str | None, formats: tuple[str, ...]) -> str | None:
    """``fmt`` checked against ``formats``, else the format of ``path``'s extension (or None)."""
    if fmt is not None:
        if fmt not in formats:
            raise FormatError(f"unknown format {fmt!r}; choose from {', '.join(formats)}")
        return fmt
    by_ext = EXTENSIONS.get(Path(str(path)).suffix.lower())
    return by_ext if by_ext in formats else None


def sniff(data: bytes) -> str | None:
    """The format of circuit bytes from their first words (None when unclear)."""
    head = data[:4096].lstrip()
    if head.startswith((b"aag ", b"aig ")):
        return "aag" if head.startswith(b"aag") else "aig"
    for line in head.splitlines():
        word = line.strip().split(b" ", 1)[0]
        if not word or word.startswith(b"#") and not word.startswith(b"#!"):
            continue
        if word.startswith((b".model", b".inputs", b".outputs", b".names")):
            return "blif"
        if word.startswith((b"module", b"//", b"/*", b"`")):
            return "verilog"
        return None
    return None


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of ``path`` (``-``: stdin), or a one-line error."""
    try:
        return sys.stdin.buffer.read() if str(path) == STDIO else Path(path).read_bytes()
    except OSError as e:
        raise FormatError(f"{path}: cannot read file: {e.strerror}") from None


def read_circuit(path: str | os.PathLike[str], fmt: str | None = None) -> AIG:
    """The AIG in ``path`` (``-``: stdin) in format ``fmt`` (default: extension or content)."""
    return parse_circuit(read_bytes(path), fmt, path)


def parse_circuit(data: bytes, fmt: str | None = None, path: str | os.PathLike[str] = STDIO) -> AIG:
    """The AIG in ``data``, read from ``path`` (names it in errors; its extension may give the format)."""
    name = "<stdin>" if str(path) == STDIO else str(path)
    kind = format_of(path, fmt, READ_FORMATS) or sniff(data)
    if kind is None:
        raise FormatError(f"{name}: unknown circuit format; give --format ({', '.join(READ_FORMATS)})")
    if kind in ("aag", "aig"):
        from .aiger import parse_aiger

        return parse_aiger(data, name)
    if kind == "blif":
        from .blif import parse_blif

        return parse_blif(data, name)
    from .verilog import (  # each reader on its own path: start-up
        VerilogUnsupportedError,
        parse_verilog,
        read_with_yosys,
    )

    try:
        return parse_verilog(data, name)
    except VerilogUnsupportedError as e:
        import tempfile

        with tempfile.TemporaryDirectory(prefix="circuitlab-verilog-") as tmp:
            copy = Path(tmp) / "design.v"  # yosys reads a file; a copy also serves stdin
            copy.write_bytes(data)
            return read_with_yosys(copy, reason=f"{name}: {e}")


def circuit_bytes(aig: AIG, kind: str, name: str = "top") -> bytes:
    """``aig`` written in format ``kind`` (one of :data:`WRITE_FORMATS`)."""
    from .aiger import aiger_bytes
    from .export import to_blif, to_dot, to_verilog

    if kind in ("aag", "aig"):
        return aiger_bytes(aig, binary=kind == "aig")
    text = {"blif": to_blif, "verilog": to_verilog, "dot": to_dot}[kind]
    return text(aig, name).encode()


def check_output(path: str | os.PathLike[str]) -> None:
    """Raise :class:`FormatError` unless ``path`` can be written: its folder must exist."""
    if str(path) == STDIO:
        return
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir():
        raise FormatError(f"cannot write {path}: folder {parent} does not exist")
    if Path(path).is_dir():
        raise FormatError(f"cannot write {path}: it is a folder")


def write_output(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` to ``path``: stdout for ``-``, directly to a non-regular file
    (``/dev/stdout``, a pipe), atomically otherwise."""
    from .fileio import atomic_write

    payload = data.encode() if isinstance(data, str) else data
    check_output(path)
    if str(path) == STDIO:
        sys.stdout.flush()
        sys.stdout.buffer.write(payload)
        sys.stdout.buffer.flush()
        return
    p = Path(path)
    if p.exists() and not p.is_file():
        with open(p, "wb") as fh:
            fh.write(payload)
        return
    atomic_write(p, payload)


def write_circuit(aig: AIG, path: str | os.PathLike[str], fmt: str | None = None, name: str = "top") -> str:
    """Write ``aig`` to ``path`` (``-``: stdout) in ``fmt`` or the extension's format; the format."""
    kind = format_of(path, fmt, WRITE_FORMATS)
    if kind is None:
        raise FormatError(
            f"cannot tell the format of {path}: use an extension (.aag .aig .blif .v .dot) or name the format"
        )
    write_output(path, circuit_bytes(aig, kind, name))
    return kind

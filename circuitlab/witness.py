"""Counterexamples as AIGER witnesses (the format of the hardware model checking competition).

A witness of a combinational circuit is::

    1          the property fails (SAT)
    b0         the failing properties: output (bad-state) 0
    <latches>  the initial latch values (an empty line for no latches)
    0110...    the input values of the one time frame, in input order
    .

``solve`` writes one for the output it made 1, ``lec`` one for the miter of A and B
(``circuitlab miter A B``: output 0 is 1 exactly where they differ), and
``circuitlab sim CIRCUIT --witness FILE`` replays it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import UserError


class WitnessFormatError(UserError):
    """A malformed witness file."""


@dataclass(frozen=True)
class Witness:
    """A counterexample: the failing properties (output indices), latch values and frames."""

    properties: tuple[int, ...]
    latches: str
    frames: tuple[str, ...]

    def text(self) -> str:
        props = " ".join(f"b{k}" for k in self.properties)
        return "\n".join(["1", props, self.latches, *self.frames, "."]) + "\n"


def witness_for(inputs, outputs: list[int], latches: str = "") -> Witness:
    """The witness of one input vector (``inputs``: bools) making the ``outputs`` 1."""
    return Witness(tuple(outputs), latches, ("".join("1" if b else "0" for b in inputs),))


def read_witness(path: str | os.PathLike[str]) -> Witness:
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_witness(data, str(path))


def parse_witness(data: bytes, name: str = "<witness>") -> Witness:
    """Parse an AIGER witness; comment lines (``c ...``) are skipped."""
    try:
        text = data.decode("ascii")
    except UnicodeDecodeError:
        raise WitnessFormatError(f"{name}: not an AIGER witness (not ASCII text)") from None
    lines = [ln.strip() for ln in text.splitlines() if not ln.startswith("c")]
    if not lines or lines[0] != "1":
        status = lines[0] if lines else "nothing"
        raise WitnessFormatError(f"{name}: a witness starts with the line 1 (a failing property), got {status!r}")
    if len(lines) < 4 or "." not in lines:
        raise WitnessFormatError(f"{name}: truncated witness: needs properties, latch values, frames and '.'")
    end = lines.index(".")
    try:
        props = tuple(int(w[1:]) for w in lines[1].split() if w[0] == "b")
    except (ValueError, IndexError):
        raise WitnessFormatError(f"{name}:2: bad property list {lines[1]!r} (expected b0 b1 ...)") from None
    if not props:
        raise WitnessFormatError(f"{name}:2: no bad-state property (b<k>) listed")
    body = lines[2:end]
    if len(body) < 2:
        raise WitnessFormatError(f"{name}: a witness needs a latch line and at least one frame")
    for k, line in enumerate(body):
        if set(line) - {"0", "1", "x"}:
            raise WitnessFormatError(f"{name}:{k + 3}: values must be 0, 1 or x, got {line[:40]!r}")
    return Witness(props, body[0], tuple(body[1:]))

"""Read BLIF (Berkeley Logic Interchange Format) into an AIG.

The flat, single-model subset that circuitlab (:func:`circuitlab.export.to_blif`), ABC
(``write_blif``) and yosys (``write_blif``) write:

* ``.model``, ``.inputs``, ``.outputs``, ``.end``; ``#`` comments and ``\\`` continuations;
* ``.names in1 .. ink out`` followed by a cover: rows ``<plane> <value>`` with plane
  characters ``0``, ``1``, ``-``.  All rows of a cover share the value; value ``1`` lists
  the on-set cubes (``out = OR of cubes``), value ``0`` the off-set (``out = NOT OR``).
  No rows is constant 0; a single row ``1`` with no inputs is constant 1;
* ``.latch in out [type control] [init]``: an AIG latch with init 0, 1, or
  uninitialized (2, 3 or absent).

Signals may be used before they are defined (BLIF allows any order); a combinational
loop, an undriven signal, a signal driven twice, ``.subckt``, ``.gate`` and a second
model are errors.  The covers are built into the AIG with structural hashing.
"""

from __future__ import annotations

import os

from .aig import AIG, AIGBuilder
from .errors import TextFormatError

# timing and library directives some writers add; they do not change the logic
IGNORED = {
    ".area",
    ".delay",
    ".wire_load_slope",
    ".wire",
    ".input_arrival",
    ".output_required",
    ".default_input_arrival",
    ".default_output_required",
    ".default_input_drive",
    ".default_output_load",
    ".default_max_input_load",
    ".input_drive",
    ".output_load",
    ".max_input_load",
    ".clock",
}


class BlifFormatError(TextFormatError):
    """A malformed or unsupported BLIF file.  The message names the file and line."""


def read_blif(path: str | os.PathLike[str]) -> AIG:
    """The AIG of the BLIF file ``path``."""
    with open(path, "rb") as fh:
        data = fh.read()
    return parse_blif(data, path)


def _logical_lines(text: str):
    """(line number, words) of each logical line: comments dropped, continuations joined."""
    pending: list[str] = []
    start = 0
    for num, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].rstrip()
        if not pending:
            start = num
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        words = " ".join(pending).split()
        pending = []
        if words:
            yield start, words
    if pending and " ".join(pending).split():
        yield start, " ".join(pending).split()


class _Cover:
    __slots__ = ("inputs", "line", "rows")

    def __init__(self, inputs: list[str], line: int) -> None:
        self.inputs = inputs
        self.line = line
        self.rows: list[tuple[str, str]] = []


def parse_blif(data: bytes | str, path: str | os.PathLike[str] | None = None) -> AIG:
    """The AIG of BLIF text ``data`` (``path`` only names the source in errors)."""
    try:
        text = data.decode() if isinstance(data, bytes) else data
    except UnicodeDecodeError as e:
        raise BlifFormatError(path, f"not a text file (byte {e.start} is not UTF-8)") from None
    inputs: list[str] = []
    outputs: list[str] = []
    latches: list[tuple[str, str, int, int]] = []  # (next-state signal, latch output, init, line)
    covers: dict[str, _Cover] = {}
    current: _Cover | None = None
    seen_model = ended = False
    for num, words in _logical_lines(text):
        head = words[0]
        if ended:
            if head == ".model":
                raise BlifFormatError(path, "more than one .model (hierarchical BLIF) is not supported", num)
            continue
        if not head.startswith("."):
            if current is None:
                raise BlifFormatError(path, f"cover row {' '.join(words)!r} outside a .names block", num)
            current.rows.append(_row(words, len(current.inputs), path, num))
            continue
        current = None
        if head == ".model":
            if seen_model:
                raise BlifFormatError(path, "more than one .model (hierarchical BLIF) is not supported", num)
            seen_model = True
        elif head == ".inputs":
            inputs += words[1:]
        elif head == ".outputs":
            outputs += words[1:]
        elif head == ".names":
            if len(words) < 2:
                raise BlifFormatError(path, ".names needs an output signal", num)
            out = words[-1]
            if out in covers:
                raise BlifFormatError(path, f"signal {out!r} is driven twice", num)
            current = covers[out] = _Cover(words[1:-1], num)
        elif head == ".latch":
            latches.append(_latch(words, path, num))
        elif head == ".end":
            ended = True
        elif head in (".subckt", ".gate", ".mlatch", ".exdc", ".search"):
            raise BlifFormatError(path, f"{head} is not supported (flatten the design first, e.g. with ABC)", num)
        elif head not in IGNORED:
            raise BlifFormatError(path, f"unknown directive {head}", num)
    if not seen_model and not (inputs or outputs or covers):
        raise BlifFormatError(path, "no .model: not a BLIF file")
    return _build(inputs, outputs, latches, covers, path)


def _row(words: list[str], n: int, path, num: int) -> tuple[str, str]:
    if n == 0:
        if len(words) != 1 or words[0] not in ("0", "1"):
            raise BlifFormatError(path, f"a constant's cover row must be 0 or 1, got {' '.join(words)!r}", num)
        return "", words[0]
    if len(words) != 2 or len(words[0]) != n or set(words[0]) - set("01-") or words[1] not in ("0", "1"):
        raise BlifFormatError(path, f"bad cover row {' '.join(words)!r} for {n} inputs", num)
    return words[0], words[1]


def _latch(words: list[str], path, num: int) -> tuple[str, str, int, int]:
    if len(words) not in (3, 4, 5, 6):
        raise BlifFormatError(path, ".latch needs: input output [type control] [init]", num)
    init = 3
    if len(words) in (4, 6):
        if words[-1] not in ("0", "1", "2", "3"):
            raise BlifFormatError(path, f"latch init must be 0, 1, 2 or 3, got {words[-1]!r}", num)
        init = int(words[-1])
    return words[1], words[2], init, num


def _build(inputs, outputs, latches, covers: dict[str, _Cover], path) -> AIG:
    b = AIGBuilder()
    lit: dict[str, int] = {}
    for name in inputs:
        if name in lit:
            raise BlifFormatError(path, f"input {name!r} is declared twice")
        lit[name] = b.input(name)
    for _, out, init, num in latches:
        if out in lit or out in covers:
            raise BlifFormatError(path, f"latch output {out!r} is also driven elsewhere", num)
        lit[out] = b.latch(out, init if init < 2 else 2)
    for name in inputs:
        if name in covers:
            raise BlifFormatError(path, f"input {name!r} is also driven by .names", covers[name].line)

    def signal(name: str, where: int | None) -> int:
        if name not in lit:
            _define(name, where)
        return lit[name]

    def _define(root: str, where: int | None) -> None:
        # iterative depth-first build: deep netlists must not hit Python's recursion limit
        stack, on_path = [root], {root}
        while stack:
            name = stack[-1]
            cover = covers.get(name)
            if cover is None:
                raise BlifFormatError(path, f"signal {name!r} is used but never driven", where)
            todo = [x for x in cover.inputs if x not in lit]
            if todo:
                nxt = todo[0]
                if nxt in on_path:
                    raise BlifFormatError(path, f"combinational loop through {nxt!r}", cover.line)
                stack.append(nxt)
                on_path.add(nxt)
                where = cover.line
                continue
            lit[name] = _cover_lit(b, cover, [lit[x] for x in cover.inputs], path)
            stack.pop()
            on_path.discard(name)

    for name, cover in covers.items():  # also build unused covers, so their errors surface
        signal(name, cover.line)
    for nxt, out, _, num in latches:
        b.set_next(lit[out], signal(nxt, num))
    for name in outputs:
        b.output(signal(name, None), name)
    return b.build()


def _cover_lit(b: AIGBuilder, cover: _Cover, fanins: list[int], path) -> int:
    if not cover.rows:
        return 0
    values = {v for _, v in cover.rows}
    if len(values) > 1:
        raise BlifFormatError(path, "a cover mixes on-set (1) and off-set (0) rows", cover.line)
    cubes = []
    for plane, _ in cover.rows:
        cubes.append(b.and_many(f if c == "1" else f ^ 1 for f, c in zip(fanins, plane, strict=True) if c != "-"))
    f = b.or_many(cubes)
    return f if values == {"1"} else f ^ 1

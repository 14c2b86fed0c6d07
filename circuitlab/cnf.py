"""CNF encodings of AIGs, DIMACS I/O, and models mapped back to input vectors.

Variable map: AIG variable ``v`` is CNF variable ``v + 1``; CNF variable 1 is the
constant, fixed false by a unit clause.  So an AIG literal ``l`` becomes
``±((l >> 1) + 1)``, negative when ``l`` is odd.

Encodings:

* **Tseitin**: every AND ``g = a ∧ b`` gets ``(¬g ∨ a)(¬g ∨ b)(g ∨ ¬a ∨ ¬b)``.
* **Plaisted–Greenbaum**: only the implications needed for the polarity in which
  each gate is used: positive use keeps the two binary clauses, negative use keeps
  the ternary one.  Equisatisfiable, and fewer clauses.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import numpy as np
from pysat.formula import CNF

from .aig import AIG
from .errors import CircuitError, DimacsFormatError
from .fileio import atomic_write, atomic_writer

if TYPE_CHECKING:  # numpy.typing costs start-up; annotations only
    import numpy.typing as npt

ENCODINGS = ("tseitin", "pg")


def lit_to_cnf(lits: npt.ArrayLike) -> np.ndarray:
    """AIG literal(s) → DIMACS literal(s)."""
    arr = np.asarray(lits, dtype=np.int64)
    v = (arr >> 1) + 1
    return np.where(arr & 1, -v, v)


@dataclass
class CnfEncoding:
    """A CNF together with the map back to the circuit.

    Attributes:
        cnf: the pysat ``CNF``.
        aig: the encoded circuit.
        root: DIMACS literal of the asserted property (``None`` when nothing is asserted).
    """

    cnf: CNF
    aig: AIG
    root: int | None

    def var(self, aig_var: int) -> int:
        return int(aig_var) + 1

    def lit(self, aig_lit: int) -> int:
        return int(lit_to_cnf(aig_lit))

    def input_vars(self) -> np.ndarray:
        """``[I + L]`` DIMACS variables of the inputs (then latches)."""
        return np.arange(1, self.aig.num_inputs + self.aig.num_latches + 1) + 1

    def model_to_inputs(self, model: Iterable[int]) -> np.ndarray:
        """``[I + L]`` booleans of a solver model (unassigned variables read as 0)."""
        val = np.zeros(self.aig.max_var + 2, dtype=bool)
        m = np.asarray([x for x in model if abs(x) < len(val)], dtype=np.int64)
        val[np.abs(m)] = m > 0
        inputs: np.ndarray = val[self.input_vars()]
        return inputs


def _gate_clauses(aig: AIG, pos: np.ndarray, neg: np.ndarray) -> list[list[int]]:
    """Clauses of the ANDs whose positive (``pos``) / negative (``neg``) use is needed."""
    g = lit_to_cnf(aig.and_lits())
    a = lit_to_cnf(aig.ands[:, 0])
    b = lit_to_cnf(aig.ands[:, 1])
    two = np.concatenate([np.stack([-g[pos], a[pos]], 1), np.stack([-g[pos], b[pos]], 1)])
    three = np.stack([g[neg], -a[neg], -b[neg]], 1)
    clauses: list[list[int]] = two.tolist() + three.tolist()
    return clauses


def _polarities(aig: AIG, roots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-AND flags: used positively / negatively, from the asserted ``roots``."""
    pos = np.zeros(aig.max_var + 1, dtype=bool)
    neg = np.zeros(aig.max_var + 1, dtype=bool)
    np.logical_or.at(pos, roots >> 1, (roots & 1) == 0)
    np.logical_or.at(neg, roots >> 1, (roots & 1) == 1)
    first = aig.first_and_var
    for idx in reversed(aig.level_order()):
        var = first + idx
        f = aig.ands[idx]
        for side in (0, 1):
            fv, fc = f[:, side] >> 1, (f[:, side] & 1).astype(bool)
            # a positively used gate needs its fanin literal true: same polarity on the
            # fanin variable unless complemented; a negative use flips it
            np.logical_or.at(pos, fv, np.where(fc, neg[var], pos[var]))
            np.logical_or.at(neg, fv, np.where(fc, pos[var], neg[var]))
    return pos[first:], neg[first:]


def _assertion(aig: AIG, assert_output: int | str | None) -> tuple[int | None, np.ndarray, list[list[int]]]:
    """``(root, root_lits, extra clauses)`` asserting ``assert_output`` (see :func:`encode`)."""
    if assert_output is None:
        return None, np.zeros(0, np.int64), []
    if assert_output == "any":
        if aig.num_outputs == 0:
            raise CircuitError("the circuit has no outputs to assert")
        if aig.num_outputs == 1:
            root = int(lit_to_cnf(aig.outputs[0]))
            return root, aig.outputs, [[root]]
        root = aig.max_var + 2  # fresh variable r <-> OR(outputs); assert r
        return root, aig.outputs, [[-root, *lit_to_cnf(aig.outputs).tolist()], [root]]
    k = int(assert_output)
    if not 0 <= k < aig.num_outputs:
        raise CircuitError(f"output index {k} out of range 0..{aig.num_outputs - 1}")
    root = int(lit_to_cnf(aig.outputs[k]))
    return root, aig.outputs[k : k + 1], [[root]]


def _uses(
    aig: AIG, method: str, assert_output: int | str | None, root_lits: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    if method not in ENCODINGS:
        raise CircuitError(f"unknown CNF encoding {method!r}; choose from {', '.join(ENCODINGS)}")
    if method == "pg" and assert_output is not None:
        return _polarities(aig, root_lits)
    everything = np.ones(aig.num_ands, dtype=bool)
    return everything, everything


def _num_vars(aig: AIG, root: int | None) -> int:
    top = aig.max_var + 1
    return max(top + (1 if root is not None and root > top else 0), 1)


def encode(aig: AIG, method: str = "tseitin", assert_output: int | str | None = "any") -> CnfEncoding:
    """Encode ``aig`` as CNF.

    Args:
        method: ``"tseitin"`` or ``"pg"`` (Plaisted–Greenbaum).
        assert_output: ``"any"`` asserts that some output is 1 (the OR of outputs);
            an int asserts that output; ``None`` asserts nothing (then PG falls back to
            Tseitin, since no polarity is known).
    """
    root, root_lits, extra = _assertion(aig, assert_output)
    pos, neg = _uses(aig, method, assert_output, root_lits)
    clauses: list[list[int]] = [[-1]]  # constant false
    clauses += _gate_clauses(aig, pos, neg)
    clauses += extra
    cnf = CNF()  # set the clause list directly: from_clauses would copy every clause
    cnf.clauses = clauses
    cnf.nv = _num_vars(aig, root)
    return CnfEncoding(cnf, aig, root)


STREAM_GATES = 1 << 19  # gates formatted per block by the streaming writer


def write_encoding(
    aig: AIG,
    path: str | os.PathLike[str],
    method: str = "tseitin",
    assert_output: int | str | None = "any",
    comments: Iterable[str] = (),
) -> tuple[int, int]:
    """Write the DIMACS of :func:`encode` to ``path`` (``-``: stdout), streamed.

    The bytes equal ``write_dimacs(encode(aig, method, assert_output).cnf, path, comments)``
    (the reference, tested), but no Python object is made per clause: the clauses of
    :data:`STREAM_GATES` gates at a time are numpy rows formatted by a C kernel, so memory
    stays bounded by the circuit's arrays.  Returns ``(variables, clauses)``.
    """
    import ctypes
    import sys

    from .native import load_library

    root, root_lits, extra = _assertion(aig, assert_output)
    pos, neg = _uses(aig, method, assert_output, root_lits)
    kernel = load_library("circuitlab._dimacs_kernel")
    kernel.format_clauses.restype = ctypes.c_int64
    kernel.format_clauses.argtypes = [ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    nv = _num_vars(aig, root)
    n_clauses = 1 + 2 * int(pos.sum()) + int(neg.sum()) + len(extra)
    first = aig.first_and_var

    def rows(fh: BinaryIO, make: Callable[[int, int], np.ndarray]) -> None:
        buf = np.empty(0, np.uint8)
        for lo in range(0, aig.num_ands, STREAM_GATES):
            block = np.ascontiguousarray(make(lo, min(lo + STREAM_GATES, aig.num_ands)), dtype=np.int64)
            need = block.size * 21 + 2 * len(block) + 1
            if len(buf) < need:
                buf = np.empty(need, np.uint8)
            n = kernel.format_clauses(block.ctypes.data, len(block), block.shape[1], buf.ctypes.data)
            fh.write(buf[:n].tobytes())

    def gate(lo: int, hi: int) -> np.ndarray:
        return np.arange(first + lo, first + hi, dtype=np.int64) + 1  # AND variables are positive literals

    def two(lo: int, hi: int, side: int) -> np.ndarray:
        block: np.ndarray = np.stack([-gate(lo, hi), lit_to_cnf(aig.ands[lo:hi, side])], 1)
        used: np.ndarray = block[pos[lo:hi]]
        return used

    def three(lo: int, hi: int) -> np.ndarray:
        fanins = [-lit_to_cnf(aig.ands[lo:hi, 0]), -lit_to_cnf(aig.ands[lo:hi, 1])]
        block: np.ndarray = np.stack([gate(lo, hi), *fanins], 1)
        used: np.ndarray = block[neg[lo:hi]]
        return used

    def write(fh: BinaryIO) -> None:
        head = [f"c {c}" for c in comments] + [f"p cnf {nv} {n_clauses}", "-1 0"]
        fh.write(("\n".join(head) + "\n").encode())
        rows(fh, lambda lo, hi: two(lo, hi, 0))  # (-g a) for every positive use, then (-g b)
        rows(fh, lambda lo, hi: two(lo, hi, 1))
        rows(fh, three)
        fh.write("".join(" ".join(map(str, cl)) + " 0\n" for cl in extra).encode())

    if str(path) == "-":
        sys.stdout.flush()
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
    elif Path(path).exists() and not Path(path).is_file():  # /dev/stdout, a pipe
        with open(path, "wb") as fh:
            write(fh)
    else:
        atomic_writer(path, write)
    return nv, n_clauses


# ---------------------------------------------------------------------------- DIMACS
UNUSED_VARS_SLACK = 1 << 20  # declared variables beyond the largest used one that a header may claim


def parse_dimacs(text: str | bytes, path: str | os.PathLike[str] | None = None) -> CNF:
    """Strictly parse DIMACS CNF: one ``p cnf V C`` header, clauses ending in 0.

    Raises :class:`DimacsFormatError` (with the line) for a bad header, a literal out
    of range, a non-integer token, a missing final 0 or a wrong clause count.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise DimacsFormatError(path, f"not UTF-8 text (byte {e.start})") from None
    nv = nc = None
    clauses: list[list[int]] = []
    cur: list[int] = []
    for lineno, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not s or s[0] in "c%":
            if s.startswith("%"):
                break  # SATLIB terminator
            continue
        if s[0] == "p":
            toks = s.split()
            if nv is not None:
                raise DimacsFormatError(path, "second 'p' header", lineno)
            if len(toks) != 4 or toks[1] != "cnf" or not toks[2].isdigit() or not toks[3].isdigit():
                raise DimacsFormatError(path, f"bad header {s[:40]!r}; expected 'p cnf VARS CLAUSES'", lineno)
            nv, nc = int(toks[2]), int(toks[3])
            continue
        if nv is None:
            raise DimacsFormatError(path, "clause before the 'p cnf' header", lineno)
        for tok in s.split():
            try:
                x = int(tok)
            except ValueError:
                raise DimacsFormatError(path, f"bad literal {tok[:20]!r}", lineno) from None
            if abs(x) > nv:
                raise DimacsFormatError(path, f"literal {x} exceeds the header's {nv} variables", lineno)
            if x == 0:
                clauses.append(cur)
                cur = []
            else:
                cur.append(x)
    if nv is None:
        raise DimacsFormatError(path, "missing 'p cnf' header")
    if cur:
        raise DimacsFormatError(path, "last clause is not terminated by 0")
    if len(clauses) != nc:
        raise DimacsFormatError(path, f"header says {nc} clauses but the file has {len(clauses)}")
    cnf = CNF(from_clauses=clauses)
    if nv > cnf.nv + UNUSED_VARS_SLACK:  # solvers allocate per declared variable
        raise DimacsFormatError(
            path, f"header declares {nv} variables but the clauses use {cnf.nv} (at most {UNUSED_VARS_SLACK} unused)"
        )
    cnf.nv = max(cnf.nv, nv)
    return cnf


def read_dimacs(path: str | os.PathLike[str]) -> CNF:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise DimacsFormatError(path, f"cannot read file: {e.strerror}") from None
    return parse_dimacs(data, path)


def dimacs_text(cnf: CNF, comments: Iterable[str] = ()) -> str:
    lines = [f"c {c}" for c in comments]
    lines.append(f"p cnf {cnf.nv} {len(cnf.clauses)}")
    lines += [" ".join(map(str, cl)) + " 0" for cl in cnf.clauses]
    return "\n".join(lines) + "\n"


def write_dimacs(cnf: CNF, path: str | os.PathLike[str], comments: Iterable[str] = ()) -> None:
    atomic_write(path, dimacs_text(cnf, comments))

"""AIGER 1.9 reading and writing, ASCII (``.aag``) and binary (``.aig``).

The header is ``aag|aig M I L O A [B C J F]``.  Inputs, latches, outputs and AND
gates are fully supported; bad-state (B) and invariant-constraint (C) literals are
preserved; justice (J) and fairness (F) properties are refused with a clear error.

The binary AND section is a list of LEB128-style unsigned varints (``lhs - rhs0``,
``rhs0 - rhs1`` per gate).  It is decoded and encoded with vectorized numpy: no
Python loop per gate.

Every malformed input raises :class:`AigerFormatError` naming the file and the line
or byte offset.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from .aig import AIG, LIT
from .errors import AigerFormatError
from .fileio import atomic_write

MAX_VARS = 1 << 31  # literals 2 * M + 1 must fit in 32 bits
# binary inputs take no bytes: a header may declare at most this many (plus per file byte)
BINARY_INPUTS_FREE = 1 << 20
BINARY_INPUTS_PER_BYTE = 16
HEADER_SLACK = 1024  # header counts up to this are checked by parsing, larger ones up front
BINARY_BLOCK = 1 << 18  # binary AND gates decoded per block (bounds the temporaries)

__all__ = ["read_aiger", "parse_aiger", "write_aiger", "aiger_bytes", "to_pyaiger", "from_pyaiger"]


# ---------------------------------------------------------------------------- reading
def read_aiger(path: str | os.PathLike[str]) -> AIG:
    """Read an ``.aag`` or ``.aig`` file (the header decides which, not the extension)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise AigerFormatError(path, f"cannot read file: {e.strerror}") from None
    return parse_aiger(data, path)


def parse_aiger(data: bytes, path: str | os.PathLike[str] | None = None) -> AIG:
    """Parse AIGER bytes.  ``path`` is used only in error messages."""
    return _Parser(data, path).parse()


class _Parser:
    def __init__(self, data: bytes, path: str | os.PathLike[str] | None) -> None:
        self.data = data
        self.path = path
        self.pos = 0  # byte offset of the next unread line
        self.lineno = 0
        self.section_lines: dict[str, int] = {}

    def fail(self, msg: str, line: int | None = None, offset: int | None = None) -> NoReturn:
        raise AigerFormatError(self.path, msg, line=line, offset=offset)

    def next_line(self, what: str) -> bytes:
        if self.pos >= len(self.data):
            self.fail(f"unexpected end of file: expected {what}", offset=self.pos)
        end = self.data.find(b"\n", self.pos)
        if end < 0:
            end = len(self.data)
        line = self.data[self.pos : end]
        self.pos = end + 1
        self.lineno += 1
        return line

    def ints(self, line: bytes, n_min: int, n_max: int, what: str) -> list[int]:
        toks = line.split()
        if not n_min <= len(toks) <= n_max:
            self.fail(f"expected {what}", line=self.lineno)
        if not all(t.isdigit() and len(t) <= 18 for t in toks):
            self.fail(f"invalid number in {what}", line=self.lineno)
        return [int(t) for t in toks]

    def parse(self) -> AIG:
        if not self.data:
            self.fail("empty file", offset=0)
        head = self.next_line("header")
        toks = head.split()
        if not toks or toks[0] not in (b"aag", b"aig"):
            self.fail("not an AIGER file: header must start with 'aag' or 'aig'", line=1)
        self.binary = toks[0] == b"aig"
        nums = self.ints(b" ".join(toks[1:]), 5, 9, "header 'M I L O A [B C J F]'")
        nums += [0] * (9 - len(nums))
        m, i, n_lat, o, a, b, c, j, f = nums
        if j or f:
            self.fail(f"justice ({j}) and fairness ({f}) properties are not supported", line=1)
        if self.binary and m != i + n_lat + a:
            self.fail(f"header counts lie: M={m} but I+L+A={i + n_lat + a}", line=1)
        if not self.binary and m < i + n_lat + a:
            self.fail(f"header counts lie: M={m} is smaller than I+L+A={i + n_lat + a}", line=1)
        self.check_header_fits(nums)
        self.m, self.i, self.l, self.o, self.a = m, i, n_lat, o, a
        # binary inputs are implicit (literals 2..2I); ascii lists them
        inputs = np.zeros(0, LIT) if self.binary else self.lit_lines(i, 1, 1, "input literal")[:, 0]
        latches = self.lit_lines(n_lat, 1 if self.binary else 2, 2 if self.binary else 3, "latch line")
        outputs = self.lit_lines(o, 1, 1, "output literal")[:, 0]
        bad = self.lit_lines(b, 1, 1, "bad-state literal")[:, 0]
        cons = self.lit_lines(c, 1, 1, "constraint literal")[:, 0]
        self.check_range(outputs, self.section_lines["output"], "output")
        self.check_range(bad, self.section_lines["bad-state"], "bad-state")
        self.check_range(cons, self.section_lines["constraint"], "constraint")
        if self.binary:
            ands = self.binary_ands(a)
            lat = np.zeros((n_lat, 2), LIT)
            if n_lat:
                lat[:, 0] = latches[:, 0]
                lat[:, 1] = latches[:, 1] if latches.shape[1] > 1 else 0
                self.check_range(lat[:, 0], self.section_lines["latch"], "latch next-state")
                self.check_init(lat, 2 * np.arange(i + 1, i + n_lat + 1))
            aig = AIG(i, ands, outputs, lat, bad, cons)
        else:
            ands = self.lit_lines(a, 3, 3, "AND line 'lhs rhs0 rhs1'")
            aig = self.ascii_canonical(inputs, latches, outputs, bad, cons, ands)
        self.symbols(aig)
        return aig

    def check_header_fits(self, nums: list[int]) -> None:
        """Refuse header counts that the rest of the file cannot hold, before allocating.

        Every ascii line and every binary AND takes at least 2 bytes, so a header that
        claims more items than that is a lie (a 26-byte file must not make the reader
        allocate gigabytes).  Small claims are left to the section parsers, whose
        "unexpected end of file" names the byte where a truncated file stops.  Binary inputs take no bytes at all: at most
        ``BINARY_INPUTS_FREE + BINARY_INPUTS_PER_BYTE * file size`` are accepted.
        """
        m, i, n_lat, o, a, b, c = nums[:7]
        if m >= MAX_VARS:
            self.fail(f"header M={m} is beyond the largest supported variable ({MAX_VARS - 1})", line=1)
        left = len(self.data) - self.pos
        names = ("L", "O", "B", "C", "A") if self.binary else ("I", "L", "O", "B", "C", "A")
        counts = dict(zip(("I", "L", "O", "B", "C", "A"), (i, n_lat, o, b, c, a), strict=True))
        total = 0
        for name in names:
            total += counts[name]
            if 2 * total - 1 > left and total > HEADER_SLACK:
                self.fail(
                    f"header {name}={counts[name]} claims more than the {left} bytes after the header hold", line=1
                )
        limit = BINARY_INPUTS_FREE + BINARY_INPUTS_PER_BYTE * len(self.data)
        if self.binary and i > limit:
            self.fail(f"header I={i} is implausible for a {len(self.data)}-byte binary file (at most {limit})", line=1)

    # -- line sections ------------------------------------------------------------
    def lit_lines(self, count: int, n_min: int, n_max: int, what: str) -> np.ndarray:
        """Read ``count`` lines of ``n_min..n_max`` non-negative integers.

        Fixed-width sections are converted in one vectorized call; a missing trailing
        value in a variable-width line (a latch's init) is filled with -1.
        """
        first_line = self.lineno + 1
        self.section_lines[what.split()[0]] = first_line
        if count == 0:
            return np.zeros((0, n_max), LIT)
        if n_min == n_max:
            rows = [self.next_line(what) for _ in range(count)]
            flat = b" ".join(rows).split()
            if len(flat) != count * n_min or not all(t.isdigit() and len(t) <= 18 for t in flat):
                for k, row in enumerate(rows):  # slow path: name the bad line
                    toks = row.split()
                    if len(toks) != n_min or not all(t.isdigit() and len(t) <= 18 for t in toks):
                        self.fail(f"expected {what}", line=first_line + k)
            return np.array(flat, dtype=np.bytes_).astype(np.int64).reshape(count, n_min)
        out = np.full((count, n_max), -1, dtype=LIT)
        for k in range(count):
            vals = self.ints(self.next_line(what), n_min, n_max, what)
            out[k, : len(vals)] = vals
        return out

    def check_range(self, lits: np.ndarray, first_line: int, what: str) -> None:
        bad = np.flatnonzero(lits > 2 * self.m + 1)
        if len(bad):
            k = int(bad[0])
            self.fail(f"{what} literal {int(lits[k])} out of range (M={self.m})", line=first_line + k)

    def check_init(self, lat: np.ndarray, latch_lits: np.ndarray) -> None:
        init = lat[:, 1]
        ok = (init == 0) | (init == 1) | (init == latch_lits) | (init == -1)
        if not ok.all():
            k = int(np.flatnonzero(~ok)[0])
            self.fail(
                f"latch init value {int(init[k])} must be 0, 1 or the latch literal",
                line=self.section_lines["latch"] + k,
            )
        lat[init == -1, 1] = 0

    # -- binary AND section -------------------------------------------------------
    def binary_ands(self, a: int) -> np.ndarray:
        """Decode the ``2a`` varints in blocks of :data:`BINARY_BLOCK` gates, so that the
        temporaries stay small beside the ``[a, 2]`` result (reading 10^7 gates needs no
        more than the result plus a few MiB)."""
        ands = np.empty((a, 2), LIT)
        pos = self.pos
        for g0 in range(0, a, BINARY_BLOCK):
            g1 = min(a, g0 + BINARY_BLOCK)
            pos = self._binary_block(ands, g0, g1, a, pos)
        self.pos = pos
        return ands

    def _binary_block(self, ands: np.ndarray, g0: int, g1: int, a: int, pos: int) -> int:
        k = 2 * (g1 - g0)
        left = max(0, len(self.data) - pos)
        ends = np.zeros(0, np.int64)
        for width in (3 * k, 9 * k):  # most varints take 1-3 bytes; none may take more than 9
            buf = np.frombuffer(self.data, dtype=np.uint8, count=min(width, left), offset=min(pos, len(self.data)))
            ends = np.flatnonzero(buf < 0x80)[:k]
            if len(ends) == k or width >= left:
                break
        if len(ends) < k:
            self.fail(
                f"truncated binary AND section: {g0 + len(ends) // 2} of {a} gates present", offset=len(self.data)
            )
        n = int(ends[-1]) + 1
        starts = np.empty(k, dtype=np.int64)
        starts[0] = 0
        starts[1:] = ends[:-1] + 1
        lengths = ends - starts + 1
        if lengths.max() > 9:
            j = int(np.argmax(lengths > 9))
            self.fail("varint longer than 9 bytes", offset=pos + int(starts[j]))
        seg = buf[:n].astype(np.int64) & 0x7F
        shift = 7 * (np.arange(n) - np.repeat(starts, lengths))
        deltas = np.add.reduceat(seg << shift, starts)
        d0, d1 = deltas[0::2], deltas[1::2]
        lhs = 2 * (self.i + self.l + 1 + np.arange(g0, g1, dtype=LIT))
        rhs0 = lhs - d0
        rhs1 = rhs0 - d1
        bad = (d0 == 0) | (rhs0 < 0) | (rhs1 < 0)
        if bad.any():
            j = int(np.argmax(bad))
            self.fail(
                f"AND gate {g0 + j} (lhs {int(lhs[j])}): delta out of range, gives literals "
                f"{int(rhs0[j])}, {int(rhs1[j])}",
                offset=pos + int(starts[2 * j]),
            )
        ands[g0:g1, 0] = rhs0
        ands[g0:g1, 1] = rhs1
        return pos + n

    # -- ASCII: validate and renumber canonically ----------------------------------
    def ascii_canonical(
        self,
        inputs: np.ndarray,
        latches: np.ndarray,
        outputs: np.ndarray,
        bad: np.ndarray,
        cons: np.ndarray,
        ands: np.ndarray,
    ) -> AIG:
        m, i, n_lat, a = self.m, self.i, self.l, self.a
        in_line, lat_line = 2, 2 + i
        and_line = 2 + i + n_lat + self.o + len(bad) + len(cons)
        lat_cur = latches[:, 0] if n_lat else np.zeros(0, LIT)
        defs = np.concatenate([inputs, lat_cur, ands[:, 0]])
        def_lines = np.concatenate(
            [in_line + np.arange(i), lat_line + np.arange(n_lat), and_line + np.arange(a)]
        ).astype(np.int64)
        for what, arr, line0 in (
            ("input", inputs, in_line),
            ("latch", lat_cur, lat_line),
            ("AND", ands[:, 0], and_line),
        ):
            odd = np.flatnonzero(arr & 1)
            if len(odd):
                k = int(odd[0])
                self.fail(f"{what} definition uses odd literal {int(arr[k])}", line=line0 + k)
            zero = np.flatnonzero(arr < 2)
            if len(zero):
                self.fail(f"{what} defines the constant literal", line=line0 + int(zero[0]))
        big = np.flatnonzero(defs > 2 * m)
        if len(big):
            k = int(big[0])
            self.fail(f"literal {int(defs[k])} out of range (M={m})", line=int(def_lines[k]))
        lat_next = latches[:, 1] if n_lat else np.zeros(0, LIT)
        used = [
            (lat_next, lat_line, "latch next-state"),
            (ands[:, 1], and_line, "AND fanin"),
            (ands[:, 2], and_line, "AND fanin"),
            (outputs, self.section_lines["output"], "output"),
            (bad, self.section_lines["bad-state"], "bad-state"),
            (cons, self.section_lines["constraint"], "constraint"),
        ]
        for arr, line0, what in used:
            big = np.flatnonzero(arr > 2 * m + 1)
            if len(big):
                k = int(big[0])
                self.fail(f"{what} literal {int(arr[k])} out of range (M={m})", line=line0 + k)
        # arrays indexed by variable cover the variables the file uses, whatever M claims
        top = max([0] + [int(x.max()) >> 1 for x in (defs, *(arr for arr, _, _ in used)) if len(x)])
        owner = np.full(top + 1, -1, dtype=np.int64)  # var -> position in defs
        dv = defs >> 1
        order = np.argsort(dv, kind="stable")
        dup = np.flatnonzero(dv[order][1:] == dv[order][:-1])
        if len(dup):
            k = int(order[dup[0] + 1])
            self.fail(f"variable {int(dv[k])} defined twice", line=int(def_lines[k]))
        owner[dv] = np.arange(len(defs))
        defined = owner >= 0
        defined[0] = True
        for arr, line0, what in used:
            undef = np.flatnonzero(~defined[arr >> 1])
            if len(undef):
                k = int(undef[0])
                self.fail(f"{what} uses undefined literal {int(arr[k])}", line=line0 + k)
        if n_lat:
            init = latches[:, 2].copy()
            ok = (init == -1) | (init == 0) | (init == 1) | (init == lat_cur)
            if not ok.all():
                k = int(np.flatnonzero(~ok)[0])
                self.fail(f"latch init value {int(init[k])} must be 0, 1 or the latch literal", line=lat_line + k)
        # topological order of the ANDs (fast path: already sorted by lhs and fanins below)
        and_pos = owner - (i + n_lat)  # var -> AND index when >= 0
        f0, f1 = ands[:, 1] >> 1, ands[:, 2] >> 1
        p0 = np.where(f0 > 0, and_pos[f0], -1)
        p1 = np.where(f1 > 0, and_pos[f1], -1)
        idx = np.arange(a)
        topo = self.topo_sort(p0, p1, and_line) if a and ((p0 >= idx) | (p1 >= idx)).any() else idx
        # renumber: inputs, latches, then ANDs in topological order
        new_var = np.zeros(top + 1, dtype=np.int64)
        new_var[inputs >> 1] = np.arange(1, i + 1)
        new_var[lat_cur >> 1] = np.arange(i + 1, i + n_lat + 1)
        new_var[ands[topo, 0] >> 1] = np.arange(i + n_lat + 1, i + n_lat + a + 1)

        def remap(x: np.ndarray) -> np.ndarray:
            out: np.ndarray = 2 * new_var[x >> 1] + (x & 1)
            return out

        new_ands = np.sort(remap(ands[topo, 1:]), axis=1)[:, ::-1]
        lat = np.zeros((n_lat, 2), LIT)
        if n_lat:
            lat[:, 0] = remap(latches[:, 1])
            init = latches[:, 2]
            lat[:, 1] = np.where(init == lat_cur, 2 * np.arange(i + 1, i + n_lat + 1), np.maximum(init, 0))
        return AIG(i, new_ands, remap(outputs), lat, remap(bad), remap(cons))

    def topo_sort(self, p0: np.ndarray, p1: np.ndarray, and_line: int) -> np.ndarray:
        """Depth-first topological order of ANDs given fanin AND positions (-1: none)."""
        a = len(p0)
        state = np.zeros(a, dtype=np.int8)  # 0 new, 1 on stack, 2 done
        order: list[int] = []
        p0l, p1l, st = p0.tolist(), p1.tolist(), state.tolist()
        for root in range(a):
            if st[root]:
                continue
            stack = [root]
            while stack:
                g = stack[-1]
                if st[g] == 0:
                    st[g] = 1
                    for c in (p0l[g], p1l[g]):
                        if c >= 0:
                            if st[c] == 1:
                                self.fail("AND gates form a combinational cycle", line=and_line + c)
                            if st[c] == 0:
                                stack.append(c)
                else:
                    stack.pop()
                    if st[g] == 1:
                        st[g] = 2
                        order.append(g)
        return np.asarray(order, dtype=np.int64)

    # -- symbols and comments -----------------------------------------------------
    def symbols(self, aig: AIG) -> None:
        tables: dict[bytes, list[str | None]] = {
            b"i": aig.input_names,
            b"l": aig.latch_names,
            b"o": aig.output_names,
            b"b": [None] * len(aig.bad),
            b"c": [None] * len(aig.constraints),
        }
        while self.pos < len(self.data):
            off = self.pos
            line = self.next_line("symbol")
            if not line.strip():
                continue
            kind, rest = line[:1], line[1:]
            if kind == b"c" and rest.strip() == b"":
                break
            sp = rest.find(b" ")
            if kind not in tables or sp <= 0 or not rest[:sp].isdigit():
                self.fail(f"bad symbol table entry {line[:40]!r}", **self.where(off))
            k = int(rest[:sp])
            names = tables[kind]
            if k >= len(names):
                self.fail(f"symbol index {k} out of range for '{kind.decode()}' ({len(names)})", **self.where(off))
            try:
                names[k] = rest[sp + 1 :].decode("utf-8")
            except UnicodeDecodeError as e:
                self.fail("symbol table is not valid UTF-8", offset=off + 1 + sp + 1 + e.start)
        if self.pos < len(self.data):
            aig.comment = self.data[self.pos :].decode("utf-8", "surrogateescape")
            if aig.comment.endswith("\n"):
                aig.comment = aig.comment[:-1]

    def where(self, off: int) -> dict[str, int]:
        return {"offset": off} if self.binary else {"line": self.lineno}


# ---------------------------------------------------------------------------- writing
def encode_varints(values: np.ndarray) -> np.ndarray:
    """LEB128 encoding of non-negative int64 values, vectorized."""
    v = np.asarray(values, dtype=np.int64)
    nbytes = np.ones(len(v), dtype=np.int64)
    for k in range(1, 10):
        nbytes += v >= (1 << (7 * k))
    offs = np.cumsum(nbytes) - nbytes
    out = np.empty(int(nbytes.sum()), dtype=np.uint8)
    for k in range(int(nbytes.max()) if len(v) else 0):
        sel = nbytes > k
        byte = (v[sel] >> (7 * k)) & 0x7F
        byte |= np.where(nbytes[sel] > k + 1, 0x80, 0)
        out[offs[sel] + k] = byte
    return out


def _lines(arr: np.ndarray) -> bytes:
    if len(arr) == 0:
        return b""
    return ("\n".join(map(str, np.asarray(arr).tolist())) + "\n").encode()


def aiger_bytes(aig: AIG, binary: bool = True) -> bytes:
    """Serialize ``aig`` to AIGER 1.9 bytes (binary ``aig`` or ASCII ``aag``)."""
    aig.validate()
    i, n_lat, o, a = aig.num_inputs, aig.num_latches, aig.num_outputs, aig.num_ands
    b, c = len(aig.bad), len(aig.constraints)
    head = f"{'aig' if binary else 'aag'} {aig.max_var} {i} {n_lat} {o} {a}"
    if b or c:
        head += f" {b} {c}"
    parts = [head.encode() + b"\n"]
    lat_lits = aig.latch_lits()
    if not binary:
        parts.append(_lines(aig.input_lits()))
    if n_lat:
        rows: list[str] = []
        for cur, (nxt, init) in zip(lat_lits.tolist(), aig.latches.tolist(), strict=True):
            fields = [] if binary else [cur]
            fields.append(nxt)
            if init != 0:
                fields.append(cur if init > 1 else init)
            rows.append(" ".join(map(str, fields)))
        parts.append(("\n".join(rows) + "\n").encode())
    parts += [_lines(aig.outputs), _lines(aig.bad), _lines(aig.constraints)]
    if binary:
        if a:
            lhs = aig.and_lits()
            d = np.stack([lhs - aig.ands[:, 0], aig.ands[:, 0] - aig.ands[:, 1]], axis=1).reshape(-1)
            parts.append(encode_varints(d).tobytes())
    elif a:
        tab = np.concatenate([aig.and_lits()[:, None], aig.ands], axis=1)
        parts.append(("\n".join(" ".join(map(str, r)) for r in tab.tolist()) + "\n").encode())
    for kind, names in (("i", aig.input_names), ("l", aig.latch_names), ("o", aig.output_names)):
        for k, name in enumerate(names):
            if name is not None:
                if "\n" in name:
                    raise AigerFormatError(None, f"symbol {kind}{k} contains a newline")
                parts.append(f"{kind}{k} {name}\n".encode())
    if aig.comment:
        parts.append(b"c\n" + aig.comment.encode("utf-8", "surrogateescape") + b"\n")
    return b"".join(parts)


def write_aiger(aig: AIG, path: str | os.PathLike[str], binary: bool | None = None) -> None:
    """Write ``aig`` atomically; ``binary=None`` picks from the extension (.aag → ASCII)."""
    path = Path(path)
    if binary is None:
        binary = path.suffix.lower() != ".aag"
    atomic_write(path, aiger_bytes(aig, binary=binary))


# ---------------------------------------------------------------------------- py-aiger
def to_pyaiger(aig: AIG) -> Any:
    """Convert to a ``py-aiger`` ``AIG`` object (missing names become ``i<k>``/``o<k>``/``l<k>``)."""
    import aiger

    named = aig.copy()
    named.input_names = [n if n is not None else f"i{k}" for k, n in enumerate(aig.input_names)]
    named.output_names = [n if n is not None else f"o{k}" for k, n in enumerate(aig.output_names)]
    named.latch_names = [n if n is not None else f"l{k}" for k, n in enumerate(aig.latch_names)]
    named.comment = ""
    return aiger.parse(aiger_bytes(named, binary=False).decode())


def from_pyaiger(circ: Any) -> AIG:
    """Convert a ``py-aiger`` circuit (anything with an AIGER ``str()``) to an :class:`AIG`."""
    text = str(circ.aig if hasattr(circ, "aig") and not hasattr(circ, "inputs") else circ)
    return parse_aiger(text.encode(), "<py-aiger>")

"""Read Verilog into an AIG: structural Verilog natively, anything else through yosys.

The native reader takes one flat module of the structural subset that circuitlab
(:func:`circuitlab.export.to_verilog`), ABC (``write_verilog``) and hand-written gate
netlists use:

* ``input``, ``output`` and ``wire`` declarations, scalar or with a range ``[msb:lsb]``
  (the bits are named ``x[i]``, inputs ordered from the lowest index up), in the port
  list (ANSI style) or in the body;
* continuous assignments ``assign y = expr;`` of 1-bit expressions over ``~ ! & && | ||
  ^ ~^ ^~ ?:`` and parentheses, with the constants ``1'b0``, ``1'b1``, ``0`` and ``1``;
* gate primitives ``and or nand nor xor xnor not buf`` (``and g1 (y, a, b, c);``);
* escaped identifiers (``\\a[0] ``), whose name is the text after the backslash, so
  that ``\\a[0]`` and the bit-select ``a[0]`` are the same signal.

Anything else (``always`` blocks, vector operations, several modules, parameters) is
:class:`VerilogUnsupportedError`; :func:`read_verilog` then runs yosys
(``read_verilog; synth; aigmap; write_aiger``) when it is installed, and otherwise says
that yosys is needed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .aig import AIG, AIGBuilder
from .errors import TextFormatError

YOSYS_BINARIES = ("yosys",)
YOSYS_TIMEOUT_S = 600.0
MAX_VECTOR_BITS = 1 << 20  # a declared range wider than this is refused (it would allocate per bit)
GATES = {"and", "or", "nand", "nor", "xor", "xnor", "not", "buf"}
_TOKEN = re.compile(
    r"""
    (?P<space>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<escaped>\\\S+)
  | (?P<number>\d*'[sS]?[bBhHdD][0-9a-fA-F_xXzZ]+|\d+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_$]*)
  | (?P<op>~\^|\^~|&&|\|\||[()\[\],;=~!&|^?:.#{}@*+\-<>/%'"`$])
    """,
    re.S | re.X,
)


class VerilogFormatError(TextFormatError):
    """A malformed Verilog file, or one that yosys could not read."""


class VerilogUnsupportedError(VerilogFormatError):
    """Verilog outside the structural subset of the native reader (yosys can read it)."""


def read_verilog(path: str | os.PathLike[str], yosys: bool = True) -> AIG:
    """The AIG of the Verilog file ``path``: natively, or through yosys for general Verilog.

    Args:
        yosys: fall back to yosys when the file is outside the native subset.

    Raises:
        VerilogFormatError: a malformed file, or yosys is missing or fails on it.
    """
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        return parse_verilog(data, path)
    except VerilogUnsupportedError as e:
        if not yosys:
            raise
        return read_with_yosys(path, reason=str(e))


def parse_verilog(data: bytes | str, path: str | os.PathLike[str] | None = None) -> AIG:
    """The AIG of structural Verilog text ``data`` (``path`` only names the source in errors)."""
    try:
        text = data.decode() if isinstance(data, bytes) else data
    except UnicodeDecodeError as e:
        raise VerilogFormatError(path, f"not a text file (byte {e.start} is not UTF-8)") from None
    return _Parser(_tokens(text, path), path).module()


def _tokens(text: str, path) -> list[tuple[str, str, int]]:
    """(kind, text, line) of every token."""
    out, pos, line = [], 0, 1
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise VerilogFormatError(path, f"unexpected character {text[pos]!r}", line)
        kind = m.lastgroup or ""
        if kind != "space":
            value = m.group()[1:] if kind == "escaped" else m.group()
            out.append(("ident" if kind == "escaped" else kind, value, line))
        line += m.group().count("\n")
        pos = m.end()
    out.append(("eof", "", line))
    return out


class _Parser:
    """Recursive descent over the token list; builds the AIG once the module is read."""

    def __init__(self, tokens, path) -> None:
        self.toks, self.i, self.path = tokens, 0, path
        self.inputs: list[str] = []
        self.outputs: list[str] = []
        self.vectors: set[str] = set()
        self.declared: set[str] = set()
        self.assigns: dict[str, tuple[object, int]] = {}  # signal -> (expression tree, line)

    # ---- tokens
    def peek(self, k: int = 0) -> tuple[str, str, int]:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def take(self, want: str | None = None) -> tuple[str, str, int]:
        tok = self.peek()
        if want is not None and tok[1] != want:
            self.fail(f"expected {want!r}, found {tok[1] or 'end of file'!r}")
        self.i += 1
        return tok

    def fail(self, msg: str, unsupported: bool = False):
        cls = VerilogUnsupportedError if unsupported else VerilogFormatError
        raise cls(self.path, msg, self.peek()[2])

    def ident(self) -> str:
        kind, text, _ = self.take()
        if kind != "ident":
            self.i -= 1
            self.fail(f"expected a name, found {text or 'end of file'!r}")
        return text

    # ---- module structure
    def module(self) -> AIG:
        if self.peek()[1] in ("`", "("):  # `timescale and (* attributes *)
            self.fail("compiler directives and attributes are not supported", unsupported=True)
        self.take("module")
        self.ident()
        if self.peek()[1] == "#":
            self.fail("parameters are not supported", unsupported=True)
        self.ports()
        self.take(";")
        while self.peek()[1] != "endmodule":
            if self.peek()[0] == "eof":
                self.fail("missing endmodule")
            self.item()
        self.take("endmodule")
        if self.peek()[0] != "eof":
            self.fail("more than one module (hierarchy) is not supported natively", unsupported=True)
        return self.build()

    def ports(self) -> None:
        if self.peek()[1] != "(":
            return
        self.take("(")
        while self.peek()[1] != ")":
            if self.peek()[1] in ("input", "output"):
                self.declaration(in_ports=True)
            else:
                self.ident()
            if self.peek()[1] == ",":
                self.take(",")
        self.take(")")

    def item(self) -> None:
        word = self.peek()[1]
        if word in ("input", "output", "wire"):
            self.declaration(in_ports=False)
            self.take(";")
        elif word == "assign":
            self.take("assign")
            while True:
                self.assignment()
                if self.peek()[1] != ",":
                    break
                self.take(",")
            self.take(";")
        elif word in GATES:
            self.gate()
        else:
            self.fail(f"{word!r} is outside the structural subset", unsupported=True)

    def declaration(self, in_ports: bool) -> None:
        kind = self.take()[1]
        if self.peek()[1] in ("reg", "logic"):
            self.fail("reg and logic are not structural", unsupported=True)
        if self.peek()[1] == "wire":
            self.take()
        bits = self.range()
        while True:
            name = self.ident()
            names = [name] if bits is None else [f"{name}[{k}]" for k in bits]
            if bits is not None:
                self.vectors.add(name)
            if self.peek()[1] == "=":  # wire x = expr;
                if bits is not None:
                    self.fail("vector assignments are not supported natively", unsupported=True)
                self.take("=")
                self._assign(name, self.expr())
            for n in names:
                self.declared.add(n)
                if kind == "input":
                    self.inputs.append(n)
                elif kind == "output":
                    self.outputs.append(n)
            if self.peek()[1] != "," or (in_ports and self.peek(1)[1] in ("input", "output")):
                return
            self.take(",")
            if in_ports and self.peek()[0] != "ident":
                return

    def range(self) -> list[int] | None:
        if self.peek()[1] != "[":
            return None
        self.take("[")
        msb = self.integer()
        self.take(":")
        lsb = self.integer()
        self.take("]")
        if abs(msb - lsb) >= MAX_VECTOR_BITS:
            self.fail(f"range [{msb}:{lsb}] is wider than {MAX_VECTOR_BITS} bits")
        return list(range(min(msb, lsb), max(msb, lsb) + 1))

    def integer(self) -> int:
        kind, text, _ = self.take()
        if kind != "number" or "'" in text:
            self.i -= 1
            self.fail(f"expected a constant index, found {text!r}", unsupported=kind == "ident")
        if len(text) > 9:
            self.fail(f"index {text[:12]}... is too large")
        return int(text)

    def assignment(self) -> None:
        target = self.lvalue()
        self.take("=")
        self._assign(target, self.expr())

    def _assign(self, target: str, tree) -> None:
        if target in self.assigns:
            self.fail(f"signal {target!r} is driven twice")
        self.assigns[target] = (tree, self.peek()[2])

    def lvalue(self) -> str:
        if self.peek()[1] == "{":
            self.fail("concatenations are not supported natively", unsupported=True)
        name = self.ident()
        if self.peek()[1] == "[":
            self.take("[")
            k = self.integer()
            if self.peek()[1] == ":":
                self.fail("part selects are not supported natively", unsupported=True)
            self.take("]")
            return f"{name}[{k}]"
        if name in self.vectors:
            self.fail(f"vector assignment to {name!r} is not supported natively", unsupported=True)
        return name

    def gate(self) -> None:
        op = self.take()[1]
        if self.peek()[0] == "ident":
            self.ident()  # instance name
        if self.peek()[1] == "#":
            self.fail("gate delays are not supported", unsupported=True)
        self.take("(")
        target = self.lvalue()
        args = []
        while self.peek()[1] == ",":
            self.take(",")
            args.append(self.expr())
        self.take(")")
        self.take(";")
        if not args or (op in ("not", "buf") and len(args) != 1):
            self.fail(f"gate {op} needs {'one input' if op in ('not', 'buf') else 'inputs'}")
        self._assign(target, ("gate", op, args))

    # ---- expressions: ?: < || < && < | < ^ < & < unary
    def expr(self):
        cond = self.binary(0)
        if self.peek()[1] != "?":
            return cond
        self.take("?")
        then = self.expr()
        self.take(":")
        return ("mux", cond, then, self.expr())

    LEVELS = (("||",), ("&&",), ("|",), ("^", "~^", "^~"), ("&",))

    def binary(self, level: int):
        if level == len(self.LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek()[1] in self.LEVELS[level]:
            op = self.take()[1]
            left = (op, left, self.binary(level + 1))
        return left

    def unary(self):
        kind, text, _ = self.peek()
        if text in ("~", "!"):
            self.take()
            if self.peek()[1] in ("&", "|", "^"):
                self.fail("reduction operators are not supported natively", unsupported=True)
            return ("~", self.unary())
        if text in ("&", "|", "^"):
            self.fail("reduction operators are not supported natively", unsupported=True)
        if text == "(":
            self.take("(")
            e = self.expr()
            self.take(")")
            return e
        if kind == "number":
            self.take()
            value = text.split("'")[-1][1:] if "'" in text else text
            if value not in ("0", "1"):
                self.fail(f"only 1-bit constants are supported natively, got {text!r}", unsupported=True)
            return ("const", int(value))
        if kind == "ident":
            name = self.lvalue()
            return ("sig", name)
        self.fail(f"unexpected {text or 'end of file'!r} in an expression", unsupported=text == "{")

    # ---- building
    def build(self) -> AIG:
        b = AIGBuilder()
        lit: dict[str, int] = {}
        for name in self.inputs:
            if name in lit:
                raise VerilogFormatError(self.path, f"input {name!r} is declared twice")
            lit[name] = b.input(name)
            if name in self.assigns:
                raise VerilogFormatError(self.path, f"input {name!r} is also assigned", self.assigns[name][1])
        building: set[str] = set()

        def signal(name: str, line: int | None) -> int:
            if name in lit:
                return lit[name]
            if name not in self.assigns:
                what = "undeclared" if name not in self.declared else "never driven"
                raise VerilogFormatError(self.path, f"signal {name!r} is {what}", line)
            if name in building:
                raise VerilogFormatError(self.path, f"combinational loop through {name!r}", line)
            building.add(name)
            tree, at = self.assigns[name]
            lit[name] = self.lower(b, tree, signal, at)
            building.discard(name)
            return lit[name]

        old = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old, 20 * (len(self.assigns) + 1000)))  # deep chains of wires
        try:
            for name, (_, at) in self.assigns.items():
                signal(name, at)
            for name in self.outputs:
                b.output(signal(name, None), name)
        finally:
            sys.setrecursionlimit(old)
        return b.build()

    def lower(self, b: AIGBuilder, tree, signal, line: int) -> int:
        tag = tree[0]
        if tag == "sig":
            return signal(tree[1], line)
        if tag == "const":
            return tree[1]
        if tag == "~":
            return self.lower(b, tree[1], signal, line) ^ 1
        if tag == "mux":
            s, t, e = (self.lower(b, x, signal, line) for x in tree[1:])
            return b.mux_(s, t, e)
        if tag == "gate":
            op, args = tree[1], [self.lower(b, x, signal, line) for x in tree[2]]
            base = op[1:] if op in ("nand", "nor", "xnor") else op
            if base in ("not", "buf"):
                out = args[0]
            elif base == "and":
                out = b.and_many(args)
            elif base == "or":
                out = b.or_many(args)
            else:
                out = args[0]
                for a in args[1:]:
                    out = b.xor_(out, a)
            return out ^ (1 if op in ("nand", "nor", "xnor", "not") else 0)
        a, c = self.lower(b, tree[1], signal, line), self.lower(b, tree[2], signal, line)
        if tag in ("&", "&&"):
            return b.and_(a, c)
        if tag in ("|", "||"):
            return b.or_(a, c)
        if tag == "^":
            return b.xor_(a, c)
        return b.xnor_(a, c)


def yosys_binary() -> str | None:
    """Path of the yosys executable, or None."""
    return next((p for p in map(shutil.which, YOSYS_BINARIES) if p), None)


def read_with_yosys(path: str | os.PathLike[str], reason: str = "") -> AIG:
    """General Verilog through yosys: ``read_verilog; synth -flatten; aigmap; write_aiger``."""
    from .aiger import read_aiger

    exe = yosys_binary()
    if exe is None:
        why = f" ({reason.split(': ', 1)[-1]})" if reason else ""
        raise VerilogFormatError(path, f"needs yosys to read this Verilog{why}; install it (apt-get install yosys)")
    with tempfile.TemporaryDirectory(prefix="circuitlab-yosys-") as tmp:
        out = Path(tmp) / "design.aag"
        script = (
            f"read_verilog -sv {_yosys_quote(path)}; hierarchy -auto-top; proc; flatten; opt_clean; "
            f"synth -flatten -run coarse:; aigmap; opt_clean; write_aiger -ascii -symbols -zinit {_yosys_quote(out)}"
        )
        try:
            r = subprocess.run(
                [exe, "-q", "-p", script], capture_output=True, text=True, timeout=YOSYS_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired:
            raise VerilogFormatError(path, f"yosys timed out after {YOSYS_TIMEOUT_S:.0f} s") from None
        if r.returncode != 0 or not out.exists():
            msg = (r.stderr or r.stdout).strip().splitlines()
            raise VerilogFormatError(path, f"yosys cannot read it: {(msg[-1] if msg else 'no output')[:200]}")
        return read_aiger(out)


def _yosys_quote(path) -> str:
    text = str(path)
    if any(c in text for c in ' ";\n'):
        raise VerilogFormatError(path, "yosys cannot be given a path with spaces, quotes or ';'")
    return text

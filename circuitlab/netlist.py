"""Gate-level netlists: all 16 two-input Boolean functions, NOT, BUF, MUX, constants.

Two-input functions are numbered as in difflogic (Petersen et al., 2022): gate ``k``
outputs bit ``3 - (2a + b)`` of ``k``, so

====  ==========  ====  ==========
  0   FALSE         8   NOR
  1   a AND b       9   XNOR
  2   a AND ¬b     10   ¬b
  3   a            11   a OR ¬b
  4   ¬a AND b     12   ¬a
  5   b            13   ¬a OR b
  6   XOR          14   NAND
  7   OR           15   TRUE
====  ==========  ====  ==========

A netlist lowers to an :class:`~circuitlab.aig.AIG` with :meth:`Netlist.to_aig`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .aig import AIG, AIGBuilder
from .errors import CircuitError

if TYPE_CHECKING:  # numpy.typing costs start-up; annotations only
    import numpy.typing as npt

GATE_NAMES = [
    "FALSE",
    "AND",
    "A_AND_NOT_B",
    "A",
    "NOT_A_AND_B",
    "B",
    "XOR",
    "OR",
    "NOR",
    "XNOR",
    "NOT_B",
    "A_OR_NOT_B",
    "NOT_A",
    "NOT_A_OR_B",
    "NAND",
    "TRUE",
]
NOT, BUF, MUX, INPUT = 16, 17, 18, 19  # single-input, select and source node kinds
KIND_NAMES = {**dict(enumerate(GATE_NAMES)), NOT: "NOT", BUF: "BUF", MUX: "MUX", INPUT: "INPUT"}


def gate_truth(op: int, a: npt.ArrayLike, b: npt.ArrayLike) -> np.ndarray:
    """Evaluate two-input function ``op`` on boolean (or integer bit) arrays."""
    x = np.asarray(a, dtype=np.int64) & 1
    y = np.asarray(b, dtype=np.int64) & 1
    return ((op >> (3 - 2 * x - y)) & 1).astype(bool)


def gate_aig(bld: AIGBuilder, op: int, a: int, b: int) -> int:
    """Build two-input function ``op`` of builder literals ``a, b`` with the fewest ANDs.

    One true minterm is one AND; three (OR, NAND, implications) are the complement of
    the one false minterm, also one AND; two are a literal or XOR/XNOR (three ANDs).
    """
    minterms = [(va, vb) for va in (0, 1) for vb in (0, 1) if (op >> (3 - 2 * va - vb)) & 1]
    if len(minterms) in (0, 4):
        return bld.TRUE if minterms else bld.FALSE
    if len(minterms) == 3:
        ((va, vb),) = [(x, y) for x in (0, 1) for y in (0, 1) if (x, y) not in minterms]
        return bld.and_(a ^ (1 - va), b ^ (1 - vb)) ^ 1
    if len(minterms) == 2:
        (a0, b0), (a1, b1) = minterms
        if a0 == a1:  # a function of a alone
            return a ^ (1 - a0)
        if b0 == b1:
            return b ^ (1 - b0)
    terms = [bld.and_(a ^ (1 - va), b ^ (1 - vb)) for va, vb in minterms]
    return bld.or_many(terms)


@dataclass
class Netlist:
    """A combinational gate-level netlist.

    Nodes are numbered in creation order; node 0 is constant FALSE and node 1 is
    constant TRUE.  Each node has a kind (0..15 two-input function, NOT, BUF, MUX or
    INPUT) and up to three fanin node ids.  Creation order is topological.
    """

    kinds: list[int] = field(default_factory=lambda: [0, 15])
    fanins: list[tuple[int, ...]] = field(default_factory=lambda: [(), ()])
    names: list[str | None] = field(default_factory=lambda: [None, None])
    inputs: list[int] = field(default_factory=list)
    outputs: list[int] = field(default_factory=list)
    output_names: list[str | None] = field(default_factory=list)

    FALSE = 0
    TRUE = 1

    def __len__(self) -> int:
        return len(self.kinds)

    def _add(self, kind: int, fanins: tuple[int, ...], name: str | None = None) -> int:
        for f in fanins:
            if not 0 <= f < len(self.kinds):
                raise CircuitError(f"netlist fanin {f} is not an existing node")
        self.kinds.append(kind)
        self.fanins.append(tuple(int(f) for f in fanins))
        self.names.append(name)
        return len(self.kinds) - 1

    def add_input(self, name: str | None = None) -> int:
        node = self._add(INPUT, (), name)
        self.inputs.append(node)
        return node

    def add_gate(self, op: int, a: int, b: int, name: str | None = None) -> int:
        if not 0 <= int(op) <= 15:
            raise CircuitError(f"two-input gate id must be 0..15, got {op}")
        return self._add(int(op), (a, b), name)

    def add_not(self, a: int, name: str | None = None) -> int:
        return self._add(NOT, (a,), name)

    def add_buf(self, a: int, name: str | None = None) -> int:
        return self._add(BUF, (a,), name)

    def add_mux(self, s: int, t: int, e: int, name: str | None = None) -> int:
        """``s ? t : e``."""
        return self._add(MUX, (s, t, e), name)

    def add_output(self, node: int, name: str | None = None) -> None:
        if not 0 <= node < len(self.kinds):
            raise CircuitError(f"output node {node} does not exist")
        self.outputs.append(int(node))
        self.output_names.append(name)

    @property
    def num_gates(self) -> int:
        return len(self.kinds) - 2 - len(self.inputs)

    def gate_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for k in self.kinds[2:]:
            if k != INPUT:
                counts[KIND_NAMES[k]] = counts.get(KIND_NAMES[k], 0) + 1
        return counts

    def evaluate(self, vectors: npt.ArrayLike) -> np.ndarray:
        """Reference evaluation: ``[N, I]`` booleans → ``[N, O]`` booleans (vectorized over N)."""
        v = np.asarray(vectors, dtype=bool)
        if v.ndim != 2 or v.shape[1] != len(self.inputs):
            raise CircuitError(f"need vectors of shape [N, {len(self.inputs)}], got {list(v.shape)}")
        val = [np.zeros(len(v), bool)] * len(self.kinds)  # every entry is set before it is read
        val[1] = np.ones(len(v), bool)
        for k, node in enumerate(self.inputs):
            val[node] = v[:, k]
        for node in range(2, len(self.kinds)):
            kind, f = self.kinds[node], self.fanins[node]
            if kind == INPUT:
                continue
            if kind <= 15:
                val[node] = gate_truth(kind, val[f[0]], val[f[1]])
            elif kind == NOT:
                val[node] = ~val[f[0]]
            elif kind == BUF:
                val[node] = val[f[0]]
            else:
                val[node] = np.where(val[f[0]], val[f[1]], val[f[2]])
        if not self.outputs:
            return np.zeros((len(v), 0), bool)
        return np.stack([val[o] for o in self.outputs], axis=1)

    def to_aig(self, builder: AIGBuilder | None = None) -> AIG:
        """Lower to an AIG (structurally hashed, constants folded)."""
        bld = builder or AIGBuilder()
        lit = [0] * len(self.kinds)
        lit[1] = 1
        for node in self.inputs:
            lit[node] = bld.input(self.names[node])
        for node in range(2, len(self.kinds)):
            kind, f = self.kinds[node], self.fanins[node]
            if kind == INPUT:
                continue
            if kind <= 15:
                lit[node] = gate_aig(bld, kind, lit[f[0]], lit[f[1]])
            elif kind == NOT:
                lit[node] = lit[f[0]] ^ 1
            elif kind == BUF:
                lit[node] = lit[f[0]]
            else:
                lit[node] = bld.mux_(lit[f[0]], lit[f[1]], lit[f[2]])
        for node, name in zip(self.outputs, self.output_names, strict=True):
            bld.output(lit[node], name)
        return bld.build()

    @classmethod
    def from_aig(cls, aig: AIG) -> Netlist:
        """A netlist with one gate per AND of a combinational ``aig``.

        Complemented fanins fold into the gate function (``a∧¬b`` is gate 2, ``¬a∧¬b``
        is NOR), so NOT nodes appear only where an output is complemented.
        """
        if aig.num_latches:
            raise CircuitError("netlists are combinational; the AIG has latches")
        net = cls()
        node_of_var = np.zeros(aig.max_var + 1, dtype=np.int64)
        for k in range(aig.num_inputs):
            node_of_var[k + 1] = net.add_input(aig.input_names[k])
        inv_cache: dict[int, int] = {}

        def node_of_lit(lit: int) -> int:
            v, c = lit >> 1, lit & 1
            if v == 0:
                return c  # FALSE node 0, TRUE node 1
            n = int(node_of_var[v])
            if not c:
                return n
            if n not in inv_cache:
                inv_cache[n] = net.add_not(n)
            return inv_cache[n]

        first = aig.first_and_var
        and_op = {(0, 0): 1, (0, 1): 2, (1, 0): 4, (1, 1): 8}  # AND with inverted fanins
        for j, (r0, r1) in enumerate(aig.ands.tolist()):
            a, b = node_of_lit(r0 & ~1), node_of_lit(r1 & ~1)
            node_of_var[first + j] = net.add_gate(and_op[(r0 & 1, r1 & 1)], a, b)
        for o, name in zip(aig.outputs.tolist(), aig.output_names, strict=True):
            net.add_output(node_of_lit(o), name)
        return net

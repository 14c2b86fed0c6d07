"""Compile a discretized logic gate network to a gate-level circuit.

DiscreteNetwork → :class:`~circuitlab.netlist.Netlist` → AIG:

1. every *used* gate (in the functional cone of influence of the class scores, see
   ``discrete.py``) becomes one netlist gate with its difflogic id; unused gates are
   dropped; constants are propagated and gates that copy or invert one input become
   wires or NOTs;
2. GroupSum becomes one carry-save popcount per class (full/half adders, counts in
   binary);
3. the class argmax becomes a comparator tree: a tournament that keeps the lower class
   index on ties, as ``numpy.argmax`` does;
4. the netlist lowers to a structurally hashed AIG whose outputs are the bits of the
   predicted class (LSB first), named ``class[0]``, ``class[1]``, ...

:class:`CompiledLGN` runs bit-parallel inference on that AIG through
:class:`circuitlab.compiled.CompiledAIG`.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass

import numpy as np

from circuitlab.aig import AIG
from circuitlab.netlist import MUX, Netlist

from .discrete import DiscreteNetwork

AND, XOR, OR, A, B, NOT_A, NOT_B, FALSE, TRUE = 1, 6, 7, 3, 5, 12, 10, 0, 15


class _Builder:
    """Netlist construction with constant propagation and wire folding."""

    def __init__(self, net: Netlist):
        self.net = net
        self.inv: dict[int, int] = {}

    def not_(self, x: int) -> int:
        if x in (Netlist.FALSE, Netlist.TRUE):
            return 1 - x
        if x not in self.inv:
            self.inv[x] = self.net.add_not(x)
            self.inv[self.inv[x]] = x
        return self.inv[x]

    def gate(self, op: int, a: int, b: int) -> int:
        """Two-input function ``op`` (difflogic id) with constants folded."""
        consts = (Netlist.FALSE, Netlist.TRUE)
        if a in consts:  # restrict the truth table to a = const: a function of b alone
            va = a
            t0, t1 = (op >> (3 - 2 * va)) & 1, (op >> (2 - 2 * va)) & 1  # f(va, 0), f(va, 1)
            return self._unary(t0, t1, b)
        if b in consts:
            vb = b
            t0, t1 = (op >> (3 - vb)) & 1, (op >> (1 - vb)) & 1  # f(0, vb), f(1, vb)
            return self._unary(t0, t1, a)
        if op in (FALSE, TRUE):
            return Netlist.TRUE if op == TRUE else Netlist.FALSE
        if op == A:
            return a
        if op == B:
            return b
        if op == NOT_A:
            return self.not_(a)
        if op == NOT_B:
            return self.not_(b)
        return self.net.add_gate(op, a, b)

    def _unary(self, f0: int, f1: int, x: int) -> int:
        """The function with f(0) = f0, f(1) = f1 of node x."""
        if f0 == f1:
            return Netlist.TRUE if f0 else Netlist.FALSE
        return x if f1 else self.not_(x)

    def and_(self, a, b):
        return self.gate(AND, a, b)

    def or_(self, a, b):
        return self.gate(OR, a, b)

    def xor_(self, a, b):
        return self.gate(XOR, a, b)

    def mux(self, s, t, e):
        if s in (Netlist.FALSE, Netlist.TRUE):
            return t if s == Netlist.TRUE else e
        if t == e:
            return t
        return self.net._add(MUX, (s, t, e))

    # -- arithmetic on little-endian bit vectors -----------------------------------
    def full_add(self, a: int, b: int, c: int) -> tuple[int, int]:
        """Sum and carry bits of a + b + c (5 gates: two XORs, two ANDs, one OR)."""
        t = self.xor_(a, b)
        return self.xor_(t, c), self.or_(self.and_(a, b), self.and_(t, c))

    def popcount(self, bits: list[int]) -> list[int]:
        """Binary count of true bits (LSB first) by carry-save reduction.

        Each weight column is a FIFO queue: full adders take three bits of one weight and
        give back one bit there and a carry one column up, half adders finish a column of
        two.  About one full adder per input bit (a tree of ripple adders needs about two);
        taking bits first-in first-out keeps the tree balanced.
        """
        consts = (Netlist.FALSE, Netlist.TRUE)
        ones = sum(1 for b in bits if b == Netlist.TRUE)  # constants go into the count directly
        cols = defaultdict(deque, {0: deque(b for b in bits if b not in consts)})  # weight -> bits
        out, w = [], 0
        while w <= max(cols) or ones >> w:
            col = cols[w]
            if (ones >> w) & 1:
                col.append(Netlist.TRUE)
            while len(col) > 2:
                s, c = self.full_add(col.popleft(), col.popleft(), col.popleft())
                col.append(s)
                cols[w + 1].append(c)
            if len(col) == 2:
                a, b = col.popleft(), col.popleft()
                col.append(self.xor_(a, b))
                cols[w + 1].append(self.and_(a, b))
            out.append(col[0] if col else Netlist.FALSE)
            w += 1
        return out or [Netlist.FALSE]

    def greater(self, x: list[int], y: list[int]) -> int:
        """Unsigned x > y, from the most significant bit down."""
        n = max(len(x), len(y))
        x = x + [Netlist.FALSE] * (n - len(x))
        y = y + [Netlist.FALSE] * (n - len(y))
        gt = Netlist.FALSE
        for a, b in zip(x, y, strict=True):  # LSB first: higher bits override
            a_gt_b = self.and_(a, self.not_(b))
            eq = self.not_(self.xor_(a, b))
            gt = self.or_(a_gt_b, self.and_(eq, gt))
        return gt

    def argmax(self, counts: list[list[int]]) -> list[int]:
        """Index bits (LSB first) of the first maximal count: a comparator tournament."""
        width = max(1, int(np.ceil(np.log2(len(counts)))))
        const_bits = lambda i: [Netlist.TRUE if (i >> k) & 1 else Netlist.FALSE for k in range(width)]  # noqa: E731
        players = [(c, const_bits(i)) for i, c in enumerate(counts)]
        while len(players) > 1:
            nxt = []
            for i in range(0, len(players) - 1, 2):
                (cl, il), (cr, ir) = players[i], players[i + 1]
                right_wins = self.greater(cr, cl)  # ties keep the left (lower index)
                n = max(len(cl), len(cr))
                cl = cl + [Netlist.FALSE] * (n - len(cl))
                cr = cr + [Netlist.FALSE] * (n - len(cr))
                nxt.append(
                    (
                        [self.mux(right_wins, right, left) for left, right in zip(cl, cr, strict=True)],
                        [self.mux(right_wins, right, left) for left, right in zip(il, ir, strict=True)],
                    )
                )
            if len(players) % 2:
                nxt.append(players[-1])
            players = nxt
        return players[0][1]


def compile_netlist(dn: DiscreteNetwork, input_names=None) -> Netlist:
    """The predicted-class circuit of ``dn`` as a netlist (see the module docstring)."""
    net = Netlist()
    bld = _Builder(net)
    names = input_names or [f"x[{i}]" for i in range(dn.in_dim)]
    nodes = np.array([net.add_input(n) for n in names], dtype=np.int64)
    used = dn.used_masks()
    for layer, mask in zip(dn.layers, used, strict=True):
        out = np.full(layer.out_dim, Netlist.FALSE, dtype=np.int64)
        a, b, g = layer.a.tolist(), layer.b.tolist(), layer.gate.tolist()
        for j in np.flatnonzero(mask).tolist():
            out[j] = bld.gate(int(g[j]), int(nodes[a[j]]), int(nodes[b[j]]))
        nodes = out
    groups = nodes.reshape(dn.num_classes, -1)
    counts = [bld.popcount(list(map(int, grp))) for grp in groups]
    for k, bit in enumerate(bld.argmax(counts)):
        net.add_output(bit, f"class[{k}]")
    return net


def compile_network(dn: DiscreteNetwork, input_names=None) -> AIG:
    """The predicted-class circuit of ``dn`` as a cleaned-up AIG."""
    return compile_netlist(dn, input_names).to_aig().cleanup()


def decode_class(bits: np.ndarray) -> np.ndarray:
    """``[N, K]`` class bits (LSB first) → ``[N]`` class indices."""
    bits = np.asarray(bits, dtype=np.int64)
    return (bits << np.arange(bits.shape[1])).sum(axis=1)


@dataclass
class CompiledLGN:
    """Bit-parallel inference of a compiled network (C interpreter over its AIG)."""

    aig: AIG

    def __post_init__(self):
        from circuitlab.compiled import CompiledAIG

        self._c = CompiledAIG(self.aig)

    @classmethod
    def from_network(cls, dn: DiscreteNetwork) -> CompiledLGN:
        return cls(compile_network(dn))

    def predict(self, x) -> np.ndarray:
        """``[N, in_dim]`` {0, 1} inputs → ``[N]`` predicted classes."""
        return decode_class(self._c.evaluate(np.asarray(x).astype(bool)))

    @property
    def num_instructions(self) -> int:
        """Interpreter instructions after dead-gate removal and XOR recovery."""
        return self._c.num_instructions

    @property
    def num_xors(self) -> int:
        return self._c.num_xors

    def predict_packed(self, words: np.ndarray) -> np.ndarray:
        """``[in_dim, W]`` uint64 bit-packed inputs → ``[K, W]`` class-bit words."""
        return self._c.simulate_outputs(words)

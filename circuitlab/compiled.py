"""Compiled bit-parallel simulation: a small C interpreter over AIG instruction arrays.

``sim_kernel.c`` is compiled by ``pip install`` (``circuitlab._sim_kernel``) and loaded with ctypes.  Each
instruction is applied to a block of 64 words (4,096 patterns), so decoding cost is
amortized and the word loop vectorizes.  Before that the AIG is rewritten for speed:

* only the cone of the outputs is kept;
* **XOR recovery**: ``AND(NOT AND(p, q), NOT AND(NOT p, NOT q))`` is ``p XOR q``, so
  those three ANDs become one XOR instruction (adders are mostly XORs);
* gates run in depth-first order from the outputs, and their values live in scratch
  slots that are reused once a value's last reader has run, so the working set follows
  the circuit's cut, not its gate count; inputs are read in place, never copied.

This is the fast path for evaluating a fixed circuit on many samples (e.g. a compiled
logic gate network on a test set); :func:`circuitlab.sim.simulate` stays the reference.
:func:`pack_bool` is the matching fast transposition of boolean sample rows.
"""

from __future__ import annotations

import ctypes

import numpy as np

from .aig import AIG
from .errors import CircuitError
from .native import load_library
from .sim import unpack_words

KERNEL = "circuitlab._sim_kernel"  # built from sim_kernel.c by pip install


def xor_pairs(aig: AIG) -> tuple[np.ndarray, np.ndarray]:
    """For every AND ``g``: literals ``(p, q)`` with ``g == p XOR q``, else ``(-1, -1)``.

    The pattern is two complemented fanins ``AND(p, q)`` and ``AND(NOT p, NOT q)``
    (in either order), found with array operations over all ANDs at once.
    """
    first = aig.first_and_var
    f = aig.ands.astype(np.int64).reshape(-1, 2)
    p_out = np.full(len(f), -1, dtype=np.int64)
    q_out = np.full(len(f), -1, dtype=np.int64)
    l0, l1 = f[:, 0], f[:, 1]
    idx = np.flatnonzero(((l0 & l1 & 1) == 1) & ((l0 >> 1) >= first) & ((l1 >> 1) >= first))
    u0, u1 = (l0[idx] >> 1) - first, (l1[idx] >> 1) - first
    a0, b0, a1, b1 = f[u0, 0], f[u0, 1], f[u1, 0], f[u1, 1]
    hit = ((a1 == (a0 ^ 1)) & (b1 == (b0 ^ 1))) | ((a1 == (b0 ^ 1)) & (b1 == (a0 ^ 1)))
    p_out[idx[hit]] = a0[hit]
    q_out[idx[hit]] = b0[hit]
    return p_out, q_out


def _program(aig: AIG):
    """Instructions of the output cone: ``(vars, op, fanin lit a, fanin lit b)`` in order."""
    first = aig.first_and_var
    f = aig.ands.astype(np.int64).reshape(-1, 2)
    xp, xq = xor_pairs(aig)
    is_xor = xp >= 0
    la = np.where(is_xor, xp, f[:, 0])
    lb = np.where(is_xor, xq, f[:, 1])
    keep = _dfs_order(aig, (la >> 1).tolist(), (lb >> 1).tolist(), first)  # only the cone is reached
    return first + keep, is_xor[keep], la[keep], lb[keep]


def _dfs_order(aig: AIG, da: list, db: list, first: int) -> np.ndarray:
    """Gates of the output cone in depth-first post-order from the outputs.

    A value is then computed shortly before its readers, which keeps the number of live
    values (scratch slots) and so the working set small.
    """
    done = bytearray(aig.max_var + 1)
    order: list[int] = []
    for root in (aig.outputs >> 1).tolist():
        if root < first or done[root]:
            continue
        stack = [root]
        while stack:
            v = stack[-1]
            if done[v]:
                stack.pop()
                continue
            j = v - first
            pending = [u for u in (da[j], db[j]) if u >= first and not done[u]]
            if pending:
                stack.extend(pending)
            else:
                done[v] = 1
                order.append(j)
                stack.pop()
    return np.array(order, dtype=np.int64)


def _allocate_refs(aig: AIG, gvars: np.ndarray, ga: np.ndarray, gb: np.ndarray) -> tuple[np.ndarray, int]:
    """Operand reference of every variable, and the number of scratch slots.

    Gate values get scratch slots ``1..S-1`` (slot 0 holds zeros for the constant), a
    slot being reused once its value's last reader has run; input ``i`` is read in place
    through reference ``S + i``.
    """
    n_free = aig.num_inputs + aig.num_latches
    n_gate = len(gvars)
    last = np.full(aig.max_var + 1, -1, dtype=np.int64)
    gate_ids = np.arange(n_gate)
    np.maximum.at(last, ga >> 1, gate_ids)
    np.maximum.at(last, gb >> 1, gate_ids)
    last[aig.outputs >> 1] = n_gate  # outputs live to the end
    ref = np.zeros(aig.max_var + 1, dtype=np.int64)  # var 0 -> slot 0 (zeros)
    free: list[int] = []
    expiring: dict[int, list[int]] = {}
    n_slots = 1
    last_l = last.tolist()
    first = aig.first_and_var
    for j, v in enumerate(gvars.tolist()):
        for u in expiring.pop(j, ()):  # gate values read for the last time by gate j
            free.append(int(ref[u]))
        if free:
            s = free.pop()
        else:
            s, n_slots = n_slots, n_slots + 1
        ref[v] = s
        expiring.setdefault(last_l[v], []).append(v)
    ref[1:first] = n_slots + np.arange(n_free)
    return ref, n_slots


def _kernel() -> ctypes.CDLL:
    """The interpreter library, with its argument types declared."""
    k = load_library(KERNEL)
    p, n = ctypes.c_void_p, ctypes.c_long
    k.block_words.restype = n
    k.run.restype = None
    k.run.argtypes = [n, n, p, n, p, p, p, p, n, p, p, p, p, n, p]
    k.pack_bool.restype = None
    k.pack_bool.argtypes = [p, n, n, p, n]
    return k


def pack_bool(vectors) -> np.ndarray:
    """``[N, n]`` booleans (one vector a row) → ``[n, ceil(N/64)]`` uint64 words.

    The same layout as :func:`circuitlab.sim.pack_vectors`, transposed in C.
    """
    v = np.asarray(vectors)
    if v.ndim != 2:
        raise CircuitError(f"vectors must be a [N, n] array, got shape {list(v.shape)}")
    if v.dtype != np.bool_ and v.dtype != np.uint8:
        v = v.astype(bool)
    v = np.ascontiguousarray(v).view(np.uint8)
    n_vec, n = v.shape
    words = max(1, -(-n_vec // 64))
    out = np.zeros((n, words), dtype=np.uint64)
    if n_vec and n:
        _kernel().pack_bool(v.ctypes.data, n_vec, n, out.ctypes.data, words)
    return out


class CompiledAIG:
    """A combinational AIG prepared for the C interpreter.

    Args:
        aig: the circuit (latches are treated as free inputs, as in ``sim.simulate``).
    """

    def __init__(self, aig: AIG):
        self.aig = aig
        self._k = _kernel()
        self.block = int(self._k.block_words())
        gvars, is_xor, la, lb = _program(aig)
        slot, self.n_slots = _allocate_refs(aig, gvars, la, lb)
        n_free = aig.num_inputs + aig.num_latches
        ones, zero = np.uint64(0xFFFFFFFFFFFFFFFF), np.uint64(0)
        self.num_xors = int(is_xor.sum())
        self.num_instructions = len(gvars)
        # opcode: AND with its fanin complements (0-3), or XOR with their parity (4-5)
        op = np.where(is_xor, 4 + ((la ^ lb) & 1), (la & 1) + 2 * (lb & 1))
        self._op = np.ascontiguousarray(op, dtype=np.uint8)
        self._dst = np.ascontiguousarray(slot[gvars], dtype=np.int32)
        self._a = np.ascontiguousarray(slot[la >> 1], dtype=np.int32)
        self._b = np.ascontiguousarray(slot[lb >> 1], dtype=np.int32)
        self._out_ref = np.ascontiguousarray(slot[aig.outputs >> 1], dtype=np.int64)
        self._out_mask = np.where(aig.outputs & 1, ones, zero)
        self._scratch = np.zeros(self.n_slots * self.block, dtype=np.uint64)  # slot 0 stays zero
        self._base = np.zeros(self.n_slots + n_free, dtype=np.uint64)  # operand pointers, set in C

    def simulate_outputs(self, patterns: np.ndarray) -> np.ndarray:
        """``[I + L, W]`` uint64 patterns → ``[O, W]`` output words (as ``sim.simulate_outputs``)."""
        n_free = self.aig.num_inputs + self.aig.num_latches
        p = np.asarray(patterns, dtype=np.uint64)
        if p.ndim != 2 or p.shape[0] != n_free:
            raise CircuitError(f"patterns must have shape [{n_free}, W], got {list(p.shape)}")
        w = p.shape[1]
        w_pad = -(-w // self.block) * self.block
        if w_pad != w or not p.flags.c_contiguous:
            q = np.zeros((n_free, w_pad), dtype=np.uint64)
            q[:, :w] = p
            p = q
        out = np.empty((self.aig.num_outputs, w_pad), dtype=np.uint64)
        ptr = lambda x: x.ctypes.data  # noqa: E731
        self._k.run(
            n_free,
            self.n_slots,
            ptr(self._base),
            self.num_instructions,
            ptr(self._op),
            ptr(self._dst),
            ptr(self._a),
            ptr(self._b),
            self.aig.num_outputs,
            ptr(self._out_ref),
            ptr(self._out_mask),
            ptr(p),
            ptr(out),
            w_pad,
            ptr(self._scratch),
        )
        return out[:, :w]

    def evaluate(self, vectors) -> np.ndarray:
        """``[N, I + L]`` booleans → ``[N, O]`` booleans."""
        v = np.asarray(vectors, dtype=bool)
        return unpack_words(self.simulate_outputs(pack_bool(v)), len(v))

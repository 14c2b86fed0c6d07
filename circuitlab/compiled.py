"""Compiled bit-parallel simulation: a small C interpreter over AIG instruction arrays.

``sim_kernel.c`` is compiled once (cached by its hash) and loaded with ctypes.  Each AND
is one instruction ``dst = (t[a] ^ ma) & (t[b] ^ mb)`` applied to a block of 64 words
(4,096 patterns), so decoding cost is amortized and the word loop vectorizes.  Gate
values live in scratch slots that are reused once a value's last reader has run, so
the working set follows the circuit's widest cut, not its gate count.

This is the fast path for evaluating a fixed circuit on many samples (e.g. a compiled
logic gate network on a test set); :func:`circuitlab.sim.simulate` stays the reference.
"""
from __future__ import annotations

import ctypes
from pathlib import Path

import numpy as np

from .aig import AIG
from .errors import CircuitError
from .native import load_library
from .sim import pack_vectors, unpack_words

KERNEL_SRC = Path(__file__).with_name("sim_kernel.c")


def _allocate_slots(aig: AIG) -> tuple[np.ndarray, int]:
    """Scratch slot of every variable, reusing a slot after its value's last use."""
    n_free = aig.num_inputs + aig.num_latches
    first = aig.first_and_var
    last = np.full(aig.max_var + 1, -1, dtype=np.int64)
    gate_ids = np.arange(aig.num_ands)
    np.maximum.at(last, aig.ands[:, 0] >> 1, gate_ids)
    np.maximum.at(last, aig.ands[:, 1] >> 1, gate_ids)
    last[aig.outputs >> 1] = aig.num_ands  # outputs live to the end
    last[0] = aig.num_ands
    slot = np.zeros(aig.max_var + 1, dtype=np.int64)  # var 0 -> slot 0 (zeros)
    free: list[int] = []
    expiring: dict[int, list[int]] = {}
    n_slots = 1
    for v in range(1, n_free + 1):
        slot[v] = n_slots
        n_slots += 1
        expiring.setdefault(int(last[v]), []).append(v)
    last_l = last.tolist()
    for j in range(aig.num_ands):
        for v in expiring.pop(j, ()):  # fanins read for the last time by gate j
            free.append(int(slot[v]))
        if free:
            s = free.pop()
        else:
            s, n_slots = n_slots, n_slots + 1
        slot[first + j] = s
        if last_l[first + j] >= 0:
            expiring.setdefault(last_l[first + j], []).append(first + j)
        else:  # dangling gate: its slot is free at once
            free.append(s)
    return slot, n_slots


def _kernel() -> ctypes.CDLL:
    """The interpreter library, with its argument types declared."""
    k = load_library(KERNEL_SRC)
    k.block_words.restype = ctypes.c_long
    k.run.restype = None
    k.run.argtypes = [ctypes.c_long, ctypes.c_void_p, ctypes.c_long] + [ctypes.c_void_p] * 5 + \
        [ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
         ctypes.c_long, ctypes.c_void_p]
    return k


class CompiledAIG:
    """A combinational AIG prepared for the C interpreter.

    Args:
        aig: the circuit (latches are treated as free inputs, as in ``sim.simulate``).
    """

    def __init__(self, aig: AIG):
        self.aig = aig
        self._k = _kernel()
        self.block = int(self._k.block_words())
        slot, self.n_slots = _allocate_slots(aig)
        n_free = aig.num_inputs + aig.num_latches
        ones = np.uint64(0xFFFFFFFFFFFFFFFF)
        f = aig.ands
        self._in_slot = np.ascontiguousarray(slot[1:n_free + 1], dtype=np.int64)
        self._dst = np.ascontiguousarray(slot[aig.first_and_var:], dtype=np.int32)
        self._a = np.ascontiguousarray(slot[f[:, 0] >> 1], dtype=np.int32)
        self._b = np.ascontiguousarray(slot[f[:, 1] >> 1], dtype=np.int32)
        self._ma = np.where(f[:, 0] & 1, ones, np.uint64(0))
        self._mb = np.where(f[:, 1] & 1, ones, np.uint64(0))
        self._out_slot = np.ascontiguousarray(slot[aig.outputs >> 1], dtype=np.int64)
        self._out_mask = np.where(aig.outputs & 1, ones, np.uint64(0))
        self._scratch = np.zeros(self.n_slots * self.block, dtype=np.uint64)  # slot 0 stays zero

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
        self._k.run(n_free, ptr(self._in_slot), self.aig.num_ands, ptr(self._dst), ptr(self._a),
                    ptr(self._b), ptr(self._ma), ptr(self._mb), self.aig.num_outputs,
                    ptr(self._out_slot), ptr(self._out_mask), ptr(p), ptr(out), w_pad,
                    ptr(self._scratch))
        return out[:, :w]

    def evaluate(self, vectors) -> np.ndarray:
        """``[N, I + L]`` booleans → ``[N, O]`` booleans."""
        v = np.asarray(vectors, dtype=bool)
        return unpack_words(self.simulate_outputs(pack_vectors(v)), len(v))

"""Fast bit-parallel inference of a discretized logic gate network.

The compiled circuit (:mod:`.compile`, run by :class:`.compile.CompiledLGN`) is an AIG:
every gate becomes one to three ANDs, and the interpreter keeps values alive across
the whole circuit.  This evaluator instead keeps the network's own structure, as
difflogic's compiled C inference does:

* only **used** gates are kept (``DiscreteNetwork.used_masks``: the functional cone of
  influence of the class scores);
* **wires fold away**: a complemented input folds into the reading gate's id (one of
  the 16 functions again), so a gate that then only passes an input on (a, ~a, b, ~b:
  the majority of a trained network's gates, residual init starts them as "a") is a
  reference to that input's row, not a computation;
* the gates left get rows of a value table after the inputs, ordered by layer, then by
  gate id, then by first input (those reads run forward through memory), so the C
  kernel (``layered_kernel.c``, ``circuitlab.lgn._layered_kernel``, built by
  ``pip install``) runs each id as one tight loop of single word operations over 256
  samples at a time (4 x 64 bits, one AVX2 register); the working set is one row per
  gate of one 256-sample block, so it stays in cache;
* GroupSum is a bit-sliced carry-save popcount per class (the last layer, ordered by
  class, is counted, never stored), and the argmax compares bit planes, keeping the
  first class on ties, exactly like ``DiscreteNetwork.predict``.

References: ``DiscreteNetwork.predict`` (numpy) and the compiled circuit; the tests
check all three agree sample for sample.
"""

from __future__ import annotations

import ctypes
import functools
from dataclasses import dataclass

import numpy as np

from circuitlab.compiled import pack_bool
from circuitlab.native import load_library
from circuitlab.sim import unpack_words

from .compile import decode_class
from .discrete import DiscreteNetwork
from .errors import LGNConfigError
from .gates import DEPENDS_ON_A, DEPENDS_ON_B

KERNEL = "circuitlab.lgn._layered_kernel"  # layered_kernel.c


@functools.cache
def _library() -> ctypes.CDLL:
    lib = load_library(KERNEL)
    p, n = ctypes.c_void_p, ctypes.c_long
    lib.lgn_block_words.restype = n
    lib.lgn_run.restype = n
    lib.lgn_run.argtypes = [n, n, p, p, p, n, p, p, p, n, n, p, n, n, p, n, p]
    return lib


def _fold_table() -> np.ndarray:
    """``[16, 2, 2]``: the gate id computing ``g(a ^ na, b ^ nb)``, for gate id g."""
    t = np.array([[[(g >> (3 - 2 * x - y)) & 1 for y in (0, 1)] for x in (0, 1)] for g in range(16)])  # t[g, a, b]
    out = np.zeros((16, 2, 2), dtype=np.int64)
    for g in range(16):
        for na in (0, 1):
            for nb in (0, 1):
                out[g, na, nb] = sum(int(t[g, x ^ na, y ^ nb]) << (3 - 2 * x - y) for x in (0, 1) for y in (0, 1))
    return out


FOLD = _fold_table()
WIRES = {3: (0, 0), 12: (0, 1), 5: (1, 0), 10: (1, 1)}  # id -> (reads b, complemented): a, ~a, b, ~b


@dataclass(frozen=True)
class _Program:
    """Flat arrays of the gates that compute something (see ``layered_kernel.c``)."""

    gates: int  # value-table rows after the inputs
    ga: np.ndarray  # int32 [gates]: rows read
    gb: np.ndarray  # int32 [gates]
    gruns: np.ndarray  # int64 [R, 3]: (gate id, start, end)
    la: np.ndarray  # int32 [last width]: rows the last layer reads
    lb: np.ndarray  # int32 [last width]
    lruns: np.ndarray  # int64 [R', 3]
    class_start: np.ndarray  # int64 [k + 1]: last-layer positions of each class
    count_bits: int  # bit planes of a class count
    class_bits: int  # bit planes of the predicted class


def _runs(keys: np.ndarray, op: np.ndarray) -> np.ndarray:
    """``(op, start, end)`` of the maximal runs of equal ``keys`` ([n] int64, sorted)."""
    if len(keys) == 0:
        return np.zeros((0, 3), dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return np.stack([op[starts], starts, ends], axis=1).astype(np.int64)


def compile_program(dn: DiscreteNetwork) -> _Program:
    """Drop unused gates, fold wires and inverters away, order and renumber the rest.

    Every value of a layer is a reference (row of the value table, complemented?).  A
    gate's complemented inputs fold into its id (``FOLD``); a gate that then only passes
    an input on (a, ~a, b, ~b) becomes a reference to that input's row; every other used
    gate of a hidden layer gets a row, in runs of one id ordered by first input.
    """
    masks = dn.used_masks()
    k = dn.num_classes
    row = np.arange(dn.in_dim, dtype=np.int64)  # references of the layer below
    neg = np.zeros(dn.in_dim, dtype=np.int64)
    done = 0  # gates given a row so far
    ga: list[np.ndarray] = []
    gb: list[np.ndarray] = []
    gruns: list[np.ndarray] = []

    def resolve(layer, keep):
        op = layer.gate[keep].astype(np.int64)
        ra, rb = row[layer.a[keep]], row[layer.b[keep]]
        op = FOLD[op, neg[layer.a[keep]], neg[layer.b[keep]]]
        # an input the (folded) gate ignores may be a dropped gate: read row 0 instead
        ra = np.where(DEPENDS_ON_A[op], ra, 0)
        rb = np.where(DEPENDS_ON_B[op], rb, 0)
        assert (ra >= 0).all() and (rb >= 0).all(), "a used gate reads a dropped gate"
        return op, ra, rb

    for i, layer in enumerate(dn.layers[:-1]):
        keep = np.flatnonzero(masks[i])
        op, ra, rb = resolve(layer, keep)
        new_row = np.full(layer.out_dim, -1, dtype=np.int64)
        new_neg = np.zeros(layer.out_dim, dtype=np.int64)
        wire = np.isin(op, list(WIRES))
        for gid, (reads_b, comp) in WIRES.items():
            sel = op == gid
            new_row[keep[sel]] = (rb if reads_b else ra)[sel]
            new_neg[keep[sel]] = comp
        real = np.flatnonzero(~wire)
        order = real[np.lexsort((ra[real], op[real]))]  # by gate id, then first input
        new_row[keep[order]] = dn.in_dim + done + np.arange(len(order))
        ga.append(ra[order].astype(np.int32))
        gb.append(rb[order].astype(np.int32))
        gruns.append(_runs(op[order], op[order]) + np.array([0, done, done]))
        done += len(order)
        row, neg = new_row, new_neg
    last = dn.layers[-1]
    keep = np.arange(last.out_dim)
    op, ra, rb = resolve(last, keep)
    group = keep // (last.out_dim // k)
    order = np.lexsort((ra, op, group))  # by class, then gate id, then first input
    group_size = last.out_dim // k
    empty = np.zeros(0, dtype=np.int32)
    return _Program(
        gates=done,
        ga=np.ascontiguousarray(np.concatenate(ga) if ga else empty),
        gb=np.ascontiguousarray(np.concatenate(gb) if gb else empty),
        gruns=np.ascontiguousarray(np.concatenate(gruns) if gruns else np.zeros((0, 3), dtype=np.int64)),
        la=np.ascontiguousarray(ra[order].astype(np.int32)),
        lb=np.ascontiguousarray(rb[order].astype(np.int32)),
        lruns=_runs(group[order] * 16 + op[order], op[order]),
        class_start=np.searchsorted(group[order], np.arange(k + 1)).astype(np.int64),
        count_bits=max(1, int(group_size).bit_length()),
        class_bits=max(1, int(k - 1).bit_length()),
    )


class LayeredLGN:
    """Bit-parallel inference of a discretized network (C kernel, one thread).

    Args:
        dn: the discretized network.
    """

    def __init__(self, dn: DiscreteNetwork):
        self.in_dim = dn.in_dim
        self.num_classes = dn.num_classes
        self.program = compile_program(dn)
        self._lib = _library()

    @property
    def num_gates(self) -> int:
        """Gates the kernel evaluates: hidden gates that compute something, plus the last layer."""
        return self.program.gates + len(self.program.la)

    def predict_packed(self, words: np.ndarray) -> np.ndarray:
        """``[in_dim, W]`` uint64 bit-packed inputs (``pack_bool``'s layout) → ``[class_bits, W]``
        predicted-class bit planes, LSB first (the compiled circuit's outputs)."""
        w = np.ascontiguousarray(words, dtype=np.uint64)
        if w.ndim != 2 or w.shape[0] != self.in_dim:
            raise LGNConfigError(f"packed inputs must be [{self.in_dim}, W] words, got shape {list(w.shape)}")
        p = self.program
        out = np.zeros((p.class_bits, w.shape[1]), dtype=np.uint64)
        if w.shape[1] == 0:
            return out
        rc = self._lib.lgn_run(
            self.in_dim,
            p.gates,
            p.ga.ctypes.data,
            p.gb.ctypes.data,
            p.gruns.ctypes.data,
            len(p.gruns),
            p.la.ctypes.data,
            p.lb.ctypes.data,
            p.lruns.ctypes.data,
            len(p.lruns),
            self.num_classes,
            p.class_start.ctypes.data,
            p.count_bits,
            p.class_bits,
            w.ctypes.data,
            w.shape[1],
            out.ctypes.data,
        )
        if rc != 0:
            raise MemoryError("layered LGN inference: cannot allocate its scratch buffers")
        return out

    def predict(self, x) -> np.ndarray:
        """``[N, in_dim]`` {0, 1} inputs → ``[N]`` predicted classes."""
        v = np.asarray(x)
        if v.ndim != 2 or v.shape[1] != self.in_dim:
            raise LGNConfigError(f"expected inputs [N, {self.in_dim}], got shape {list(v.shape)}")
        planes = self.predict_packed(pack_bool(v.astype(bool)))
        return decode_class(unpack_words(planes, len(v)))

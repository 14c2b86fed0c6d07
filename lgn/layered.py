"""Fast bit-parallel inference of a discretized logic gate network, layer by layer.

The compiled circuit (:mod:`.compile`, run by :class:`.compile.CompiledLGN`) is an AIG:
every gate becomes one to three ANDs, and the interpreter keeps values alive across
the whole circuit.  This evaluator instead keeps the network's own structure, as
difflogic's compiled C inference does:

* only **used** gates are kept (``DiscreteNetwork.used_masks``: the functional cone of
  influence of the class scores), renumbered layer by layer;
* within a layer, gates are ordered by gate id (then by their first input's row, so
  those reads run forward through memory), so the C kernel (``layered_kernel.c``,
  ``circuitlab.lgn._layered_kernel``, built by ``pip install``) runs each id as one
  tight loop of single word operations over 256 samples at a time (4 x 64 bits, one AVX2
  register); the last layer is ordered by class, then id;
* two layers of one block are live at a time, so the working set stays in cache;
* GroupSum is a bit-sliced carry-save popcount per class (5 word operations per
  last-layer gate; the last layer is never stored), and the argmax compares bit planes,
  keeping the first class on ties, exactly like ``DiscreteNetwork.predict``.

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
    lib.lgn_run.argtypes = [n, p, p, p, p, p, n, p, n, n, n, p, n, p]
    return lib


@dataclass(frozen=True)
class _Program:
    """Flat arrays of the kept gates (see ``layered_kernel.c``)."""

    width: np.ndarray  # int64 [L]: kept gates per layer
    a: np.ndarray  # int32 [sum width]: row of the layer below
    b: np.ndarray  # int32 [sum width]
    runs: np.ndarray  # int64 [R, 3]: (gate id, start, end) within a layer
    n_runs: np.ndarray  # int64 [L]
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
    """Keep the used gates, order them by (class,) gate id and renumber the wiring."""
    masks = dn.used_masks()
    k, n_layers = dn.num_classes, len(dn.layers)
    widths, a_parts, b_parts, run_parts, n_runs = [], [], [], [], []
    new_pos: np.ndarray | None = None  # old index -> row in the kept, reordered layer below
    class_start = np.zeros(k + 1, dtype=np.int64)
    for i, layer in enumerate(dn.layers):
        keep = np.flatnonzero(masks[i])
        op = layer.gate[keep].astype(np.int64)
        a, b = layer.a[keep], layer.b[keep]
        if new_pos is not None:
            a, b = new_pos[a], new_pos[b]
        # an input the gate ignores may be a dropped gate: read row 0 instead
        a = np.where(DEPENDS_ON_A[op], a, 0)
        b = np.where(DEPENDS_ON_B[op], b, 0)
        assert (a >= 0).all() and (b >= 0).all(), "a used gate reads a dropped gate"
        # by (class,) gate id, then by the row read through a, so those reads run forward
        if i == n_layers - 1:
            group = keep // (layer.out_dim // k)
            order = np.lexsort((a, op, group))
            keys = group[order] * 16 + op[order]
            class_start = np.searchsorted(group[order], np.arange(k + 1)).astype(np.int64)
        else:
            order = np.lexsort((a, op))
            keys = op[order]
        keep, op, a, b = keep[order], op[order], a[order], b[order]
        widths.append(len(keep))
        a_parts.append(a.astype(np.int32))
        b_parts.append(b.astype(np.int32))
        run_parts.append(_runs(keys, op))
        n_runs.append(len(run_parts[-1]))
        new_pos = np.full(layer.out_dim, -1, dtype=np.int64)
        new_pos[keep] = np.arange(len(keep))
    group_size = dn.layers[-1].out_dim // k
    return _Program(
        width=np.array(widths, dtype=np.int64),
        a=np.ascontiguousarray(np.concatenate(a_parts)),
        b=np.ascontiguousarray(np.concatenate(b_parts)),
        runs=np.ascontiguousarray(np.concatenate(run_parts)),
        n_runs=np.array(n_runs, dtype=np.int64),
        class_start=class_start,
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
        """Gates the kernel evaluates (the used ones)."""
        return int(self.program.width.sum())

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
            len(p.width),
            p.width.ctypes.data,
            p.a.ctypes.data,
            p.b.ctypes.data,
            p.runs.ctypes.data,
            p.n_runs.ctypes.data,
            self.num_classes,
            p.class_start.ctypes.data,
            p.count_bits,
            p.class_bits,
            self.in_dim,
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

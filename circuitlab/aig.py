"""And-Inverter Graphs held in flat numpy arrays.

Literals follow the AIGER convention: ``lit = 2 * var + complement``; variable 0
is the constant, so literal 0 is FALSE and literal 1 is TRUE.  Variables are
numbered canonically, as in binary AIGER:

* ``1 .. I``           primary inputs,
* ``I+1 .. I+L``       latches (their current-state outputs),
* ``I+L+1 .. I+L+A``   AND gates, in topological order.

AND gate ``j`` defines variable ``I + L + 1 + j`` with fanins
``ands[j, 0] >= ands[j, 1]``, both smaller than its own literal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .errors import CircuitError

if TYPE_CHECKING:  # numpy.typing costs start-up; annotations only
    import numpy.typing as npt

LIT = np.int64  # literal dtype: room for 2*M+1 with M up to 2**62

_Lits = TypeVar("_Lits", int, np.ndarray)  # one literal, or an array of them


def lit_var(lit: _Lits) -> _Lits:
    return lit >> 1


def lit_neg(lit: _Lits) -> _Lits:
    return lit ^ 1


@dataclass
class AIG:
    """An AIG of I inputs, L latches, O outputs and A AND gates.

    Args:
        num_inputs: I.
        ands: ``[A, 2]`` fanin literals of each AND, rhs0 >= rhs1, in topological order.
        outputs: ``[O]`` output literals.
        latches: ``[L, 2]`` next-state literal and init value (0, 1, or the latch's own
            literal for "uninitialized", as in AIGER 1.9).
        bad, constraints: ``[B]`` and ``[C]`` literals (AIGER 1.9 B and C sections).
        input_names, output_names, latch_names: optional names, ``None`` where absent.
        comment: the AIGER comment section, without the leading ``c`` line.
    """

    num_inputs: int
    ands: np.ndarray
    outputs: np.ndarray
    latches: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), LIT))
    bad: np.ndarray = field(default_factory=lambda: np.zeros(0, LIT))
    constraints: np.ndarray = field(default_factory=lambda: np.zeros(0, LIT))
    input_names: list[str | None] = field(default_factory=list)
    output_names: list[str | None] = field(default_factory=list)
    latch_names: list[str | None] = field(default_factory=list)
    comment: str = ""
    # (key, plan) of circuitlab.sim.schedule, the levelized evaluation order; not an argument, not compared
    _schedule: tuple[object, list[Any]] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.ands = np.ascontiguousarray(np.asarray(self.ands, dtype=LIT).reshape(-1, 2))
        self.outputs = np.ascontiguousarray(np.asarray(self.outputs, dtype=LIT).reshape(-1))
        self.latches = np.ascontiguousarray(np.asarray(self.latches, dtype=LIT).reshape(-1, 2))
        self.bad = np.asarray(self.bad, dtype=LIT).reshape(-1)
        self.constraints = np.asarray(self.constraints, dtype=LIT).reshape(-1)
        self.input_names = _pad_names(self.input_names, self.num_inputs)
        self.output_names = _pad_names(self.output_names, len(self.outputs))
        self.latch_names = _pad_names(self.latch_names, len(self.latches))

    # ---- sizes -------------------------------------------------------------
    @property
    def num_latches(self) -> int:
        return len(self.latches)

    @property
    def num_outputs(self) -> int:
        return len(self.outputs)

    @property
    def num_ands(self) -> int:
        return len(self.ands)

    @property
    def max_var(self) -> int:
        """M in the AIGER header."""
        return self.num_inputs + self.num_latches + self.num_ands

    @property
    def first_and_var(self) -> int:
        return self.num_inputs + self.num_latches + 1

    def input_lits(self) -> np.ndarray:
        return 2 * np.arange(1, self.num_inputs + 1, dtype=LIT)

    def latch_lits(self) -> np.ndarray:
        return 2 * np.arange(self.num_inputs + 1, self.num_inputs + self.num_latches + 1, dtype=LIT)

    def and_lits(self) -> np.ndarray:
        return 2 * np.arange(self.first_and_var, self.max_var + 1, dtype=LIT)

    def __repr__(self) -> str:
        return (
            f"AIG(inputs={self.num_inputs}, latches={self.num_latches}, "
            f"outputs={self.num_outputs}, ands={self.num_ands}, depth={self.depth()})"
        )

    # ---- checks ------------------------------------------------------------
    def validate(self) -> None:
        """Raise :class:`CircuitError` if the arrays break the canonical invariants."""
        m = self.max_var
        if len(self.ands):
            lhs = self.and_lits()
            if np.any(self.ands[:, 0] < self.ands[:, 1]):
                raise CircuitError("AND fanins must be ordered rhs0 >= rhs1")
            if np.any(self.ands[:, 0] >= lhs) or np.any(self.ands[:, 1] < 0):
                raise CircuitError("AND fanin refers to a later variable (not topological)")
        for name, arr in (
            ("output", self.outputs),
            ("latch", self.latches[:, 0]),
            ("bad", self.bad),
            ("constraint", self.constraints),
        ):
            if len(arr) and (arr.min() < 0 or arr.max() > 2 * m + 1):
                raise CircuitError(f"{name} literal out of range 0..{2 * m + 1}")

    # ---- structure ---------------------------------------------------------
    def levels(self) -> np.ndarray:
        """``[M+1]`` logic level of every variable (inputs, latches and constant at 0)."""
        lev = np.zeros(self.max_var + 1, dtype=np.int64)
        if self.num_ands == 0:
            return lev
        return _levels_numpy(self.ands, self.first_and_var, lev)

    def depth(self) -> int:
        lev = self.levels()
        return int(lev.max()) if len(lev) else 0

    def level_order(self) -> list[np.ndarray]:
        """AND indices grouped by level: a list of index arrays, level 1 first."""
        if self.num_ands == 0:
            return []
        lev = self.levels()[self.first_and_var :]
        order = np.argsort(lev, kind="stable")
        bounds = np.searchsorted(lev[order], np.arange(1, lev.max() + 2))
        return [order[bounds[i] : bounds[i + 1]] for i in range(len(bounds) - 1)]

    def fanout_counts(self) -> np.ndarray:
        """``[M+1]`` number of references to each variable (ANDs, outputs, latches)."""
        refs = [self.ands.reshape(-1), self.outputs, self.latches[:, 0], self.bad, self.constraints]
        return np.bincount(np.concatenate(refs) >> 1, minlength=self.max_var + 1)

    def cone_mask(self, roots: npt.ArrayLike) -> np.ndarray:
        """``[M+1]`` boolean mask of the variables in the transitive fanin of ``roots`` (literals)."""
        mask = np.zeros(self.max_var + 1, dtype=bool)
        mask[np.asarray(roots, dtype=LIT) >> 1] = True
        first = self.first_and_var
        # reverse sweep level by level: an AND in the cone marks its fanins
        for idx in reversed(self.level_order()):
            hit = idx[mask[first + idx]]
            mask[self.ands[hit, 0] >> 1] = True
            mask[self.ands[hit, 1] >> 1] = True
        return mask

    def cone(self, output_indices: npt.ArrayLike) -> AIG:
        """A combinational AIG with only the given outputs and their fanin cones.

        All inputs are kept (so input positions still match); latches become inputs
        only if used.  Use :meth:`cleanup` afterwards to also drop unused inputs.
        """
        idx = np.asarray(output_indices, dtype=np.int64).reshape(-1)
        if len(idx) and (idx.min() < 0 or idx.max() >= self.num_outputs):
            raise CircuitError(f"output index out of range 0..{self.num_outputs - 1}")
        sub = AIG(
            self.num_inputs,
            self.ands,
            self.outputs[idx],
            self.latches,
            input_names=self.input_names,
            output_names=[self.output_names[i] for i in idx],
            latch_names=self.latch_names,
        )
        return sub.cleanup(keep_inputs=True)

    def cleanup(self, keep_inputs: bool = True) -> AIG:
        """Remove dangling AND gates (and unused inputs unless ``keep_inputs``)."""
        roots = np.concatenate([self.outputs, self.latches[:, 0], self.bad, self.constraints])
        mask = self.cone_mask(roots)
        keep_and = mask[self.first_and_var :]
        keep_in = np.ones(self.num_inputs, bool) if keep_inputs else mask[1 : self.num_inputs + 1]
        keep_latch = np.ones(self.num_latches, bool)
        return self._compact(keep_in, keep_latch, keep_and)

    def _compact(self, keep_in: np.ndarray, keep_latch: np.ndarray, keep_and: np.ndarray) -> AIG:
        """Renumber variables keeping only the masked inputs, latches and ANDs."""
        keep = np.concatenate([[True], keep_in, keep_latch, keep_and])
        new_var = np.cumsum(keep) - 1  # old var -> new var

        def remap(lits: np.ndarray) -> np.ndarray:
            out: np.ndarray = 2 * new_var[lits >> 1] + (lits & 1)
            return out

        ands = remap(self.ands[keep_and])
        ands = np.sort(ands, axis=1)[:, ::-1]
        latches = self.latches[keep_latch].copy()
        if len(latches):
            uninit = latches[:, 1] > 1
            latches[:, 0] = remap(latches[:, 0])
            latches[uninit, 1] = remap(self.latch_lits()[keep_latch][uninit])
        return AIG(
            int(keep_in.sum()),
            ands,
            remap(self.outputs),
            latches,
            remap(self.bad),
            remap(self.constraints),
            [n for n, k in zip(self.input_names, keep_in, strict=True) if k],
            list(self.output_names),
            [n for n, k in zip(self.latch_names, keep_latch, strict=True) if k],
            self.comment,
        )

    def copy(self) -> AIG:
        return AIG(
            self.num_inputs,
            self.ands.copy(),
            self.outputs.copy(),
            self.latches.copy(),
            self.bad.copy(),
            self.constraints.copy(),
            list(self.input_names),
            list(self.output_names),
            list(self.latch_names),
            self.comment,
        )

    def is_combinational(self) -> bool:
        return self.num_latches == 0

    def comb(self) -> AIG:
        """The combinational core, as ABC's ``comb``: latch outputs become inputs (after
        the primary inputs, named by the latches) and latch next-state functions become
        outputs (after the primary outputs, named ``<latch>_next``).

        Latch variables directly follow the inputs, so every literal keeps its number.
        """
        names = [n if n is not None else f"l{k}" for k, n in enumerate(self.latch_names)]
        return AIG(
            self.num_inputs + self.num_latches,
            self.ands.copy(),
            np.concatenate([self.outputs, self.latches[:, 0]]).astype(LIT),
            bad=self.bad.copy(),
            constraints=self.constraints.copy(),
            input_names=list(self.input_names) + list(self.latch_names),
            output_names=list(self.output_names) + [f"{n}_next" for n in names],
            comment=self.comment,
        )

    def stats(self) -> dict[str, int]:
        return {
            "inputs": self.num_inputs,
            "latches": self.num_latches,
            "outputs": self.num_outputs,
            "ands": self.num_ands,
            "max_var": self.max_var,
            "depth": self.depth(),
            "bad": len(self.bad),
            "constraints": len(self.constraints),
        }


def _pad_names(names: Iterable[str | None] | None, n: int) -> list[str | None]:
    names = list(names) if names is not None else []
    if len(names) > n:
        raise CircuitError(f"{len(names)} names given for {n} signals")
    return names + [None] * (n - len(names))


def _levels_numpy(ands: np.ndarray, first: int, lev: np.ndarray) -> np.ndarray:
    """Levels in one topological sweep.

    A level depends on the whole chain below it, so this is inherently sequential;
    a plain loop over Python lists is the fastest pure-Python form (about 0.1 s for
    200k gates) and, unlike repeated vectorized relaxation, does not scale with depth.
    """
    lv = lev.tolist()
    v0 = (ands[:, 0] >> 1).tolist()
    v1 = (ands[:, 1] >> 1).tolist()
    for j in range(len(v0)):
        x, y = lv[v0[j]], lv[v1[j]]
        lv[first + j] = (x if x > y else y) + 1
    return np.asarray(lv, dtype=np.int64)


class AIGBuilder:
    """Build an AIG gate by gate, with structural hashing and constant folding.

    Node literals returned by the builder are *builder* literals; :meth:`build`
    renumbers them canonically (inputs first, then ANDs in creation order) and
    ``build()`` also returns the builder-to-AIG literal map for outputs.

    Example::

        b = AIGBuilder()
        x, y = b.input("x"), b.input("y")
        b.output(b.xor_(x, y), "s")
        aig = b.build()
    """

    def __init__(self) -> None:
        self._kind: list[int] = [0]  # 0 const, 1 input, 2 and, 3 latch
        self._fanin: list[tuple[int, int]] = [(0, 0)]
        self._input_names: list[str | None] = []
        self._inputs: list[int] = []  # builder vars of inputs, in order
        self._latches: list[int] = []
        self._latch_next: list[int] = []
        self._latch_init: list[int] = []
        self._latch_names: list[str | None] = []
        self._outputs: list[int] = []
        self._output_names: list[str | None] = []
        self._strash: dict[tuple[int, int], int] = {}

    FALSE = 0
    TRUE = 1

    @property
    def num_ands(self) -> int:
        return len(self._strash)

    def input(self, name: str | None = None) -> int:
        self._kind.append(1)
        self._fanin.append((0, 0))
        self._inputs.append(len(self._kind) - 1)
        self._input_names.append(name)
        return 2 * (len(self._kind) - 1)

    def latch(self, name: str | None = None, init: int = 0) -> int:
        """A latch; set its next-state function later with :meth:`set_next`."""
        self._kind.append(3)
        self._fanin.append((0, 0))
        self._latches.append(len(self._kind) - 1)
        self._latch_next.append(0)
        self._latch_init.append(init)
        self._latch_names.append(name)
        return 2 * (len(self._kind) - 1)

    def set_next(self, latch_lit: int, next_lit: int) -> None:
        self._latch_next[self._latches.index(latch_lit >> 1)] = next_lit

    def output(self, lit: int, name: str | None = None) -> None:
        self._check(lit)
        self._outputs.append(lit)
        self._output_names.append(name)

    def _check(self, lit: int) -> None:
        if not 0 <= lit < 2 * len(self._kind):
            raise CircuitError(f"literal {lit} is not defined in this builder")

    @staticmethod
    def not_(a: int) -> int:
        return a ^ 1

    def and_(self, a: int, b: int) -> int:
        self._check(a)
        self._check(b)
        if a < b:
            a, b = b, a
        if b == 0 or a == (b ^ 1):
            return 0
        if b == 1 or a == b:
            return a
        key = (a, b)
        hit = self._strash.get(key)
        if hit is not None:
            return hit
        self._kind.append(2)
        self._fanin.append(key)
        lit = 2 * (len(self._kind) - 1)
        self._strash[key] = lit
        return lit

    def or_(self, a: int, b: int) -> int:
        return self.and_(a ^ 1, b ^ 1) ^ 1

    def xor_(self, a: int, b: int) -> int:
        return self.or_(self.and_(a, b ^ 1), self.and_(a ^ 1, b))

    def xnor_(self, a: int, b: int) -> int:
        return self.xor_(a, b) ^ 1

    def mux_(self, s: int, t: int, e: int) -> int:
        """``s ? t : e``."""
        return self.or_(self.and_(s, t), self.and_(s ^ 1, e))

    def and_many(self, lits: Iterable[int]) -> int:
        lits = list(lits)
        if not lits:
            return 1
        while len(lits) > 1:  # balanced tree
            nxt = [self.and_(lits[i], lits[i + 1]) for i in range(0, len(lits) - 1, 2)]
            if len(lits) % 2:
                nxt.append(lits[-1])
            lits = nxt
        return lits[0]

    def or_many(self, lits: Iterable[int]) -> int:
        return self.and_many([x ^ 1 for x in lits]) ^ 1

    def add_aig(self, aig: AIG, input_lits: Sequence[int] | np.ndarray | None = None) -> list[int]:
        """Instantiate a combinational ``aig`` inside this builder.

        ``input_lits`` gives the builder literal of each input (new inputs are created
        when omitted).  Returns the builder literals of its outputs.
        """
        if aig.num_latches:
            raise CircuitError("add_aig needs a combinational AIG (no latches)")
        if input_lits is None:
            input_lits = [self.input(n) for n in aig.input_names]
        if len(input_lits) != aig.num_inputs:
            raise CircuitError(f"{len(input_lits)} input literals for {aig.num_inputs} inputs")
        m = np.zeros(aig.max_var + 1, dtype=np.int64)
        m[1 : aig.num_inputs + 1] = input_lits
        first = aig.first_and_var
        ands = aig.ands.tolist()
        for j, (r0, r1) in enumerate(ands):
            m[first + j] = self.and_(int(m[r0 >> 1]) ^ (r0 & 1), int(m[r1 >> 1]) ^ (r1 & 1))
        outs = aig.outputs
        return [int(v) for v in (m[outs >> 1] ^ (outs & 1))]

    def build(self) -> AIG:
        n = len(self._kind)
        kind = np.array(self._kind)
        new_var = np.zeros(n, dtype=np.int64)
        ins, lats = self._inputs, self._latches
        new_var[ins] = np.arange(1, len(ins) + 1)
        new_var[lats] = np.arange(len(ins) + 1, len(ins) + len(lats) + 1)
        and_vars = np.flatnonzero(kind == 2)
        first = len(ins) + len(lats) + 1
        new_var[and_vars] = np.arange(first, first + len(and_vars))
        fan = np.array(self._fanin, dtype=np.int64)[and_vars].reshape(-1, 2)

        def remap(lits: npt.ArrayLike) -> np.ndarray:
            arr = np.asarray(lits, dtype=np.int64)
            out: np.ndarray = 2 * new_var[arr >> 1] + (arr & 1)
            return out

        ands = np.sort(remap(fan), axis=1)[:, ::-1] if len(fan) else np.zeros((0, 2), LIT)
        latches = np.zeros((len(lats), 2), LIT)
        if lats:
            latches[:, 0] = remap(self._latch_next)
            init = np.array(self._latch_init, dtype=np.int64)
            latches[:, 1] = np.where(init > 1, 2 * new_var[lats], init)
        outs = remap(self._outputs) if self._outputs else np.zeros(0, LIT)
        return AIG(
            len(ins),
            ands,
            outs,
            latches,
            input_names=list(self._input_names),
            output_names=list(self._output_names),
            latch_names=list(self._latch_names),
        )

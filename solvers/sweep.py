"""SAT sweeping: merge the provably equivalent nodes of an AIG (a "fraig").

Equivalence checking by one monolithic SAT call on a miter is hard for CDCL when the
two circuits are arithmetic (adders, multipliers, popcounts): the solver must rediscover
every internal correspondence by itself.  Sweeping, the core of ABC's ``fraig``/``cec``
(Mishchenko et al., "FRAIGs", 2005), finds them explicitly:

1. simulate random patterns; nodes with equal (or complementary) signatures form
   candidate classes;
2. in topological order, ask an incremental SAT solver whether each candidate differs
   from its class representative (one small query under an assumption, with a conflict
   budget); an UNSAT answer proves the pair equivalent and the equality is added to the
   solver as clauses, which makes later queries easier;
3. a SAT answer is a counterexample: it is simulated and splits the classes it refutes;
4. the circuit is rebuilt (structurally hashed) with every proven node replaced by its
   representative.

On a miter of two equivalent circuits the two halves collapse onto each other and the
miter output usually becomes constant 0, so the final check is trivial.  Every merge is
backed by an UNSAT answer, so the result is equivalent to the input; pairs whose query
ran out of budget are simply not merged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pysat.solvers import Solver as PysatSolver

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.cnf import encode
from circuitlab.errors import CircuitError
from circuitlab.sim import random_patterns, simulate

from .backends import get_backend


@dataclass
class SweepStats:
    """What a sweep did (all counts of AND nodes)."""

    candidates: int = 0  # nodes queried against an earlier node with the same signature
    proved: int = 0  # merged after an UNSAT answer
    refuted: int = 0  # a counterexample split the pair
    undecided: int = 0  # the conflict budget ran out
    counterexamples: int = 0
    conflicts: int = 0  # all queries together
    ands_before: int = 0
    ands_after: int = 0
    seconds: float = 0.0
    complete: bool = True  # False when the deadline stopped the sweep early

    def to_json(self) -> dict:
        return dict(self.__dict__)


class _Classes:
    """Candidate equivalence classes from simulation signatures, refined by counterexamples.

    A signature is kept as a 64-bit hash of its words, polarity-normalized (a row whose
    first bit is 1 is complemented), so refining by one more word is one multiply-add
    per variable and a sort.  A hash collision only costs a SAT query that then fails:
    every merge is proved by the solver, never by the hash.
    """

    MUL = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, values: np.ndarray):
        self.flip = (values[:, 0] & np.uint64(1)).astype(bool)  # [V]
        sig = np.where(self.flip[:, None], ~values, values)  # [V, W]
        self.hash = np.zeros(len(values), dtype=np.uint64)
        for w in range(sig.shape[1]):
            self._fold(sig[:, w])
        self._rebuild()

    def _fold(self, word: np.ndarray) -> None:
        with np.errstate(over="ignore"):
            self.hash = self.hash * self.MUL + word

    def _rebuild(self) -> None:
        _, first, inverse = np.unique(self.hash, return_index=True, return_inverse=True)
        self.rep = first[inverse.reshape(-1)]  # [V] lowest variable with the same signature

    def add_pattern(self, values: np.ndarray) -> None:
        """Fold one more simulated word of every variable in and split the refuted classes."""
        self._fold(np.where(self.flip, ~values, values))
        self._rebuild()


def signature_classes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate classes of simulated ``values`` ``[V, W]``: ``(rep, flip)``, ``[V]`` each.

    ``rep[v]`` is the lowest variable whose signature equals ``v``'s up to complement;
    ``v == rep[v] XOR (flip[v] ^ flip[rep[v]])`` on every pattern (up to hash collisions).
    """
    c = _Classes(values)
    return c.rep, c.flip


def sweep(
    aig: AIG,
    *,
    backend: str = "minisat22",
    words: int = 64,
    conflicts: int = 1000,
    max_conflicts: int | None = None,
    deadline: float | None = None,
    seed: int = 0,
) -> tuple[AIG, SweepStats]:
    """Merge the equivalent nodes of a combinational ``aig``.

    Args:
        backend: incremental backend of the queries (from the backends table; MiniSat's
            calls are the cheapest: about 2x faster than CaDiCaL's here).
        words: 64-pattern words of random simulation for the initial classes.
        conflicts: conflict budget of each equivalence query.
        max_conflicts: stop querying once all queries together used this many conflicts.
        deadline: ``time.monotonic()`` instant after which no more queries start; the
            nodes proved so far are still merged.
        seed: seed of the random patterns.
    Returns:
        The reduced AIG (same inputs and outputs, in order) and :class:`SweepStats`.
    """
    if aig.num_latches:
        raise CircuitError("sweeping needs a combinational AIG; this one has latches")
    t0 = time.monotonic()
    stats = SweepStats(ands_before=aig.num_ands)
    n_free = aig.num_inputs + aig.num_latches
    first = aig.first_and_var
    values = simulate(aig, random_patterns(n_free, words, seed))  # [M + 1, W]
    classes = _Classes(values)
    enc = encode(aig, assert_output=None)  # CNF var = AIG var + 1; var 1 is constant false
    solver = PysatSolver(name=get_backend(backend).name, bootstrap_with=enc.cnf.clauses)
    top = enc.cnf.nv
    rng = np.random.default_rng(seed + 1)
    # merged[v]: the literal v is replaced by (its representative, with polarity), or -1
    merged = np.full(aig.max_var + 1, -1, dtype=np.int64)
    try:
        for v in range(first, aig.max_var + 1):
            r = int(classes.rep[v])
            if r == v:
                continue
            if (deadline is not None and time.monotonic() > deadline) or (
                max_conflicts is not None and stats.conflicts >= max_conflicts
            ):
                stats.complete = False
                break
            stats.candidates += 1
            pol = int(classes.flip[v] ^ classes.flip[r])  # v == r XOR pol on every pattern so far
            x, y = v + 1, r + 1  # CNF variables
            ylit = -y if pol else y
            top += 1
            d = top  # d <-> (x XOR ylit)
            solver.add_clause([-d, x, ylit])
            solver.add_clause([-d, -x, -ylit])
            solver.add_clause([d, -x, ylit])
            solver.add_clause([d, x, -ylit])
            solver.conf_budget(conflicts)
            res = solver.solve_limited(assumptions=[d])
            stats.conflicts = int(solver.accum_stats().get("conflicts", 0))
            if res is False:
                solver.add_clause([-d])  # proven: x == ylit from now on
                merged[v] = 2 * r + pol
                stats.proved += 1
            elif res is True:
                stats.refuted += 1
                stats.counterexamples += 1
                bits = enc.model_to_inputs(solver.get_model())  # [I]
                # one word: the counterexample in bit 0, fresh random patterns above it
                word = rng.integers(0, 2**63, n_free, dtype=np.uint64) << np.uint64(1) | bits.astype(np.uint64)
                classes.add_pattern(simulate(aig, word[:, None])[:, 0])
            else:
                stats.undecided += 1
    finally:
        solver.delete()
    out = _rebuild(aig, merged)
    stats.ands_after = out.num_ands
    stats.seconds = time.monotonic() - t0
    return out, stats


def _rebuild(aig: AIG, merged: np.ndarray) -> AIG:
    """``aig`` with every merged variable replaced by its representative's literal."""
    b = AIGBuilder()
    n_free = aig.num_inputs + aig.num_latches
    lit = np.zeros(aig.max_var + 1, dtype=np.int64)  # new literal of each old variable
    for k in range(n_free):
        lit[k + 1] = b.input(aig.input_names[k])
    first = aig.first_and_var
    f = aig.ands.tolist()
    for j, (l0, l1) in enumerate(f):
        v = first + j
        if merged[v] >= 0:
            m = int(merged[v])
            lit[v] = lit[m >> 1] ^ (m & 1)
        else:
            lit[v] = b.and_(int(lit[l0 >> 1]) ^ (l0 & 1), int(lit[l1 >> 1]) ^ (l1 & 1))
    for o, name in zip(aig.outputs.tolist(), aig.output_names, strict=True):
        b.output(int(lit[o >> 1]) ^ (o & 1), name)
    return b.build().cleanup()

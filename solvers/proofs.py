"""DRAT proofs of UNSAT answers: write them, and check them with an independent checker.

A DRAT proof (Wetzler, Heule, Hunt, SAT 2014) lists the clauses a solver learned
(``1 -2 0``) and deleted (``d 1 -2 0``).  Each added clause must be RUP — unit
propagation on the formula plus earlier lemmas plus its negation reaches a conflict
— or RAT on its first literal; the proof is a refutation when it adds the empty
clause.  The checker is ``dratify`` (pure Python, forward checking; no code shared
with the solvers), so an UNSAT answer with a checked proof does not rest on trusting
CaDiCaL or Glucose.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from circuitlab.fileio import atomic_write


@dataclass
class ProofCheck:
    """Verdict of the checker.

    Attributes:
        ok: the proof is valid *and* derives the empty clause.
        steps: proof steps checked; ``rup``/``rat``: lemmas accepted by each rule.
        deletions: deletion steps applied.
        time: wall-clock seconds of checking (parsing included).
        reason: the checker's explanation (the failing step when rejected).
    """

    ok: bool
    steps: int
    rup: int
    rat: int
    deletions: int
    time: float
    reason: str


def proof_text(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n" if lines else ""


def write_proof(path, lines: Sequence[str]) -> None:
    """Write proof lines to ``path`` atomically (never a half-written file)."""
    atomic_write(path, proof_text(lines))


def check_drat(clauses: Iterable[Sequence[int]], proof, num_vars: int = 0) -> ProofCheck:
    """Check a DRAT ``proof`` of the CNF ``clauses`` (DIMACS literals) with ``dratify``.

    Args:
        clauses: the formula exactly as given to the solver.
        proof: proof text, or a sequence of proof lines.
        num_vars: the formula's variable count (grown to cover the clauses).
    """
    import dratify

    start = time.perf_counter()
    formula = dratify.CNF(int(num_vars))
    for cl in clauses:
        formula.add_dimacs(cl)
    text = proof if isinstance(proof, str) else proof_text(proof)
    res = dratify.check_proof(formula, text)
    elapsed = time.perf_counter() - start
    return ProofCheck(
        bool(res.ok and res.reached_empty), res.steps, res.rup_steps, res.rat_steps, res.deletions, elapsed, res.reason
    )

"""Single-gate mutations, for buggy LEC instances ("the same circuit with one gate changed")."""

from __future__ import annotations

import numpy as np

from .aig import AIG
from .errors import CircuitError
from .sim import random_patterns, simulate_outputs


def flip_fanin(aig: AIG, gate: int, side: int = 0) -> AIG:
    """A copy of ``aig`` with fanin ``side`` of AND ``gate`` complemented."""
    if not 0 <= gate < aig.num_ands or side not in (0, 1):
        raise CircuitError(f"no AND gate {gate} side {side} (the circuit has {aig.num_ands} ANDs)")
    out = aig.copy()
    out.ands[gate, side] ^= 1
    out.ands[gate] = np.sort(out.ands[gate])[::-1]  # keep rhs0 >= rhs1
    out.comment = f"{aig.comment}\nmutated: AND {gate} fanin {side} complemented".strip()
    return out


def observable_mutation(aig: AIG, seed: int = 0, words: int = 16) -> tuple[AIG, int, int]:
    """A single-fanin mutation whose effect reaches an output.

    Gates are tried in a seeded random order; the first flip whose outputs differ
    from ``aig``'s on ``64 * words`` random patterns is returned as
    ``(mutant, gate, side)``.  A difference under simulation is a witness, so the
    mutant is certainly not equivalent.
    """
    if aig.num_ands == 0:
        raise CircuitError("cannot mutate a circuit without AND gates")
    rng = np.random.default_rng(seed)
    pats = random_patterns(aig.num_inputs + aig.num_latches, words, seed)  # [I, W]
    ref = simulate_outputs(aig, pats)  # [O, W]
    for gate in rng.permutation(aig.num_ands).tolist():
        side = int(rng.integers(2))
        mutant = flip_fanin(aig, gate, side)
        if (simulate_outputs(mutant, pats) != ref).any():
            return mutant, gate, side
    raise CircuitError("no single fanin flip of this circuit is observable under simulation")

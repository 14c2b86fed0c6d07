"""GNN-guided phase selection (CASCAD-style): the pretrained GNN's signal
probabilities become per-variable phase preferences for the CDCL solver.

Each AIG variable whose predicted P(v = 1) is at least ``margin`` away from 1/2 gets
the more likely value as its phase; the rest keep the solver's default.  Learned-clause
filtering, the other half of CASCAD, needs a clause database we own; PySAT's
backends do not expose theirs, so it is not done here.
"""

from __future__ import annotations

import numpy as np

from circuitlab.aig import AIG

from .guidance import Guidance


def gnn_phases(aig: AIG, margin: float = 0.05) -> np.ndarray:
    """``[M+1]`` phase preferences: +1 prefers 1, -1 prefers 0, 0 no preference."""
    from circuitlab.gnn import predict  # torch is imported only when guidance is asked for

    p = predict(aig).signal  # [M+1]
    ph = np.where(p >= 0.5 + margin, 1.0, np.where(p <= 0.5 - margin, -1.0, 0.0))
    ph[0] = 0.0
    return ph


def gnn_guidance(aig: AIG, margin: float = 0.05) -> Guidance:
    """A :class:`Guidance` carrying GNN phases for the CNF of ``circuitlab.cnf.encode(aig)``."""
    return Guidance.from_aig(phases=gnn_phases(aig, margin))

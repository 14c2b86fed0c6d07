"""CDCL solving of circuits: pysat backends, certified answers, limits, guidance.

``solve_aig``, ``solve_cnf`` and ``check_equivalence`` are the entry points (the CLI's
``solve`` and ``lec`` use them); :class:`Solver` is the context-managed solver behind
one name -> backend table (:data:`BACKENDS`); :class:`Guidance` is the seam for
learned search hints.
"""

from .backends import BACKENDS, DEFAULT_BACKEND, FEATURES, Backend, get_backend
from .core import check_equivalence, model_satisfies, solve_aig, solve_cnf
from .errors import InternalSolverError, SolverOptionError, UnsupportedFeatureError
from .guidance import DecisionPropagator, Guidance, SearchState
from .options import SolveOptions
from .proofs import ProofCheck, check_drat, write_proof
from .result import REASONS, SAT, STATUS_NAMES, UNKNOWN, UNSAT, SolveResult, SolveStats
from .solver import Solver

__all__ = [
    "SAT",
    "UNSAT",
    "UNKNOWN",
    "STATUS_NAMES",
    "REASONS",
    "SolveResult",
    "SolveStats",
    "solve_cnf",
    "solve_aig",
    "check_equivalence",
    "model_satisfies",
    "Solver",
    "SolveOptions",
    "Backend",
    "BACKENDS",
    "DEFAULT_BACKEND",
    "FEATURES",
    "get_backend",
    "Guidance",
    "SearchState",
    "DecisionPropagator",
    "ProofCheck",
    "check_drat",
    "write_proof",
    "InternalSolverError",
    "SolverOptionError",
    "UnsupportedFeatureError",
]

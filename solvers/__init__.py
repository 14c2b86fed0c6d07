"""CDCL solving of circuits: pysat backends, verified answers, limits.

``solve_aig`` and ``check_equivalence`` are the entry points used by the CLI.
"""
from .core import SAT, UNKNOWN, UNSAT, SolveResult, check_equivalence, solve_aig, solve_cnf

__all__ = ["SAT", "UNSAT", "UNKNOWN", "SolveResult", "solve_cnf", "solve_aig", "check_equivalence"]

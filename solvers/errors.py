"""Errors of the solver layer.

A bad request (unknown backend, negative timeout, a feature the backend lacks) is a
user error: a :class:`~circuitlab.errors.UserError`, so the CLI prints one line and
exits 2.  An answer that fails its certificate is a bug, never a user error:
:class:`InternalSolverError` (exit 70).
"""

from __future__ import annotations

from circuitlab.errors import InternalError, UserError


class SolverOptionError(UserError):
    """A bad solver request: unknown backend, negative timeout, bad conflict limit..."""


class UnsupportedFeatureError(SolverOptionError):
    """A feature (proofs, phases, propagator...) that the chosen backend lacks."""


class InternalSolverError(InternalError):
    """A solver answer that failed verification (or a solver that crashed): a bug."""

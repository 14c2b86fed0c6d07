"""Typed errors of the GNN package.

All subclass :class:`circuitlab.errors.UserError` (a ``ValueError``), so the CLI turns
them into one line on stderr and exit code 2.  :class:`CheckpointError` is also the
core :class:`circuitlab.errors.CheckpointError`, shared with the LGN package.
"""

from __future__ import annotations

from circuitlab.errors import CheckpointError as _CheckpointError
from circuitlab.errors import UserError


class GnnError(UserError):
    """Base class: bad input to the GNN data conversion, model, training or prediction."""


class CircuitGraphError(GnnError):
    """An AIG that cannot become a DAG for the GNN: cyclic (a fanin at or after its gate),
    a literal out of range, or a malformed array."""


class EmptyCircuitError(GnnError):
    """An AIG with no AND gates or no outputs: there is nothing to propagate."""


class PairError(GnnError):
    """A malformed list of (u, v, b) pairs for conditional probabilities."""


class GnnConfigError(GnnError):
    """An option value that cannot work (negative sizes, unknown split, bad rates)."""


class CorpusError(GnnError):
    """A corpus file or folder that is missing, unreadable, or not a GNN corpus."""


class CheckpointError(GnnError, _CheckpointError):
    """A checkpoint that is missing, unreadable, or built for another architecture."""


class WeightsNotFoundError(CheckpointError):
    """The pretrained weights file does not exist."""


from circuitlab.abc import AbcError  # noqa: E402,F401  (ABC lives in the core; kept importable here)

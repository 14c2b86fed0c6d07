"""Typed errors of the logic-gate-network package.

Bad input subclasses :class:`circuitlab.errors.UserError` (a ``ValueError``: one line
on stderr, exit 2); :class:`CheckpointError` is also the core
:class:`circuitlab.errors.CheckpointError`, shared with the GNN package.  A compiled
circuit that disagrees with its network is a compiler bug: :class:`CompileMismatchError`
(an :class:`~circuitlab.errors.InternalError`, exit 70).
"""

from __future__ import annotations

from circuitlab.errors import CheckpointError as _CheckpointError
from circuitlab.errors import InternalError, UserError


class LGNError(UserError):
    """Base class: bad user input to the LGN layers, data, training or checkpoint code."""


class LGNConfigError(LGNError):
    """An option value or a combination of options that cannot work (e.g. incompatible widths)."""


class UnknownDatasetError(LGNError):
    """A dataset name that is not one of the bundled or generated datasets."""


class CheckpointError(LGNError, _CheckpointError):
    """A checkpoint that is missing, unreadable, or does not match the model being built."""


class CompileMismatchError(InternalError):
    """The compiled circuit disagrees with the network it came from: a compiler bug."""

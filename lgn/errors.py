"""Typed errors of the logic-gate-network package.

All subclass ``ValueError`` so the main CLI turns them into one line on stderr and exit 2.
"""

from __future__ import annotations


class LGNError(ValueError):
    """Base class: bad user input to the LGN layers, data, training or checkpoint code."""


class LGNConfigError(LGNError):
    """An option value or a combination of options that cannot work (e.g. incompatible widths)."""


class UnknownDatasetError(LGNError):
    """A dataset name that is not one of the bundled or generated datasets."""


class CheckpointError(LGNError):
    """A checkpoint that is missing, unreadable, or does not match the model being built."""

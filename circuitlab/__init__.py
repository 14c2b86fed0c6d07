"""circuitlab: logic circuits and SAT around one And-Inverter Graph IR.

The names below load on first use, so that importing the package is cheap (the
``circuitlab`` command installs its signal handlers before numpy is imported).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS = {
    "AIG": "aig",
    "AIGBuilder": "aig",
    "read_aiger": "aiger",
    "write_aiger": "aiger",
    "AigerFormatError": "errors",
    "CircuitError": "errors",
    "CircuitlabError": "errors",
    "DimacsFormatError": "errors",
}

if TYPE_CHECKING:
    from .aig import AIG, AIGBuilder
    from .aiger import read_aiger, write_aiger
    from .errors import AigerFormatError, CircuitError, CircuitlabError, DimacsFormatError

__all__ = [
    "AIG",
    "AIGBuilder",
    "AigerFormatError",
    "CircuitError",
    "CircuitlabError",
    "DimacsFormatError",
    "__version__",
    "read_aiger",
    "write_aiger",
]


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

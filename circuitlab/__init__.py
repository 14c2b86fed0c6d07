"""circuitlab: logic circuits and SAT around one And-Inverter Graph IR."""

__version__ = "0.1.0"

from .aig import AIG, AIGBuilder
from .aiger import read_aiger, write_aiger
from .errors import AigerFormatError, CircuitError, CircuitlabError, DimacsFormatError

__all__ = [
    "AIG",
    "AIGBuilder",
    "read_aiger",
    "write_aiger",
    "AigerFormatError",
    "CircuitError",
    "CircuitlabError",
    "DimacsFormatError",
    "__version__",
]

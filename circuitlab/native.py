"""Load the C libraries that ``pip install`` compiled with the package.

``circuitlab._sim_kernel`` (the AIG interpreter of :mod:`circuitlab.compiled`) and
``circuitlab.lgn._gate_kernel`` (the fused logic-gate kernel) are plain C built as
extension modules by ``setup.py``, so no compiler runs at import or run time; they are
loaded here with ctypes.  A missing library means a broken install, not a user error.
"""

from __future__ import annotations

import ctypes
import importlib.util

from .errors import InternalError

_LOADED: dict[str, ctypes.CDLL] = {}


class NativeLibraryError(InternalError):
    """A native library that ``pip install`` should have built is missing or will not load."""


def load_library(module: str) -> ctypes.CDLL:
    """The library built for the dotted ``module`` name, loaded with ctypes (once)."""
    if module in _LOADED:
        return _LOADED[module]
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise NativeLibraryError(
            f"{module} is not built; reinstall circuitlab with `pip install .` (it needs a C compiler at install time)"
        )
    try:
        _LOADED[module] = ctypes.CDLL(spec.origin)
    except OSError as e:
        raise NativeLibraryError(f"cannot load {module} from {spec.origin}: {e}") from e
    return _LOADED[module]

"""Build and load small C libraries shipped as source inside the package.

A library is compiled once with the system C compiler and cached under
``$CIRCUITLAB_CACHE`` (default: a ``circuitlab-cc`` folder in the temp directory), keyed
by a hash of its source and flags, so an edited source is rebuilt automatically.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import CircuitlabError

CACHE = Path(os.environ.get("CIRCUITLAB_CACHE", Path(tempfile.gettempdir()) / "circuitlab-cc"))
DEFAULT_FLAGS = ("-O3", "-march=native", "-shared", "-fPIC")
_LOADED: dict[str, ctypes.CDLL] = {}


class NativeBuildError(CircuitlabError):
    """No C compiler, or the compiler rejected a bundled source."""


def compiler() -> str:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc:
        raise NativeBuildError("this fast path needs a C compiler (cc or gcc on PATH, or $CC)")
    return cc


def load_library(src: Path, flags=DEFAULT_FLAGS) -> ctypes.CDLL:
    """Compile ``src`` (once, cached by content hash) and load it with ctypes."""
    text = Path(src).read_text()
    key = hashlib.sha256((text + " ".join(flags)).encode()).hexdigest()[:24]
    if key in _LOADED:
        return _LOADED[key]
    CACHE.mkdir(parents=True, exist_ok=True)
    lib = CACHE / f"{Path(src).stem}_{key}.so"
    if not lib.exists():
        with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
            out = Path(tmp) / "lib.so"
            r = subprocess.run([compiler(), *flags, "-o", str(out), str(src)], capture_output=True, text=True)
            if r.returncode != 0:
                raise NativeBuildError(f"C compiler failed on {Path(src).name}: {r.stderr.strip()[-300:]}")
            os.replace(out, lib)  # atomic: concurrent builders never see a partial file
    _LOADED[key] = ctypes.CDLL(str(lib))
    return _LOADED[key]

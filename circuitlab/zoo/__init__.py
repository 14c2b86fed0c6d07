"""Gating model zoo: neural gating modules, one file per module.

Every module file registers its classes with :func:`register`; importing this
package imports every module file, so ``get(name)`` and ``names()`` see them all.
"""

from __future__ import annotations

import importlib
import pkgutil

from .registry import REGISTRY, get, names, register

for _info in pkgutil.iter_modules(__path__):
    if _info.name != "registry" and not _info.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_info.name}")

__all__ = ["REGISTRY", "get", "names", "register"]

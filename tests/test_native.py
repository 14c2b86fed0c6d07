"""Native libraries are built by pip install and loaded without a compiler."""

from __future__ import annotations

import pytest

from circuitlab.native import NativeLibraryError, load_library


def test_installed_kernels_load():
    for module in ("circuitlab._sim_kernel", "circuitlab.lgn._gate_kernel"):
        lib = load_library(module)
        assert load_library(module) is lib  # loaded once


def test_missing_library_is_a_clear_error():
    with pytest.raises(NativeLibraryError, match="reinstall circuitlab"):
        load_library("circuitlab._no_such_kernel")

"""Native parts of circuitlab, compiled by ``pip install`` (never at run time).

* ``circuitlab.solvers._cdcl``: the CDCL engine (C++17, pybind11), ``solvers/cdcl/``.
* ``circuitlab._sim_kernel``: the bit-parallel AIG interpreter of ``circuitlab.compiled``.
* ``circuitlab._dimacs_kernel``: DIMACS text of clause arrays (``circuitlab.cnf``'s streaming writer).
* ``circuitlab.lgn._gate_kernel``: the fused logic-gate kernel of ``circuitlab.lgn.c_kernel``.
* ``circuitlab.lgn._layered_kernel``: bit-parallel inference of ``circuitlab.lgn.layered``.

The C kernels export plain C functions and are loaded with ctypes; they are built as
extension modules only so that pip compiles and installs them with the package.

Flags are portable (``-O3``, the distribution's default target) unless the build
environment asks otherwise:

* ``CIRCUITLAB_NATIVE_TUNE=1``: add ``-march=native`` (faster, not portable to other CPUs).
* ``CIRCUITLAB_SANITIZE=1``: AddressSanitizer + UBSan, ``-O1 -g`` (see CONTRIBUTING in the
  README: run Python with ``LD_PRELOAD`` of libasan).
"""

import glob
import os

from pybind11.setup_helpers import ParallelCompile, Pybind11Extension
from setuptools import Extension, setup


def _flags() -> list[str]:
    if os.environ.get("CIRCUITLAB_SANITIZE") == "1":
        return [
            "-O1",
            "-g",
            "-fno-omit-frame-pointer",
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=undefined",
        ]
    flags = ["-O3"]
    if os.environ.get("CIRCUITLAB_NATIVE_TUNE") == "1":
        flags.append("-march=native")
    return flags


def _link_flags() -> list[str]:
    return ["-fsanitize=address,undefined"] if os.environ.get("CIRCUITLAB_SANITIZE") == "1" else []


ParallelCompile("CIRCUITLAB_BUILD_JOBS", default=2).install()

ext_modules = [
    Pybind11Extension(
        "circuitlab.solvers._cdcl",
        sorted(glob.glob("solvers/cdcl/*.cpp")),
        include_dirs=["solvers/cdcl"],
        cxx_std=17,
        extra_compile_args=[*_flags(), "-fno-strict-aliasing"],
        extra_link_args=_link_flags(),
    ),
    Extension(
        "circuitlab._sim_kernel",
        ["circuitlab/sim_kernel.c"],
        extra_compile_args=[*_flags(), "-std=c11"],
        extra_link_args=_link_flags(),
    ),
    Extension(
        "circuitlab._dimacs_kernel",
        ["circuitlab/dimacs_kernel.c"],
        extra_compile_args=[*_flags(), "-std=c11"],
        extra_link_args=_link_flags(),
    ),
    # no FMA contraction: the forward pass equals the naive PyTorch reference bit for bit
    Extension(
        "circuitlab.lgn._gate_kernel",
        ["lgn/gate_kernel.c"],
        extra_compile_args=[*_flags(), "-std=c11", "-ffp-contract=off"],
        extra_link_args=_link_flags(),
    ),
    Extension(
        "circuitlab.lgn._layered_kernel",
        ["lgn/layered_kernel.c"],
        extra_compile_args=[*_flags(), "-std=c11"],
        extra_link_args=_link_flags(),
    ),
]

# The sanitizer build keeps its objects apart: setuptools reuses up-to-date objects from
# the build base, and instrumented ones must never reach an ordinary wheel.
_options = {"build": {"build_base": "build/asan-obj"}} if os.environ.get("CIRCUITLAB_SANITIZE") == "1" else {}

setup(ext_modules=ext_modules, options=_options)

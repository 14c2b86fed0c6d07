"""One entry point for the fused logic-gate op, dispatching to an implementation.

Implementations (all feature-major: x [in_dim, B] -> y [out_dim, B]):

* ``naive``:  plain PyTorch, autograd backward (``naive.py``), the reference.
* ``cpu``:    vectorized torch ops with a hand-written backward (``cpu_kernel.py``);
              runs on any device and dtype.
* ``c``:      a fused C loop per gate, forward and backward (``c_kernel.py``); CPU,
              float32/float64, needs a C compiler once per machine; fastest on CPU.
* ``triton``: Triton kernels (``triton_kernels.py``); CUDA, or CPU under TRITON_INTERPRET=1.
* ``auto``:   ``triton`` for CUDA tensors when Triton imports (else ``cpu``); on CPU
              ``c`` for float32/float64 when the C kernel builds, otherwise ``cpu``.
"""

from __future__ import annotations

import torch

from .c_kernel import C_DTYPES, c_available, logic_gates_c
from .config import IMPLS
from .cpu_kernel import logic_gates_cpu
from .errors import LGNConfigError
from .naive import logic_gates_naive


def resolve_impl(impl: str, device: torch.device, dtype: torch.dtype | None = None) -> str:
    """Name of the implementation ``impl`` stands for on ``device`` (and activations of ``dtype``).

    ``dtype=None`` means "a dtype every implementation supports" (float32).
    """
    if impl not in IMPLS:
        raise LGNConfigError(f"impl must be one of {IMPLS}, got {impl!r}")
    if impl != "auto":
        return impl
    if torch.device(device).type == "cuda":
        from .triton_kernels import triton_available

        return "triton" if triton_available() else "cpu"
    if torch.device(device).type == "cpu" and (dtype is None or dtype in C_DTYPES) and c_available():
        return "c"
    return "cpu"


def logic_gates(
    x: torch.Tensor,
    a: torch.Tensor,
    b: torch.Tensor,
    coef: torch.Tensor,
    impl: str = "auto",
    fanout: tuple[torch.Tensor, ...] | None = None,
) -> torch.Tensor:
    """Apply gates y = c0 + c1 x[a] + c2 x[b] + c3 x[a] x[b].

    Args:
        x: [in_dim, B] activations.
        a, b: int64 [out_dim] input indices.
        coef: [out_dim, 4] coefficients.
        impl: one of ``IMPLS``.
        fanout: optional cached CSR fan-out for the Triton backward.

    Returns:
        [out_dim, B].
    """
    name = resolve_impl(impl, x.device, x.dtype)
    if name == "naive":
        return logic_gates_naive(x, a, b, coef)
    if name == "cpu":
        return logic_gates_cpu(x, a, b, coef)
    if name == "c":
        return logic_gates_c(x, a, b, coef)
    from .triton_kernels import logic_gates_triton

    return logic_gates_triton(x, a, b, coef, fanout)

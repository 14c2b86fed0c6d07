"""One entry point for the fused logic-gate op, dispatching to an implementation.

Implementations (all feature-major: x [in_dim, B] -> y [out_dim, B]):

* ``naive``:  plain PyTorch, autograd backward (``naive.py``), the reference.
* ``cpu``:    vectorized torch ops with a hand-written backward (``cpu_kernel.py``);
              fastest without Triton; runs on any device.
* ``triton``: Triton kernels (``triton_kernels.py``); CUDA, or CPU under TRITON_INTERPRET=1.
* ``auto``:   ``triton`` for CUDA tensors when Triton imports, otherwise ``cpu``.
"""
from __future__ import annotations

import torch

from .config import IMPLS
from .cpu_kernel import logic_gates_cpu
from .errors import LGNConfigError
from .naive import logic_gates_naive


def resolve_impl(impl: str, device: torch.device) -> str:
    """Name of the implementation ``impl`` stands for on ``device``."""
    if impl not in IMPLS:
        raise LGNConfigError(f"impl must be one of {IMPLS}, got {impl!r}")
    if impl != "auto":
        return impl
    if torch.device(device).type == "cuda":
        from .triton_kernels import triton_available

        return "triton" if triton_available() else "cpu"
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
    name = resolve_impl(impl, x.device)
    if name == "naive":
        return logic_gates_naive(x, a, b, coef)
    if name == "cpu":
        return logic_gates_cpu(x, a, b, coef)
    from .triton_kernels import logic_gates_triton

    return logic_gates_triton(x, a, b, coef, fanout)

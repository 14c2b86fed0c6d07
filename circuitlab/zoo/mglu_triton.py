"""Fused Triton kernels for the MGLU core, forward and backward.

Paper: Y. Tajima et al., "Masked Gated Linear Unit", NeurIPS 2025
(arXiv:2506.23225), whose FlashMGLU kernel reads the shared weight once for both
streams. Reference semantics: :func:`circuitlab.zoo.mglu_naive.mglu_naive`::

    F   = x W                                  [N, H]
    G_i = x (W * M_i)                          [N, H]   (masked weight never materialised)
    y   = sum_i act(G_i) * (F - G_i)           [N, H]

Backward, with ``dY`` the incoming gradient::

    dF   = sum_i dY * act(G_i)
    dG_i = dY * (act'(G_i) (F - G_i) - act(G_i))
    dx   = dF W^T + sum_i dG_i (W * M_i)^T
    A_i  = x^T dG_i
    dW   = x^T dF + sum_i A_i * M_i
    dM_i = A_i * W

Kernels: ``_fwd`` (tiles of y, F and G over [N, H], K loop), ``_bwd_elem`` (dF, dG_i
elementwise), ``_bwd_dx`` (tiles of dx over [N, K], H loop) and ``_bwd_dw`` (tiles of
dW and dM over [K, H], N loop). All dot products accumulate in float32 with IEEE
precision (no TF32), so they match the reference within float32 rounding.

Triton is imported only inside :func:`_kernels` (never at module import). The kernels
run on CUDA tensors, or on CPU tensors under ``TRITON_INTERPRET=1`` (set before
triton is first imported), which is how the tests check them.
"""

from __future__ import annotations

import functools
import os

import torch

from .mglu_naive import check_mglu_inputs

_ACT_CODE = {"sigmoid": 0, "silu": 1, "relu": 2}


def triton_available() -> bool:
    """True when the ``triton`` package can be imported."""
    try:
        import triton  # noqa: F401
    except ImportError:
        return False
    return True


def can_use_triton(x: torch.Tensor) -> bool:
    """Kernels can run on ``x``: CUDA tensor, or CPU with ``TRITON_INTERPRET=1``."""
    return triton_available() and (x.is_cuda or os.environ.get("TRITON_INTERPRET") == "1")


@functools.cache
def _kernels():
    import triton

    from . import _mglu_kernels as k

    return triton, k._fwd, k._bwd_elem, k._bwd_dx, k._bwd_dw


class _MGLUTritonFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, masks, activation: str, block: int):
        triton, fwd, _, _, _ = _kernels()
        x, weight, masks = x.contiguous(), weight.contiguous(), masks.contiguous()
        (n, k), h, nm = x.shape, weight.shape[1], masks.shape[0]
        f32 = dict(device=x.device, dtype=torch.float32)
        out, full, g = torch.empty(n, h, **f32), torch.empty(n, h, **f32), torch.empty(nm, n, h, **f32)
        grid = (triton.cdiv(n, block), triton.cdiv(h, block))
        fwd[grid](
            x, weight, masks, out, full, g, n, k, h, NM=nm, ACT=_ACT_CODE[activation], BN=block, BH=block, BK=block
        )
        ctx.save_for_backward(x, weight, masks, full, g)
        ctx.activation, ctx.block = activation, block
        return out.to(x.dtype)

    @staticmethod
    def backward(ctx, dout):
        triton, _, bwd_elem, bwd_dx, bwd_dw = _kernels()
        x, weight, masks, full, g = ctx.saved_tensors
        (n, k), h, nm, b = x.shape, weight.shape[1], masks.shape[0], ctx.block
        dout = dout.contiguous()
        f32 = dict(device=x.device, dtype=torch.float32)
        dfull, dg = torch.empty(n, h, **f32), torch.empty(nm, n, h, **f32)
        elem_block = 256
        bwd_elem[(triton.cdiv(n * h, elem_block),)](
            dout, full, g, dfull, dg, n * h, NM=nm, ACT=_ACT_CODE[ctx.activation], BLOCK=elem_block
        )
        dx = dw = dm = None
        if ctx.needs_input_grad[0]:
            dx = torch.empty(n, k, **f32)
            bwd_dx[(triton.cdiv(n, b), triton.cdiv(k, b))](
                dfull, dg, weight, masks, dx, n, k, h, NM=nm, BN=b, BK=b, BH=b
            )
            dx = dx.to(x.dtype)
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
            dw, dm = torch.empty(k, h, **f32), torch.empty(nm, k, h, **f32)
            bwd_dw[(triton.cdiv(k, b), triton.cdiv(h, b))](
                x, dfull, dg, weight, masks, dw, dm, n, k, h, NM=nm, BK=b, BH=b, BN=b
            )
            dw, dm = dw.to(weight.dtype), dm.to(masks.dtype)
        return dx, dw, dm, None, None


def mglu_triton(
    x: torch.Tensor, weight: torch.Tensor, masks: torch.Tensor, activation: str = "silu", block: int = 32
) -> torch.Tensor:
    """Fused MGLU core; same contract as :func:`~circuitlab.zoo.mglu_naive.mglu_naive`.

    Args:
        x: ``[N, K]``; weight: ``[K, H]``; masks: ``[m, K, H]`` in {0, 1}.
        activation: ``silu``, ``sigmoid`` or ``relu``.
        block: tile edge for all three tile dimensions (a power of two >= 16).

    Returns ``[N, H]``. Differentiable in ``x``, ``weight`` and ``masks``.
    """
    check_mglu_inputs(x, weight, masks, activation)
    if block < 16 or block & (block - 1):
        raise ValueError(f"block must be a power of two >= 16, got {block!r}")
    if not can_use_triton(x):
        raise ValueError("mglu_triton needs CUDA tensors, or TRITON_INTERPRET=1 for CPU tensors")
    return _MGLUTritonFn.apply(x, weight, masks, activation, block)

"""Triton forward and backward kernels of the fused logic-gate op.

Same math and layout as ``naive.logic_gates_naive`` (x [in_dim, B], feature-major):

    y[j, n] = c0_j + c1_j xa + c2_j xb + c3_j xa xb,   xa = x[a_j, n], xb = x[b_j, n]

Kernels (all deterministic, no atomics):

* ``_fwd``: one program per (block of gates, block of batch columns).
* ``_bwd_coef``: one program per block of gates, looping over the batch:
  dL/dc_j = sum_n g[j, n] * (1, xa, xb, xa xb).
* ``_bwd_x``: one program per (input row i, block of batch columns).  It walks the
  fan-out of input i in a CSR list built once per layer (``build_fanout``): for each
  gate j reading i on side a (resp. b) it adds g[j, n] * (c1_j + c3_j x[b_j, n])
  (resp. g[j, n] * (c2_j + c3_j x[a_j, n])).  Summing per row in a fixed order keeps
  the gradient bitwise reproducible, unlike atomic scatter-adds.

Triton is imported only inside ``_kernels()``, so importing this module never needs
Triton or a GPU.  On CPU the kernels run under ``TRITON_INTERPRET=1`` (set before
the first call in the process).
"""

from __future__ import annotations

import functools
import os

import torch

from .errors import LGNConfigError

BLOCK_G = 16  # gates per program
BLOCK_N = 64  # batch columns per program


def triton_available() -> bool:
    """True when the ``triton`` package can be imported."""
    try:
        import triton  # noqa: F401
    except Exception:  # noqa: BLE001 - ImportError, or a broken install raising at import
        return False
    return True


def interpreting() -> bool:
    """True when Triton kernels would run in the CPU interpreter (TRITON_INTERPRET=1)."""
    return os.environ.get("TRITON_INTERPRET", "0").lower() in ("1", "true", "yes", "on")


@functools.cache
def _kernels():
    import triton
    import triton.language as tl

    @triton.jit
    def _fwd(x_ptr, a_ptr, b_ptr, c_ptr, y_ptr, OUT, B, stride_x, stride_y, BG: tl.constexpr, BN: tl.constexpr):
        gidx = tl.program_id(0) * BG + tl.arange(0, BG)  # [BG]
        nidx = tl.program_id(1) * BN + tl.arange(0, BN)  # [BN]
        gm = gidx < OUT
        m = gm[:, None] & (nidx < B)[None, :]  # [BG, BN]
        ia = tl.load(a_ptr + gidx, mask=gm, other=0)
        ib = tl.load(b_ptr + gidx, mask=gm, other=0)
        c0 = tl.load(c_ptr + gidx * 4 + 0, mask=gm, other=0.0)[:, None]
        c1 = tl.load(c_ptr + gidx * 4 + 1, mask=gm, other=0.0)[:, None]
        c2 = tl.load(c_ptr + gidx * 4 + 2, mask=gm, other=0.0)[:, None]
        c3 = tl.load(c_ptr + gidx * 4 + 3, mask=gm, other=0.0)[:, None]
        xa = tl.load(x_ptr + ia[:, None] * stride_x + nidx[None, :], mask=m, other=0.0)
        xb = tl.load(x_ptr + ib[:, None] * stride_x + nidx[None, :], mask=m, other=0.0)
        y = c0 + c1 * xa + c2 * xb + c3 * xa * xb  # [BG, BN]
        tl.store(y_ptr + gidx[:, None] * stride_y + nidx[None, :], y, mask=m)

    @triton.jit
    def _bwd_coef(x_ptr, a_ptr, b_ptr, g_ptr, dc_ptr, OUT, B, stride_x, stride_g, BG: tl.constexpr, BN: tl.constexpr):
        gidx = tl.program_id(0) * BG + tl.arange(0, BG)  # [BG]
        gm = gidx < OUT
        ia = tl.load(a_ptr + gidx, mask=gm, other=0)
        ib = tl.load(b_ptr + gidx, mask=gm, other=0)
        acc0 = tl.zeros((BG, BN), dtype=tl.float32)
        acc1 = tl.zeros((BG, BN), dtype=tl.float32)
        acc2 = tl.zeros((BG, BN), dtype=tl.float32)
        acc3 = tl.zeros((BG, BN), dtype=tl.float32)
        for start in range(0, B, BN):
            nidx = start + tl.arange(0, BN)
            m = gm[:, None] & (nidx < B)[None, :]
            g = tl.load(g_ptr + gidx[:, None] * stride_g + nidx[None, :], mask=m, other=0.0)
            xa = tl.load(x_ptr + ia[:, None] * stride_x + nidx[None, :], mask=m, other=0.0)
            xb = tl.load(x_ptr + ib[:, None] * stride_x + nidx[None, :], mask=m, other=0.0)
            gxa = g * xa
            acc0 += g
            acc1 += gxa
            acc2 += g * xb
            acc3 += gxa * xb
        tl.store(dc_ptr + gidx * 4 + 0, tl.sum(acc0, axis=1), mask=gm)
        tl.store(dc_ptr + gidx * 4 + 1, tl.sum(acc1, axis=1), mask=gm)
        tl.store(dc_ptr + gidx * 4 + 2, tl.sum(acc2, axis=1), mask=gm)
        tl.store(dc_ptr + gidx * 4 + 3, tl.sum(acc3, axis=1), mask=gm)

    @triton.jit
    def _bwd_x(
        x_ptr,
        g_ptr,
        c_ptr,
        ptr_ptr,
        fan_gate_ptr,
        fan_other_ptr,
        fan_side_ptr,
        dx_ptr,
        B,
        stride_x,
        stride_g,
        BN: tl.constexpr,
    ):
        row = tl.program_id(0)
        nidx = tl.program_id(1) * BN + tl.arange(0, BN)  # [BN]
        nm = nidx < B
        start = tl.load(ptr_ptr + row)
        end = tl.load(ptr_ptr + row + 1)
        acc = tl.zeros((BN,), dtype=tl.float32)
        for k in range(start, end):
            gate = tl.load(fan_gate_ptr + k)
            other = tl.load(fan_other_ptr + k)
            side = tl.load(fan_side_ptr + k)  # 0: row is input a of gate, 1: input b
            lin = tl.load(c_ptr + gate * 4 + 1 + side)
            c3 = tl.load(c_ptr + gate * 4 + 3)
            g = tl.load(g_ptr + gate * stride_g + nidx, mask=nm, other=0.0)
            xo = tl.load(x_ptr + other * stride_x + nidx, mask=nm, other=0.0)
            acc += g * (lin + c3 * xo)
        tl.store(dx_ptr + row * stride_x + nidx, acc, mask=nm)

    return triton, _fwd, _bwd_coef, _bwd_x


def build_fanout(a: torch.Tensor, b: torch.Tensor, in_dim: int) -> tuple[torch.Tensor, ...]:
    """CSR fan-out lists of a layer's inputs, for the deterministic input-gradient kernel.

    Args:
        a, b: int64 [out_dim] input indices of the gates.
        in_dim: number of inputs.

    Returns:
        (ptr [in_dim + 1], gate [2 out_dim], other [2 out_dim], side [2 out_dim]): the entries
        of input i are ``ptr[i]:ptr[i+1]``; each names a gate reading i, the gate's other
        input, and whether i is its input a (side 0) or b (side 1).
    """
    out_dim = a.shape[0]
    gates = torch.arange(out_dim, device=a.device)
    inputs = torch.cat([a, b])  # [2 out_dim]
    gate = torch.cat([gates, gates])
    other = torch.cat([b, a])
    side = torch.cat([torch.zeros_like(a), torch.ones_like(b)])
    order = torch.argsort(inputs, stable=True)
    counts = torch.bincount(inputs, minlength=in_dim)
    ptr = torch.zeros(in_dim + 1, dtype=torch.int64, device=a.device)
    ptr[1:] = torch.cumsum(counts, 0)
    return ptr, gate[order].contiguous(), other[order].contiguous(), side[order].contiguous()


def _check(x: torch.Tensor) -> None:
    if x.dtype != torch.float32:
        raise LGNConfigError(f"impl='triton' supports float32 activations, got dtype={x.dtype}")
    if x.device.type != "cuda" and not interpreting():
        raise LGNConfigError(f"impl='triton' needs CUDA tensors or TRITON_INTERPRET=1, got device={x.device}")


class LogicGatesTriton(torch.autograd.Function):
    """autograd.Function over the three Triton kernels; grads w.r.t. x and coef."""

    @staticmethod
    def forward(ctx, x, a, b, coef, ptr, fan_gate, fan_other, fan_side):
        _check(x)
        triton, fwd, _, _ = _kernels()
        x = x.contiguous()
        coef = coef.contiguous().float()
        out_dim, n = a.shape[0], x.shape[1]
        y = torch.empty(out_dim, n, dtype=x.dtype, device=x.device)  # [out_dim, B]
        grid = (triton.cdiv(out_dim, BLOCK_G), triton.cdiv(n, BLOCK_N))
        fwd[grid](x, a, b, coef, y, out_dim, n, x.stride(0), y.stride(0), BG=BLOCK_G, BN=BLOCK_N)
        ctx.save_for_backward(x, a, b, coef, ptr, fan_gate, fan_other, fan_side)
        return y

    @staticmethod
    def backward(ctx, g):
        x, a, b, coef, ptr, fan_gate, fan_other, fan_side = ctx.saved_tensors
        triton, _, bwd_coef, bwd_x = _kernels()
        g = g.contiguous()
        out_dim, n = a.shape[0], x.shape[1]
        grad_x = grad_coef = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.empty_like(x)  # [in_dim, B]
            grid: tuple[int, ...] = (x.shape[0], triton.cdiv(n, BLOCK_N))
            bwd_x[grid](x, g, coef, ptr, fan_gate, fan_other, fan_side, grad_x, n, x.stride(0), g.stride(0), BN=BLOCK_N)
        if ctx.needs_input_grad[3]:
            grad_coef = torch.empty(out_dim, 4, dtype=torch.float32, device=x.device)
            grid = (triton.cdiv(out_dim, BLOCK_G),)
            bwd_coef[grid](x, a, b, g, grad_coef, out_dim, n, x.stride(0), g.stride(0), BG=BLOCK_G, BN=BLOCK_N)
        return grad_x, None, None, grad_coef, None, None, None, None


def logic_gates_triton(
    x: torch.Tensor,
    a: torch.Tensor,
    b: torch.Tensor,
    coef: torch.Tensor,
    fanout: tuple[torch.Tensor, ...] | None = None,
) -> torch.Tensor:
    """Fused gate op, Triton path.

    Args:
        x: float32 [in_dim, B] on CUDA (or CPU under TRITON_INTERPRET=1).
        a, b: int64 [out_dim].
        coef: [out_dim, 4].
        fanout: ``build_fanout(a, b, in_dim)``; built on the fly when None.

    Returns:
        [out_dim, B].
    """
    if fanout is None:
        fanout = build_fanout(a, b, x.shape[0])
    return LogicGatesTriton.apply(x, a, b, coef, *fanout)

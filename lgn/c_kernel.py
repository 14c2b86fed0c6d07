"""Fused C path of the logic-gate op: one compiled loop per gate, forward and backward.

Same math as ``naive.logic_gates_naive`` (feature-major x [in_dim, B]); for gate j
with xa = x[a_j, n], xb = x[b_j, n] and upstream gradient g = dL/dy [out_dim, B]:

    y[j, n]    = c0 + c1 xa + c2 xb + c3 xa xb
    dL/dc_j    = sum_n g[j, n] * (1, xa, xb, xa xb)                       # [out_dim, 4]
    dL/dx[a_j] += g[j] * (c1 + c3 xb),   dL/dx[b_j] += g[j] * (c2 + c3 xa)   # [in_dim, B]

``gate_kernel.c`` does each direction in a single pass over the gate's rows, so no
[out_dim, B] temporaries are built (the torch-op path ``cpu_kernel.py`` needs about
ten full-size elementwise ops per layer).  ``pip install`` compiles it with the package
(``circuitlab.lgn._gate_kernel``, see ``setup.py``); if that library is missing,
``c_available()`` is False and ``impl="auto"`` uses the torch-op path instead.

Properties (tested in ``tests/lgn/test_c_kernel.py``):

* float32 and float64, CPU tensors only; x and coef must share the dtype.
* The forward output equals the naive expression bit for bit (same evaluation order,
  built with ``-ffp-contract=off``); gradients agree to rounding (sums of products in a
  different order; coefficient sums run in the input dtype within chunks of 128 columns
  and in double across chunks).
* First derivatives only: a backward with ``create_graph=True`` raises ``LGNConfigError``.
* Single-threaded and deterministic: the same inputs give bitwise the same outputs and
  gradients, which bitwise training resume relies on.
"""

from __future__ import annotations

import ctypes
import functools

import torch

from circuitlab.native import NativeLibraryError, load_library

from .errors import LGNConfigError

KERNEL = "circuitlab.lgn._gate_kernel"  # gate_kernel.c, built by pip install with -ffp-contract=off
C_DTYPES = (torch.float32, torch.float64)
_SUFFIX = {torch.float32: "f32", torch.float64: "f64"}


@functools.cache
def _library() -> ctypes.CDLL:
    """The kernel library with argument types declared (raises NativeLibraryError)."""
    lib = load_library(KERNEL)
    ptr, n = ctypes.c_void_p, ctypes.c_long
    for suf in _SUFFIX.values():
        fwd, bwd = getattr(lib, f"gates_fwd_{suf}"), getattr(lib, f"gates_bwd_{suf}")
        fwd.restype = bwd.restype = ctypes.c_long
        fwd.argtypes = [n, n, n, ptr, ptr, ptr, ptr, ptr]  # in_dim, out_dim, B, x, a, b, c, y
        bwd.argtypes = [n, n, n, ptr, ptr, ptr, ptr, ptr, ptr, ptr]  # ..., c, g, gx, gc
    return lib


@functools.cache
def c_available() -> bool:
    """True when the C kernel builds and loads on this machine (checked once per process)."""
    try:
        _library()
    except NativeLibraryError:
        return False
    return True


def _check(x: torch.Tensor, a: torch.Tensor, b: torch.Tensor, coef: torch.Tensor) -> None:
    """Raise ``LGNConfigError`` naming the first argument the C kernel cannot take."""
    if x.device.type != "cpu" or coef.device.type != "cpu":
        raise LGNConfigError(f"impl='c' needs CPU tensors, got x on {x.device} and coef on {coef.device}")
    if x.dtype not in C_DTYPES:
        raise LGNConfigError(f"impl='c' supports x of dtype float32 or float64, got {x.dtype}")
    if coef.dtype != x.dtype:
        raise LGNConfigError(f"coef must have the dtype of x ({x.dtype}), got {coef.dtype}")
    if x.dim() != 2:
        raise LGNConfigError(f"x must be [in_dim, B], got shape {tuple(x.shape)}")
    out_dim = a.shape[0] if a.dim() == 1 else -1
    if a.dim() != 1 or b.shape != a.shape or coef.shape != (out_dim, 4):
        raise LGNConfigError(
            f"a, b must be [out_dim] and coef [out_dim, 4], got {tuple(a.shape)}, {tuple(b.shape)}, {tuple(coef.shape)}"
        )
    if a.dtype.is_floating_point or b.dtype.is_floating_point:
        raise LGNConfigError(f"a, b must be integer indices, got {a.dtype}, {b.dtype}")


def _raise_bad_wiring(bad: int, in_dim: int, a: torch.Tensor, b: torch.Tensor) -> None:
    j = bad - 1
    raise LGNConfigError(f"gate {j} reads inputs a={int(a[j])}, b={int(b[j])}, outside [0, in_dim={in_dim})")


class LogicGatesC(torch.autograd.Function):
    """autograd.Function: y [out_dim, B] = gates(x [in_dim, B], a, b, coef [out_dim, 4])."""

    @staticmethod
    def forward(ctx, x, a, b, coef):
        _check(x, a, b, coef)
        x, coef = x.contiguous(), coef.contiguous()
        a = a.to(torch.int64).contiguous()  # [out_dim]
        b = b.to(torch.int64).contiguous()  # [out_dim]
        (in_dim, batch), out_dim = x.shape, a.shape[0]
        y = x.new_empty(out_dim, batch)  # [out_dim, B]
        fwd = getattr(_library(), f"gates_fwd_{_SUFFIX[x.dtype]}")
        bad = fwd(in_dim, out_dim, batch, x.data_ptr(), a.data_ptr(), b.data_ptr(), coef.data_ptr(), y.data_ptr())
        if bad:
            _raise_bad_wiring(bad, in_dim, a, b)
        ctx.save_for_backward(x, a, b, coef)
        return y

    @staticmethod
    def backward(ctx, g):
        if torch.is_grad_enabled():  # create_graph=True: the C backward has no derivative itself
            raise LGNConfigError("impl='c' has no double backward (create_graph=True); use impl='naive'")
        x, a, b, coef = ctx.saved_tensors
        need_x, need_c = ctx.needs_input_grad[0], ctx.needs_input_grad[3]
        if not (need_x or need_c):
            return None, None, None, None
        g = g.to(x.dtype).contiguous()  # [out_dim, B]
        (in_dim, batch), out_dim = x.shape, a.shape[0]
        grad_x = torch.zeros_like(x) if need_x else None  # [in_dim, B]
        grad_c = coef.new_empty(out_dim, 4) if need_c else None  # [out_dim, 4]
        bwd = getattr(_library(), f"gates_bwd_{_SUFFIX[x.dtype]}")
        bad = bwd(
            in_dim,
            out_dim,
            batch,
            x.data_ptr(),
            a.data_ptr(),
            b.data_ptr(),
            coef.data_ptr(),
            g.data_ptr(),
            grad_x.data_ptr() if grad_x is not None else None,
            grad_c.data_ptr() if grad_c is not None else None,
        )
        if bad:  # only if a, b were changed in place after the forward
            _raise_bad_wiring(bad, in_dim, a, b)
        return grad_x, None, None, grad_c


def logic_gates_c(x: torch.Tensor, a: torch.Tensor, b: torch.Tensor, coef: torch.Tensor) -> torch.Tensor:
    """Fused gate op, C path.

    Args:
        x: float32 or float64 [in_dim, B] on CPU.
        a, b: integer [out_dim] input indices in [0, in_dim).
        coef: [out_dim, 4], the dtype of x.

    Returns:
        [out_dim, B].

    Raises:
        LGNConfigError: a tensor the kernel cannot take (device, dtype, shape, index range).
        NativeLibraryError: the kernel library was not built with the package.
    """
    return LogicGatesC.apply(x, a, b, coef)

"""Plain PyTorch reference of the fused logic-gate op (gradients by autograd).

Every gate j reads inputs a_j and b_j and computes (see ``gates.py``)

    y[j, n] = c[j, 0] + c[j, 1] * x[a_j, n] + c[j, 2] * x[b_j, n] + c[j, 3] * x[a_j, n] * x[b_j, n]

Layout is feature-major: x is [in_dim, B], y is [out_dim, B] (each gate gathers
contiguous rows).  The CPU and Triton kernels must match this function in outputs
and in the gradients w.r.t. x and c.
"""

from __future__ import annotations

import torch


def logic_gates_naive(x: torch.Tensor, a: torch.Tensor, b: torch.Tensor, coef: torch.Tensor) -> torch.Tensor:
    """Apply out_dim two-input gates.

    Args:
        x: activations in [0, 1], [in_dim, B].
        a, b: int64 input indices, [out_dim].
        coef: coefficients of (1, a, b, ab), [out_dim, 4].

    Returns:
        [out_dim, B] gate outputs.
    """
    xa = x[a]  # [out_dim, B]
    xb = x[b]  # [out_dim, B]
    c0, c1, c2, c3 = (coef[:, i : i + 1] for i in range(4))  # each [out_dim, 1]
    return c0 + c1 * xa + c2 * xb + c3 * xa * xb

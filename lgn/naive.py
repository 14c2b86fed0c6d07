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


def logic_conv_naive(img: torch.Tensor, leaves: torch.Tensor, coef: torch.Tensor, field: int) -> torch.Tensor:
    """Logic-tree convolution (see ``conv.py``) on batch-major images, by advanced indexing.

    Args:
        img: activations [B, H, W, C].
        leaves: int64 [K, 2^d, 3], the (dy, dx, channel) each leaf reads.
        coef: coefficients [K, 2^d - 1, 4] of every kernel's gates, level 0 first.
        field: receptive field F (output is (H - F + 1) x (W - F + 1)).

    Returns:
        [B, H - F + 1, W - F + 1, K].
    """
    _, h, w, _ = img.shape
    ho, wo = h - field + 1, w - field + 1
    ys = torch.arange(ho).view(ho, 1, 1, 1) + leaves[..., 0]  # [Ho, 1, K, L]
    xs = torch.arange(wo).view(1, wo, 1, 1) + leaves[..., 1]  # [1, Wo, K, L]
    vals = img[:, ys, xs, leaves[..., 2]]  # [B, Ho, Wo, K, L]
    start = 0
    while vals.shape[-1] > 1:
        xa, xb = vals[..., 0::2], vals[..., 1::2]  # [B, Ho, Wo, K, n]
        n = xa.shape[-1]
        c = coef[:, start : start + n]  # [K, n, 4]
        vals = c[..., 0] + c[..., 1] * xa + c[..., 2] * xb + c[..., 3] * xa * xb
        start += n
    return vals[..., 0]


def or_pool_naive(img: torch.Tensor) -> torch.Tensor:
    """2 x 2 max (= OR on {0, 1}) pooling, stride 2: [B, H, W, C] -> [B, H // 2, W // 2, C]."""
    return torch.nn.functional.max_pool2d(img.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)

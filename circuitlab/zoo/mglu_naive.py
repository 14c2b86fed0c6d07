"""Plain PyTorch reference for the MGLU core (see :mod:`circuitlab.zoo.mglu`).

Paper: Y. Tajima, N. Inoue, Y. Sekikawa, I. Sato, R. Yokota, "Masked Gated Linear
Unit", NeurIPS 2025 (arXiv:2506.23225).

One shared weight ``W [K, H]`` and ``m`` binary element masks ``M_i [K, H]``
(Mixture of Element-wise Gating)::

    G_i = x (W * M_i)                      gate stream of mask i
    U_i = x (W * (1 - M_i)) = x W - G_i    value stream of mask i
    y   = sum_i act(G_i) * U_i

This file is the reference every fused kernel (``mglu_triton``) is tested against;
autograd provides its gradients for ``x``, ``W`` and the (relaxed) masks.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

ACTIVATIONS = ("silu", "sigmoid", "relu")


def activation_fn(name: str, g: torch.Tensor) -> torch.Tensor:
    """The gate nonlinearity: ``silu`` (SwiMGLU), ``sigmoid`` (MGLU as in GLU) or ``relu``."""
    if name == "silu":
        return F.silu(g)
    if name == "sigmoid":
        return torch.sigmoid(g)
    if name == "relu":
        return F.relu(g)
    raise ValueError(f"activation must be one of {ACTIVATIONS}, got {name!r}")


def check_mglu_inputs(x: torch.Tensor, weight: torch.Tensor, masks: torch.Tensor, activation: str) -> None:
    """Shape / value checks shared by the reference and the kernel wrapper."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    if weight.dim() != 2:
        raise ValueError(f"weight must be [K, H], got shape {tuple(weight.shape)}")
    if masks.dim() != 3 or masks.shape[1:] != weight.shape:
        raise ValueError(
            f"masks must be [m, K, H] = [m, {weight.shape[0]}, {weight.shape[1]}], got shape {tuple(masks.shape)}"
        )
    if x.dim() != 2 or x.shape[1] != weight.shape[0]:
        raise ValueError(f"x must be [N, K] with K = {weight.shape[0]}, got shape {tuple(x.shape)}")


def mglu_naive(x: torch.Tensor, weight: torch.Tensor, masks: torch.Tensor, activation: str = "silu") -> torch.Tensor:
    """Reference MGLU core.

    Args:
        x: ``[N, K]`` input rows.
        weight: ``[K, H]`` shared weight.
        masks: ``[m, K, H]`` element masks in {0, 1} (may carry a straight-through gradient).
        activation: gate nonlinearity, one of ``silu``, ``sigmoid``, ``relu``.

    Returns ``[N, H]``.
    """
    check_mglu_inputs(x, weight, masks, activation)
    full = x @ weight  # [N, H]  x W
    out = torch.zeros_like(full)
    for i in range(masks.shape[0]):
        g = x @ (weight * masks[i])  # [N, H]  gate stream
        out = out + activation_fn(activation, g) * (full - g)  # value stream = x W - G
    return out

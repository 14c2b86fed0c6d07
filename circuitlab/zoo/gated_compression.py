"""Gated Compression (GC) layer with an early-stopping head, for always-on models.

Paper: H. Li, T. Thormundsson, I. Poupyrev, N. Gillian, "Gated Compression Layers
for Efficient Always-On Models", arXiv:2303.08970 (2023).

Placed between two stages of an always-on model, the GC layer multiplies the
activations by a learned, non-negative gate and makes that product sparse, so less
data has to leave the first (always-on, low-power) stage; a small head on the
compressed activations decides whether the second stage runs at all::

    gate = relu(w)                                   [D]     (w initialised to 1)
    z    = h * gate                                  [B, D]  (compressed activations)
    p    = sigmoid(u . z + c)                        [B]     (early-stop head: "may be positive")
    stop early  <=>  p < tau

    L = L_task + lambda_es * BCE(p, y) + lambda_s * mean(gate)      (L1 sparsity: gates hit 0)

A feature whose gate reaches 0 is dropped for good (relu has zero gradient there), so
``compression()`` -- the fraction of zero gates -- only grows during training.
"""

from __future__ import annotations

import torch
from torch import nn

from .registry import register


@register("gated_compression")
class GatedCompression(nn.Module):
    """GC layer: ``z = h * relu(w)`` plus an early-stop logit from ``z``.

    Args:
        d: feature width ``D``.
        gate_init: initial gate value (> 0).

    Shapes:
        input ``[B, D]`` (or ``[B, ..., D]``) -> ``(z [B, ..., D], stop_logit [B, ...])``.
    """

    def __init__(self, d: int, gate_init: float = 1.0):
        super().__init__()
        if not isinstance(d, int) or d < 1:
            raise ValueError(f"d must be a positive int, got {d!r}")
        if not gate_init > 0:
            raise ValueError(f"gate_init must be > 0, got {gate_init!r}")
        self.d = d
        self.gate_weight = nn.Parameter(torch.full((d,), float(gate_init)))  # w  [D]
        self.head = nn.Linear(d, 1)  # u, c

    def gate(self) -> torch.Tensor:
        """Non-negative gate ``relu(w)``: ``[D]``."""
        return torch.relu(self.gate_weight)

    def forward(self, h: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if h.dim() < 1 or h.shape[-1] != self.d:
            raise ValueError(f"h: last dimension must be d={self.d}, got shape {tuple(h.shape)}")
        z = h * self.gate()  # [B, D]
        return z, self.head(z)[..., 0]  # [B, D], [B]

    def penalty(self) -> torch.Tensor:
        """L1 sparsity penalty on the gate (mean of ``relu(w)``)."""
        return self.gate().mean()

    @torch.no_grad()
    def compression(self) -> float:
        """Fraction of features whose gate is exactly zero (dropped)."""
        return float((self.gate() == 0).float().mean())

    @staticmethod
    def stop_mask(stop_logit: torch.Tensor, tau: float) -> torch.Tensor:
        """Boolean ``[B]``: True where the sample stops early (``sigmoid(logit) < tau``)."""
        if not 0.0 <= tau <= 1.0:
            raise ValueError(f"tau must be in [0, 1], got {tau!r}")
        return torch.sigmoid(stop_logit) < tau

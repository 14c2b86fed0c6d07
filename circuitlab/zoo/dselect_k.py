"""DSelect-k: a differentiable gate that selects at most ``k`` of ``n`` experts.

Paper: H. Hazimeh, Z. Zhao, A. Chowdhery, M. Sathiamoorthy, Y. Chen,
R. Mazumder, L. Hong, E. H. Chi, "DSelect-k: Differentiable Selection in the
Mixture of Experts with Applications to Multi-Task Learning", NeurIPS 2021
(arXiv:2106.03760).

Smooth-step (``gamma`` sets the width of the cubic part):

    S(t) = 0                                     t <= -gamma/2
         = -2 t^3 / gamma^3 + 3 t / (2 gamma) + 1/2    |t| < gamma/2
         = 1                                     t >= gamma/2

Each of ``k`` single-expert selectors holds ``m = ceil(log2 n)`` logits ``z``
and encodes an expert index in binary: for expert ``j`` with bits
``b_1..b_m``,

    r(z)_j = prod_l ( S(z_l) if b_l(j) = 1 else 1 - S(z_l) )

(``sum_j r_j = 1`` over all ``2^m`` codes).  The gate is the softmax-weighted
sum of the selectors:

    q = sum_i softmax(w)_i r(z^(i)) in R^n,      y = sum_j q_j f_j(x)

Once every ``z`` is outside ``(-gamma/2, gamma/2)`` each ``r(z^(i))`` is one-hot, so
``q`` has at most ``k`` non-zeros and the rest are exactly 0.  Training adds
an entropy penalty on the selectors that drives them there, and, when ``n`` is
not a power of 2, the paper's penalty ``sum_i 1 / sum_{j<n} r(z^(i))_j``
(here minus its floor ``k``) that keeps selectors off the codes ``>= n``.
Static (task-only) gating: ``z, w`` are parameters; per-example gating:
``z, w`` are linear functions of a routing input.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from .registry import register

__all__ = ["DSelectKGate", "DSelectKMoE", "smooth_step"]

_EPS = 1e-6


def smooth_step(t: torch.Tensor, gamma: float = 1.0) -> torch.Tensor:
    """Cubic smooth-step, exactly 0 / 1 outside ``[-gamma/2, gamma/2]``."""
    inner = -2.0 / gamma**3 * t**3 + 3.0 / (2.0 * gamma) * t + 0.5
    return torch.where(t <= -gamma / 2, torch.zeros_like(t), torch.where(t >= gamma / 2, torch.ones_like(t), inner))


@register("dselect_k")
class DSelectKGate(nn.Module):
    """DSelect-k gate.

    Args:
        n_experts: ``n`` (>= 2).
        k: number of single-expert selectors, ``1 <= k <= n``.
        gamma: smooth-step width (> 0).
        input_dim: routing-input width for per-example gating; None = static gate.
        entropy_reg: weight of the selector-entropy term in :meth:`regularization`.

    Shapes: ``forward(x)`` returns ``[B, n]`` for ``x`` ``[B, input_dim]``, or ``[n]``
    for a static gate (``x`` None).
    """

    codes: torch.Tensor  # buffer, [n, m] bool

    def __init__(
        self,
        n_experts: int,
        k: int,
        gamma: float = 1.0,
        input_dim: int | None = None,
        entropy_reg: float = 1e-2,
    ) -> None:
        super().__init__()
        if n_experts < 2:
            raise ValueError(f"n_experts must be >= 2, got {n_experts}")
        if not 1 <= k <= n_experts:
            raise ValueError(f"k must be in [1, n_experts={n_experts}], got {k}")
        if gamma <= 0:
            raise ValueError(f"gamma must be > 0, got {gamma}")
        if input_dim is not None and input_dim <= 0:
            raise ValueError(f"input_dim must be > 0 or None, got {input_dim}")
        if entropy_reg < 0:
            raise ValueError(f"entropy_reg must be >= 0, got {entropy_reg}")
        self.n_experts, self.k, self.gamma, self.input_dim = n_experts, k, gamma, input_dim
        self.entropy_reg = entropy_reg
        self.n_bits = math.ceil(math.log2(n_experts))
        codes = [[(j >> (self.n_bits - 1 - b)) & 1 for b in range(self.n_bits)] for j in range(n_experts)]
        self.register_buffer("codes", torch.tensor(codes, dtype=torch.bool), persistent=False)  # [n, m]
        zr = gamma / 100
        if input_dim is None:
            self.z = nn.Parameter(torch.empty(k, self.n_bits).uniform_(-zr, zr))
            self.w = nn.Parameter(torch.rand(k))
        else:
            self.z_proj = nn.Linear(input_dim, k * self.n_bits)
            nn.init.uniform_(self.z_proj.weight, -zr, zr)
            nn.init.uniform_(self.z_proj.bias, -zr, zr)
            self.w_proj = nn.Linear(input_dim, k)

    def _logits(self, x: torch.Tensor | None) -> tuple[torch.Tensor, torch.Tensor]:
        if self.input_dim is None:
            if x is not None:
                raise ValueError("x must be None for a static gate (input_dim=None)")
            return self.z, self.w  # [k, m], [k]
        if x is None or x.dim() != 2 or x.shape[-1] != self.input_dim:
            got = None if x is None else tuple(x.shape)
            raise ValueError(f"x must be [B, {self.input_dim}], got {got}")
        z = self.z_proj(x).view(x.shape[0], self.k, self.n_bits)  # [B, k, m]
        return z, self.w_proj(x)  # [B, k]

    def selectors(self, x: torch.Tensor | None = None) -> torch.Tensor:
        """Single-expert selector outputs ``r`` ``[(B,) k, n]``."""
        z, _ = self._logits(x)
        s = smooth_step(z, self.gamma)[..., None, :]  # [(B,) k, 1, m]
        return torch.where(self.codes, s, 1 - s).prod(-1)  # [(B,) k, n]

    def forward(self, x: torch.Tensor | None = None) -> torch.Tensor:
        _, w = self._logits(x)
        r = self.selectors(x)
        return (w.softmax(-1)[..., None] * r).sum(-2)  # [(B,) n]

    def regularization(self, x: torch.Tensor | None = None) -> torch.Tensor:
        """``entropy_reg * entropy(selectors)`` (+ unreachable-code penalty if ``n`` is not a power of 2)."""
        r = self.selectors(x)
        lead = r.shape[0] if r.dim() == 3 else 1
        loss = -self.entropy_reg * (r * (r + _EPS).log()).sum() / lead
        if self.n_experts != 2**self.n_bits:
            loss = loss + (1.0 / r.sum(-1).clamp_min(_EPS) - 1.0).sum() / lead
        return loss

    def n_selected(self, x: torch.Tensor | None = None) -> torch.Tensor:
        """Number of experts with a non-zero weight, ``[(B,)]``."""
        return (self(x) != 0).sum(-1)


@register("dselect_k_moe")
class DSelectKMoE(nn.Module):
    """Mixture of ``n`` MLP experts under a DSelect-k gate.

    Args:
        in_dim, out_dim: input / output widths.
        n_experts, k, gamma, entropy_reg: as in :class:`DSelectKGate`.
        hidden: expert MLP width.
        per_example: route each example (True) or use one static gate (False).

    Shapes: ``x`` ``[B, in_dim]`` -> ``[B, out_dim]``.
    """

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        n_experts: int,
        k: int,
        hidden: int = 32,
        gamma: float = 1.0,
        per_example: bool = True,
        entropy_reg: float = 1e-2,
    ) -> None:
        super().__init__()
        for name, val in (("in_dim", in_dim), ("out_dim", out_dim), ("hidden", hidden)):
            if val <= 0:
                raise ValueError(f"{name} must be > 0, got {val}")
        self.in_dim, self.per_example = in_dim, per_example
        self.gate = DSelectKGate(n_experts, k, gamma, in_dim if per_example else None, entropy_reg)
        self.experts = nn.ModuleList(
            nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU(), nn.Linear(hidden, out_dim)) for _ in range(n_experts)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2 or x.shape[-1] != self.in_dim:
            raise ValueError(f"x must be [B, {self.in_dim}], got {tuple(x.shape)}")
        q = self.gate(x if self.per_example else None)  # [B, n] or [n]
        outs = torch.stack([e(x) for e in self.experts], dim=1)  # [B, n, out]
        q = q if q.dim() == 2 else q.expand(x.shape[0], -1)
        return (q[..., None] * outs).sum(1)

    def regularization(self, x: torch.Tensor) -> torch.Tensor:
        return self.gate.regularization(x if self.per_example else None)

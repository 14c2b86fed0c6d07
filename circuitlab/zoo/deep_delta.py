"""Deep Delta Learning: a residual block whose shortcut is a gated rank-1 operator.

Paper: Y. Zhang, Y. Liu, M. Wang, Q. Gu, "Deep Delta Learning", arXiv:2601.00417 (2026).

The hidden state ``X in R^{d x d_v}`` (``d_v = 1``: an ordinary feature vector)
is updated by the Delta Operator plus a rank-1 write:

    A(X)    = I - beta(X) k(X) k(X)^T             (||k|| = 1, beta in [0, 2])
    X_{l+1} = A(X_l) X_l + beta(X_l) k(X_l) v(X_l)^T
            = X_l + beta k (v^T - k^T X_l)          (the delta rule, across depth)

Spectrum: ``A`` is symmetric with eigenvalue 1 on the ``d - 1`` directions
orthogonal to ``k`` and ``1 - beta`` on ``k`` (so ``det A = 1 - beta``).
``beta = 0`` is the identity shortcut, ``beta = 1`` the orthogonal projection
that erases the ``k`` component, ``beta = 2`` the Householder reflection.

Branches (computed from ``x = mean of X over its d_v columns``):
``k = normalize(W_k x + b_k)`` (or a learned constant direction when
``data_dependent=False``), ``beta = beta_max * sigmoid(w_b . x + c)``,
``v = W_2 GELU(W_1 x)``.  ``use_value=False`` drops the write and keeps only
the operator ``X -> A X``.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .registry import register

__all__ = ["DeltaResidualBlock", "delta_operator", "delta_update"]


def delta_operator(k: torch.Tensor, beta: torch.Tensor) -> torch.Tensor:
    """``A = I - beta k k^T`` for unit-norm ``k`` ``[..., d]`` and ``beta`` ``[...]`` -> ``[..., d, d]``."""
    if k.shape[:-1] != beta.shape:
        raise ValueError(f"beta must have shape {tuple(k.shape[:-1])}, got {tuple(beta.shape)}")
    eye = torch.eye(k.shape[-1], dtype=k.dtype, device=k.device)
    return eye - beta[..., None, None] * k[..., :, None] * k[..., None, :]


def delta_update(x: torch.Tensor, k: torch.Tensor, beta: torch.Tensor, v: torch.Tensor | None) -> torch.Tensor:
    """``X + beta k (v^T - k^T X)`` without forming ``A``.

    Args:
        x: ``[B, d, d_v]``;  k: ``[B, d]`` unit-norm;  beta: ``[B]``;  v: ``[B, d_v]`` or None (no write).
    """
    proj = torch.einsum("bd,bdv->bv", k, x)  # [B, d_v]  k^T X
    delta = -proj if v is None else v - proj
    return x + beta[:, None, None] * k[:, :, None] * delta[:, None, :]


@register("deep_delta")
class DeltaResidualBlock(nn.Module):
    """Delta residual block (Deep Delta Learning).

    Args:
        dim: state rows ``d``.
        value_dim: state columns ``d_v`` (1 = vector state).
        hidden: width of the value branch MLP.
        beta_max: upper end of the gate range, in ``(0, 2]``; 2 reaches reflections,
            1 is the DeltaNet-style range that cannot.
        data_dependent: ``k`` from the input (True) or a learned constant (False).
        use_value: include the rank-1 write ``beta k v^T``.

    Shapes: ``x`` ``[B, d]`` -> ``[B, d]`` or ``[B, d, d_v]`` -> ``[B, d, d_v]``.
    """

    def __init__(
        self,
        dim: int,
        value_dim: int = 1,
        hidden: int = 64,
        beta_max: float = 2.0,
        data_dependent: bool = True,
        use_value: bool = True,
    ) -> None:
        super().__init__()
        if dim < 2:
            raise ValueError(f"dim must be >= 2, got {dim}")
        if value_dim <= 0:
            raise ValueError(f"value_dim must be > 0, got {value_dim}")
        if hidden <= 0:
            raise ValueError(f"hidden must be > 0, got {hidden}")
        if not 0.0 < beta_max <= 2.0:
            raise ValueError(f"beta_max must be in (0, 2], got {beta_max}")
        self.dim, self.value_dim, self.beta_max = dim, value_dim, beta_max
        self.data_dependent, self.use_value = data_dependent, use_value
        if data_dependent:
            self.k_proj = nn.Linear(dim, dim)
        else:
            self.k_dir = nn.Parameter(torch.randn(dim) / dim**0.5)
        self.beta_proj = nn.Linear(dim, 1)
        if use_value:
            self.v_mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, value_dim))

    def branches(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """``k [B, d]`` (unit), ``beta [B]``, ``v [B, d_v]`` (None without the write) from ``X [B, d, d_v]``."""
        pooled = x.mean(-1)  # [B, d]
        if self.data_dependent:
            k = F.normalize(self.k_proj(pooled), dim=-1)
        else:
            k = F.normalize(self.k_dir, dim=0).expand_as(pooled)
        beta = self.beta_max * torch.sigmoid(self.beta_proj(pooled)).squeeze(-1)
        v = self.v_mlp(pooled) if self.use_value else None
        return k, beta, v

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        vector = x.dim() == 2
        if vector:
            if self.value_dim != 1 or x.shape[-1] != self.dim:
                raise ValueError(f"x must be [B, {self.dim}] (value_dim=1), got {tuple(x.shape)}")
            x = x[..., None]  # [B, d, 1]
        elif x.dim() != 3 or x.shape[1:] != (self.dim, self.value_dim):
            raise ValueError(f"x must be [B, {self.dim}, {self.value_dim}], got {tuple(x.shape)}")
        k, beta, v = self.branches(x)
        out = delta_update(x, k, beta, v)
        return out[..., 0] if vector else out

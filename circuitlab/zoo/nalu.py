"""Neural arithmetic units: NAC and NALU (Trask et al.), NAU and NMU (Madsen & Johansen).

Papers:
  A. Trask, F. Hill, S. Reed, J. Rae, C. Dyer, P. Blunsom, "Neural Arithmetic
  Logic Units", NeurIPS 2018 (arXiv:1808.00508).
  A. Madsen, A. R. Johansen, "Neural Arithmetic Units", ICLR 2020 (arXiv:2001.05016).

Equations (``x`` ``[B, I]`` -> ``[B, O]``):

    NAC:   W = tanh(W^) * sigmoid(M^);   a = W x
    NALU:  m = exp(W log(|x| + eps));   g = sigmoid(G x);   y = g * a + (1 - g) * m
           (the same NAC matrix W serves the additive and the log-space path)
    NAU:   z = W x,                        W clamped to [-1, 1]
    NMU:   z_j = prod_i (W_ji x_i + 1 - W_ji),   W clamped to [0, 1]

NAU and NMU add a sparsity regulariser that pushes each weight to a discrete
value, ``R = mean(min(|W|, 1 - |W|))`` (``lambda`` is ramped up during
training, see :meth:`NAU.regularization`).  Known NALU failure modes, which the
NAU/NMU fix (Madsen & Johansen, sec. 2): the gate between the paths rarely
converges to the right side for out-of-range inputs; the log-space path
cannot handle negative or near-zero inputs and its gradients explode near
zero; ``tanh * sigmoid`` has vanishing gradients at the discrete solution.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from .registry import register

__all__ = ["NAC", "NALU", "NAU", "NMU"]


def _check_dims(in_features: int, out_features: int) -> None:
    if in_features <= 0:
        raise ValueError(f"in_features must be > 0, got {in_features}")
    if out_features <= 0:
        raise ValueError(f"out_features must be > 0, got {out_features}")


def _check_input(x: torch.Tensor, in_features: int) -> None:
    if x.dim() != 2 or x.shape[-1] != in_features:
        raise ValueError(f"x must be [B, {in_features}], got {tuple(x.shape)}")


@register("nac")
class NAC(nn.Module):
    """Neural accumulator: ``a = (tanh(W^) * sigmoid(M^)) x``; weights biased towards {-1, 0, 1}."""

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__()
        _check_dims(in_features, out_features)
        self.in_features, self.out_features = in_features, out_features
        r = math.sqrt(6.0 / (in_features + out_features))
        self.w_hat = nn.Parameter(torch.empty(out_features, in_features).uniform_(-r, r))
        self.m_hat = nn.Parameter(torch.empty(out_features, in_features).uniform_(-r, r))

    @property
    def weight(self) -> torch.Tensor:
        return torch.tanh(self.w_hat) * torch.sigmoid(self.m_hat)  # [O, I]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.in_features)
        return x @ self.weight.T


@register("nalu")
class NALU(nn.Module):
    """Neural arithmetic logic unit (Trask et al. 2018): gated NAC in linear and log space.

    Args:
        in_features, out_features: ``I`` and ``O``.
        eps: the ``eps`` in ``log(|x| + eps)``.
    """

    def __init__(self, in_features: int, out_features: int, eps: float = 1e-7) -> None:
        super().__init__()
        _check_dims(in_features, out_features)
        if eps <= 0:
            raise ValueError(f"eps must be > 0, got {eps}")
        self.in_features, self.out_features, self.eps = in_features, out_features, eps
        self.nac = NAC(in_features, out_features)
        r = math.sqrt(6.0 / (in_features + out_features))
        self.gate = nn.Parameter(torch.empty(out_features, in_features).uniform_(-r, r))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.in_features)
        w = self.nac.weight  # [O, I]
        a = x @ w.T  # [B, O]
        m = torch.exp(torch.log(x.abs() + self.eps) @ w.T)  # [B, O]
        g = torch.sigmoid(x @ self.gate.T)  # [B, O]
        return g * a + (1 - g) * m


class _ClampedUnit(nn.Module):
    low: float

    def __init__(self, in_features: int, out_features: int, init: tuple[float, float]) -> None:
        super().__init__()
        _check_dims(in_features, out_features)
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features).uniform_(*init))

    def clamped_weight(self) -> torch.Tensor:
        return self.weight.clamp(self.low, 1.0)

    @torch.no_grad()
    def project_(self) -> None:
        """Clamp the stored weights in place (call after each optimizer step)."""
        self.weight.clamp_(self.low, 1.0)

    def regularization(self) -> torch.Tensor:
        """Sparsity regulariser ``mean(min(|W|, 1 - |W|))`` (0 at discrete weights)."""
        w = self.clamped_weight().abs()
        return torch.minimum(w, 1 - w).mean()


@register("nau")
class NAU(_ClampedUnit):
    """Neural addition unit (Madsen & Johansen 2020): ``z = W x``, ``W in [-1, 1]``."""

    low = -1.0

    def __init__(self, in_features: int, out_features: int) -> None:
        r = min(0.5, math.sqrt(6.0 / (in_features + out_features)))
        super().__init__(in_features, out_features, (-r, r))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.in_features)
        return x @ self.clamped_weight().T


@register("nmu")
class NMU(_ClampedUnit):
    """Neural multiplication unit (Madsen & Johansen 2020): ``z_j = prod_i (W_ji x_i + 1 - W_ji)``, ``W in [0, 1]``."""

    low = 0.0

    def __init__(self, in_features: int, out_features: int) -> None:
        super().__init__(in_features, out_features, (0.25, 0.75))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _check_input(x, self.in_features)
        w = self.clamped_weight()  # [O, I]
        return (w * x[:, None, :] + 1 - w).prod(-1)  # [B, O]

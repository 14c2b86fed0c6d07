"""Expanded gating ranges: xATLU, xGELU, xSiLU.

Paper: A. H. Huang, "Expanded Gating Ranges Improve Activation Functions",
arXiv:2405.20768 (2024).

A self-gated activation ``f(x) = x * g(x)`` with a gate ``g: R -> (0, 1)`` gets a
trainable expansion ``alpha`` that stretches the gate's range to
``(-alpha, 1 + alpha)``::

    g_alpha(x) = g(x) * (1 + 2 * alpha) - alpha
    f(x)       = x * g_alpha(x)

Base gates:

    ATLU:  g(x) = arctan(x) / pi + 1/2
    GELU:  g(x) = Phi(x)            (standard normal CDF)
    SiLU:  g(x) = sigmoid(x)

At ``alpha = 0`` the expanded activation is exactly the base one (same floating
point operations up to the ``* 1 - 0`` identity).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .registry import register

_GATES = ("atlu", "gelu", "silu")


def base_gate(x: torch.Tensor, kind: str) -> torch.Tensor:
    """The unexpanded gate ``g(x)`` in (0, 1) for ``kind`` in atlu / gelu / silu."""
    if kind == "atlu":
        return torch.atan(x) / math.pi + 0.5
    if kind == "gelu":
        return 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))
    if kind == "silu":
        return torch.sigmoid(x)
    raise ValueError(f"kind must be one of {_GATES}, got {kind!r}")


class ExpandedGate(nn.Module):
    """``x * (g(x) * (1 + 2 alpha) - alpha)`` with trainable ``alpha``.

    Args:
        kind: base gate, one of ``"atlu"``, ``"gelu"``, ``"silu"``.
        num_parameters: 1 (one shared alpha) or the size of the last input
            dimension (one alpha per channel, like PReLU).
        alpha_init: initial expansion, ``>= 0`` (0 reproduces the base gate).

    Shapes:
        input ``[*, C]`` -> output ``[*, C]``.
    """

    def __init__(self, kind: str = "silu", num_parameters: int = 1, alpha_init: float = 0.0):
        super().__init__()
        if kind not in _GATES:
            raise ValueError(f"kind must be one of {_GATES}, got {kind!r}")
        if not isinstance(num_parameters, int) or num_parameters < 1:
            raise ValueError(f"num_parameters must be a positive int, got {num_parameters!r}")
        if not math.isfinite(alpha_init) or alpha_init < 0:
            raise ValueError(f"alpha_init must be finite and >= 0, got {alpha_init!r}")
        self.kind = kind
        self.num_parameters = num_parameters
        self.alpha = nn.Parameter(torch.full((num_parameters,), float(alpha_init)))  # [P]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.num_parameters > 1 and (x.dim() == 0 or x.shape[-1] != self.num_parameters):
            raise ValueError(
                f"x: last dimension must be num_parameters={self.num_parameters}, got shape {tuple(x.shape)}"
            )
        g = base_gate(x, self.kind)  # [*, C]
        alpha = self.alpha.to(x.dtype)  # [P], broadcasts over C
        return x * (g * (1.0 + 2.0 * alpha) - alpha)

    def extra_repr(self) -> str:
        return f"kind={self.kind!r}, num_parameters={self.num_parameters}"


@register("xatlu")
class XATLU(ExpandedGate):
    """Expanded ArcTan Linear Unit: ``x * ((atan(x)/pi + 1/2)(1 + 2a) - a)``. Args as :class:`ExpandedGate`."""

    def __init__(self, num_parameters: int = 1, alpha_init: float = 0.0):
        super().__init__("atlu", num_parameters, alpha_init)


@register("xgelu")
class XGELU(ExpandedGate):
    """Expanded GELU: ``x * (Phi(x)(1 + 2a) - a)``. Args as :class:`ExpandedGate`."""

    def __init__(self, num_parameters: int = 1, alpha_init: float = 0.0):
        super().__init__("gelu", num_parameters, alpha_init)


@register("xsilu")
class XSiLU(ExpandedGate):
    """Expanded SiLU: ``x * (sigmoid(x)(1 + 2a) - a)``. Args as :class:`ExpandedGate`."""

    def __init__(self, num_parameters: int = 1, alpha_init: float = 0.0):
        super().__init__("silu", num_parameters, alpha_init)

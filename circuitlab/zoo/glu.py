"""GLU-variant feed-forward networks.

Paper: N. Shazeer, "GLU Variants Improve Transformer", arXiv:2002.05202 (2020);
the GLU itself is from Dauphin et al., "Language Modeling with Gated
Convolutional Networks", ICML 2017.

With input ``x``, gate weights ``W``, value weights ``V`` and output weights ``W2``
(biases optional, absent in the paper)::

    FFN_GLU(x)      = (sigmoid(x W) * (x V)) W2
    FFN_Bilinear(x) = ((x W)        * (x V)) W2
    FFN_ReGLU(x)    = (relu(x W)    * (x V)) W2
    FFN_GEGLU(x)    = (gelu(x W)    * (x V)) W2
    FFN_SwiGLU(x)   = (swish(x W)   * (x V)) W2        swish = SiLU (beta = 1)

and the baseline ``FFN_act(x) = act(x W1) W2``. A GLU FFN has three weight
matrices instead of two; at equal parameter count its hidden width is about
2/3 of the baseline's (:func:`matched_hidden` gives the exact width).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .registry import register

GLU_VARIANTS = ("glu", "bilinear", "reglu", "geglu", "swiglu")
_DENSE_ACTS: dict[str, Callable[[torch.Tensor], torch.Tensor]] = {"relu": F.relu, "gelu": F.gelu, "silu": F.silu}


def gate_activation(variant: str, a: torch.Tensor) -> torch.Tensor:
    """The nonlinearity applied to the gate stream ``x W`` of a GLU variant."""
    if variant == "glu":
        return torch.sigmoid(a)
    if variant == "bilinear":
        return a
    if variant == "reglu":
        return F.relu(a)
    if variant == "geglu":
        return F.gelu(a)
    if variant == "swiglu":
        return F.silu(a)
    raise ValueError(f"variant must be one of {GLU_VARIANTS}, got {variant!r}")


def _check_dims(**dims: int) -> None:
    for name, value in dims.items():
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive int, got {value!r}")


@register("glu_ffn")
class GLUFFN(nn.Module):
    """Gated feed-forward network ``(act(x W) * (x V)) W2``.

    Args:
        d_model: input width.
        d_hidden: width of the gate and value streams.
        variant: one of ``glu``, ``bilinear``, ``reglu``, ``geglu``, ``swiglu``.
        d_out: output width (default ``d_model``).
        bias: add biases to the three projections (the paper uses none).

    Shapes:
        input ``[*, d_model]`` -> output ``[*, d_out]``.
    """

    def __init__(
        self, d_model: int, d_hidden: int, variant: str = "swiglu", d_out: int | None = None, bias: bool = False
    ):
        super().__init__()
        d_out = d_model if d_out is None else d_out
        _check_dims(d_model=d_model, d_hidden=d_hidden, d_out=d_out)
        if variant not in GLU_VARIANTS:
            raise ValueError(f"variant must be one of {GLU_VARIANTS}, got {variant!r}")
        self.variant = variant
        self.d_model = d_model
        self.w_gate = nn.Linear(d_model, d_hidden, bias=bias)  # W
        self.w_value = nn.Linear(d_model, d_hidden, bias=bias)  # V
        self.w_out = nn.Linear(d_hidden, d_out, bias=bias)  # W2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 0 or x.shape[-1] != self.d_model:
            raise ValueError(f"x: last dimension must be d_model={self.d_model}, got shape {tuple(x.shape)}")
        h = gate_activation(self.variant, self.w_gate(x)) * self.w_value(x)  # [*, d_hidden]
        return self.w_out(h)  # [*, d_out]


@register("dense_ffn")
class DenseFFN(nn.Module):
    """Baseline two-matrix FFN ``act(x W1) W2`` (the paper's ``FFN_ReLU``).

    Args:
        d_model: input width.
        d_hidden: hidden width.
        activation: ``relu`` (default), ``gelu`` or ``silu``.
        d_out: output width (default ``d_model``).
        bias: add biases to both projections.

    Shapes:
        input ``[*, d_model]`` -> output ``[*, d_out]``.
    """

    def __init__(
        self, d_model: int, d_hidden: int, activation: str = "relu", d_out: int | None = None, bias: bool = False
    ):
        super().__init__()
        d_out = d_model if d_out is None else d_out
        _check_dims(d_model=d_model, d_hidden=d_hidden, d_out=d_out)
        if activation not in _DENSE_ACTS:
            raise ValueError(f"activation must be one of {tuple(_DENSE_ACTS)}, got {activation!r}")
        self.activation = activation
        self.d_model = d_model
        self.w_in = nn.Linear(d_model, d_hidden, bias=bias)
        self.w_out = nn.Linear(d_hidden, d_out, bias=bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 0 or x.shape[-1] != self.d_model:
            raise ValueError(f"x: last dimension must be d_model={self.d_model}, got shape {tuple(x.shape)}")
        return self.w_out(_DENSE_ACTS[self.activation](self.w_in(x)))  # [*, d_out]


def matched_hidden(d_model: int, d_ff: int, d_out: int | None = None, bias: bool = False) -> int:
    """Hidden width of a GLU FFN whose parameter count is closest to a dense FFN of width ``d_ff``.

    Dense: ``d_ff (d_model + b) + d_out (d_ff + b)``; GLU: ``2 h (d_model + b) + d_out (h + b)``
    with ``b = 1`` when biases are used.
    """
    d_out = d_model if d_out is None else d_out
    _check_dims(d_model=d_model, d_ff=d_ff, d_out=d_out)
    b = 1 if bias else 0
    dense = d_ff * (d_model + b) + d_out * (d_ff + b)
    h = (dense - d_out * b) / (2 * (d_model + b) + d_out)
    return max(1, round(h))


def n_params(module: nn.Module) -> int:
    """Number of trainable scalars of ``module``."""
    return sum(p.numel() for p in module.parameters() if p.requires_grad)

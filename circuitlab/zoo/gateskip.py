"""GateSkip: residual-stream gates for token-wise layer skipping.

Paper: F. Laitenberger, D. Kopiczko, C. G. M. Snoek, Y. M. Asano, "What Layers When:
Learning to Skip Compute in LLMs with Residual Gates", arXiv:2510.13876 (2025).

Each residual branch ``F`` (attention or MLP) gets a sigmoid-linear vector gate::

    g   = sigmoid(W_g stopgrad(h) + b_g)                 [B, T, D]
    h'  = h + g * F(h)

The gate reads the detached residual stream, so gate learning cannot push the
stream itself around; training adds a sparsity penalty ``mean(g)`` so branches that
a token does not need are closed. At inference every token gets the importance
``s_t = mean_d g_{t,d}`` and, under a per-layer budget ``rho``, only the
``k = ceil(rho T)`` tokens with the largest ``s_t`` run the branch; the others pass
through unchanged (``h'_t = h_t``), and the branch never sees them (it runs on the
gathered ``[B, k, D]`` tokens). ``mode="random"`` picks the ``k`` tokens uniformly
at random instead, the baseline the gate ranking has to beat.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .registry import register

SKIP_MODES = ("gate", "random")


@register("gateskip")
class GateSkipResidual(nn.Module):
    """Gated residual ``h + sigmoid(W sg(h)) * F(h)`` with budgeted token skipping.

    Args:
        branch: module mapping ``[B, T, D] -> [B, T, D]`` (it must accept any ``T``).
        d_model: residual width ``D``.
        gate_bias: initial gate bias (``sigmoid(gate_bias)`` is the initial gate).

    Shapes:
        input ``[B, T, D]`` -> output ``[B, T, D]``.
    After each call ``last_gate`` holds the gates of the tokens that ran (for :meth:`penalty`).
    """

    def __init__(self, branch: nn.Module, d_model: int, gate_bias: float = 2.0):
        super().__init__()
        if not isinstance(d_model, int) or d_model < 1:
            raise ValueError(f"d_model must be a positive int, got {d_model!r}")
        if not isinstance(branch, nn.Module):
            raise ValueError(f"branch must be an nn.Module, got {type(branch).__name__}")
        self.branch = branch
        self.d_model = d_model
        self.gate_proj = nn.Linear(d_model, d_model)
        nn.init.zeros_(self.gate_proj.weight)
        nn.init.constant_(self.gate_proj.bias, gate_bias)
        self.last_gate: torch.Tensor | None = None

    def gate(self, h: torch.Tensor) -> torch.Tensor:
        """``sigmoid(W_g stopgrad(h) + b_g)``: ``[B, T, D] -> [B, T, D]``."""
        return torch.sigmoid(self.gate_proj(h.detach()))

    def penalty(self) -> torch.Tensor:
        """Sparsity penalty: mean gate value of the last call."""
        if self.last_gate is None:
            raise ValueError("penalty() needs a forward call first")
        return self.last_gate.mean()

    def forward(
        self, h: torch.Tensor, budget: float | None = None, mode: str = "gate", generator: torch.Generator | None = None
    ) -> torch.Tensor:
        if h.dim() != 3 or h.shape[-1] != self.d_model:
            raise ValueError(f"h must have shape [B, T, {self.d_model}], got {tuple(h.shape)}")
        if mode not in SKIP_MODES:
            raise ValueError(f"mode must be one of {SKIP_MODES}, got {mode!r}")
        if budget is not None and not 0.0 <= budget <= 1.0:
            raise ValueError(f"budget must be in [0, 1], got {budget!r}")
        g = self.gate(h)  # [B, T, D]
        if budget is None:
            self.last_gate = g
            return h + g * self.branch(h)
        b, t, d = h.shape
        k = math.ceil(budget * t)
        if k == 0:
            self.last_gate = g[:, :0]
            return h
        if mode == "gate":
            idx = g.mean(-1).topk(k, dim=1).indices  # [B, k] most important tokens
        else:
            idx = torch.rand(b, t, generator=generator, device=h.device).argsort(dim=1)[:, :k]
        idx = idx.sort(dim=1).values  # keep token order for the branch
        gather = idx[..., None].expand(b, k, d)
        h_sel, g_sel = h.gather(1, gather), g.gather(1, gather)  # [B, k, D]
        self.last_gate = g_sel
        return h.scatter_add(1, gather, g_sel * self.branch(h_sel))


def gateskip_penalty(model: nn.Module) -> torch.Tensor:
    """Mean of :meth:`GateSkipResidual.penalty` over all GateSkip blocks of ``model``."""
    blocks = [m for m in model.modules() if isinstance(m, GateSkipResidual)]
    if not blocks:
        raise ValueError("model has no GateSkipResidual blocks")
    return torch.stack([m.penalty() for m in blocks]).mean()

"""GateON: context-gated activity and relevance-obstructed updates for continual learning.

Paper: M. Barry, G. Bellec, W. Gerstner, "GateON: an unsupervised method for large
scale continual learning", arXiv:2306.01690 (2023; v2 retitled "Context selectivity
with dynamic availability enables lifelong continual learning").

Each hidden unit ``j`` of layer ``l`` has one gate per context (task) ``c``, and a
relevance ``r_j in [0, 1]`` that accumulates over contexts::

    a^l   = act(W^l h^(l-1) + b^l)                   [B, H_l]
    h^l   = a^l * q^l_c,   q^l_c = sigmoid(G^l[c]) * open^l[c]       (context-gated activity)

    dW^l[j, :]  <- (1 - r^l_j) dW^l[j, :],  db^l_j <- (1 - r^l_j) db^l_j    (incoming)
    dW^(l+1)[:, j] <- (1 - r^l_j) dW^(l+1)[:, j]                            (outgoing)

so weights that earlier contexts rely on are obstructed from changing. After a
context has been trained, :meth:`GateONMLP.consolidate` measures each unit's relevance
for it -- its mean gated activity on that context's data, divided by the layer's
maximum -- raises ``r_j <- max(r_j, rel_j)`` and closes the context's gate on units
with ``rel_j < close_below`` (``open^l[c]_j = 0``), so units the context does not use
can be recruited by later contexts without disturbing it.

This follows the paper's two mechanisms; the activity-based relevance and the gate
closing threshold are our concrete choices (the paper's relevance also uses activity,
its context is inferred without labels, which is out of scope here: the context id is
given).
"""

from __future__ import annotations

from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from .registry import register


@register("gateon")
class GateONMLP(nn.Module):
    """MLP with per-context unit gates and relevance-obstructed gradients.

    Args:
        sizes: layer widths ``[d_in, h_1, ..., h_L, d_out]`` (at least one hidden layer).
        n_contexts: number of contexts (tasks).
        close_below: activity share under which a consolidated context's gate is closed.
        relevance_scale: activity share at which a unit counts as fully relevant (r = 1).

    Shapes:
        ``x [B, d_in]``, ``context`` int or ``[B]`` long -> logits ``[B, d_out]``.
    Use: ``loss.backward(); model.obstruct_grads(); opt.step()``; after each context,
    ``model.consolidate(x_c, c)``, and start the next context with a fresh optimizer
    (a momentum buffer would otherwise carry old velocity past the obstruction).
    """

    def __init__(self, sizes: list[int], n_contexts: int, close_below: float = 0.05, relevance_scale: float = 0.1):
        super().__init__()
        if len(sizes) < 3 or any(not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(f"sizes must list >= 3 positive ints (in, hidden..., out), got {sizes!r}")
        if not isinstance(n_contexts, int) or n_contexts < 1:
            raise ValueError(f"n_contexts must be a positive int, got {n_contexts!r}")
        if not 0.0 <= close_below < 1.0:
            raise ValueError(f"close_below must be in [0, 1), got {close_below!r}")
        if not 0.0 < relevance_scale <= 1.0:
            raise ValueError(f"relevance_scale must be in (0, 1], got {relevance_scale!r}")
        self.sizes, self.n_contexts, self.close_below = list(sizes), n_contexts, close_below
        self.relevance_scale = relevance_scale
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-2], sizes[1:-1], strict=True))
        self.readout = nn.Linear(sizes[-2], sizes[-1], bias=False)  # a shared bias would be unprotected
        self.gate_logits = nn.ParameterList(nn.Parameter(torch.full((n_contexts, h), 2.0)) for h in sizes[1:-1])
        for i, h in enumerate(sizes[1:-1]):
            self.register_buffer(f"relevance_{i}", torch.zeros(h))  # r^l   [H_l]
            self.register_buffer(f"open_{i}", torch.ones(n_contexts, h))  # open^l [C, H_l]

    def relevance(self, layer: int) -> torch.Tensor:
        return getattr(self, f"relevance_{layer}")

    def open_mask(self, layer: int) -> torch.Tensor:
        return getattr(self, f"open_{layer}")

    def _context(self, context, batch: int, device) -> torch.Tensor:
        if isinstance(context, int):
            context = torch.full((batch,), context, dtype=torch.long, device=device)
        if context.dim() != 1 or context.shape[0] != batch or context.dtype != torch.long:
            raise ValueError(f"context must be an int or a long tensor of shape [{batch}]")
        if context.numel() and (context.min() < 0 or context.max() >= self.n_contexts):
            raise ValueError(f"context ids must be in [0, {self.n_contexts}), got {context.tolist()}")
        return context

    def activities(self, x: torch.Tensor, context) -> list[torch.Tensor]:
        """Gated hidden activities ``h^l``, one ``[B, H_l]`` tensor per hidden layer."""
        if x.dim() != 2 or x.shape[1] != self.sizes[0]:
            raise ValueError(f"x must have shape [B, {self.sizes[0]}], got {tuple(x.shape)}")
        c = self._context(context, x.shape[0], x.device)
        h, acts = x, []
        for i, layer in enumerate(self.hidden):
            q = torch.sigmoid(self.gate_logits[i][c]) * self.open_mask(i)[c]  # [B, H_l]
            h = F.relu(layer(h)) * q
            acts.append(h)
        return acts

    def forward(self, x: torch.Tensor, context) -> torch.Tensor:
        return self.readout(self.activities(x, context)[-1])  # [B, d_out]

    @torch.no_grad()
    def obstruct_grads(self) -> None:
        """Scale gradients by ``1 - r`` of the unit they feed or come from (call before ``step``)."""
        hidden = cast("list[nn.Linear]", list(self.hidden))
        outgoing = [*hidden[1:], self.readout]
        for i, (layer, nxt) in enumerate(zip(hidden, outgoing, strict=True)):
            keep = 1.0 - self.relevance(i)  # [H_l]
            if layer.weight.grad is not None:
                layer.weight.grad.mul_(keep[:, None])
            if layer.bias.grad is not None:
                layer.bias.grad.mul_(keep)
            if nxt.weight.grad is not None:
                nxt.weight.grad.mul_(keep[None, :])

    @torch.no_grad()
    def consolidate(self, x: torch.Tensor, context: int) -> list[torch.Tensor]:
        """Update relevance from context ``context``'s data ``x`` and close its unused gates.

        Returns the per-layer relevance of this context (``[H_l]`` each).
        """
        if not isinstance(context, int) or not 0 <= context < self.n_contexts:
            raise ValueError(f"context must be an int in [0, {self.n_contexts}), got {context!r}")
        rels = []
        for i, h in enumerate(self.activities(x, context)):
            mean = h.abs().mean(0)  # [H_l]
            share = mean / mean.max().clamp(min=1e-12)  # activity / layer max
            rel = (share / self.relevance_scale).clamp(max=1.0)
            self.relevance(i).copy_(torch.maximum(self.relevance(i), rel))
            self.open_mask(i)[context] *= (share >= self.close_below).to(rel.dtype)
            rels.append(rel)
        return rels

    def gate_penalty(self, context) -> torch.Tensor:
        """Mean open-gate value of ``context`` (an L1 push towards using few units)."""
        c = torch.as_tensor(context).long().reshape(-1)
        return torch.stack(
            [(torch.sigmoid(g[c]) * self.open_mask(i)[c]).mean() for i, g in enumerate(self.gate_logits)]
        ).mean()

"""JEI-DNN: jointly learned exit gates and intermediate classifiers (early exiting).

Paper: F. Regol, J. Chataoui, M. Coates, "Jointly-Learned Exit and Inference for a
Dynamic Neural Network: JEI-DNN", ICLR 2024 (arXiv:2310.09163).

A backbone of ``L`` blocks has an inference head (IM) after every block and a
gating network (GN) after every block but the last. With block features
``f_l = B_l(f_(l-1))``, head logits ``o_l = IM_l(f_l)`` and the gate reading the head's
class probabilities (sorted, plus their entropy)::

    g_l = sigmoid(GN_l([sort(softmax(o_l)), H(softmax(o_l))]))      exit probability, g_L = 1
    q_l = g_l prod_{m<l} (1 - g_m)                                  exit distribution over l
    L(lambda) = sum_l q_l CE(o_l, y) + lambda sum_l q_l c_l + eta mean_l CE(o_l, y)

``c_l`` is the cost of exiting at ``l`` (by default ``l / L``, the share of blocks run);
``eta`` keeps every head trained even where the gates route little mass (our addition,
the paper pre-trains the heads instead). Heads and gates are trained jointly; a larger
``lambda`` buys a lower expected cost with accuracy. At inference a sample exits at the
first ``l`` with ``g_l > 1/2`` and later blocks are not run for it.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .registry import register


def _gate_features(logits: torch.Tensor) -> torch.Tensor:
    """``[sorted probabilities (descending), entropy]``: ``[B, C] -> [B, C + 1]``."""
    p = logits.softmax(-1)
    ent = -(p * p.clamp(min=1e-12).log()).sum(-1, keepdim=True)
    return torch.cat([p.sort(-1, descending=True).values, ent], -1)


@register("jei_dnn")
class JEIDNN(nn.Module):
    """Early-exit network with learned exit gates over intermediate heads.

    Args:
        blocks: the ``L`` backbone blocks, applied in sequence.
        heads: ``L`` inference heads, ``heads[l]`` maps block ``l``'s output to ``[B, C]``.
        n_classes: ``C``.
        costs: exit costs ``c_l`` (non-decreasing, length ``L``); default ``l / L``.
        gate_hidden: hidden width of each gating MLP.

    Shapes:
        ``forward(x)`` -> dict with ``logits [L, B, C]``, ``gates [L, B]`` and ``exit_probs [L, B]``.
    """

    costs: torch.Tensor  # buffer, [L]

    def __init__(
        self,
        blocks: Sequence[nn.Module],
        heads: Sequence[nn.Module],
        n_classes: int,
        costs: list[float] | None = None,
        gate_hidden: int = 16,
    ):
        super().__init__()
        if len(blocks) < 2 or len(blocks) != len(heads):
            raise ValueError(f"blocks and heads must have the same length >= 2, got {len(blocks)} and {len(heads)}")
        if not isinstance(n_classes, int) or n_classes < 2:
            raise ValueError(f"n_classes must be an int >= 2, got {n_classes!r}")
        n = len(blocks)
        costs = [(i + 1) / n for i in range(n)] if costs is None else list(costs)
        if len(costs) != n or any(c < 0 for c in costs) or any(b < a for a, b in itertools.pairwise(costs)):
            raise ValueError(f"costs must be {n} non-negative, non-decreasing numbers, got {costs!r}")
        if not isinstance(gate_hidden, int) or gate_hidden < 1:
            raise ValueError(f"gate_hidden must be a positive int, got {gate_hidden!r}")
        self.blocks, self.heads, self.n_classes = nn.ModuleList(blocks), nn.ModuleList(heads), n_classes
        self.gates = nn.ModuleList(
            nn.Sequential(nn.Linear(n_classes + 1, gate_hidden), nn.ReLU(), nn.Linear(gate_hidden, 1))
            for _ in range(n - 1)
        )
        self.register_buffer("costs", torch.tensor(costs, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        logits, gates, f = [], [], x
        for k, (block, head) in enumerate(zip(self.blocks, self.heads, strict=True)):
            f = block(f)
            o = head(f)  # [B, C]
            if o.dim() != 2 or o.shape[1] != self.n_classes:
                raise ValueError(f"heads[{k}] must return [B, {self.n_classes}], got {tuple(o.shape)}")
            logits.append(o)
            if k < len(self.gates):
                gates.append(torch.sigmoid(self.gates[k](_gate_features(o))[:, 0]))
            else:
                gates.append(torch.ones_like(o[:, 0]))  # the last exit takes the rest
        g = torch.stack(gates)  # [L, B]
        survive = torch.cumprod(torch.cat([torch.ones_like(g[:1]), 1 - g[:-1]]), 0)
        return {"logits": torch.stack(logits), "gates": g, "exit_probs": g * survive}

    def loss(self, out: dict[str, torch.Tensor], y: torch.Tensor, lam: float, eta: float = 0.1) -> torch.Tensor:
        """``E_q[CE] + lam E_q[cost] + eta mean_l CE``, averaged over the batch."""
        if lam < 0 or eta < 0:
            raise ValueError(f"lam and eta must be >= 0, got lam={lam!r}, eta={eta!r}")
        logits, q = out["logits"], out["exit_probs"]  # [L, B, C], [L, B]
        ce = torch.stack([F.cross_entropy(o, y, reduction="none") for o in logits])  # [L, B]
        exp_ce = (q * ce).sum(0).mean()
        exp_cost = (q * self.costs[:, None]).sum(0).mean()
        return exp_ce + lam * exp_cost + eta * ce.mean()

    @torch.no_grad()
    def predict(self, x: torch.Tensor, threshold: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
        """Hard early exit: ``(labels [B], exit index [B])``; exited samples skip later blocks."""
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold must be in (0, 1), got {threshold!r}")
        n = x.shape[0]
        labels = torch.zeros(n, dtype=torch.long, device=x.device)
        exits = torch.full((n,), len(self.blocks) - 1, dtype=torch.long, device=x.device)
        active = torch.arange(n, device=x.device)
        f = x
        for k, (block, head) in enumerate(zip(self.blocks, self.heads, strict=True)):
            f = block(f)
            o = head(f)
            last = k == len(self.blocks) - 1
            leave = (
                torch.ones(len(active), dtype=torch.bool, device=x.device)
                if last
                else torch.sigmoid(self.gates[k](_gate_features(o))[:, 0]) > threshold
            )
            labels[active[leave]] = o[leave].argmax(-1)
            exits[active[leave]] = k
            active, f = active[~leave], f[~leave]
            if active.numel() == 0:
                break
        return labels, exits

    def expected_cost(self, exits: torch.Tensor) -> float:
        """Mean cost ``c_l`` of the given exit indices."""
        return float(self.costs[exits].mean())

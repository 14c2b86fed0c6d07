"""The CASCAD-style DAG GNN: signal probabilities and conditional probabilities.

Architecture (DeepGate2's one-round DAG GNN with CASCAD's virtual gates):

1. Embedding.  ``h_v^0 = tanh(W_e [onehot(type_v) ; p_cop(v) ; p_win(v) ; rel_v ; struct_v])``, ``[N, D]``
   (``p_win``: the window estimate, exact within 3 fanin levels; see :mod:`.data`)
   (``struct``: reconvergence flag and span, log fanout; see :mod:`.data`).  Each
   primary input also gets a random identity vector ``r_i ~ N(0, pi_noise^2 I)``
   (DeepGate2's random PI initialization), so states carry a signature of their
   support and the product aggregation can detect fanins that share inputs (the
   source of COP's error).  Training draws fresh vectors per batch; evaluation uses a
   fixed seed, so predictions are deterministic.
2. Forward pass, level ``1 .. L``: for the nodes ``V_l`` of level ``l``
       ``a_v = Attn_f({(h_u, c_uv) : u -> v})``,  ``q_v = Prod_f({(h_u, c_uv)})``,
       ``h_v <- GRU_f([a_v ; q_v], h_v)``,
   where ``u -> v`` also includes DeepGate's reconvergence skip edge (stem → gate) and
   ``Prod`` is a product of sigmoid messages, the soft AND of :mod:`.product_conv`.
3. Reverse pass, level ``L .. 0``: each node with fanouts aggregates them,
       ``a_u = Attn_r({(h_v, c_uv) : u -> v})``,  ``h_u <- GRU_r(a_u, h_u)``,
   so a node's state also depends on the outputs it drives.  Steps 2-3 repeat
   ``rounds`` times.
4. Virtual AND nodes, all at once: pair node ``k = (u, v, b)`` aggregates
   ``h_u`` (complemented when ``b = 0``) and ``h_v``: ``h_k <- GRU_p([Attn_p(..) ; Prod_p(..)], h_k)``.
5. Heads.  Signal probability ``p_v = sigmoid(f(h_v) + logit p_win(v))`` (a residual on
   the window estimate when ``residual``); the constant is 0, inputs are 1/2 and an output
   node is its driver literal, exactly.  The virtual AND predicts the joint inside its
   Fréchet bounds, the virtual DIV divides by ``P(u = b)``:
       ``pu = P(u = b)``, ``lo = max(0, pu + p_v - 1)``, ``hi = min(pu, p_v)``
       ``joint = lo + sigmoid(g(h_k) + logit t_0) (hi - lo)``, with ``t_0`` placing the
       window estimate of the virtual AND (``p_win(k)``, exact for a gate and its own
       fanin) in ``[lo, hi]``
       ``cond = joint / pu``   (in [0, 1] by construction)
   so an untrained residual starts at the window estimates of signals and joints.

Levels of all graphs in a batch are processed together (:mod:`.schedule`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .config import ModelConfig
from .conv import AttentionAggregation
from .data import CONST, INPUT, NODE_TYPES, OUTPUT
from .product_conv import ProductAggregation
from .schedule import Schedule, Step, level_schedule

EPS = 1e-4
PI_SEED = 20240607  # evaluation-time seed of the random input identity vectors


@dataclass
class CascadOutput:
    """Model predictions.

    Attributes:
        prob: ``[N]`` P(node = 1) for every node (pair nodes: the joint).
        joint: ``[K]`` P(v = 1 ∧ u = b).
        cond: ``[K]`` P(v = 1 | u = b).
        pu: ``[K]`` predicted P(u = b).
    """

    prob: torch.Tensor
    joint: torch.Tensor
    cond: torch.Tensor
    pu: torch.Tensor


def _mlp(dim: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(dim, dim), nn.ReLU(), nn.Linear(dim, 1))


def literal_prob(prob: torch.Tensor, u: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``[K]`` ``P(u = b)`` from ``P(u = 1)`` (``prob``, indexed by ``u``) and ``b`` in {0, 1}."""
    b = b.to(prob.dtype)
    return b * prob[u] + (1 - b) * (1 - prob[u])


def _logit(p: torch.Tensor) -> torch.Tensor:
    p = p.clamp(EPS, 1 - EPS)
    return torch.log(p) - torch.log1p(-p)


class CascadGNN(nn.Module):
    """DAG GNN with attention aggregation, GRU updates and virtual AND/DIV heads.

    Args:
        config: :class:`ModelConfig`.
    """

    ARCH = "cascad-dag-gnn/3"

    def __init__(self, config: ModelConfig | None = None):
        super().__init__()
        self.config = config or ModelConfig()
        d = self.config.hidden
        self.embed = nn.Linear(len(NODE_TYPES) + 2 + 4 + 3, d)
        self.fwd_attn, self.fwd_prod, self.fwd_gru = (
            AttentionAggregation(d),
            ProductAggregation(d),
            nn.GRUCell(2 * d, d),
        )
        self.rev_attn, self.rev_gru = AttentionAggregation(d), nn.GRUCell(d, d)
        self.pair_attn, self.pair_prod, self.pair_gru = (
            AttentionAggregation(d),
            ProductAggregation(d),
            nn.GRUCell(2 * d, d),
        )
        self.prob_head = _mlp(d)
        self.pair_head = _mlp(d)

    def initial_state(self, data) -> torch.Tensor:
        """``[N, D]`` embedding of type, COP and window probabilities, pair relation and structure."""
        prior = torch.stack([data.cop, data.win], dim=1)  # [N, 2]
        if not self.config.use_prior:
            prior = torch.zeros_like(prior)
        feats = torch.cat([data.x, prior, data.rel, data.struct], dim=1)  # [N, 14]
        h = torch.tanh(self.embed(feats))  # [N, D]
        if self.config.pi_noise > 0:
            is_pi = (data.node_type == INPUT).to(h.dtype).unsqueeze(1)  # [N, 1]
            gen = None if self.training else torch.Generator().manual_seed(PI_SEED)
            noise = torch.randn(h.shape, generator=gen, dtype=h.dtype)
            h = h + self.config.pi_noise * is_pi * noise
        return h

    @staticmethod
    def _update(
        h: torch.Tensor, step: Step, attn: AttentionAggregation, gru: nn.GRUCell, prod: ProductAggregation | None = None
    ) -> torch.Tensor:
        """One batched level step: aggregate into ``[n, D]`` (or ``[n, 2D]``), GRU, write back in place."""
        h_dst = h.index_select(0, step.nodes)  # [n, D]
        ei = step.edge_index
        agg = attn(h, h_dst, ei, step.attr)  # [n, D]
        if prod is not None:
            agg = torch.cat([agg, prod(h, h_dst.size(0), ei, step.attr)], dim=1)  # [n, 2D]
        h.index_copy_(0, step.nodes, gru(agg, h_dst))
        return h

    def encode(self, data, schedule: Schedule | None = None) -> torch.Tensor:
        """``[N, D]`` final node states."""
        sched = schedule or level_schedule(data)
        # clone: tanh keeps its output for backward, and the level steps write h in place
        # (index_copy_ is safe under autograd: gathers save indices, not h itself)
        h = self.initial_state(data).clone()
        for _ in range(self.config.rounds):
            for step in sched.forward:
                h = self._update(h, step, self.fwd_attn, self.fwd_gru, self.fwd_prod)
            for step in sched.reverse:
                h = self._update(h, step, self.rev_attn, self.rev_gru)
        if sched.pairs is not None:
            h = self._update(h, sched.pairs, self.pair_attn, self.pair_gru, self.pair_prod)
        return h

    def forward(self, data, schedule: Schedule | None = None) -> CascadOutput:
        """Predict signal and conditional probabilities for ``data`` (a ``Data`` or ``Batch``)."""
        h = self.encode(data, schedule)
        z = self.prob_head(h).squeeze(-1)  # [N]
        if self.config.residual:
            z = z + _logit(data.win if self.config.signal_prior == "window" else data.cop)
        prob = torch.sigmoid(z)
        # exact knowledge: the constant is 0, a free input is 1 with probability 1/2, an
        # output node is its driver's literal
        prob = torch.where(data.node_type == INPUT, torch.full_like(prob, 0.5), prob)
        prob = torch.where(data.node_type == CONST, torch.zeros_like(prob), prob)
        src, dst = data.edge_index
        out_edge = data.node_type[dst] == OUTPUT  # [E]
        if out_edge.any():
            p_src, c = prob[src[out_edge]], data.edge_attr[out_edge, 0]
            prob = prob.index_copy(0, dst[out_edge], c + (1 - 2 * c) * p_src)
        u, v, pn = data.pair_index
        pu = literal_prob(prob, u, data.pair_b)  # [K]
        pv = prob[v]
        lo = (pu + pv - 1).clamp_min(0)
        width = (torch.minimum(pu, pv) - lo).clamp_min(0)
        zk = self.pair_head(h[pn]).squeeze(-1)  # [K]
        if self.config.residual:
            t0 = (data.win[pn] - lo) / (width + EPS)
            zk = zk + _logit(t0)
        joint = lo + torch.sigmoid(zk) * width
        cond = (joint / pu.clamp_min(EPS)).clamp(0, 1)
        prob = prob.index_copy(0, pn, joint) if pn.numel() else prob
        return CascadOutput(prob, joint, cond, pu)

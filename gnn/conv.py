"""Attention aggregation over the fanins (or fanouts) of a level, with complemented edges.

DeepGate (Li et al., DAC 2022) and DeepGate2 (Shi et al., ICCAD 2023) aggregate a
gate's predecessors with additive attention whose query is the gate's own state.
AIG edges carry an inversion, so the message depends on the edge kind: plain,
complemented (``c_ij = 1``) or reconvergence skip edge (``s_ij = 1``):

    m_ij     = W [h_j (1 - c_ij)(1 - s_ij) ; h_j c_ij (1 - s_ij) ; h_j s_ij] + w_0
                                                            (one linear map per kind)
    e_ij     = a^T tanh(Q h_i + K m_ij)
    alpha_ij = softmax_{j in N(i)} e_ij                       (torch_geometric.utils.softmax)
    out_i    = sum_j alpha_ij m_ij

The layer runs on a bipartite graph: senders index the full state ``[N, D]``,
receivers index only the ``[n, D]`` states of the nodes being updated.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import MessagePassing
from torch_geometric.utils import softmax


def edge_kind_split(x_j: torch.Tensor, edge_attr: torch.Tensor) -> torch.Tensor:
    """``[e, 3D]``: the sender state in the slot of its edge kind (plain, complemented,
    skip), zeros in the other two; a linear map of it is one linear map per kind."""
    c, s = edge_attr[:, :1], edge_attr[:, 1:2]  # [e, 1] each
    plain = 1.0 - s
    return torch.cat([x_j * (1.0 - c) * plain, x_j * c * plain, x_j * s], dim=-1)


class AttentionAggregation(MessagePassing):
    """Softmax-attention sum of polarity-aware messages.

    Args:
        dim: D, the state width (messages and output have the same width).
    """

    def __init__(self, dim: int):
        super().__init__(aggr="add", node_dim=0)
        self.message_lin = nn.Linear(3 * dim, dim)
        self.query = nn.Linear(dim, dim, bias=False)
        self.key = nn.Linear(dim, dim)
        self.score = nn.Linear(dim, 1, bias=False)

    def forward(
        self, x_src: torch.Tensor, x_dst: torch.Tensor, edge_index: torch.Tensor, edge_attr: torch.Tensor
    ) -> torch.Tensor:
        """Aggregate messages.

        Args:
            x_src: ``[N, D]`` sender states.
            x_dst: ``[n, D]`` receiver states (the query).
            edge_index: ``[2, e]``: row 0 indexes ``x_src``, row 1 indexes ``x_dst``.
            edge_attr: ``[e, 2]`` complement bit and skip-edge flag (0./1.).
        Returns:
            ``[n, D]`` aggregated message per receiver (zero for a receiver without edges).
        """
        return self.propagate(edge_index, x=(x_src, x_dst), edge_attr=edge_attr, size=(x_src.size(0), x_dst.size(0)))

    def message(self, x_j, x_i, edge_attr, index, ptr, size_i):
        m = self.message_lin(edge_kind_split(x_j, edge_attr))  # [e, D]
        e = self.score(torch.tanh(self.query(x_i) + self.key(m))).squeeze(-1)  # [e]
        alpha = softmax(e, index, ptr, size_i)  # [e]
        return m * alpha.unsqueeze(-1)

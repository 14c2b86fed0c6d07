"""Product aggregation: the AND of soft, polarity-aware fanin messages.

COP computes an AND gate as the product of its fanin literal probabilities.  A sum
aggregator can only approximate a product through the GRU's nonlinearity, so the
forward pass also aggregates multiplicatively (PyG's ``aggr="mul"``):

    q_ij  = sigmoid(W [h_j (1 - c_ij)(1 - s_ij) ; h_j c_ij (1 - s_ij) ; h_j s_ij] + w_0)   in (0, 1)^D
    out_i = prod_{j in N(i)} q_ij

Each channel behaves like a probability and the product like its AND under
independence; the attention channel next to it can learn the correction.  It is used
where in-degrees are small (AND gates: 2 fanins + a skip edge, pair nodes: 2), never
on the reverse pass, whose fanout counts would make products vanish.
"""

from __future__ import annotations

import torch
from torch import nn
from torch_geometric.nn import MessagePassing

from .conv import edge_kind_split


class ProductAggregation(MessagePassing):
    """Channel-wise product of sigmoid messages.

    Args:
        dim: D, the state width (messages and output have the same width).
    """

    def __init__(self, dim: int):
        super().__init__(aggr="mul", node_dim=0)
        self.message_lin = nn.Linear(3 * dim, dim)

    def forward(
        self, x_src: torch.Tensor, n_dst: int, edge_index: torch.Tensor, edge_attr: torch.Tensor
    ) -> torch.Tensor:
        """Args:
            x_src: ``[N, D]`` sender states.
            n_dst: number of receivers.
            edge_index: ``[2, e]``: row 0 indexes ``x_src``, row 1 the receivers.
            edge_attr: ``[e, 2]`` complement bit and skip-edge flag.
        Returns:
            ``[n_dst, D]`` product of the messages of each receiver.
        """
        return self.propagate(edge_index, x=(x_src, None), edge_attr=edge_attr, size=(x_src.size(0), n_dst))

    def message(self, x_j, edge_attr):
        return torch.sigmoid(self.message_lin(edge_kind_split(x_j, edge_attr)))

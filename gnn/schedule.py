"""Level-by-level propagation schedules over a (batched) circuit graph.

A DAG GNN updates a node only after all its predecessors (DeepGate, DAGNN).  Nodes of
one topological level never feed each other, so a whole level is updated in one
batched step.  Three schedules come from ``data.level``:

* **forward**, levels ``1 .. L``: the AND/output nodes of a level receive messages
  along their fanin edges;
* **reverse**, levels ``L .. 0``: every real node with a fanout receives messages from
  its fanouts (edges reversed), so states flow back from the outputs;
* **pairs**: all virtual pair nodes at once, after the real nodes are final.

Each step holds global node ids and the edges re-indexed *locally*: ``dst`` counts
from 0 within the step's nodes, so a message-passing layer aggregates into a
``[n_step, D]`` tensor instead of ``[N, D]`` (a bipartite ``(N, n_step)`` graph).
Graphs of a batch share level numbers, so a batch is processed in ``max depth`` steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .data import PAIR


@dataclass
class Step:
    """One batched update.

    Attributes:
        nodes: ``[n]`` global ids of the nodes updated in this step.
        src: ``[e]`` global ids of the message senders.
        dst: ``[e]`` receiver of each message, as an index into ``nodes``.
        attr: ``[e, 2]`` complement bit and skip-edge flag of each edge.
    """

    nodes: torch.Tensor
    src: torch.Tensor
    dst: torch.Tensor
    attr: torch.Tensor

    @property
    def edge_index(self) -> torch.Tensor:
        """``[2, e]`` (global sender, local receiver) for a bipartite message-passing call."""
        return torch.stack([self.src, self.dst])


@dataclass
class Schedule:
    forward: list[Step]
    reverse: list[Step]
    pairs: Step | None

    @property
    def depth(self) -> int:
        return len(self.forward)


def _grouped_steps(
    key: torch.Tensor,
    nodes: torch.Tensor,
    e_key: torch.Tensor,
    e_recv: torch.Tensor,
    e_send: torch.Tensor,
    e_attr: torch.Tensor,
    num_nodes: int,
    descending: bool,
) -> list[Step]:
    """Group ``nodes`` by ``key`` and edges by ``e_key`` (the key of their receiver)."""
    if nodes.numel() == 0:
        return []
    nkeys = int(key.max()) + 1
    order = nodes[torch.argsort(key, stable=True)]
    counts = torch.bincount(key, minlength=nkeys)
    ptr = torch.zeros(nkeys + 1, dtype=torch.long)
    ptr[1:] = torch.cumsum(counts, 0)
    local = torch.zeros(num_nodes, dtype=torch.long)
    sorted_key = torch.sort(key, stable=True).values
    local[order] = torch.arange(order.numel()) - ptr[sorted_key]
    eorder = torch.argsort(e_key, stable=True)
    ecounts = torch.bincount(e_key, minlength=nkeys)
    eptr = torch.zeros(nkeys + 1, dtype=torch.long)
    eptr[1:] = torch.cumsum(ecounts, 0)
    send, recv, attr = e_send[eorder], local[e_recv[eorder]], e_attr[eorder]
    p, ep = ptr.tolist(), eptr.tolist()
    keys = range(nkeys - 1, -1, -1) if descending else range(nkeys)
    steps = []
    for k in keys:
        if p[k + 1] > p[k] and ep[k + 1] > ep[k]:
            steps.append(
                Step(order[p[k] : p[k + 1]], send[ep[k] : ep[k + 1]], recv[ep[k] : ep[k + 1]], attr[ep[k] : ep[k + 1]])
            )
    return steps


def level_schedule(data) -> Schedule:
    """The forward, reverse and pair schedules of ``data`` (a ``Data`` or a ``Batch``)."""
    ei, attr, level, ntype = data.edge_index, data.edge_attr, data.level, data.node_type
    n = int(data.num_nodes)
    src, dst = ei[0], ei[1]
    is_pair_edge = ntype[dst] == PAIR
    real = ~is_pair_edge
    rsrc, rdst, rattr = src[real], dst[real], attr[real]

    # forward: receivers are the fanouts (dst); only nodes with fanins, level >= 1
    has_fanin = torch.zeros(n, dtype=torch.bool)
    has_fanin[rdst] = True
    fnodes = torch.nonzero(has_fanin).view(-1)
    forward = _grouped_steps(level[fnodes], fnodes, level[rdst], rdst, rsrc, rattr, n, False)

    # reverse: receivers are the fanins (src), messages come from their fanouts
    has_fanout = torch.zeros(n, dtype=torch.bool)
    has_fanout[rsrc] = True
    rnodes = torch.nonzero(has_fanout).view(-1)
    reverse = _grouped_steps(level[rnodes], rnodes, level[rsrc], rsrc, rdst, rattr, n, True)

    pairs = None
    if bool(is_pair_edge.any()):
        pnodes = torch.nonzero(ntype == PAIR).view(-1)
        zero = torch.zeros(pnodes.numel(), dtype=torch.long)
        pdst = dst[is_pair_edge]
        steps = _grouped_steps(
            zero,
            pnodes,
            torch.zeros(pdst.numel(), dtype=torch.long),
            pdst,
            src[is_pair_edge],
            attr[is_pair_edge],
            n,
            False,
        )
        pairs = steps[0] if steps else None
    return Schedule(forward, reverse, pairs)

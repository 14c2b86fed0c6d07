"""gnn/schedule.py: level steps respect the DAG order and cover every edge exactly once."""

import numpy as np
import torch
from torch_geometric.data import Batch

from circuitlab.gnn.data import PAIR, aig_to_data
from circuitlab.gnn.pairs import fanin_pairs
from circuitlab.gnn.schedule import level_schedule

from .conftest import small_circuit


def _check(d):
    s = level_schedule(d)
    ntype, level = d.node_type, d.level
    real = ntype[d.edge_index[1]] != PAIR
    # forward: every real edge once, received by a node of the step's level from a lower level
    seen, done = [], torch.zeros(d.num_nodes, dtype=torch.bool)
    done[level == 0] = True
    for st in s.forward:
        lv = level[st.nodes]
        assert (lv == lv[0]).all()
        assert done[st.src].all()  # every sender is final before the step
        assert (st.dst < st.nodes.numel()).all()
        done[st.nodes] = True
        seen += list(zip(st.src.tolist(), st.nodes[st.dst].tolist(), strict=True))
    want = list(zip(d.edge_index[0, real].tolist(), d.edge_index[1, real].tolist(), strict=True))
    assert sorted(seen) == sorted(want)
    assert [int(level[st.nodes[0]]) for st in s.forward] == sorted({int(level[st.nodes[0]]) for st in s.forward})
    # reverse: every real edge once, from fanout to fanin, descending levels, after the fanout's step
    seen, done = [], torch.zeros(d.num_nodes, dtype=torch.bool)
    has_fanout = torch.zeros(d.num_nodes, dtype=torch.bool)
    has_fanout[d.edge_index[0, real]] = True
    done[~has_fanout] = True
    for st in s.reverse:
        assert done[st.src].all()
        done[st.nodes] = True
        seen += list(zip(st.nodes[st.dst].tolist(), st.src.tolist(), strict=True))
    assert sorted(seen) == sorted(want)
    # pairs: one step with every pair edge
    k = d.pair_index.shape[1]
    if k:
        assert torch.equal(torch.sort(s.pairs.nodes).values, torch.sort(d.pair_index[2]).values)
        assert s.pairs.src.numel() == 2 * k
    else:
        assert s.pairs is None
    return s


def test_single_graph(circuit):
    s = _check(aig_to_data(circuit, fanin_pairs(circuit)[:20]))
    assert s.depth == int(aig_to_data(circuit).level.max())


def test_batched_graphs_share_levels():
    graphs = [
        aig_to_data(small_circuit(k, n_gates=20 + 10 * k), fanin_pairs(small_circuit(k, n_gates=20 + 10 * k))[:8])
        for k in range(3)
    ]
    b = Batch.from_data_list(graphs)
    s = _check(b)
    assert s.depth == max(int(g.level.max()) for g in graphs)


def test_no_pairs(circuit):
    _check(aig_to_data(circuit))


def test_step_edge_index_is_bipartite(circuit):
    s = level_schedule(aig_to_data(circuit))
    st = s.forward[0]
    assert st.edge_index.shape == (2, st.src.numel())
    assert np.all(st.edge_index[1].numpy() < st.nodes.numel())

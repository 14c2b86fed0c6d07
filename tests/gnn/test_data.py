"""gnn/data.py: the PyG graph of an AIG, its virtual pair nodes, and bad-input errors."""

import numpy as np
import pytest
import torch

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.gnn.data import AND, CONST, INPUT, NODE_TYPES, OUTPUT, PAIR, aig_to_data, check_graph
from circuitlab.gnn.errors import CircuitGraphError, EmptyCircuitError, PairError
from circuitlab.gnn.pairs import fanin_pairs
from circuitlab.sim import cop_probabilities, window_probabilities


def test_nodes_edges_levels(circuit):
    d = aig_to_data(circuit, skip_depth=0)
    n_var, n_out = circuit.max_var + 1, circuit.num_outputs
    assert d.num_nodes == n_var + n_out
    assert d.x.shape == (d.num_nodes, len(NODE_TYPES))
    assert torch.equal(d.x.argmax(1), d.node_type)
    assert d.node_type[0] == CONST and (d.node_type[1 : circuit.first_and_var] == INPUT).all()
    assert (d.node_type[circuit.first_and_var : n_var] == AND).all() and (d.node_type[n_var:] == OUTPUT).all()
    assert d.edge_index.shape[1] == 2 * circuit.num_ands + n_out
    assert d.edge_attr.shape == (d.edge_index.shape[1], 2)
    # complement bits follow the fanin literals
    lits = np.concatenate([circuit.ands[:, 0], circuit.ands[:, 1], circuit.outputs])
    assert np.array_equal(d.edge_attr[:, 0].numpy(), (lits & 1).astype(np.float32))
    assert np.array_equal(d.level[:n_var].numpy(), circuit.levels())
    src, dst = d.edge_index
    assert (d.level[src] < d.level[dst]).all()  # levels are a valid schedule
    assert np.allclose(d.cop[:n_var].numpy(), cop_probabilities(circuit), atol=1e-6)
    assert np.allclose(d.win[:n_var].numpy(), window_probabilities(circuit, 3), atol=1e-6)
    assert torch.equal(aig_to_data(circuit, skip_depth=0, window_depth=0).win, d.cop)


def test_skip_edges_point_upwards(circuit):
    d = aig_to_data(circuit, skip_depth=3)
    skip = d.edge_attr[:, 1] == 1
    assert skip.any()
    src, dst = d.edge_index[:, skip]
    assert (d.level[src] < d.level[dst]).all() and (d.node_type[dst] == AND).all()
    assert (d.struct[dst, 0] == 1).all()


def test_virtual_pair_nodes(circuit):
    pairs = np.array([[1, circuit.max_var, 0], [circuit.max_var, 2, 1]])
    d = aig_to_data(circuit, pairs)
    u, v, pn = d.pair_index
    assert (d.node_type[pn] == PAIR).all() and torch.equal(u, torch.tensor([1, circuit.max_var]))
    # each virtual AND is fed by "u == b" (complemented when b = 0) and by v
    for k in range(2):
        edges = (d.edge_index[1] == pn[k]).nonzero().view(-1)
        assert sorted(d.edge_index[0, edges].tolist()) == sorted([int(u[k]), int(v[k])])
        comp = {int(d.edge_index[0, e]): float(d.edge_attr[e, 0]) for e in edges}
        assert comp[int(u[k])] == 1 - pairs[k, 2]
    assert torch.equal(d.level[pn], torch.maximum(d.level[u], d.level[v]) + 1)
    assert torch.allclose(d.cop[pn[0]], (1 - d.cop[1]) * d.cop[circuit.max_var])


def test_virtual_pairs_default_to_fanin_pairs(circuit):
    d = aig_to_data(circuit, virtual_pairs=True)
    assert d.pair_index.shape[1] == len(fanin_pairs(circuit))


def test_cyclic_aig_is_rejected():
    cyc = AIG(2, np.array([[8, 2], [6, 4]]), np.array([8]))  # var 3 reads var 4, which reads var 3
    with pytest.raises(CircuitGraphError, match="cycle"):
        aig_to_data(cyc)


def test_empty_aigs_are_rejected():
    b = AIGBuilder()
    x = b.input()
    b.output(x)
    with pytest.raises(EmptyCircuitError, match="no AND"):
        aig_to_data(b.build())
    b = AIGBuilder()
    b.and_(b.input(), b.input())
    with pytest.raises(EmptyCircuitError, match="no outputs"):
        check_graph(b.build())


def test_bad_pairs_rejected(circuit):
    with pytest.raises(PairError):
        aig_to_data(circuit, [[0, circuit.max_var + 1, 1]])


def test_large_circuit_converts_without_per_node_python():
    from circuitlab.generators import random_aig

    aig = random_aig(64, 20000, 16, seed=1)
    d = aig_to_data(aig)
    assert d.num_nodes == aig.max_var + 1 + aig.num_outputs

"""gnn/model.py: shapes, probability constraints, batching invariance, DAG causality."""

import numpy as np
import pytest
import torch
from torch_geometric.data import Batch

from circuitlab.gnn.data import INPUT, aig_to_data
from circuitlab.gnn.errors import GnnConfigError
from circuitlab.gnn.model import CascadGNN, ModelConfig
from circuitlab.gnn.pairs import fanin_pairs

from .conftest import small_circuit


@pytest.fixture
def model():
    torch.manual_seed(0)
    return CascadGNN(ModelConfig(hidden=16)).eval()


def test_outputs_are_probabilities(model, circuit):
    pairs = fanin_pairs(circuit)[:30]
    d = aig_to_data(circuit, pairs)
    out = model(d)
    k = len(pairs)
    assert out.prob.shape == (d.num_nodes,) and out.cond.shape == (k,) and out.joint.shape == (k,)
    assert ((out.prob >= 0) & (out.prob <= 1)).all() and ((out.cond >= 0) & (out.cond <= 1)).all()
    assert torch.all(out.prob[d.node_type == INPUT] == 0.5) and out.prob[0] == 0
    u, v, pn = d.pair_index
    pv = out.prob[v]
    lo = (out.pu + pv - 1).clamp_min(0)
    hi = torch.minimum(out.pu, pv)
    assert torch.all(out.joint >= lo - 1e-6) and torch.all(out.joint <= hi + 1e-6)  # Fréchet bounds
    assert torch.allclose(out.prob[pn], out.joint)


@pytest.mark.parametrize("window_depth", [0, 3])
def test_untrained_residual_starts_at_the_prior(circuit, window_depth):
    # the residual base is the window estimate (COP itself when window_depth = 0)
    torch.manual_seed(0)
    m = CascadGNN(ModelConfig(hidden=8, window_depth=window_depth))
    for p in (m.prob_head[-1].weight, m.prob_head[-1].bias):
        torch.nn.init.zeros_(p)
    d = aig_to_data(circuit, window_depth=window_depth)
    out = m(d)
    gates = d.node_type == 2
    assert torch.allclose(out.prob[gates], d.win[gates], atol=1e-4)
    if window_depth == 0:
        assert torch.allclose(out.prob[gates], d.cop[gates], atol=1e-4)


def test_batching_is_invisible(model):
    graphs = [
        aig_to_data(small_circuit(k, n_gates=25 + 5 * k), fanin_pairs(small_circuit(k, n_gates=25 + 5 * k))[:6])
        for k in range(3)
    ]
    single = [model(g) for g in graphs]
    out = model(Batch.from_data_list(graphs))
    offs = np.cumsum([0] + [g.num_nodes for g in graphs])
    for k in range(len(graphs)):
        assert torch.allclose(out.prob[offs[k] : offs[k + 1]], single[k].prob, atol=1e-5)
        assert torch.allclose(out.cond[6 * k : 6 * k + 6], single[k].cond, atol=1e-5)


def test_signal_probability_independent_of_pairs(model, circuit):
    n = circuit.max_var + 1
    a = model(aig_to_data(circuit)).prob[:n]
    b = model(aig_to_data(circuit, fanin_pairs(circuit))).prob[:n]
    assert torch.allclose(a, b, atol=1e-6)


def test_gradients_reach_every_parameter(circuit):
    torch.manual_seed(0)
    m = CascadGNN(ModelConfig(hidden=8, rounds=2))
    out = m(aig_to_data(circuit, fanin_pairs(circuit)[:10]))
    (out.prob.sum() + out.cond.sum()).backward()
    missing = [n for n, p in m.named_parameters() if p.grad is None or p.grad.abs().sum() == 0]
    assert missing == []


@pytest.mark.parametrize(
    "kw", [{"hidden": 0}, {"rounds": 0}, {"skip_depth": -1}, {"window_depth": 4}, {"signal_prior": "exact"}]
)
def test_bad_config(kw):
    with pytest.raises(GnnConfigError):
        ModelConfig(**kw)


def test_random_input_identities_are_fixed_in_eval(circuit):
    torch.manual_seed(0)
    m = CascadGNN(ModelConfig(hidden=8, pi_noise=1.0))
    d = aig_to_data(circuit)
    m.eval()
    assert torch.equal(m(d).prob, m(d).prob)
    m.train()
    assert not torch.equal(m.initial_state(d), m.initial_state(d))
    plain = CascadGNN(ModelConfig(hidden=8))
    plain.train()
    assert torch.equal(plain.initial_state(d), plain.initial_state(d))

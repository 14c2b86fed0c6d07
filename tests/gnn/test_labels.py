"""gnn/labels.py: simulation labels are exact (small) or within their standard error (large)."""

import itertools

import numpy as np
import pytest

from circuitlab.gnn.data import aig_to_data
from circuitlab.gnn.errors import GnnConfigError
from circuitlab.gnn.labels import attach_labels, simulation_labels
from circuitlab.gnn.pairs import fanin_pairs
from circuitlab.sim import simulate

from .conftest import small_circuit


def _brute(aig, pairs):
    rows = []
    for bits in itertools.product((0, 1), repeat=aig.num_inputs):
        pat = np.array(bits, dtype=np.uint64)[:, None]
        rows.append(simulate(aig, pat)[:, 0] & np.uint64(1))
    vals = np.array(rows, dtype=np.int64)  # [2^I, M+1]
    prob = vals.mean(0)
    u, v, b = pairs.T
    cu = vals[:, u] == b
    joint = (cu & (vals[:, v] == 1)).mean(0)
    return prob, joint, cu.mean(0)


def test_exact_labels_match_brute_force(circuit):
    pairs = fanin_pairs(circuit)
    lab = simulation_labels(circuit, pairs)
    assert lab.exact and lab.num_patterns == 64 and (lab.prob_se == 0).all()
    prob, joint, pu = _brute(circuit, pairs)
    assert np.allclose(lab.prob, prob) and np.allclose(lab.joint, joint) and np.allclose(lab.pu, pu)
    ok = pu > 0
    assert np.array_equal(lab.valid, ok)
    assert np.allclose(lab.cond[ok], joint[ok] / pu[ok])


def test_random_labels_within_standard_error():
    aig = small_circuit(1, n_in=18, n_gates=120)
    pairs = fanin_pairs(aig)[:200]
    est = simulation_labels(aig, pairs, num_patterns=1 << 14, exhaustive_limit=16, seed=3)
    exact = simulation_labels(aig, pairs, exhaustive_limit=18)
    assert not est.exact and exact.exact and est.num_patterns == 1 << 14
    z = np.abs(est.prob - exact.prob) / np.maximum(est.prob_se, 1e-9)
    assert np.mean(z < 3) > 0.97 and (est.prob_se <= 0.5 / np.sqrt(est.num_patterns) + 1e-12).all()
    zc = np.abs(est.cond - exact.cond)[est.valid & exact.valid]
    assert np.mean(zc < 4 * est.cond_se[est.valid & exact.valid] + 1e-9) > 0.95


def test_attach_labels(circuit):
    pairs = fanin_pairs(circuit)[:10]
    d = aig_to_data(circuit, pairs)
    lab = simulation_labels(circuit, pairs)
    attach_labels(d, circuit, lab)
    n_var = circuit.max_var + 1
    assert d.y.shape == (d.num_nodes,) and d.y_cond.shape == (10,)
    outs = circuit.outputs
    want = np.where(outs & 1, 1 - lab.prob[outs >> 1], lab.prob[outs >> 1])
    assert np.allclose(d.y[n_var : n_var + len(outs)].numpy(), want)
    assert np.allclose(d.y[d.pair_index[2]].numpy(), lab.joint)
    with pytest.raises(GnnConfigError):
        attach_labels(aig_to_data(circuit), circuit, lab)


def test_bad_options():
    with pytest.raises(GnnConfigError):
        simulation_labels(small_circuit(), num_patterns=10)

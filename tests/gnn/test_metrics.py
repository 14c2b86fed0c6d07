"""gnn/metrics.py: loss terms, forced-pair mask and the error accumulator with COP baselines."""

import numpy as np
import torch

from circuitlab.gnn.data import AND, aig_to_data
from circuitlab.gnn.labels import attach_labels, simulation_labels
from circuitlab.gnn.metrics import ErrorAccumulator, cop_cond, forced_mask, loss_terms
from circuitlab.gnn.model import CascadOutput
from circuitlab.gnn.pairs import fanin_pairs, forced_pairs


def _labelled(circuit):
    pairs = fanin_pairs(circuit)
    d = aig_to_data(circuit, pairs)
    return attach_labels(d, circuit, simulation_labels(circuit, pairs)), pairs


def _perfect(d):
    pn = d.pair_index[2]
    return CascadOutput(d.y.clone(), d.y[pn].clone(), d.y_cond.clone(), d.y_pu.clone())


def test_forced_mask_matches_pairs_module(circuit):
    d, pairs = _labelled(circuit)
    assert np.array_equal(forced_mask(d).numpy(), forced_pairs(circuit, pairs))


def test_perfect_prediction_has_zero_error(circuit):
    d, _ = _labelled(circuit)
    out = _perfect(d)
    assert all(float(v) == 0 for v in loss_terms(out, d).values())
    acc = ErrorAccumulator()
    acc.add(out, d)
    res = acc.result()
    for k in ErrorAccumulator.KEYS:
        assert res[f"gnn_{k}_mae"] == 0
    assert res["n_signal"] == circuit.num_ands and res["n_cond"] == int(d.cond_valid.sum())


def test_cop_baseline_values(circuit):
    d, _ = _labelled(circuit)
    acc = ErrorAccumulator()
    acc.add(_perfect(d), d)
    res = acc.result()
    gates = d.node_type == AND
    assert np.isclose(res["cop_signal_mae"], float((d.cop[gates] - d.y[gates]).abs().mean()), atol=1e-6)
    v = d.cond_valid
    assert torch.equal(cop_cond(d), d.cop[d.pair_index[1]])
    assert np.isclose(res["cop_cond_mae"], float((d.cop[d.pair_index[1]][v] - d.y_cond[v]).abs().mean()), atol=1e-6)
    assert res["cop_cond_mae"] > 0.1  # independence is badly wrong on fanin pairs
    # the window baseline: same formulas on data.win, and no worse than COP on signals here
    assert np.isclose(res["win_signal_mae"], float((d.win[gates] - d.y[gates]).abs().mean()), atol=1e-6)
    assert res["win_signal_mae"] <= res["cop_signal_mae"] + 1e-9

"""gnn/predict.py: shipped weights load, predictions have the documented shapes, bad input is typed."""

import numpy as np
import pytest
import torch

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.gnn.checkpoint import model_payload, save_checkpoint
from circuitlab.gnn.errors import CheckpointError, CircuitGraphError, EmptyCircuitError, WeightsNotFoundError
from circuitlab.gnn.inference import WEIGHTS, load_pretrained, predict
from circuitlab.gnn.model import CascadGNN, ModelConfig
from circuitlab.gnn.pairs import fanin_pairs
from circuitlab.sim import cop_probabilities, signal_probabilities


def test_shipped_weights_load_and_are_small():
    assert WEIGHTS.exists() and WEIGHTS.stat().st_size <= 5 * 2**20
    model = load_pretrained()
    assert isinstance(model, CascadGNN) and not model.training
    assert load_pretrained() is model  # cached


def test_predict_shapes_and_ranges(circuit):
    pairs = fanin_pairs(circuit)[:12]
    p = predict(circuit, pairs)
    assert p.signal.shape == (circuit.max_var + 1,) and p.outputs.shape == (circuit.num_outputs,)
    assert p.cond.shape == (12,) and p.joint.shape == (12,) and np.array_equal(p.pairs, pairs)
    assert p.signal[0] == 0 and np.all(p.signal[1 : circuit.num_inputs + 1] == 0.5)
    assert np.all((p.cond >= 0) & (p.cond <= 1)) and np.all((p.signal >= 0) & (p.signal <= 1))
    outs = circuit.outputs
    assert np.allclose(p.outputs, np.where(outs & 1, 1 - p.signal[outs >> 1], p.signal[outs >> 1]), atol=1e-6)
    assert predict(circuit).cond.shape == (0,)


def test_pretrained_beats_cop_on_a_multiplier():
    from circuitlab.generators import dadda_multiplier

    aig = dadda_multiplier(6)
    truth = signal_probabilities(aig)  # 12 inputs: exact
    gates = np.arange(aig.first_and_var, aig.max_var + 1)
    gnn = np.abs(predict(aig).signal[gates] - truth[gates]).mean()
    cop = np.abs(cop_probabilities(aig)[gates] - truth[gates]).mean()
    assert gnn < cop


def test_missing_weights_file(tmp_path):
    with pytest.raises(WeightsNotFoundError, match="not found"):
        load_pretrained(tmp_path / "nope.pt")


def test_checkpoint_of_another_architecture(tmp_path):
    payload = model_payload(CascadGNN(ModelConfig(hidden=8)))
    payload["arch"] = "deepgate2"
    save_checkpoint(payload, tmp_path / "x.pt")
    with pytest.raises(CheckpointError):
        load_pretrained(tmp_path / "x.pt")
    torch.save(torch.nn.GRUCell(4, 4).state_dict(), tmp_path / "gru.pt")
    with pytest.raises(CheckpointError):
        load_pretrained(tmp_path / "gru.pt")


def test_bad_circuits_are_typed_errors():
    with pytest.raises(CircuitGraphError):
        predict(AIG(2, np.array([[8, 2], [6, 4]]), np.array([8])))
    b = AIGBuilder()
    b.output(b.input())
    with pytest.raises(EmptyCircuitError):
        predict(b.build())
    with pytest.raises(ValueError):  # every typed error is a ValueError
        predict(AIG(1, np.zeros((0, 2)), np.zeros(0)))

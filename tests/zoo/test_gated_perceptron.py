import pytest
import torch

from circuitlab.benchmarks.zoo.tasks_a import perceptron_dataset, perceptron_xor
from circuitlab.zoo import get
from circuitlab.zoo.gated_perceptron import GatedPerceptron


def test_shape_and_registry():
    x = torch.randn(5, 4)  # [B, n_inputs]
    assert GatedPerceptron(4)(x).shape == (5, 1)
    assert GatedPerceptron(4, n_outputs=3)(x).shape == (5, 3)
    assert GatedPerceptron(4, n_outputs=3).predict(x).shape == (5,)
    assert get("gated_perceptron") is GatedPerceptron


def test_gate_input_is_the_product():
    m = GatedPerceptron(3, gate_inputs=(0, 2))
    x = torch.tensor([[2.0, 5.0, -3.0]])
    assert m.gate_input(x).item() == -6.0
    assert GatedPerceptron(3).gate_input(x).item() == -30.0


def test_gradient_flow():
    torch.manual_seed(0)
    m = GatedPerceptron(3, n_outputs=2)
    m(torch.randn(8, 3)).pow(2).sum().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and (p.grad != 0).all(), name


def test_xor_needs_the_gate():
    acc = perceptron_xor(steps=400)
    assert acc["gated"] == 1.0
    assert acc["plain"] <= 0.75  # no line separates XOR


def test_real_data_accuracy_is_reported_and_sane():
    r = perceptron_dataset("iris", (0, 1), splits=1, steps=300)
    assert r["gated"] > 0.6 and r["plain"] > 0.6  # 3 classes: chance is 1/3
    assert r["gated"] >= r["plain"] - 0.05
    r = perceptron_dataset("breast_cancer", (0, 1), splits=1, steps=300)
    assert r["gated"] > 0.8 and r["gated"] >= r["plain"] - 0.05


def test_bad_inputs():
    with pytest.raises(ValueError, match="n_inputs"):
        GatedPerceptron(0)
    with pytest.raises(ValueError, match="n_outputs"):
        GatedPerceptron(2, n_outputs=0)
    with pytest.raises(ValueError, match="gate_inputs"):
        GatedPerceptron(3, gate_inputs=(0, 3))
    with pytest.raises(ValueError, match="gate_inputs"):
        GatedPerceptron(3, gate_inputs=(1,))
    with pytest.raises(ValueError, match="x"):
        GatedPerceptron(3)(torch.randn(4, 2))

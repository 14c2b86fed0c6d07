import pytest
import torch
import torch.nn.functional as F

from circuitlab.benchmarks.zoo.tasks_a import gateon_permuted_digits
from circuitlab.zoo import get
from circuitlab.zoo.gateon import GateONMLP


def test_shape_and_registry():
    m = GateONMLP([6, 10, 7, 3], n_contexts=2)
    assert m(torch.randn(5, 6), 1).shape == (5, 3)
    assert m(torch.randn(5, 6), torch.tensor([0, 1, 0, 1, 1])).shape == (5, 3)
    assert [a.shape for a in m.activities(torch.randn(5, 6), 0)] == [(5, 10), (5, 7)]
    assert get("gateon") is GateONMLP


def test_gradient_flow():
    torch.manual_seed(0)
    m = GateONMLP([6, 10, 3], n_contexts=2)
    x, c = torch.randn(16, 6), torch.tensor([0, 1] * 8)
    (F.cross_entropy(m(x, c), torch.randint(0, 3, (16,))) + m.gate_penalty(c)).backward()
    m.obstruct_grads()  # nothing relevant yet: no-op
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_consolidation_obstructs_relevant_units_and_closes_unused_gates():
    torch.manual_seed(0)
    m = GateONMLP([4, 6, 2], n_contexts=2)
    with torch.no_grad():
        m.hidden[0].weight.zero_()
        m.hidden[0].bias.copy_(torch.tensor([1.0, 1.0, 0.5, 0.0, 0.0, 0.0]))  # units 3-5 silent
    rel = m.consolidate(torch.randn(8, 4), 0)[0]
    assert torch.equal(m.relevance(0) > 0, torch.tensor([True, True, True, False, False, False]))
    assert torch.equal(m.open_mask(0)[0], torch.tensor([1.0, 1, 1, 0, 0, 0]))  # context 0 closed 3-5
    assert torch.equal(m.open_mask(0)[1], torch.ones(6))  # context 1 untouched
    assert rel.max() == 1.0
    (m(torch.randn(8, 4), 1).sum()).backward()
    m.obstruct_grads()
    assert (m.hidden[0].weight.grad[:2] == 0).all() and (m.readout.weight.grad[:, :2] == 0).all()


def test_retains_earlier_permuted_digit_tasks_where_sgd_forgets():
    r = gateon_permuted_digits(n_tasks=3, epochs=2, hidden=128)
    g, s = r["gateon"], r["sgd"]
    assert g[0, 0] >= 0.85 and s[0, 0] >= 0.85  # both learn task 0
    assert g[-1, :-1].mean() >= s[-1, :-1].mean() + 0.2, (g, s)  # only GateON keeps it
    assert g[-1, 0] >= g[0, 0] - 0.03, g  # task 0 barely moves


def test_bad_inputs():
    with pytest.raises(ValueError, match="sizes"):
        GateONMLP([4, 3], 2)
    with pytest.raises(ValueError, match="n_contexts"):
        GateONMLP([4, 5, 3], 0)
    with pytest.raises(ValueError, match="close_below"):
        GateONMLP([4, 5, 3], 2, close_below=1.0)
    with pytest.raises(ValueError, match="relevance_scale"):
        GateONMLP([4, 5, 3], 2, relevance_scale=0.0)
    m = GateONMLP([4, 5, 3], 2)
    with pytest.raises(ValueError, match="x"):
        m(torch.randn(3, 5), 0)
    with pytest.raises(ValueError, match="context"):
        m(torch.randn(3, 4), 2)
    with pytest.raises(ValueError, match="context"):
        m.consolidate(torch.randn(3, 4), -1)

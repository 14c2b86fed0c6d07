import pytest
import torch
from torch import nn

from circuitlab.benchmarks.zoo.tasks_a import jei_tradeoff
from circuitlab.zoo import get
from circuitlab.zoo.jei_dnn import JEIDNN


def _model(n_blocks=3, d=8, c=4):
    torch.manual_seed(0)
    blocks = [nn.Sequential(nn.Linear(d, d), nn.ReLU()) for _ in range(n_blocks)]
    return JEIDNN(blocks, [nn.Linear(d, c) for _ in range(n_blocks)], c)


def test_shape_and_registry():
    out = _model()(torch.randn(5, 8))
    assert out["logits"].shape == (3, 5, 4)
    assert out["gates"].shape == out["exit_probs"].shape == (3, 5)
    labels, exits = _model().predict(torch.randn(5, 8))
    assert labels.shape == exits.shape == (5,)
    assert get("jei_dnn") is JEIDNN


def test_gradient_flow():
    m = _model()
    x, y = torch.randn(16, 8), torch.randint(0, 4, (16,))
    m.loss(m(x), y, lam=0.3).backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_exit_distribution_and_hard_exits():
    m = _model()
    out = m(torch.randn(7, 8))
    torch.testing.assert_close(out["exit_probs"].sum(0), torch.ones(7))
    assert (out["gates"][-1] == 1).all()
    with torch.no_grad():  # force exit at block 1
        m.gates[0][-1].bias.fill_(-50.0)
        m.gates[1][-1].bias.fill_(50.0)
    x = torch.randn(6, 8)
    labels, exits = m.predict(x)
    assert (exits == 1).all()
    assert torch.equal(labels, m(x)["logits"][1].argmax(-1))
    assert m.expected_cost(exits) == pytest.approx(2 / 3)


def test_higher_lambda_lowers_cost():
    curve = jei_tradeoff(lams=(0.0, 1.0), steps=150)
    assert curve[1]["cost"] < curve[0]["cost"], curve
    assert min(c["acc"] for c in curve) >= 0.8, curve


def test_bad_inputs():
    blocks = [nn.Linear(4, 4) for _ in range(2)]
    with pytest.raises(ValueError, match="blocks"):
        JEIDNN(blocks[:1], [nn.Linear(4, 3)], 3)
    with pytest.raises(ValueError, match="n_classes"):
        JEIDNN(blocks, [nn.Linear(4, 3)] * 2, 1)
    with pytest.raises(ValueError, match="costs"):
        JEIDNN(blocks, [nn.Linear(4, 3)] * 2, 3, costs=[1.0, 0.5])
    m = JEIDNN(blocks, [nn.Linear(4, 3), nn.Linear(4, 2)], 3)
    with pytest.raises(ValueError, match="heads"):
        m(torch.randn(2, 4))
    m = _model()
    with pytest.raises(ValueError, match="lam"):
        m.loss(m(torch.randn(2, 8)), torch.tensor([0, 1]), lam=-1.0)
    with pytest.raises(ValueError, match="threshold"):
        m.predict(torch.randn(2, 8), threshold=1.0)

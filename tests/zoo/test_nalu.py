"""Tests for circuitlab/zoo/nalu.py (NAC, NALU, NAU, NMU)."""

from __future__ import annotations

import pytest
import torch

from circuitlab.zoo import get
from circuitlab.zoo.nalu import NAC, NALU, NAU, NMU


def test_registered():
    assert get("nac") is NAC and get("nalu") is NALU and get("nau") is NAU and get("nmu") is NMU


@pytest.mark.parametrize("cls", [NAC, NALU, NAU, NMU])
def test_shapes(cls):
    assert cls(5, 3)(torch.rand(7, 5) + 1).shape == (7, 3)


@pytest.mark.parametrize("cls", [NAC, NALU, NAU, NMU])
def test_gradients_reach_every_parameter(cls):
    torch.manual_seed(0)
    m = cls(4, 2)
    m(torch.rand(6, 4) + 0.5).pow(2).sum().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_units_compute_exact_arithmetic_at_discrete_weights():
    x = torch.tensor([[3.0, -2.0, 5.0]])
    nau, nmu = NAU(3, 1), NMU(3, 1)
    with torch.no_grad():
        nau.weight.copy_(torch.tensor([[1.0, -1.0, 0.0]]))
        nmu.weight.copy_(torch.tensor([[1.0, 1.0, 0.0]]))
    assert nau(x).item() == 5.0  # 3 - (-2)
    assert nmu(x).item() == -6.0  # 3 * -2, the unused input contributes a factor 1
    assert nau.regularization().item() == 0.0 and nmu.regularization().item() == 0.0
    with torch.no_grad():
        nau.weight.fill_(3.0)
        nau.project_()
    assert nau.weight.max().item() == 1.0


def test_nalu_known_failure_negative_inputs():
    """NALU's log-space path drops the sign: even its ideal x0*x1 solution is wrong for x0 < 0."""
    nalu = NALU(2, 1)
    with torch.no_grad():
        nalu.nac.w_hat.fill_(20.0)  # tanh -> 1
        nalu.nac.m_hat.fill_(20.0)  # sigmoid -> 1
        nalu.gate.fill_(-20.0)  # gate -> multiplicative path
    x = torch.tensor([[2.0, 3.0], [-2.0, 3.0]])
    out = nalu(x)[:, 0]
    torch.testing.assert_close(out[0], torch.tensor(6.0), atol=1e-4, rtol=1e-4)
    torch.testing.assert_close(out[1], torch.tensor(6.0), atol=1e-4, rtol=1e-4)  # should be -6
    nmu = NMU(2, 1)
    with torch.no_grad():
        nmu.weight.fill_(1.0)
    assert nmu(x)[1, 0].item() == -6.0


def _train(model, target, steps=800, lr=3e-2, reg=True, seed=0):
    """Train on U[1, 2]^4; return the mean relative error on U[2, 6]^4 (extrapolation)."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr)
    for step in range(steps):
        x = 1 + torch.rand(256, 4, generator=gen)
        loss = (model(x)[:, 0] - target(x)).pow(2).mean()
        if reg:  # Madsen & Johansen: ramp the sparsity regulariser in after 30% of training
            lam = min(1.0, max(0.0, (step - 0.3 * steps) / (0.3 * steps)))
            loss = loss + lam * model.regularization()
        if step == int(0.7 * steps):
            for group in opt.param_groups:
                group["lr"] = lr / 10
        opt.zero_grad()
        loss.backward()
        opt.step()
        if reg:
            model.project_()
    x = 2 + 4 * torch.rand(4000, 4, generator=gen)
    with torch.no_grad():
        y = target(x)
        return ((model(x)[:, 0] - y).abs() / y.abs()).mean().item()


def _add(x):
    return x[:, 0] + x[:, 1]


def _mul(x):
    return x[:, 0] * x[:, 1]


def test_nau_and_nmu_extrapolate_where_nalu_does_not():
    torch.manual_seed(0)
    err_nau = _train(NAU(4, 1), _add)
    torch.manual_seed(0)
    err_nmu = _train(NMU(4, 1), _mul)
    assert err_nau < 1e-3, err_nau
    assert err_nmu < 1e-3, err_nmu
    torch.manual_seed(0)
    err_nalu = _train(NALU(4, 1), _mul, reg=False)
    assert err_nalu > 10 * err_nmu, (err_nalu, err_nmu)


def test_bad_inputs_raise_value_error():
    for cls in (NAC, NALU, NAU, NMU):
        with pytest.raises(ValueError, match="in_features"):
            cls(0, 2)
        with pytest.raises(ValueError, match="out_features"):
            cls(2, -1)
        with pytest.raises(ValueError, match="x must be"):
            cls(3, 2)(torch.rand(4, 2))
        with pytest.raises(ValueError, match="x must be"):
            cls(3, 2)(torch.rand(3))
    with pytest.raises(ValueError, match="eps"):
        NALU(2, 2, eps=0.0)

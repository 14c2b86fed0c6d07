"""Tests for circuitlab/zoo/deep_delta.py."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.zoo import get
from circuitlab.zoo.deep_delta import DeltaResidualBlock, delta_operator, delta_update


def test_registered():
    assert get("deep_delta") is DeltaResidualBlock


def test_shapes():
    assert DeltaResidualBlock(6)(torch.randn(4, 6)).shape == (4, 6)
    assert DeltaResidualBlock(6, value_dim=3)(torch.randn(4, 6, 3)).shape == (4, 6, 3)
    assert DeltaResidualBlock(6, use_value=False, data_dependent=False)(torch.randn(4, 6)).shape == (4, 6)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    for kwargs in ({}, {"data_dependent": False}):
        m = DeltaResidualBlock(5, value_dim=2, hidden=8, **kwargs)
        m(torch.randn(7, 5, 2)).pow(2).sum().backward()
        for name, p in m.named_parameters():
            assert p.grad is not None and torch.isfinite(p.grad).all(), name
            assert p.grad.abs().sum() > 0, name


@settings(max_examples=25, deadline=None)
@given(d=st.integers(2, 9), beta=st.floats(0.0, 2.0), seed=st.integers(0, 10_000))
def test_operator_eigenvalues_are_one_and_one_minus_beta(d, beta, seed):
    k = F.normalize(torch.randn(d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64), dim=0)
    a = delta_operator(k, torch.tensor(beta, dtype=torch.float64))
    eig = torch.linalg.eigvalsh(a)  # ascending; A is symmetric
    want = torch.sort(torch.tensor([1.0 - beta] + [1.0] * (d - 1), dtype=torch.float64)).values
    torch.testing.assert_close(eig, want, atol=1e-10, rtol=0)
    torch.testing.assert_close(a @ k, (1 - beta) * k, atol=1e-12, rtol=0)  # k is the 1-beta eigenvector
    torch.testing.assert_close(torch.linalg.det(a), torch.tensor(1 - beta, dtype=torch.float64), atol=1e-10, rtol=0)


def test_update_equals_operator_form():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, 4, generator=gen)
    k = F.normalize(torch.randn(3, 5, generator=gen), dim=-1)
    beta = 2 * torch.rand(3, generator=gen)
    v = torch.randn(3, 4, generator=gen)
    want = delta_operator(k, beta) @ x + beta[:, None, None] * k[:, :, None] * v[:, None, :]
    torch.testing.assert_close(delta_update(x, k, beta, v), want, atol=1e-6, rtol=1e-6)


def _fit_reflection(beta_max: float, steps: int = 500, d: int = 8) -> tuple[float, float, float]:
    torch.manual_seed(0)
    u = F.normalize(torch.randn(d), dim=0)
    house = torch.eye(d) - 2 * torch.outer(u, u)
    m = DeltaResidualBlock(d, beta_max=beta_max, data_dependent=False, use_value=False)
    opt = torch.optim.Adam(m.parameters(), 3e-2)
    for _ in range(steps):
        x = torch.randn(256, d)
        loss = (m(x) - x @ house.T).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    x = torch.randn(2000, d)
    with torch.no_grad():
        mse = (m(x) - x @ house.T).pow(2).mean().item()
        k, beta, _ = m.branches(x[..., None])
    return mse, beta.mean().item(), (k[0] @ u).abs().item()


def test_fits_a_reflection_with_beta_near_two():
    mse, beta, align = _fit_reflection(beta_max=2.0)
    assert beta > 1.85, beta
    assert align > 0.99, align
    assert mse < 0.005, mse
    # With beta confined to (0, 1) (DeltaNet range) the eigenvalue -1 is out of reach:
    # the error cannot drop below E[(u.x)^2] / d = 1/8.
    mse_1, beta_1, _ = _fit_reflection(beta_max=1.0, steps=200)
    assert mse_1 > 0.1, mse_1


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="beta_max"):
        DeltaResidualBlock(4, beta_max=2.5)
    with pytest.raises(ValueError, match="beta_max"):
        DeltaResidualBlock(4, beta_max=0.0)
    with pytest.raises(ValueError, match="dim"):
        DeltaResidualBlock(1)
    with pytest.raises(ValueError, match="value_dim"):
        DeltaResidualBlock(4, value_dim=0)
    with pytest.raises(ValueError, match="hidden"):
        DeltaResidualBlock(4, hidden=-3)
    m = DeltaResidualBlock(4, value_dim=2)
    with pytest.raises(ValueError, match="x must be"):
        m(torch.randn(3, 4))  # vector input needs value_dim=1
    with pytest.raises(ValueError, match="x must be"):
        m(torch.randn(3, 4, 3))
    with pytest.raises(ValueError, match="x must be"):
        DeltaResidualBlock(4)(torch.randn(3, 5))
    with pytest.raises(ValueError, match="beta"):
        delta_operator(torch.randn(3, 4), torch.rand(2))

"""Tests for circuitlab/zoo/dselect_k.py."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.zoo import get
from circuitlab.zoo.dselect_k import DSelectKGate, DSelectKMoE, smooth_step


def test_registered():
    assert get("dselect_k") is DSelectKGate and get("dselect_k_moe") is DSelectKMoE


def test_shapes():
    assert DSelectKGate(8, 3)().shape == (8,)
    assert DSelectKGate(6, 2, input_dim=5)(torch.randn(4, 5)).shape == (4, 6)
    assert DSelectKGate(6, 2, input_dim=5).selectors(torch.randn(4, 5)).shape == (4, 2, 6)
    assert DSelectKMoE(5, 3, n_experts=6, k=2)(torch.randn(4, 5)).shape == (4, 3)
    assert DSelectKMoE(5, 3, n_experts=6, k=2, per_example=False)(torch.randn(4, 5)).shape == (4, 3)


def test_gate_is_a_distribution_at_init():
    for n in (2, 5, 8):
        q = DSelectKGate(n, 2)()
        assert (q >= 0).all()
        # codes >= n are unreachable, so the mass on real experts is <= 1 (== 1 for powers of 2)
        assert q.sum().item() <= 1 + 1e-6
    torch.testing.assert_close(DSelectKGate(8, 3)().sum(), torch.tensor(1.0))


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    for per_example in (True, False):
        m = DSelectKMoE(4, 2, n_experts=6, k=2, hidden=8, per_example=per_example)
        x = torch.randn(16, 4)
        (m(x).pow(2).mean() + m.regularization(x)).backward()
        for name, p in m.named_parameters():
            assert p.grad is not None and torch.isfinite(p.grad).all(), name
            assert p.grad.abs().sum() > 0, name


def test_smooth_step_values():
    t = torch.tensor([-1.0, -0.5, 0.0, 0.25, 0.5, 2.0])
    s = smooth_step(t, gamma=1.0)
    assert s[0] == 0 and s[1] == 0 and s[4] == 1 and s[5] == 1
    torch.testing.assert_close(s[2], torch.tensor(0.5))
    torch.testing.assert_close(s[3], torch.tensor(-2 * 0.25**3 + 1.5 * 0.25 + 0.5))


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 20), k=st.integers(1, 5), seed=st.integers(0, 10_000))
def test_converged_selectors_give_exact_k_sparse_gate(n, k, seed):
    """With every z outside the cubic region, the gate has <= k non-zeros (== #distinct codes)."""
    k = min(k, n)
    gen = torch.Generator().manual_seed(seed)
    gate = DSelectKGate(n, k, gamma=1.0)
    picks = torch.randperm(n, generator=gen)[:k]
    bits = gate.codes[picks].float()  # [k, m]
    with torch.no_grad():
        gate.z.copy_((2 * bits - 1) * (0.5 + torch.rand(bits.shape, generator=gen)))
        gate.w.copy_(torch.randn(k, generator=gen))
    q = gate()
    nonzero = torch.nonzero(q).flatten().sort().values
    assert torch.equal(nonzero, picks.sort().values)  # exactly the k chosen experts
    assert (q[q != 0] > 0).all() and int((q == 0).sum()) == n - k  # exact zeros elsewhere
    torch.testing.assert_close(q.sum(), torch.tensor(1.0))


def _train_static_gate(n, k, seed, steps=800):
    """Fit y = 0.6 f_a(x) + 0.4 f_b(x) over n fixed random linear experts."""
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    experts = torch.randn(n, 6, 3, generator=gen)
    chosen = torch.randperm(n, generator=gen)[:k]
    coef = torch.tensor([0.6, 0.4])
    gate = DSelectKGate(n, k, entropy_reg=0.0)
    opt = torch.optim.Adam(gate.parameters(), 2e-2)
    for step in range(steps):
        gate.entropy_reg = 0.05 * min(1.0, max(0.0, (step - 0.3 * steps) / (0.3 * steps)))
        x = torch.randn(128, 6, generator=gen)
        outs = torch.einsum("bi,nio->bno", x, experts)  # [B, n, 3]
        y = (coef[None, :, None] * outs[:, chosen]).sum(1)
        loss = ((gate()[None, :, None] * outs).sum(1) - y).pow(2).mean() + gate.regularization()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return gate, chosen


@pytest.mark.parametrize("n,seed", [(8, 0), (6, 1)])
def test_training_converges_to_exactly_k_experts(n, seed):
    gate, chosen = _train_static_gate(n, 2, seed)
    with torch.no_grad():
        q = gate()
    assert gate.n_selected().item() == 2
    assert sorted(torch.nonzero(q).flatten().tolist()) == sorted(chosen.tolist())
    assert int((q == 0).sum()) == n - 2  # exact zeros, not small numbers
    assert (gate.z.abs() >= gate.gamma / 2).all()  # the smooth-steps have converged to 0/1
    torch.testing.assert_close(q[chosen], torch.tensor([0.6, 0.4]), atol=2e-2, rtol=0)


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="k must be"):
        DSelectKGate(4, 5)
    with pytest.raises(ValueError, match="k must be"):
        DSelectKGate(4, 0)
    with pytest.raises(ValueError, match="n_experts"):
        DSelectKGate(1, 1)
    with pytest.raises(ValueError, match="gamma"):
        DSelectKGate(4, 2, gamma=0.0)
    with pytest.raises(ValueError, match="input_dim"):
        DSelectKGate(4, 2, input_dim=0)
    with pytest.raises(ValueError, match="entropy_reg"):
        DSelectKGate(4, 2, entropy_reg=-1.0)
    with pytest.raises(ValueError, match="x must be None"):
        DSelectKGate(4, 2)(torch.randn(3, 2))
    with pytest.raises(ValueError, match="x must be"):
        DSelectKGate(4, 2, input_dim=3)(torch.randn(3, 2))
    with pytest.raises(ValueError, match="x must be"):
        DSelectKGate(4, 2, input_dim=3)()
    with pytest.raises(ValueError, match="k must be"):
        DSelectKMoE(3, 2, n_experts=3, k=4)
    with pytest.raises(ValueError, match="hidden"):
        DSelectKMoE(3, 2, n_experts=3, k=2, hidden=0)
    with pytest.raises(ValueError, match="x must be"):
        DSelectKMoE(3, 2, n_experts=3, k=2)(torch.randn(4, 2))

"""Tests for circuitlab/zoo/gdkvm.py."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from circuitlab.zoo import get
from circuitlab.zoo.gdkvm import GDKVMemory, gdkvm_recurrence, gdkvm_write, public_code_decay


def test_registered():
    assert get("gdkvm") is GDKVMemory


def test_shapes():
    m = GDKVMemory(key_in=6, value_in=5, key_dim=8, value_dim=12, n_heads=3)
    read, state = m(torch.randn(2, 7, 10, 6), torch.randn(2, 7, 10, 5), return_state=True)
    assert read.shape == (2, 7, 10, 12)
    assert state.shape == (2, 8, 12)
    alpha, beta = m.gates(torch.randn(2, 7, 10, 6), torch.randn(2, 7, 10, 5))
    assert alpha.shape == beta.shape == (2, 7, 12)
    assert (alpha > 0).all() and (alpha < 1).all() and (beta > 0).all() and (beta < 1).all()


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    m = GDKVMemory(key_in=6, value_in=5, key_dim=8, value_dim=8, n_heads=2)
    read = m(torch.randn(2, 5, 9, 6), torch.randn(2, 5, 9, 5))
    read.pow(2).mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_exact_overwrite_of_a_uniform_region():
    """alpha = beta = 1, every pixel on one unit key: the newest value replaces the old one."""
    dk, dv, p = 5, 3, 7
    gen = torch.Generator().manual_seed(0)
    key = F.normalize(torch.randn(dk, generator=gen), dim=0)
    other = torch.randn(dk, generator=gen)
    other = F.normalize(other - (other @ key) * key, dim=0)
    v1, v_other, v2 = torch.randn(3, dv, generator=gen)
    frame_keys = torch.stack([key, other, key, key]).repeat_interleave(p, 0).view(1, 4, p, dk)
    frame_vals = torch.stack([v1, v_other, v2, torch.zeros(dv)]).repeat_interleave(p, 0).view(1, 4, p, dv)
    ones = torch.ones(1, 4, dv)
    read, state, _ = gdkvm_recurrence(frame_keys, frame_vals, ones, ones)
    torch.testing.assert_close(read[0, 3, 0], v2, atol=1e-6, rtol=0)  # frame 3 reads frames < 3
    torch.testing.assert_close(state[0].T @ other, v_other, atol=1e-6, rtol=0)  # other key untouched
    torch.testing.assert_close(read[0, 2, 0], v1, atol=1e-6, rtol=0)  # before the overwrite


def test_state_norm_bounded_over_100_frames():
    torch.manual_seed(0)
    m = GDKVMemory(key_in=8, value_in=8, key_dim=16, value_dim=16, n_heads=4)
    keys, values = torch.randn(3, 100, 12, 8), 3 * torch.randn(3, 100, 12, 8)
    with torch.no_grad():
        alpha, beta = m.gates(keys, values)
        k = F.normalize(m.key_proj(keys), dim=-1)
        v = m.value_proj(values)
        _, _, norms = gdkvm_recurrence(k, v, alpha, beta)
        writes = (k.transpose(-1, -2) @ v / k.shape[2]).flatten(2).norm(dim=-1)  # [B, T] ||W_t||_F
    bound = writes.max() / (1 - alpha.max())
    assert torch.isfinite(norms).all()
    assert norms.max() <= bound * (1 + 1e-5)
    # No drift: the last 20 frames are no larger than the largest earlier state.
    assert norms[:, 80:].max() <= norms[:, :80].max() * 1.5


def test_write_is_non_expansive_for_any_beta_in_unit_interval():
    gen = torch.Generator().manual_seed(1)
    s = torch.randn(4, 6, 5, generator=gen)
    keys = F.normalize(torch.randn(4, 9, 6, generator=gen), dim=-1)
    zeros = torch.zeros(4, 9, 5)
    for beta in (0.0, 0.3, 1.0):
        out = gdkvm_write(s, keys, zeros, torch.ones(4, 5), torch.full((4, 5), beta))
        assert (out.flatten(1).norm(dim=1) <= s.flatten(1).norm(dim=1) + 1e-6).all()


def test_public_code_decay_leaves_unit_interval():
    """The public code's multiplier is negative and can exceed 1 in magnitude (ours is a sigmoid)."""
    A_log = torch.log(torch.tensor([16.0, 8.0, 0.5]))
    dt = torch.tensor([0.1, 0.1, 0.01])
    dt_bias = dt + torch.log(-torch.expm1(-dt))  # softplus^{-1}
    alpha = public_code_decay(torch.zeros(3), A_log, dt_bias)
    assert (alpha < 0).all()
    assert math.isclose(alpha[0].item(), -1.6, rel_tol=1e-5)
    assert alpha.abs().max() > 1


def test_bad_inputs_raise_value_error():
    for name in ("key_in", "value_in", "key_dim", "value_dim", "n_heads"):
        kwargs = dict(key_in=4, value_in=4, key_dim=4, value_dim=4, n_heads=2)
        kwargs[name] = -1
        with pytest.raises(ValueError, match=name):
            GDKVMemory(**kwargs)
    with pytest.raises(ValueError, match="n_heads"):
        GDKVMemory(key_in=4, value_in=4, value_dim=6, n_heads=4)
    m = GDKVMemory(key_in=4, value_in=3, key_dim=4, value_dim=4, n_heads=2)
    with pytest.raises(ValueError, match="keys"):
        m(torch.randn(2, 3, 5, 3), torch.randn(2, 3, 5, 3))
    with pytest.raises(ValueError, match="values"):
        m(torch.randn(2, 3, 5, 4), torch.randn(2, 3, 6, 3))
    with pytest.raises(ValueError, match="keys"):
        m(torch.randn(3, 5, 4), torch.randn(3, 5, 3))
    with pytest.raises(ValueError, match="initial_state"):
        m(torch.randn(2, 3, 5, 4), torch.randn(2, 3, 5, 3), initial_state=torch.zeros(2, 4, 5))

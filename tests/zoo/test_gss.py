"""Tests for circuitlab/zoo/gss.py."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.zoo import get
from circuitlab.zoo.gss import GSS, DSSKernel, direct_causal_conv, fft_causal_conv


def test_registered():
    assert get("gss") is GSS


def test_shapes():
    m = GSS(d_model=12, d_ssm=6, expand=3, d_state=8)
    assert m(torch.randn(2, 17, 12)).shape == (2, 17, 12)
    assert DSSKernel(5, 8)(23).shape == (5, 23)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    m = GSS(d_model=8, d_ssm=4, d_state=4)
    m(torch.randn(2, 9, 8)).pow(2).mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@settings(max_examples=25, deadline=None)
@given(length=st.integers(1, 70), channels=st.integers(1, 4), seed=st.integers(0, 10_000))
def test_fft_convolution_equals_direct_convolution(length, channels, seed):
    gen = torch.Generator().manual_seed(seed)
    u = torch.randn(2, channels, length, generator=gen, dtype=torch.float64)
    k = torch.randn(channels, length + 3, generator=gen, dtype=torch.float64)
    torch.testing.assert_close(fft_causal_conv(u, k), direct_causal_conv(u, k), atol=1e-10, rtol=1e-10)


def test_direct_convolution_definition_and_causality():
    gen = torch.Generator().manual_seed(0)
    u, k = torch.randn(1, 2, 6, generator=gen), torch.randn(2, 6, generator=gen)
    y = direct_causal_conv(u, k)
    for t in range(6):
        want = sum(k[:, t - s] * u[0, :, s] for s in range(t + 1))
        torch.testing.assert_close(y[0, :, t], want, atol=1e-6, rtol=1e-6)
    # A change at position 3 never reaches positions < 3.
    u2 = u.clone()
    u2[..., 3] += 1.0
    torch.testing.assert_close(fft_causal_conv(u2, k)[..., :3], fft_causal_conv(u, k)[..., :3])


def test_layer_fft_path_equals_direct_path():
    torch.manual_seed(0)
    m = GSS(d_model=8, d_ssm=5, d_state=6)
    x = torch.randn(3, 40, 8)
    y_fft = m(x)
    m.conv = "direct"
    torch.testing.assert_close(y_fft, m(x), atol=1e-5, rtol=1e-5)


class _DelayNet(nn.Module):
    def __init__(self, vocab: int, d: int, use_ssm: bool) -> None:
        super().__init__()
        self.emb, self.head = nn.Embedding(vocab, d), nn.Linear(d, vocab)
        self.gss = GSS(d, d_ssm=32, expand=2, d_state=32, use_ssm=use_ssm)

    def forward(self, x):
        return self.head(self.gss(self.emb(x)))


def _delayed_copy_accuracy(use_ssm: bool, steps: int = 200, vocab=8, length=32, delay=8) -> float:
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    net = _DelayNet(vocab, 32, use_ssm)
    opt = torch.optim.Adam(net.parameters(), 3e-3)
    for _ in range(steps):
        x = torch.randint(0, vocab, (32, length), generator=gen)
        loss = F.cross_entropy(net(x)[:, delay:].reshape(-1, vocab), x[:, :-delay].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    x = torch.randint(0, vocab, (256, length), generator=gen)
    with torch.no_grad():
        return (net(x)[:, delay:].argmax(-1) == x[:, :-delay]).float().mean().item()


def test_delayed_copy_is_learned():
    acc = _delayed_copy_accuracy(use_ssm=True)
    assert acc > 0.95, acc
    acc_no_ssm = _delayed_copy_accuracy(use_ssm=False, steps=60)
    assert acc_no_ssm < 0.3, acc_no_ssm  # chance is 1/8: the SSM does the copying


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="d_model"):
        GSS(0)
    with pytest.raises(ValueError, match="d_ssm"):
        GSS(8, d_ssm=-1)
    with pytest.raises(ValueError, match="expand"):
        GSS(8, expand=0)
    with pytest.raises(ValueError, match="conv"):
        GSS(8, conv="fast")
    with pytest.raises(ValueError, match="d_state"):
        GSS(8, d_state=5)
    with pytest.raises(ValueError, match="dt_min"):
        GSS(8, dt_min=0.5, dt_max=0.1)
    with pytest.raises(ValueError, match="x must be"):
        GSS(8)(torch.randn(2, 5, 7))
    with pytest.raises(ValueError, match="u must be"):
        fft_causal_conv(torch.randn(3, 4), torch.randn(3, 4))
    with pytest.raises(ValueError, match="k must be"):
        direct_causal_conv(torch.randn(1, 3, 8), torch.randn(3, 5))

"""Tests for circuitlab/zoo/gated_deltanet.py."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.zoo import get
from circuitlab.zoo.gated_deltanet import (
    GatedDeltaNet,
    chunk_gated_delta_rule_ref,
    fla_available,
    naive_recurrent_gated_delta_rule,
)


def _inputs(b=2, t=37, h=2, dk=8, dv=5, seed=0, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(b, t, h, dk, generator=gen, dtype=dtype)
    k = F.normalize(torch.randn(b, t, h, dk, generator=gen, dtype=dtype), dim=-1)
    v = torch.randn(b, t, h, dv, generator=gen, dtype=dtype)
    g = F.logsigmoid(torch.randn(b, t, h, generator=gen, dtype=dtype) + 2.0)
    beta = torch.rand(b, t, h, generator=gen, dtype=dtype)
    s0 = torch.randn(b, h, dk, dv, generator=gen, dtype=dtype)
    return q, k, v, g, beta, s0


def test_registered():
    assert get("gated_deltanet") is GatedDeltaNet


def test_shapes():
    m = GatedDeltaNet(d_model=16, n_heads=2, head_k_dim=8, head_v_dim=6)
    x = torch.randn(3, 11, 16)
    y, s = m(x, return_state=True)
    assert y.shape == (3, 11, 16)
    assert s.shape == (3, 2, 8, 6)
    q, k, v, g, beta, s0 = _inputs()
    o, st_ = chunk_gated_delta_rule_ref(q, k, v, g, beta, chunk_size=16)
    assert o.shape == (2, 37, 2, 5) and st_.shape == (2, 2, 8, 5)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    m = GatedDeltaNet(d_model=16, n_heads=2, chunk_size=8)
    x = torch.randn(2, 13, 16)
    m(x).pow(2).mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("chunk_size", [1, 5, 16, 64])
def test_chunked_equals_recurrent_fp32(chunk_size):
    q, k, v, g, beta, s0 = _inputs()
    o_ref, s_ref = naive_recurrent_gated_delta_rule(q, k, v, g, beta, initial_state=s0)
    o, s = chunk_gated_delta_rule_ref(q, k, v, g, beta, chunk_size=chunk_size, initial_state=s0)
    torch.testing.assert_close(o, o_ref, atol=2e-5, rtol=1e-5)
    torch.testing.assert_close(s, s_ref, atol=2e-5, rtol=1e-5)


def test_chunked_gradients_equal_recurrent_gradients():
    base = _inputs(t=21)
    grads = []
    for fn in (naive_recurrent_gated_delta_rule, lambda *a, **kw: chunk_gated_delta_rule_ref(*a, chunk_size=8, **kw)):
        leaves = [x.clone().requires_grad_(True) for x in base]
        q, k, v, g, beta, s0 = leaves
        o, s = fn(q, k, v, g, beta, initial_state=s0)
        (o.sin().sum() + s.cos().sum()).backward()
        grads.append([x.grad for x in leaves])
    for a, b in zip(*grads, strict=True):
        torch.testing.assert_close(a, b, atol=5e-5, rtol=1e-4)


@settings(max_examples=12, deadline=None)
@given(t=st.integers(1, 40), chunk=st.integers(1, 24), seed=st.integers(0, 10_000))
def test_chunked_equals_recurrent_property(t, chunk, seed):
    q, k, v, g, beta, s0 = _inputs(b=1, t=t, h=1, dk=4, dv=3, seed=seed)
    o_ref, s_ref = naive_recurrent_gated_delta_rule(q, k, v, g, beta, initial_state=s0)
    o, s = chunk_gated_delta_rule_ref(q, k, v, g, beta, chunk_size=chunk, initial_state=s0)
    torch.testing.assert_close(o, o_ref, atol=2e-5, rtol=1e-5)
    torch.testing.assert_close(s, s_ref, atol=2e-5, rtol=1e-5)


@pytest.mark.parametrize("impl", ["recurrent", "chunk"])
def test_exact_overwrite_of_a_key(impl):
    """alpha = 1, beta = 1, unit-norm key: reading the key returns the newest value."""
    dk, dv = 6, 4
    basis = torch.eye(dk)
    key = F.normalize(torch.tensor([1.0, 2.0, 0.0, -1.0, 0.5, 0.0]), dim=0)
    other = F.normalize(basis[2] - (basis[2] @ key) * key, dim=0)  # orthogonal to key
    v1, v_other, v2 = torch.randn(3, dv, generator=torch.Generator().manual_seed(1))
    keys = torch.stack([key, other, key])[None, :, None]  # [1, 3, 1, K]
    vals = torch.stack([v1, v_other, v2])[None, :, None]  # [1, 3, 1, V]
    q = keys.clone()
    g = torch.zeros(1, 3, 1)
    beta = torch.ones(1, 3, 1)
    if impl == "recurrent":
        o, s = naive_recurrent_gated_delta_rule(q, keys, vals, g, beta, scale=1.0)
    else:
        o, s = chunk_gated_delta_rule_ref(q, keys, vals, g, beta, chunk_size=2, scale=1.0)
    read_key = s[0, 0].T @ key
    read_other = s[0, 0].T @ other
    torch.testing.assert_close(read_key, v2, atol=1e-6, rtol=0)  # v1 fully replaced
    torch.testing.assert_close(read_other, v_other, atol=1e-6, rtol=0)  # untouched
    torch.testing.assert_close(o[0, 2, 0], v2, atol=1e-6, rtol=0)


def test_module_modes_agree_and_state_carries():
    torch.manual_seed(0)
    m = GatedDeltaNet(d_model=12, n_heads=3, conv_size=0, chunk_size=4)
    x = torch.randn(2, 19, 12)
    y_chunk, s_chunk = m(x, return_state=True)
    m.mode = "recurrent"
    y_rec, s_rec = m(x, return_state=True)
    torch.testing.assert_close(y_chunk, y_rec, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s_chunk, s_rec, atol=1e-5, rtol=1e-5)
    # Without the conv the layer is a pure recurrence: two halves == one pass.
    y1, s1 = m(x[:, :10], return_state=True)
    y2, s2 = m(x[:, 10:], initial_state=s1, return_state=True)
    torch.testing.assert_close(torch.cat([y1, y2], 1), y_rec, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s2, s_rec, atol=1e-5, rtol=1e-5)


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="d_model"):
        GatedDeltaNet(d_model=0)
    with pytest.raises(ValueError, match="n_heads"):
        GatedDeltaNet(d_model=8, n_heads=-1)
    with pytest.raises(ValueError, match="n_heads"):
        GatedDeltaNet(d_model=10, n_heads=3)
    with pytest.raises(ValueError, match="chunk_size"):
        GatedDeltaNet(d_model=8, chunk_size=0)
    with pytest.raises(ValueError, match="mode"):
        GatedDeltaNet(d_model=8, mode="fast")
    with pytest.raises(ValueError, match="conv_size"):
        GatedDeltaNet(d_model=8, conv_size=-2)
    m = GatedDeltaNet(d_model=8, n_heads=2)
    with pytest.raises(ValueError, match="x must be"):
        m(torch.randn(2, 5, 7))
    with pytest.raises(ValueError, match="x must be"):
        m(torch.randn(5, 8))
    q, k, v, g, beta, s0 = _inputs()
    with pytest.raises(ValueError, match="beta"):
        naive_recurrent_gated_delta_rule(q, k, v, g, beta[:, :-1])
    with pytest.raises(ValueError, match="initial_state"):
        chunk_gated_delta_rule_ref(q, k, v, g, beta, initial_state=s0[:, :1])
    with pytest.raises(ValueError, match="chunk_size"):
        chunk_gated_delta_rule_ref(q, k, v, g, beta, chunk_size=0)
    with pytest.raises(RuntimeError, match="use_fla"):
        GatedDeltaNet(d_model=8, n_heads=2, use_fla=True)(torch.randn(1, 3, 8))


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available() or not fla_available(), reason="needs CUDA and fla")
def test_fla_kernel_matches_reference_on_gpu():
    torch.manual_seed(0)
    m = GatedDeltaNet(d_model=64, n_heads=2).cuda()
    x = torch.randn(2, 100, 64, device="cuda")
    y_fla, s_fla = m(x, return_state=True)
    m.use_fla = False
    y_ref, s_ref = m(x, return_state=True)
    # fla runs q/k/v in bf16: compare with a bf16-sized tolerance.
    torch.testing.assert_close(y_fla, y_ref, atol=3e-2, rtol=3e-2)
    torch.testing.assert_close(s_fla, s_ref, atol=3e-2, rtol=3e-2)

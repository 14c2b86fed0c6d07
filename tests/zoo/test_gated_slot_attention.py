"""Tests for circuitlab/zoo/gated_slot_attention.py."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from circuitlab.zoo import get
from circuitlab.zoo.gated_slot_attention import (
    GatedSlotAttention,
    chunk_gla_ref,
    chunk_gsa_ref,
    fla_available,
    naive_recurrent_gsa,
)


def _inputs(b=2, t=29, h=2, dk=6, dv=5, m=4, seed=0):
    gen = torch.Generator().manual_seed(seed)
    q = torch.randn(b, t, h, dk, generator=gen)
    k = torch.randn(b, t, h, dk, generator=gen)
    v = torch.randn(b, t, h, dv, generator=gen)
    g = F.logsigmoid(torch.randn(b, t, h, m, generator=gen)) / 2
    init = (torch.randn(b, h, m, dk, generator=gen), torch.randn(b, h, m, dv, generator=gen))
    return q, k, v, g, init


def test_registered():
    assert get("gated_slot_attention") is GatedSlotAttention


def test_shapes():
    m = GatedSlotAttention(d_model=16, n_heads=2, n_slots=5)
    y, (ks, vs) = m(torch.randn(3, 9, 16), return_state=True)
    assert y.shape == (3, 9, 16)
    assert ks.shape == (3, 2, 5, 8) and vs.shape == (3, 2, 5, 8)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    m = GatedSlotAttention(d_model=16, n_heads=2, n_slots=4, chunk_size=4)
    m(torch.randn(2, 10, 16)).pow(2).mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("chunk_size", [1, 4, 16])
def test_chunked_equals_recurrent(chunk_size):
    q, k, v, g, init = _inputs()
    o_ref, (k_ref, v_ref) = naive_recurrent_gsa(q, k, v, g, initial_state=init)
    o, (ks, vs) = chunk_gsa_ref(q, k, v, g, initial_state=init, chunk_size=chunk_size)
    torch.testing.assert_close(o, o_ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(ks, k_ref, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(vs, v_ref, atol=1e-5, rtol=1e-5)


def test_chunk_gla_matches_its_recurrence():
    gen = torch.Generator().manual_seed(3)
    b, t, h, dk, dv = 1, 23, 2, 4, 3
    q, k = torch.randn(2, b, t, h, dk, generator=gen)
    v = torch.randn(b, t, h, dv, generator=gen)
    gk = F.logsigmoid(torch.randn(b, t, h, dk, generator=gen))
    gv = F.logsigmoid(torch.randn(b, t, h, dv, generator=gen))
    s = torch.randn(b, h, dk, dv, generator=gen)
    o, s_end = chunk_gla_ref(q, k, v, gk, gv, chunk_size=6, initial_state=s)
    for i in range(t):
        s = gk[:, i].exp()[..., None] * s * gv[:, i].exp()[..., None, :] + k[:, i, ..., None] * v[:, i, :, None, :]
        torch.testing.assert_close(o[:, i], torch.einsum("bhkv,bhk->bhv", s, q[:, i]), atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(s_end, s, atol=1e-5, rtol=1e-5)


def test_bounded_memory_streaming_equals_full_pass():
    """The state has a fixed size; feeding one token at a time reproduces the full pass."""
    torch.manual_seed(0)
    m = GatedSlotAttention(d_model=12, n_heads=3, n_slots=6, chunk_size=8)
    sizes = set()
    for t in (4, 64, 256):
        _, (ks, vs) = m(torch.randn(1, t, 12), return_state=True)
        sizes.add((ks.numel(), vs.numel()))
    assert sizes == {(1 * 3 * 6 * 4, 1 * 3 * 6 * 4)}
    x = torch.randn(2, 20, 12)
    y_full = m(x)
    state, ys = None, []
    for i in range(20):
        y_i, state = m(x[:, i : i + 1], initial_state=state, return_state=True)
        ys.append(y_i)
    torch.testing.assert_close(torch.cat(ys, 1), y_full, atol=1e-5, rtol=1e-5)


class _Recall(nn.Module):
    """Associative recall: (key, value) pairs, then a query key -> its value."""

    def __init__(self, n_keys: int, n_vals: int, d: int, slots: int) -> None:
        super().__init__()
        self.ek, self.ev, self.eq = nn.Embedding(n_keys, d), nn.Embedding(n_vals, d), nn.Embedding(n_keys, d)
        self.mix = GatedSlotAttention(d, n_heads=1, n_slots=slots, gate_logit_normalizer=1.0, mode="recurrent")
        self.head = nn.Linear(d, n_vals)

    def forward(self, keys, vals, query):
        x = torch.cat([self.ek(keys) + self.ev(vals), self.eq(query)[:, None]], 1)  # [B, P + 1, D]
        return self.head(self.mix(x)[:, -1])


def _recall_batch(n, n_keys, n_vals, pairs, gen):
    keys = torch.stack([torch.randperm(n_keys, generator=gen)[:pairs] for _ in range(n)])
    vals = torch.randint(0, n_vals, (n, pairs), generator=gen)
    pick = torch.randint(0, pairs, (n,), generator=gen)
    rows = torch.arange(n)
    return keys, vals, keys[rows, pick], vals[rows, pick]


def test_associative_recall_with_bounded_memory():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    n_keys = n_vals = 16
    net = _Recall(n_keys, n_vals, d=64, slots=8)
    opt = torch.optim.Adam(net.parameters(), 3e-3)
    for _ in range(400):
        k, v, q, y = _recall_batch(64, n_keys, n_vals, 4, gen)
        loss = F.cross_entropy(net(k, v, q), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    k, v, q, y = _recall_batch(1000, n_keys, n_vals, 4, gen)
    with torch.no_grad():
        acc = (net(k, v, q).argmax(-1) == y).float().mean().item()
    assert acc > 0.8, acc  # chance is 1/16


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="n_slots"):
        GatedSlotAttention(d_model=8, n_slots=-1)
    with pytest.raises(ValueError, match="n_slots"):
        GatedSlotAttention(d_model=8, n_slots=0)
    with pytest.raises(ValueError, match="d_model"):
        GatedSlotAttention(d_model=0)
    with pytest.raises(ValueError, match="n_heads"):
        GatedSlotAttention(d_model=9, n_heads=2)
    with pytest.raises(ValueError, match="gate_logit_normalizer"):
        GatedSlotAttention(d_model=8, gate_logit_normalizer=0.0)
    with pytest.raises(ValueError, match="chunk_size"):
        GatedSlotAttention(d_model=8, chunk_size=0)
    with pytest.raises(ValueError, match="mode"):
        GatedSlotAttention(d_model=8, mode="parallel")
    m = GatedSlotAttention(d_model=8, n_heads=2, n_slots=3)
    with pytest.raises(ValueError, match="x must be"):
        m(torch.randn(1, 4, 6))
    q, k, v, g, init = _inputs()
    with pytest.raises(ValueError, match="g must be"):
        naive_recurrent_gsa(q, k, v, g[..., 0])
    with pytest.raises(ValueError, match="initial_state"):
        chunk_gsa_ref(q, k, v, g, initial_state=(init[0], init[0]))
    with pytest.raises(ValueError, match="chunk_size"):
        chunk_gla_ref(q, k, v, chunk_size=0)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available() or not fla_available(), reason="needs CUDA and fla")
def test_fla_kernel_matches_reference_on_gpu():
    torch.manual_seed(0)
    m = GatedSlotAttention(d_model=64, n_heads=2, n_slots=16).cuda()
    x = torch.randn(2, 100, 64, device="cuda")
    y_fla, (k_fla, v_fla) = m(x, return_state=True)
    m.use_fla = False
    y_ref, (k_ref, v_ref) = m(x, return_state=True)
    torch.testing.assert_close(y_fla, y_ref, atol=2e-2, rtol=2e-2)
    torch.testing.assert_close(k_fla, k_ref, atol=2e-2, rtol=2e-2)
    torch.testing.assert_close(v_fla, v_ref, atol=2e-2, rtol=2e-2)

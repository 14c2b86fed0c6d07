import pytest
import torch
from torch import nn

from circuitlab.benchmarks.zoo.tasks_a import gateskip_sequence
from circuitlab.zoo import get
from circuitlab.zoo.gateskip import GateSkipResidual, gateskip_penalty


def _block(d=8):
    torch.manual_seed(0)
    return GateSkipResidual(nn.Sequential(nn.Linear(d, 16), nn.ReLU(), nn.Linear(16, d)), d)


def test_shape_and_registry():
    blk = _block()
    h = torch.randn(2, 10, 8)  # [B, T, D]
    assert blk(h).shape == (2, 10, 8)
    assert blk(h, budget=0.3).shape == (2, 10, 8)
    assert blk.last_gate.shape == (2, 3, 8)  # ceil(0.3 * 10) tokens ran
    assert get("gateskip") is GateSkipResidual


def test_gradient_flow():
    blk = _block()
    with torch.no_grad():
        blk.gate_proj.weight.normal_()
    h = torch.randn(2, 5, 8)
    (blk(h).pow(2).sum() + gateskip_penalty(blk)).backward()
    for name, p in blk.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_gate_reads_a_stopgrad_stream():
    blk = GateSkipResidual(nn.Identity(), 4)
    with torch.no_grad():
        blk.gate_proj.weight.normal_()
    h = torch.randn(3, 4, requires_grad=True)
    h3 = h[None]
    out = blk(h3)
    g = blk.gate(h3).detach()
    (gh,) = torch.autograd.grad(out.sum(), h)
    torch.testing.assert_close(gh, 1 + g[0])  # no d gate / d h term


def test_skipped_tokens_pass_through_unchanged():
    blk = _block()
    h = torch.randn(3, 12, 8)
    torch.testing.assert_close(blk(h, budget=0.0), h)
    out = blk(h, budget=0.25)
    changed = (out != h).any(-1)  # [B, T]
    assert (changed.sum(1) <= 3).all()
    score = blk.gate(h).mean(-1)
    top = score.topk(3, dim=1).indices
    assert changed.gather(1, top).all()  # the top-gated tokens ran
    torch.testing.assert_close(blk(h, budget=1.0), blk(h))


def test_gate_ranked_skipping_beats_random_skipping():
    r = gateskip_sequence(steps=600, seed=0, budgets=(0.4,))
    assert r["full"] >= 0.97, r
    assert r["gate@0.4"] >= r["random@0.4"] + 0.03, r


def test_bad_inputs():
    blk = _block()
    with pytest.raises(ValueError, match="d_model"):
        GateSkipResidual(nn.Identity(), 0)
    with pytest.raises(ValueError, match="branch"):
        GateSkipResidual(lambda x: x, 4)
    with pytest.raises(ValueError, match="h"):
        blk(torch.randn(2, 8))
    with pytest.raises(ValueError, match="budget"):
        blk(torch.randn(1, 3, 8), budget=1.5)
    with pytest.raises(ValueError, match="mode"):
        blk(torch.randn(1, 3, 8), budget=0.5, mode="lowest")
    with pytest.raises(ValueError, match="penalty"):
        _block().penalty()

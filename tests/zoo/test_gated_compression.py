import pytest
import torch

from circuitlab.benchmarks.zoo.tasks_a import gated_compression_stream
from circuitlab.zoo import get
from circuitlab.zoo.gated_compression import GatedCompression


def test_shape_and_registry():
    z, stop = GatedCompression(6)(torch.randn(4, 6))
    assert z.shape == (4, 6) and stop.shape == (4,)
    z, stop = GatedCompression(6)(torch.randn(2, 3, 6))  # [B, T, D]
    assert z.shape == (2, 3, 6) and stop.shape == (2, 3)
    assert get("gated_compression") is GatedCompression


def test_gradient_flow():
    torch.manual_seed(0)
    m = GatedCompression(5)
    z, stop = m(torch.randn(8, 5))
    (z.pow(2).sum() + stop.sum() + m.penalty()).backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and (p.grad != 0).all(), name


def test_zero_gates_compress_and_stay_closed():
    m = GatedCompression(4)
    with torch.no_grad():
        m.gate_weight.copy_(torch.tensor([1.0, -0.5, 0.3, 0.0]))
    h = torch.randn(3, 4)
    z, _ = m(h)
    assert (z[:, [1, 3]] == 0).all() and torch.equal(z[:, 0], h[:, 0])
    assert m.compression() == 0.5
    z.sum().backward()
    assert m.gate_weight.grad[1] == 0 and m.gate_weight.grad[3] == 0  # a closed gate gets no task gradient


def test_always_on_stream_early_stop_keeps_recall():
    r = gated_compression_stream(steps=500, seed=0, n_test=8000)
    assert r["neg_stopped"] >= 0.8, r  # most negatives leave after stage 1
    assert r["recall_early_stop"] >= r["recall_full"] - 0.03, r  # positives are not lost
    assert r["recall_full"] >= 0.85, r
    assert r["compression"] > 0.0, r


def test_bad_inputs():
    with pytest.raises(ValueError, match="d"):
        GatedCompression(0)
    with pytest.raises(ValueError, match="gate_init"):
        GatedCompression(4, gate_init=0.0)
    with pytest.raises(ValueError, match="h"):
        GatedCompression(4)(torch.randn(2, 5))
    with pytest.raises(ValueError, match="tau"):
        GatedCompression.stop_mask(torch.zeros(3), 1.5)

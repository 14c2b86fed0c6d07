"""gnn/product_conv.py: the product aggregation equals a per-node reference and is differentiable."""

import torch

from circuitlab.gnn.product_conv import ProductAggregation


def test_matches_reference():
    torch.manual_seed(0)
    layer = ProductAggregation(6)
    x = torch.randn(5, 6, requires_grad=True)
    ei = torch.tensor([[0, 1, 2, 3, 4], [0, 0, 1, 1, 1]])
    attr = torch.tensor([[0, 0], [1, 0], [0, 0], [1, 0], [0, 1]], dtype=torch.float)
    out = layer(x, 2, ei, attr)
    ref = torch.ones(2, 6)
    for e in range(ei.shape[1]):
        h, c, s = x[ei[0, e]], attr[e, 0], attr[e, 1]
        q = torch.sigmoid(layer.message_lin(torch.cat([h * (1 - c) * (1 - s), h * c * (1 - s), h * s])))
        ref[ei[1, e]] = ref[ei[1, e]] * q
    assert out.shape == (2, 6) and torch.allclose(out, ref, atol=1e-6)
    assert ((out > 0) & (out < 1)).all()
    out.sum().backward()
    assert (x.grad.abs().sum(1) > 0).all()


def test_single_fanin_is_its_message():
    torch.manual_seed(1)
    layer = ProductAggregation(3)
    x = torch.randn(2, 3)
    ei = torch.tensor([[1], [0]])
    attr = torch.zeros(1, 2)
    want = torch.sigmoid(layer.message_lin(torch.cat([x[1], 0 * x[1], 0 * x[1]])))
    assert torch.allclose(layer(x, 1, ei, attr)[0], want, atol=1e-6)

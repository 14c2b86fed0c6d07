"""gnn/conv.py: attention aggregation equals a per-node reference computation."""

import torch

from circuitlab.gnn.conv import AttentionAggregation


def _reference(layer, x_src, x_dst, ei, attr):
    out = torch.zeros(x_dst.shape)
    for i in range(x_dst.shape[0]):
        edges = (ei[1] == i).nonzero().view(-1)
        if edges.numel() == 0:
            continue
        msgs, scores = [], []
        for e in edges.tolist():
            h, c, s = x_src[ei[0, e]], attr[e, 0], attr[e, 1]
            m = layer.message_lin(torch.cat([h * (1 - c) * (1 - s), h * c * (1 - s), h * s]))
            msgs.append(m)
            scores.append(layer.score(torch.tanh(layer.query(x_dst[i]) + layer.key(m))))
        alpha = torch.softmax(torch.cat(scores), 0)
        out[i] = (alpha[:, None] * torch.stack(msgs)).sum(0)
    return out


def test_matches_reference_and_has_gradients():
    torch.manual_seed(0)
    layer = AttentionAggregation(8)
    x_src = torch.randn(10, 8, requires_grad=True)
    x_dst = torch.randn(4, 8)
    ei = torch.tensor([[0, 1, 2, 3, 3, 9], [0, 0, 1, 1, 2, 2]])  # receiver 3 has no edges
    attr = torch.tensor([[0, 0], [1, 0], [0, 0], [0, 1], [1, 0], [0, 0]], dtype=torch.float)
    out = layer(x_src, x_dst, ei, attr)
    ref = _reference(layer, x_src, x_dst, ei, attr)
    assert out.shape == (4, 8)
    assert torch.allclose(out, ref, atol=1e-6)
    assert torch.equal(out[3], torch.zeros(8))
    out.sum().backward()
    assert x_src.grad[[0, 1, 2, 3, 9]].abs().sum() > 0 and x_src.grad[4:9].abs().sum() == 0


def test_polarity_changes_the_message():
    torch.manual_seed(1)
    layer = AttentionAggregation(4)
    x = torch.randn(1, 4)
    ei = torch.tensor([[0], [0]])
    plain = layer(x, x, ei, torch.tensor([[0.0, 0.0]]))
    comp = layer(x, x, ei, torch.tensor([[1.0, 0.0]]))
    assert not torch.allclose(plain, comp)

"""LogicNetwork: torch forward vs the numpy discretized network, and width checks."""

import numpy as np
import pytest
import torch

from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.model import LogicNetwork


@pytest.mark.parametrize("param", ["softmax16", "light"])
def test_hard_forward_equals_discrete_network(param):
    model = LogicNetwork(24, 4, [40, 32, 20], parametrization=param, init="random", tau=1.0, seed=3)
    x = (torch.rand(64, 24) > 0.5).float()
    model.eval()
    scores = model(x)  # tau = 1: integer counts
    disc = model.discretize()
    assert np.array_equal(scores.detach().numpy(), disc.scores(x.numpy()).astype(np.float32))
    assert [layer.out_dim for layer in disc.layers] == [40, 32, 20]
    assert disc.in_dim == 24 and disc.num_classes == 4


def test_training_forward_is_differentiable_and_seeded():
    m1 = LogicNetwork(16, 2, [20, 20], seed=5, init="random")
    m2 = LogicNetwork(16, 2, [20, 20], seed=5, init="random")
    for p, q in zip(m1.state_dict().values(), m2.state_dict().values(), strict=True):
        assert torch.equal(p, q)
    x = torch.rand(8, 16)
    m1.train()
    m1(x).sum().backward()
    assert all(layer.weight.grad is not None and layer.weight.grad.abs().sum() > 0 for layer in m1.layers)
    assert m1.num_gates() == 40


def test_width_errors():
    with pytest.raises(LGNConfigError, match="width 25 must be divisible by num_classes=10"):
        LogicNetwork(16, 10, [50, 25])
    with pytest.raises(LGNConfigError, match=r"in_dim=64, out_dim=20"):
        LogicNetwork(64, 2, [20, 20], connections="unique")
    with pytest.raises(LGNConfigError, match="in_dim=16"):
        LogicNetwork(16, 2, [20])(torch.rand(3, 15))

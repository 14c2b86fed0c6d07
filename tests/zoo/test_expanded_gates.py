import math

import pytest
import torch
import torch.nn.functional as F

from circuitlab.zoo import get
from circuitlab.zoo.expanded_gates import XATLU, XGELU, ExpandedGate, XSiLU, base_gate

CLASSES = [XATLU, XGELU, XSiLU]


@pytest.mark.parametrize("cls", CLASSES)
def test_shape_and_registry(cls):
    x = torch.randn(2, 3, 8)  # [B, T, C]
    assert cls(num_parameters=8)(x).shape == (2, 3, 8)
    assert cls()(x).shape == (2, 3, 8)
    assert get(cls.__name__.lower()) is cls


@pytest.mark.parametrize("cls", CLASSES)
def test_gradient_flow(cls):
    torch.manual_seed(0)
    m = cls(num_parameters=4, alpha_init=0.1)
    x = torch.randn(16, 4, requires_grad=True)
    m(x).pow(2).sum().backward()
    for p in [*m.parameters(), x]:
        assert p.grad is not None and torch.isfinite(p.grad).all() and (p.grad != 0).all()


def test_alpha_zero_is_exactly_the_base_gate():
    x = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    atlu = x * (torch.atan(x) / math.pi + 0.5)
    with torch.no_grad():
        assert torch.equal(XATLU()(x), atlu)
        assert torch.equal(XSiLU()(x), x * torch.sigmoid(x))
        assert torch.equal(XGELU()(x), x * base_gate(x, "gelu"))
        # and the library implementations agree to rounding
        torch.testing.assert_close(XSiLU()(x), F.silu(x), rtol=0, atol=1e-14)
        torch.testing.assert_close(XGELU()(x), F.gelu(x), rtol=0, atol=1e-14)


def test_alpha_expands_the_gate_range():
    x = torch.tensor([-50.0, 50.0], dtype=torch.float64)
    m = XSiLU(alpha_init=0.5).double()
    with torch.no_grad():
        g = m(x) / x  # the effective gate
    torch.testing.assert_close(g, torch.tensor([-0.5, 1.5], dtype=torch.float64))


def test_bad_inputs():
    with pytest.raises(ValueError, match="kind"):
        ExpandedGate("relu")
    with pytest.raises(ValueError, match="alpha_init"):
        XSiLU(alpha_init=-1.0)
    with pytest.raises(ValueError, match="num_parameters"):
        XGELU(num_parameters=0)
    with pytest.raises(ValueError, match="x"):
        XATLU(num_parameters=4)(torch.randn(3, 5))

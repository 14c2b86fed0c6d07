import math

import pytest
import torch

from circuitlab.benchmarks.zoo.tasks_a import mittag_leffler_gradcheck, mittag_leffler_reproduction
from circuitlab.zoo import get
from circuitlab.zoo.mittag_leffler import MittagLefflerActivation, mittag_leffler

D = torch.float64


def test_shape_and_registry():
    x = torch.randn(2, 3, 4)
    assert MittagLefflerActivation()(x).shape == (2, 3, 4)
    assert MittagLefflerActivation()(x).dtype == torch.float32
    assert mittag_leffler(torch.randn(5, 2, dtype=D), 0.6, 1.1).shape == (5, 2)
    assert get("mittag_leffler") is MittagLefflerActivation


def test_gradient_flow():
    m = MittagLefflerActivation(alpha=0.8, beta=1.2, gated=True).double()
    x = torch.linspace(-6, 6, 41, dtype=D, requires_grad=True)
    m(x).pow(2).sum().backward()
    for name, p in [*m.named_parameters(), ("x", x)]:
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_known_closed_forms():
    z = torch.linspace(-25, 5, 301, dtype=D)
    torch.testing.assert_close(mittag_leffler(z, 1.0, 1.0), torch.exp(z), rtol=1e-12, atol=1e-13)
    nz = z[z != 0]
    torch.testing.assert_close(mittag_leffler(nz, 1.0, 2.0), torch.expm1(nz) / nz, rtol=1e-12, atol=1e-13)
    # E_{1/2,1}(-x) = exp(x^2) erfc(x) for x >= 0 (scaled complementary error function)
    x = torch.linspace(0, 6, 61, dtype=D)
    ref = torch.special.erfcx(x)
    torch.testing.assert_close(mittag_leffler(-x, 0.5, 1.0), ref, rtol=1e-11, atol=1e-13)


def test_against_high_precision_series():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 60

    def ref(z, a, b):
        s, k = mpmath.mpf(0), 0
        z, a, b = mpmath.mpf(z), mpmath.mpf(a), mpmath.mpf(b)
        while True:
            t = z**k * mpmath.rgamma(a * k + b)
            s += t
            if a * k > abs(z) ** (1 / a) + 20 and abs(t) < mpmath.mpf(10) ** -40:
                return float(s)
            k += 1

    for a, b in ((0.3, 0.4), (0.6, 2.0), (0.9, 0.9), (1.0, 0.5), (1.05, 1.5)):
        for z in (-15.0, -4.0, -0.7, 0.5, 3.0):
            if abs(z) ** (1 / a) > 120:
                continue
            got = mittag_leffler(torch.tensor([z], dtype=D), a, b).item()
            assert abs(got - ref(z, a, b)) <= 1e-12 * max(1.0, abs(got)), (a, b, z)


def test_reproduces_tanh_sigmoid_swish_to_1e6():
    errs = mittag_leffler_reproduction()
    assert set(errs) == {"tanh", "sigmoid", "swish"}
    for name, err in errs.items():
        assert err <= 1e-6, (name, err)  # measured ~1e-13


def test_gradcheck_all_branches():
    assert mittag_leffler_gradcheck()


def test_gradients_match_autograd_of_the_plain_series():
    # independent check for |z| small: autograd through a truncated float64 series
    z = torch.linspace(-2, 2, 9, dtype=D, requires_grad=True)
    a = torch.tensor(0.7, dtype=D, requires_grad=True)
    b = torch.tensor(1.3, dtype=D, requires_grad=True)
    k = torch.arange(80, dtype=D)
    series = (z[:, None] ** k / torch.exp(torch.lgamma(a * k + b))).sum(1)
    g_ref = torch.autograd.grad(series.sum(), (z, a, b))
    g_ours = torch.autograd.grad(mittag_leffler(z, a, b).sum(), (z, a, b))
    for r, o in zip(g_ref, g_ours, strict=True):
        torch.testing.assert_close(o, r, rtol=1e-10, atol=1e-11)


def test_activation_is_bounded_gate_for_large_inputs():
    m = MittagLefflerActivation(alpha=0.6, beta=0.9).double()
    x = torch.tensor([-1e4, -50.0, 0.0, 50.0, 1e4], dtype=D, requires_grad=True)
    y = m(x)
    assert torch.isfinite(y).all() and (y >= 0).all() and (y <= 1).all()
    y.sum().backward()
    assert torch.isfinite(x.grad).all() and torch.isfinite(m.alpha.grad) and torch.isfinite(m.beta.grad)


def test_bad_inputs():
    with pytest.raises(ValueError, match="alpha"):
        MittagLefflerActivation(alpha=1.5)
    with pytest.raises(ValueError, match="beta"):
        MittagLefflerActivation(alpha=0.8, beta=0.5)
    with pytest.raises(ValueError, match="beta"):
        mittag_leffler(torch.zeros(2, dtype=D), 0.5, 0.0)
    with pytest.raises(ValueError, match="kappa"):
        MittagLefflerActivation(kappa=-1.0)
    with pytest.raises(ValueError, match="shift"):
        MittagLefflerActivation(shift=math.inf)
    with pytest.raises(ValueError, match="z"):
        mittag_leffler(torch.arange(3), 1.0, 1.0)
    with pytest.raises(ValueError, match="x"):
        MittagLefflerActivation()(torch.arange(3))

import pytest
import torch

from circuitlab.benchmarks.zoo.tasks_a import glu_regression
from circuitlab.zoo import get
from circuitlab.zoo.glu import GLU_VARIANTS, GLUFFN, DenseFFN, matched_hidden, n_params


@pytest.mark.parametrize("variant", GLU_VARIANTS)
def test_shape(variant):
    x = torch.randn(2, 7, 12)  # [B, T, D]
    assert GLUFFN(12, 8, variant)(x).shape == (2, 7, 12)
    assert GLUFFN(12, 8, variant, d_out=3, bias=True)(x).shape == (2, 7, 3)
    assert get("glu_ffn") is GLUFFN and get("dense_ffn") is DenseFFN


@pytest.mark.parametrize("variant", GLU_VARIANTS)
def test_gradient_flow(variant):
    torch.manual_seed(0)
    m = GLUFFN(6, 10, variant, bias=True)
    m(torch.randn(16, 6)).pow(2).sum().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all() and p.grad.abs().sum() > 0, name


def test_equations():
    torch.manual_seed(0)
    m = GLUFFN(4, 5, "swiglu")
    x = torch.randn(3, 4)
    a, v = x @ m.w_gate.weight.T, x @ m.w_value.weight.T
    torch.testing.assert_close(m(x), (a * torch.sigmoid(a) * v) @ m.w_out.weight.T)


def test_matched_hidden_equalises_parameters():
    for d, d_ff, d_out, bias in ((10, 64, 1, True), (512, 2048, None, False), (16, 48, 16, True)):
        h = matched_hidden(d, d_ff, d_out, bias)
        dense, glu = n_params(DenseFFN(d, d_ff, d_out=d_out, bias=bias)), n_params(GLUFFN(d, h, d_out=d_out, bias=bias))
        assert abs(dense - glu) <= 2 * d + (d_out or d) + 2  # within one hidden unit
    assert matched_hidden(512, 3072) == 2048  # Shazeer: d_ff 3072 -> 2048


def test_gated_variants_beat_relu_at_equal_parameters():
    # Friedman #1 regression, one seed, short training; bilinear is reported, not asserted
    r = glu_regression(steps=600, n_train=1024, seeds=(0,), variants=("reglu", "geglu", "swiglu"))
    assert abs(r["params_relu"] - r["params_glu"]) <= 12
    for v in ("reglu", "geglu", "swiglu"):
        assert r[v] < r["relu"], (v, r)


def test_bad_inputs():
    with pytest.raises(ValueError, match="variant"):
        GLUFFN(4, 4, "tanhglu")
    with pytest.raises(ValueError, match="d_hidden"):
        GLUFFN(4, 0)
    with pytest.raises(ValueError, match="activation"):
        DenseFFN(4, 4, activation="elu")
    with pytest.raises(ValueError, match="x"):
        GLUFFN(4, 4)(torch.randn(2, 5))
    with pytest.raises(ValueError, match="d_ff"):
        matched_hidden(4, -1)

import os

import pytest
import torch

from circuitlab.benchmarks.zoo.tasks_a import MGLU_REL_TOL, mglu_checkerboard_error, mglu_kernel_agreement
from circuitlab.zoo import get
from circuitlab.zoo.glu import GLUFFN
from circuitlab.zoo.mglu import MGLU, SwiMGLU
from circuitlab.zoo.mglu_naive import mglu_naive
from circuitlab.zoo.mglu_triton import triton_available


def test_shape_and_registry():
    m = MGLU(8, 12, n_masks=2, d_out=5, backend="naive")
    assert m(torch.randn(3, 4, 8)).shape == (3, 4, 5)  # [B, T, D] -> [B, T, d_out]
    assert get("mglu") is MGLU and get("swimglu") is SwiMGLU
    assert SwiMGLU(8, 12).activation == "silu"


def test_gradient_flow():
    torch.manual_seed(0)
    m = SwiMGLU(6, 10, n_masks=2, backend="naive")
    x = torch.randn(7, 6)
    m(x).pow(2).sum().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


@pytest.mark.parametrize("activation,variant", [("sigmoid", "glu"), ("silu", "swiglu"), ("relu", "reglu")])
def test_fixed_checkerboard_mask_equals_glu_with_complementary_halves(activation, variant):
    torch.manual_seed(1)
    k, h = 6, 8
    m = MGLU(k, h, n_masks=1, activation=activation, backend="naive").double()
    board = ((torch.arange(k)[:, None] + torch.arange(h)[None, :]) % 2).double()  # [K, H] checkerboard
    m.set_masks(board[None])
    glu = GLUFFN(k, h, variant=variant).double()
    with torch.no_grad():
        glu.w_gate.weight.copy_((m.weight * board).T)  # W * M
        glu.w_value.weight.copy_((m.weight * (1 - board)).T)  # W * (1 - M)
        glu.w_out.weight.copy_(m.w_out.weight)
    x = torch.randn(11, k, dtype=torch.float64)
    torch.testing.assert_close(m(x), glu(x), rtol=1e-12, atol=1e-12)


def test_checkerboard_benchmark_check():
    assert mglu_checkerboard_error() <= 1e-12


def test_naive_reference_matches_float64_definition():
    torch.manual_seed(2)
    x, w = torch.randn(4, 5, dtype=torch.float64), torch.randn(5, 3, dtype=torch.float64)
    masks = (torch.rand(2, 5, 3) > 0.5).double()
    expected = sum(torch.sigmoid(x @ (w * mk)) * (x @ (w * (1 - mk))) for mk in masks)
    torch.testing.assert_close(mglu_naive(x, w, masks, "sigmoid"), expected)


@pytest.mark.skipif(not triton_available(), reason="triton not installed")
def test_triton_kernel_matches_naive_under_interpreter():
    # runs in a fresh interpreter so TRITON_INTERPRET=1 is set before triton is imported
    report = mglu_kernel_agreement()
    assert len(report) == 3 * 4 + 5  # 3 cases x (y, dx, dW, dM) + module (y, dx, 3 params)
    for r in report:
        assert r["shape_ok"], r
        # float32 kernels against float64 / float32 references: hard relative tolerance
        assert r["err"] <= MGLU_REL_TOL * max(1.0, r["scale"]), r


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_triton_kernel_on_gpu_matches_naive():
    from circuitlab.zoo.mglu_triton import mglu_triton

    torch.manual_seed(0)
    x = torch.randn(300, 96, device="cuda", requires_grad=True)
    w = torch.randn(96, 200, device="cuda", requires_grad=True)
    masks = (torch.rand(2, 96, 200, device="cuda") > 0.5).float().requires_grad_()
    y = mglu_triton(x, w, masks, "silu", block=64)
    gy = torch.randn_like(y)
    got = [y, *torch.autograd.grad(y, (x, w, masks), gy)]
    x64, w64, m64 = (t.detach().double().requires_grad_() for t in (x, w, masks))
    y64 = mglu_naive(x64, w64, m64, "silu")
    ref = [y64, *torch.autograd.grad(y64, (x64, w64, m64), gy.double())]
    for a, b in zip(got, ref, strict=True):
        assert (a.double() - b).abs().max() <= MGLU_REL_TOL * max(1.0, b.abs().max().item())


def test_bad_inputs():
    with pytest.raises(ValueError, match="n_masks"):
        MGLU(4, 4, n_masks=0)
    with pytest.raises(ValueError, match="activation"):
        MGLU(4, 4, activation="tanh")
    with pytest.raises(ValueError, match="backend"):
        MGLU(4, 4, backend="cuda")
    with pytest.raises(ValueError, match="x"):
        MGLU(4, 4, backend="naive")(torch.randn(2, 5))
    with pytest.raises(ValueError, match="masks"):
        MGLU(4, 4).set_masks(torch.ones(1, 4, 5))
    with pytest.raises(ValueError, match="masks"):
        mglu_naive(torch.randn(2, 4), torch.randn(4, 3), torch.ones(4, 3), "silu")
    if not torch.cuda.is_available() and os.environ.get("TRITON_INTERPRET") != "1":
        with pytest.raises(ValueError, match="triton"):
            MGLU(4, 4, backend="triton")(torch.randn(2, 4))

"""Fused C kernel vs the naive reference: outputs bitwise, all gradients to rounding; errors; fallback."""

import pytest
import torch

from circuitlab.lgn.c_kernel import c_available, logic_gates_c
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.naive import logic_gates_naive

from .kernel_cases import case, run

pytestmark = pytest.mark.skipif(not c_available(), reason="no C compiler: the C kernel cannot be built")

# Batch sizes around the kernel's vector width (4 doubles / 8 floats) and chunk (128 columns).
BATCHES = [1, 7, 8, 70, 128, 133, 300]


def _cast(args, dtype):
    return [t.to(dtype) if t.is_floating_point() else t for t in args]


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
@pytest.mark.parametrize("batch", BATCHES)
def test_c_matches_naive(dtype, batch):
    args = _cast(case(batch=batch, seed=batch), dtype)
    (y, gx, gc), (y_ref, gx_ref, gc_ref) = run(logic_gates_c, *args), run(logic_gates_naive, *args)
    assert y.dtype == gx.dtype == gc.dtype == dtype
    assert torch.equal(y, y_ref)  # same evaluation order, no FMA contraction: bit for bit
    tol = 1e-12 if dtype == torch.float64 else 1e-5
    torch.testing.assert_close(gx, gx_ref, rtol=tol, atol=tol)
    torch.testing.assert_close(gc, gc_ref, rtol=tol, atol=tol)


def test_float32_coefficient_grads_are_at_least_as_accurate_as_naive():
    """Float32 sums over 4,000 columns against a float64 ground truth."""
    args64 = case(in_dim=20, out_dim=30, batch=4000, seed=5)
    args32 = _cast(args64, torch.float32)
    truth = run(logic_gates_naive, *args64)[2]
    err_c = (run(logic_gates_c, *args32)[2].double() - truth).abs().max()
    err_naive = (run(logic_gates_naive, *args32)[2].double() - truth).abs().max()
    assert err_c <= err_naive * 1.5 + 1e-6


def test_gradcheck():
    x, a, b, coef, _ = case(in_dim=6, out_dim=6, batch=11)
    x.requires_grad_()
    coef.requires_grad_()
    assert torch.autograd.gradcheck(lambda x, c: logic_gates_c(x, a, b, c), (x, coef))


def test_partial_grads_noncontiguous_input_and_int32_indices():
    x, a, b, coef, gy = case(batch=45)
    xt = x.t().contiguous().t()  # same values, column-major strides
    c = coef.clone().requires_grad_()
    y = logic_gates_c(xt, a.int(), b.int(), c)  # x needs no gradient: the kernel skips dL/dx
    y.backward(gy)
    _, want_gx, want_gc = run(logic_gates_naive, x, a, b, coef, gy)
    torch.testing.assert_close(c.grad, want_gc, rtol=1e-12, atol=1e-12)
    xg = x.clone().requires_grad_()
    logic_gates_c(xg, a, b, coef).backward(gy)  # coef needs no gradient
    torch.testing.assert_close(xg.grad, want_gx, rtol=1e-12, atol=1e-12)


def test_repeatable_bit_for_bit():
    args = _cast(case(in_dim=50, out_dim=200, batch=133, seed=9), torch.float32)
    first, second = run(logic_gates_c, *args), run(logic_gates_c, *args)
    for u, v in zip(first, second, strict=True):
        assert torch.equal(u, v)


def test_empty_shapes():
    x = torch.rand(5, 0, dtype=torch.float64, requires_grad=True)
    a = b = torch.tensor([0, 4])
    coef = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    y = logic_gates_c(x, a, b, coef)
    assert y.shape == (2, 0)
    y.sum().backward()
    assert x.grad.shape == (5, 0) and torch.equal(coef.grad, torch.zeros(2, 4, dtype=torch.float64))
    none = logic_gates_c(x, a[:0], b[:0], coef[:0])
    assert none.shape == (0, 0)


def test_bad_inputs_raise_typed_errors():
    x, a, b, coef, _ = case()
    with pytest.raises(LGNConfigError, match="float32 or float64"):
        logic_gates_c(x.half(), a, b, coef.half())
    with pytest.raises(LGNConfigError, match="coef must have the dtype of x"):
        logic_gates_c(x, a, b, coef.float())
    with pytest.raises(LGNConfigError, match=r"x must be \[in_dim, B\]"):
        logic_gates_c(x[0], a, b, coef)
    with pytest.raises(LGNConfigError, match=r"coef \[out_dim, 4\]"):
        logic_gates_c(x, a, b, coef[:, :3])
    with pytest.raises(LGNConfigError, match="integer indices"):
        logic_gates_c(x, a.double(), b, coef)
    bad = a.clone()
    bad[3] = x.shape[0]
    with pytest.raises(LGNConfigError, match=r"gate 3 reads inputs a=13, .*in_dim=13"):
        logic_gates_c(x, bad, b, coef)
    bad[3] = -1
    with pytest.raises(LGNConfigError, match="gate 3"):
        logic_gates_c(x, a, bad, coef)


def test_double_backward_is_refused():
    x, a, b, coef, gy = case(batch=5)
    x.requires_grad_()
    y = logic_gates_c(x, a, b, coef.requires_grad_())
    with pytest.raises(LGNConfigError, match="no double backward"):
        torch.autograd.grad(y, x, gy, create_graph=True)


def test_without_the_built_library_auto_falls_back_to_the_torch_op_path(monkeypatch):
    """A broken install (the kernel library missing): auto uses torch ops, impl='c' refuses."""
    from circuitlab.lgn import c_kernel
    from circuitlab.lgn.ops import logic_gates, resolve_impl
    from circuitlab.native import NativeLibraryError

    monkeypatch.setattr(c_kernel, "KERNEL", "circuitlab.lgn._no_such_kernel")
    c_kernel._library.cache_clear()
    c_kernel.c_available.cache_clear()
    try:
        x, a, b = torch.rand(6, 9), torch.tensor([0, 5, 2]), torch.tensor([1, 1, 3])
        c = torch.randn(3, 4)
        assert not c_kernel.c_available()
        assert resolve_impl("auto", torch.device("cpu"), torch.float32) == "cpu"
        assert torch.allclose(logic_gates(x, a, b, c), logic_gates_naive(x, a, b, c), atol=1e-6)
        with pytest.raises(NativeLibraryError, match="not built"):
            logic_gates(x, a, b, c, impl="c")
    finally:
        monkeypatch.undo()
        c_kernel._library.cache_clear()
        c_kernel.c_available.cache_clear()
    assert c_kernel.c_available()

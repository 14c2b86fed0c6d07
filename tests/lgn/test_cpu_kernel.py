"""CPU autograd.Function vs the naive reference: outputs and all gradients."""

import pytest
import torch

from circuitlab.lgn.cpu_kernel import logic_gates_cpu
from circuitlab.lgn.naive import logic_gates_naive

from .kernel_cases import case, run


@pytest.mark.parametrize("seed", [0, 1])
def test_cpu_matches_naive_float64(seed):
    args = case(seed=seed)
    for got, want in zip(run(logic_gates_cpu, *args), run(logic_gates_naive, *args), strict=True):
        torch.testing.assert_close(got, want, rtol=1e-12, atol=1e-12)


def test_cpu_matches_naive_float32():
    args64 = case(in_dim=40, out_dim=64, batch=257, seed=2)
    args32 = [t.float() if t.is_floating_point() else t for t in args64]
    for got, want in zip(run(logic_gates_cpu, *args32), run(logic_gates_naive, *args64), strict=True):
        torch.testing.assert_close(got.double(), want, rtol=1e-5, atol=1e-5)


def test_cpu_gradcheck():
    x, a, b, coef, _ = case(in_dim=6, out_dim=6, batch=3)
    x.requires_grad_()
    coef.requires_grad_()
    assert torch.autograd.gradcheck(lambda x, c: logic_gates_cpu(x, a, b, c), (x, coef))


def test_cpu_partial_grads_and_noncontiguous_input():
    x, a, b, coef, gy = case()
    xt = x.t().contiguous().t()  # same values, column-major strides
    c = coef.clone().requires_grad_()
    y = logic_gates_cpu(xt, a, b, c)  # x does not require grad
    y.backward(gy)
    _, _, want_gc = run(logic_gates_naive, x, a, b, coef, gy)
    torch.testing.assert_close(c.grad, want_gc, rtol=1e-12, atol=1e-12)

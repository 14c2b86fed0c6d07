"""Shared inputs for the gate-op tests (not a test module)."""

import torch

from circuitlab.lgn.connections import make_connections


def case(in_dim=13, out_dim=37, batch=70, seed=0, dtype=torch.float64, repeat=True):
    """x [in_dim, B] in [0, 1], wiring a, b [out_dim] (one gate with a == b), coef [out_dim, 4], upstream grad."""
    g = torch.Generator().manual_seed(seed)
    a, b = make_connections(in_dim, out_dim, "random", g)
    if repeat:
        a[0] = b[0] = 2  # a gate reading the same input twice: d/dx (c3 x^2) = 2 c3 x
        a[1], b[1] = 2, 5
    x = torch.rand(in_dim, batch, generator=g, dtype=dtype)
    coef = torch.randn(out_dim, 4, generator=g, dtype=dtype)
    gy = torch.randn(out_dim, batch, generator=g, dtype=dtype)
    return x, a, b, coef, gy


def run(fn, x, a, b, coef, gy):
    """Output and gradients (x, coef) of fn under the upstream gradient gy."""
    x = x.clone().requires_grad_()
    coef = coef.clone().requires_grad_()
    y = fn(x, a, b, coef)
    y.backward(gy)
    return y.detach(), x.grad, coef.grad

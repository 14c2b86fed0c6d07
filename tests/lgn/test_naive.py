"""The naive reference op: exact gate semantics and hand-derived gradients."""

import itertools

import torch

from circuitlab.lgn.gates import gate_coeff_matrix, truth_table
from circuitlab.lgn.naive import logic_gates_naive

from .kernel_cases import case, run


def test_naive_on_binary_inputs_is_the_truth_table():
    x = torch.tensor([[0.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]])  # all (a, b) combinations
    a, b = torch.zeros(16, dtype=torch.long), torch.ones(16, dtype=torch.long)
    y = logic_gates_naive(x, a, b, gate_coeff_matrix())
    for g in range(16):
        assert y[g].tolist() == list(map(float, truth_table(g)))


def test_naive_gradients_match_closed_form():
    x, a, b, coef, gy = case(in_dim=7, out_dim=9, batch=6)
    _, gx, gc = run(logic_gates_naive, x, a, b, coef, gy)
    xa, xb = x[a], x[b]
    want_gc = torch.stack([gy.sum(1), (gy * xa).sum(1), (gy * xb).sum(1), (gy * xa * xb).sum(1)], 1)
    torch.testing.assert_close(gc, want_gc, rtol=1e-12, atol=1e-12)
    want_gx = torch.zeros_like(x)
    for j, n in itertools.product(range(a.shape[0]), range(x.shape[1])):
        c0, c1, c2, c3 = coef[j]
        want_gx[a[j], n] += gy[j, n] * (c1 + c3 * xb[j, n])
        want_gx[b[j], n] += gy[j, n] * (c2 + c3 * xa[j, n])
    torch.testing.assert_close(gx, want_gx, rtol=1e-12, atol=1e-12)

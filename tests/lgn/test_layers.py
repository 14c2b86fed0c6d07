"""LogicLayer: parametrizations, modes, residual init, discretization, and impl agreement."""

import itertools

import numpy as np
import pytest
import torch

from circuitlab.lgn.c_kernel import c_available
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.gates import gate_coeff_matrix, light_coeff_matrix, truth_table
from circuitlab.lgn.layers import LogicLayer
from circuitlab.lgn.naive import logic_gates_naive
from circuitlab.lgn.triton_kernels import triton_available

IMPLS = ["cpu"] + (["c"] if c_available() else []) + (["triton"] if triton_available() else [])


def _layer(param, impl, gumbel=False, init="random", in_dim=12, out_dim=20, seed=0, connections="unique"):
    return LogicLayer(
        in_dim,
        out_dim,
        param,
        connections,
        init,
        gumbel=gumbel,
        gumbel_tau=0.7,
        impl=impl,
        generator=torch.Generator().manual_seed(seed),
    )


def _fwd_bwd(layer, x, gy, mode, noise_seed=123):
    x = x.clone().requires_grad_()
    layer.zero_grad()
    torch.manual_seed(noise_seed)  # same Gumbel noise for every implementation
    y = layer(x, mode=mode)
    y.backward(gy)
    grad_w = layer.weight.grad
    return y.detach(), x.grad, torch.zeros_like(layer.weight) if grad_w is None else grad_w.clone()


@pytest.mark.parametrize(
    "param,impl,mode", itertools.product(["softmax16", "light"], IMPLS, ["soft", "gumbel", "hard"])
)
def test_impls_agree_on_outputs_and_all_gradients(param, impl, mode):
    g = torch.Generator().manual_seed(1)
    x = torch.rand(33, 12, generator=g)  # [B, in_dim]
    gy = torch.randn(33, 20, generator=g)
    ref = _fwd_bwd(_layer(param, "naive"), x, gy, mode)
    got = _fwd_bwd(_layer(param, impl), x, gy, mode)
    for name, u, v in zip(("y", "grad_x", "grad_weight"), got, ref, strict=True):
        torch.testing.assert_close(u, v, rtol=1e-5, atol=1e-5, msg=lambda m, name=name: f"{name}: {m}")
    if mode == "hard":  # discretized: no gradient reaches the weights, but inputs still get one
        assert got[2].abs().max() == 0 and got[1].abs().max() > 0


@pytest.mark.skipif("c" not in IMPLS, reason="no C compiler")
@pytest.mark.parametrize("param,mode", itertools.product(["softmax16", "light"], ["soft", "gumbel", "hard"]))
def test_c_impl_matches_naive_in_float64_through_the_layer(param, mode):
    """Outputs bit for bit, gradients of inputs and weights to float64 rounding."""
    g = torch.Generator().manual_seed(2)
    x = torch.rand(70, 12, generator=g, dtype=torch.float64)  # [B, in_dim]
    gy = torch.randn(70, 20, generator=g, dtype=torch.float64)
    ref = _fwd_bwd(_layer(param, "naive").double(), x, gy, mode)
    got = _fwd_bwd(_layer(param, "c").double(), x, gy, mode)
    assert got[0].dtype == torch.float64 and torch.equal(got[0], ref[0])
    for name, u, v in zip(("grad_x", "grad_weight"), got[1:], ref[1:], strict=True):
        torch.testing.assert_close(u, v, rtol=1e-12, atol=1e-12, msg=lambda m, name=name: f"{name}: {m}")


@pytest.mark.parametrize("param", ["softmax16", "light"])
def test_parameter_count_per_gate(param):
    layer = _layer(param, "cpu")
    assert layer.weight.shape == (20, 16 if param == "softmax16" else 4)


@pytest.mark.parametrize("param", ["softmax16", "light"])
def test_residual_init_is_pass_through_a(param):
    layer = _layer(param, "cpu", init="residual", in_dim=16, out_dim=24)
    assert (layer.gate_ids() == 3).all()
    x = (torch.rand(50, 16) > 0.5).float()
    soft = layer(x, mode="soft")
    xa = x[:, layer.a]
    assert (soft - xa).abs().max() < 0.06  # p(pass A) ~ 0.91 (softmax16) / sigmoid(3) = 0.95 (light)
    assert torch.equal(layer(x, mode="hard"), xa)


def test_light_hard_gate_is_the_sign_pattern_of_omega():
    layer = _layer("light", "cpu", in_dim=2, out_dim=16, connections="random")
    tables = torch.tensor([truth_table(g) for g in range(16)], dtype=torch.float32)
    with torch.no_grad():
        layer.weight.copy_(tables * 2 - 1)  # omega > 0 exactly where the table is 1
        layer.a.zero_()
        layer.b.fill_(1)
    assert layer.gate_ids().tolist() == list(range(16))
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    assert torch.equal(layer(x, mode="hard").t(), tables)


def test_softmax16_hard_gate_is_argmax():
    layer = _layer("softmax16", "cpu")
    assert torch.equal(layer.gate_ids(), layer.weight.argmax(-1))
    a, b, gate = layer.discretize()
    assert gate.dtype == np.uint8 and a.shape == b.shape == gate.shape == (20,)
    assert np.array_equal(gate, layer.weight.argmax(-1).numpy())


@pytest.mark.parametrize("param", ["softmax16", "light"])
def test_eval_is_discretized_and_train_is_soft(param):
    layer = _layer(param, "cpu")
    x = (torch.rand(40, 12) > 0.5).float()
    layer.eval()
    y = layer(x)
    assert torch.equal(y, layer(x, mode="hard"))
    assert set(y.unique().tolist()) <= {0.0, 1.0}
    layer.train()
    assert torch.equal(layer(x), layer(x, mode="soft"))


@pytest.mark.parametrize("param", ["softmax16", "light"])
def test_gumbel_straight_through(param):
    """Forward: a hard gate per example batch (binary outputs); backward: gradient of the relaxed sample."""
    layer = _layer(param, "cpu", gumbel=True)
    layer.train()
    x = (torch.rand(30, 12) > 0.5).float()
    gy = torch.randn(30, 20)
    y, _, grad_w = _fwd_bwd(layer, x, gy, mode=None, noise_seed=7)
    assert set(y.unique().tolist()) <= {0.0, 1.0}
    # Re-derive the estimator by hand from the same noise.
    torch.manual_seed(7)
    w = layer.weight.detach().clone().requires_grad_()
    u = torch.rand_like(w).clamp_(min=1e-20)
    if param == "softmax16":
        z = (w - torch.log(-torch.log(u))) / 0.7
        soft = torch.softmax(z, -1)
        hard = torch.nn.functional.one_hot(z.argmax(-1), 16).float()
        table = gate_coeff_matrix()
    else:
        z = (w + torch.log(u) - torch.log1p(-u)) / 0.7
        soft = torch.sigmoid(z)
        hard = (z > 0).float()
        table = light_coeff_matrix()
    coef_hard = (hard @ table).requires_grad_()
    y_hand = logic_gates_naive(x.t(), layer.a, layer.b, coef_hard).t()
    y_hand.backward(gy)
    (grad_hand,) = torch.autograd.grad(soft, w, coef_hard.grad @ table.t())
    torch.testing.assert_close(y, y_hand.detach(), rtol=0, atol=0)
    torch.testing.assert_close(grad_w, grad_hand, rtol=1e-5, atol=1e-6)
    assert grad_w.abs().sum() > 0


def test_noise_differs_between_steps():
    layer = _layer("softmax16", "cpu", gumbel=True)
    x = (torch.rand(30, 12) > 0.5).float()
    torch.manual_seed(0)
    assert not torch.equal(layer(x), layer(x))


def test_bad_arguments():
    with pytest.raises(LGNConfigError, match="parametrization"):
        LogicLayer(4, 4, "softmax4")
    with pytest.raises(LGNConfigError, match="init"):
        LogicLayer(4, 4, init="zeros")
    with pytest.raises(LGNConfigError, match="gumbel_tau"):
        LogicLayer(4, 4, gumbel_tau=0)
    with pytest.raises(LGNConfigError, match=r"in_dim=10, out_dim=4"):
        LogicLayer(10, 4, connections="unique")
    layer = LogicLayer(4, 4)
    with pytest.raises(LGNConfigError, match="mode"):
        layer(torch.rand(2, 4), mode="fuzzy")
    with pytest.raises(LGNConfigError, match=r"in_dim=4"):
        layer(torch.rand(2, 5))


@pytest.mark.skipif("triton" not in IMPLS, reason="triton is not installed")
def test_triton_fanout_cache_follows_loaded_wiring():
    layer = _layer("light", "triton", seed=0)
    other = _layer("light", "naive", seed=1)  # different wiring and weights
    x = torch.rand(9, 12)
    gy = torch.randn(9, 20)
    _fwd_bwd(layer, x, gy, "soft")  # builds the fan-out of the old wiring
    layer.load_state_dict(other.state_dict())
    got, want = _fwd_bwd(layer, x, gy, "soft"), _fwd_bwd(other, x, gy, "soft")
    for u, v in zip(got, want, strict=True):
        torch.testing.assert_close(u, v, rtol=1e-5, atol=1e-5)

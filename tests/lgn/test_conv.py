"""Convolutional logic layers: the fast path against the naive reference (forward and
backward), discretization, compiling to a circuit, and bad configurations."""

import json

import numpy as np
import pytest
import torch

from circuitlab.lgn.compile import CompiledLGN
from circuitlab.lgn.config import TrainConfig
from circuitlab.lgn.conv import LogicConv2d, OrPool2d, draw_leaves
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.layers import GateOptions
from circuitlab.lgn.model import LogicNetwork
from circuitlab.lgn.naive import logic_conv_naive, or_pool_naive
from helpers import circuitlab

IMPLS = ["naive", "cpu", "c", "triton"]


def _to_features(img):
    """[B, H, W, C] -> feature-major [H * W * C, B] (HWC order)."""
    return img.reshape(img.shape[0], -1).t().contiguous()


def _run_fast(conv, img, coef, gy):
    x = _to_features(img).detach().requires_grad_()
    c = coef.detach().requires_grad_()
    y = conv.forward_features(x, coef=c)
    (y * gy).sum().backward()
    return y.detach(), x.grad, c.grad


def _run_naive(conv, img, coef, gy):
    x = img.detach().requires_grad_()
    c = coef.detach().requires_grad_()
    y = _to_features(logic_conv_naive(x, conv.leaves, c, conv.field))
    (y * gy).sum().backward()
    return y.detach(), _to_features(x.grad), c.grad


@pytest.mark.parametrize("impl", IMPLS)
@pytest.mark.parametrize("parametrization", ["softmax16", "light"])
@pytest.mark.parametrize("mode", ["soft", "gumbel"])
def test_fast_conv_matches_the_reference(impl, parametrization, mode):
    gen = torch.Generator().manual_seed(3)
    dtype = torch.float32 if impl == "triton" else torch.float64
    gates = GateOptions(parametrization, "random", gumbel=mode == "gumbel", impl=impl)
    conv = LogicConv2d((7, 6, 3), 4, 3, 3, gates, generator=gen)
    conv.to(dtype).train()
    img = torch.rand(5, 7, 6, 3, generator=gen, dtype=dtype)
    coef = conv.coefficients(mode).detach()  # one Gumbel draw, shared by both paths
    gy = torch.randn(conv.out_dim, 5, generator=gen, dtype=dtype)
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == torch.float32 else {"rtol": 1e-10, "atol": 1e-10}
    for got, want in zip(_run_fast(conv, img, coef, gy), _run_naive(conv, img, coef, gy), strict=True):
        torch.testing.assert_close(got, want, **tol)


def test_weight_gradients_sum_over_positions():
    """d loss / d weight through the shared coefficients equals the reference's."""
    gen = torch.Generator().manual_seed(4)
    conv = LogicConv2d((6, 6, 2), 3, 3, 2, GateOptions("light", "random"), generator=gen).double()
    img = torch.rand(4, 6, 6, 2, generator=gen, dtype=torch.float64)
    conv.forward_features(_to_features(img), "soft").square().sum().backward()
    fast = conv.weight.grad.clone()
    conv.weight.grad = None
    _to_features(logic_conv_naive(img, conv.leaves, conv.coefficients("soft"), 3)).square().sum().backward()
    torch.testing.assert_close(fast, conv.weight.grad, rtol=1e-10, atol=1e-10)


def test_or_pool_matches_max_pool_forward_and_backward():
    gen = torch.Generator().manual_seed(5)
    pool = OrPool2d((7, 6, 3))  # an odd height: the last row is dropped, as max_pool2d does
    img = torch.rand(4, 7, 6, 3, generator=gen, dtype=torch.float64, requires_grad=True)  # no ties
    y = pool.forward_features(_to_features(img))
    gy = torch.randn_like(y)
    (y * gy).sum().backward()
    fast = img.grad.clone()
    img.grad = None
    ref = _to_features(or_pool_naive(img))
    torch.testing.assert_close(y, ref)
    (ref * gy).sum().backward()
    torch.testing.assert_close(fast, img.grad)


def test_leaves_stay_in_the_field_on_at_most_two_channels():
    leaves = draw_leaves((9, 9, 5), 50, 3, 3, torch.Generator().manual_seed(0))
    assert leaves.shape == (50, 8, 3)
    assert leaves[..., :2].min() >= 0 and leaves[..., :2].max() <= 2
    assert all(len(set(k[:, 2].tolist())) <= 2 for k in leaves)
    first, second = leaves[:, 0::2], leaves[:, 1::2]
    assert (first != second).any(-1).all()  # each first-level gate reads two different cells


def test_residual_init_copies_the_first_leaf():
    conv = LogicConv2d((6, 6, 2), 3, 3, 3, GateOptions("softmax16", "residual"), torch.Generator().manual_seed(1))
    img = (torch.rand(4, 6, 6, 2) > 0.5).float()
    y = conv.eval().forward_features(_to_features(img)).t().reshape(4, 4, 4, 3)
    for k in range(3):
        dy, dx, c = conv.leaves[k, 0].tolist()
        assert torch.equal(y[..., k], img[:, dy : dy + 4, dx : dx + 4, c])


@pytest.mark.parametrize("parametrization", ["softmax16", "light"])
def test_discretized_conv_network_is_the_hard_forward_and_compiles(parametrization):
    model = LogicNetwork(
        14 * 14 * 2, 4, [64, 40], parametrization, init="random", seed=2, image=(14, 14, 2), conv=[6, 5]
    ).eval()
    x = (torch.rand(300, 392, generator=torch.Generator().manual_seed(0)) > 0.5).float()
    dn = model.discretize()
    assert sum(layer.out_dim for layer in dn.layers) == model.num_gates()
    want = (model(x) * model.head.tau).round().numpy()
    np.testing.assert_array_equal(dn.scores(x.numpy()), want)
    circuit = CompiledLGN.from_network(dn)
    np.testing.assert_array_equal(circuit.predict(x.numpy()), dn.predict(x.numpy()))


def test_a_field_larger_than_the_image_is_one_clear_error():
    with pytest.raises(LGNConfigError, match="conv block 2: a 3x3 receptive field"):
        TrainConfig(dataset="digits", conv="4,4").validate()
    with pytest.raises(LGNConfigError, match="needs an image dataset"):
        TrainConfig(dataset="iris", conv="4").validate()
    with pytest.raises(LGNConfigError, match="comma-separated"):
        TrainConfig(dataset="digits", conv="4;4").validate()
    r = circuitlab("train-lgn", "--dataset", "digits", "--conv", "8", "--conv-field", "9", "--steps", "1")
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0, r.stderr
    assert "receptive field 9x9" in r.stderr or "9x9 receptive field" in r.stderr


@pytest.fixture(scope="module")
def conv_checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("conv")
    r = circuitlab(
        "train-lgn", "--dataset", "digits", "--conv", "6", "--layers", "1", "--width", "100", "--steps", "30",
        "--eval-interval", "30", "--out-dir", out, "--no-progress",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return out


def test_conv_network_exports_a_circuit_that_agrees(conv_checkpoint, tmp_path, abc, yosys):
    """The AIG agrees sample for sample; the hierarchical Verilog (a module per kernel)
    flattens to the same function, proved by ABC."""
    aig = tmp_path / "c.aig"
    r = circuitlab(
        "export-lgn", conv_checkpoint / "checkpoint.pt", "--aig", aig, "--verilog", tmp_path / "c.v", "--json"
    )
    assert r.returncode == 0, r.stderr
    check = json.loads(r.stdout)["check"]
    assert check["agree"] and check["mismatches"] == 0
    assert check["accuracy_circuit"] == check["accuracy_model"]
    text = (tmp_path / "c.v").read_text()
    assert "module lgn_c0_k5(x, y);" in text and text.count("lgn_c0_k0 u0_") == 36  # 6x6 positions
    yosys(
        "read_verilog c.v; hierarchy -top lgn; proc; flatten; techmap; aigmap; opt_clean; write_aiger -symbols y.aig",
        cwd=tmp_path,
    )
    assert "Networks are equivalent" in abc(f"cec {aig} y.aig", cwd=tmp_path)


def test_resuming_with_another_architecture_is_one_clear_error(conv_checkpoint):
    r = circuitlab(
        "train-lgn", "--dataset", "digits", "--conv", "7", "--layers", "1", "--width", "100", "--steps", "40",
        "--out-dir", conv_checkpoint, "--resume", "--no-progress",
    )  # fmt: skip
    assert r.returncode == 2 and r.stderr.strip().count("\n") == 0, r.stderr
    assert "conv='6'" in r.stderr and "conv='7'" in r.stderr

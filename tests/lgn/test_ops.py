"""Implementation dispatch of the fused gate op."""

import pytest
import torch

from circuitlab.lgn.c_kernel import c_available
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.naive import logic_gates_naive
from circuitlab.lgn.ops import logic_gates, resolve_impl

from .kernel_cases import case, run


def test_auto_on_cpu_picks_the_c_kernel_when_it_builds():
    fast = "c" if c_available() else "cpu"
    assert resolve_impl("auto", torch.device("cpu")) == fast
    assert resolve_impl("auto", torch.device("cpu"), torch.float64) == fast
    assert resolve_impl("auto", torch.device("cpu"), torch.float16) == "cpu"  # no half-precision C kernel
    assert resolve_impl("naive", torch.device("cpu")) == "naive"


def test_auto_falls_back_to_cpu_path_without_the_c_kernel(monkeypatch):
    import circuitlab.lgn.ops as ops

    monkeypatch.setattr(ops, "c_available", lambda: False)
    assert resolve_impl("auto", torch.device("cpu"), torch.float32) == "cpu"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.gpu
def test_auto_picks_triton_on_cuda():
    assert resolve_impl("auto", torch.device("cuda")) == "triton"


def test_unknown_impl():
    with pytest.raises(LGNConfigError, match="impl must be one of"):
        resolve_impl("fast", torch.device("cpu"))


@pytest.mark.parametrize("impl", ["auto", "naive", "cpu"] + (["c"] if c_available() else []))
def test_dispatch_matches_reference(impl):
    args = case(seed=3)
    got = run(lambda x, a, b, c: logic_gates(x, a, b, c, impl=impl), *args)
    for g, w in zip(got, run(logic_gates_naive, *args), strict=True):
        torch.testing.assert_close(g, w, rtol=1e-12, atol=1e-12)

"""Implementation dispatch of the fused gate op."""
import pytest
import torch

from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.naive import logic_gates_naive
from circuitlab.lgn.ops import logic_gates, resolve_impl

from .kernel_cases import case, run


def test_auto_picks_cpu_path_on_cpu():
    assert resolve_impl("auto", torch.device("cpu")) == "cpu"
    assert resolve_impl("naive", torch.device("cpu")) == "naive"


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.gpu
def test_auto_picks_triton_on_cuda():
    assert resolve_impl("auto", torch.device("cuda")) == "triton"


def test_unknown_impl():
    with pytest.raises(LGNConfigError, match="impl must be one of"):
        resolve_impl("fast", torch.device("cpu"))


@pytest.mark.parametrize("impl", ["auto", "naive", "cpu"])
def test_dispatch_matches_reference(impl):
    args = case(seed=3)
    got = run(lambda x, a, b, c: logic_gates(x, a, b, c, impl=impl), *args)
    for g, w in zip(got, run(logic_gates_naive, *args)):
        torch.testing.assert_close(g, w, rtol=1e-12, atol=1e-12)

"""Triton kernels vs the naive reference (CPU: Triton interpreter, set up in conftest)."""

import pytest
import torch

from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.naive import logic_gates_naive
from circuitlab.lgn.triton_kernels import build_fanout, interpreting, logic_gates_triton, triton_available

from .kernel_cases import case, run

pytestmark = pytest.mark.skipif(not triton_available(), reason="triton is not installed")
DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


def _to(args, dtype=torch.float32):
    return [t.to(DEVICE, dtype) if t.is_floating_point() else t.to(DEVICE) for t in args]


def test_interpreter_is_active_without_cuda():
    if DEVICE == "cpu":
        assert interpreting()


@pytest.mark.parametrize("shape", [(13, 37, 70), (6, 16, 64), (33, 20, 5)])
def test_triton_matches_naive(shape):
    args64 = case(*shape, seed=sum(shape))
    got = run(logic_gates_triton, *_to(args64))
    want = run(logic_gates_naive, *args64)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g.double().cpu(), w, rtol=1e-5, atol=1e-5)


def test_triton_backward_is_deterministic():
    args = _to(case(seed=5))
    first, second = run(logic_gates_triton, *args), run(logic_gates_triton, *args)
    for u, v in zip(first, second, strict=True):
        assert torch.equal(u, v)


def test_build_fanout_lists_every_reader():
    a = torch.tensor([0, 2, 2, 1])
    b = torch.tensor([1, 0, 2, 3])
    ptr, gate, other, side = build_fanout(a, b, 5)
    assert ptr.tolist() == [0, 2, 4, 7, 8, 8]
    rows = {
        i: sorted(
            zip(
                gate[ptr[i] : ptr[i + 1]].tolist(),
                other[ptr[i] : ptr[i + 1]].tolist(),
                side[ptr[i] : ptr[i + 1]].tolist(),
                strict=True,
            )
        )
        for i in range(5)
    }
    assert rows[0] == [(0, 1, 0), (1, 2, 1)]
    assert rows[2] == [(1, 0, 0), (2, 2, 0), (2, 2, 1)]
    assert rows[3] == [(3, 1, 1)]
    assert rows[4] == []


def test_triton_rejects_float64():
    x, a, b, coef, _ = case()
    with pytest.raises(LGNConfigError, match="float32"):
        logic_gates_triton(x.to(DEVICE), a.to(DEVICE), b.to(DEVICE), coef.to(DEVICE))


def test_triton_on_cpu_without_interpreter_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("TRITON_INTERPRET", raising=False)
    x, a, b, coef, _ = case(dtype=torch.float32)
    with pytest.raises(LGNConfigError, match=r"impl='triton' needs CUDA tensors or TRITON_INTERPRET=1"):
        logic_gates_triton(x, a, b, coef)


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_triton_gpu_larger_case():
    args64 = case(300, 1024, 1000, seed=9)
    got = run(logic_gates_triton, *_to(args64))
    want = run(logic_gates_naive, *args64)
    for g, w in zip(got, want, strict=True):
        torch.testing.assert_close(g.double().cpu(), w, rtol=1e-4, atol=1e-4)

import numpy as np
import pytest

from circuitlab.aig import AIGBuilder
from circuitlab.errors import InterfaceMismatchError
from circuitlab.miter import match_interfaces, miter
from circuitlab.mutate import observable_mutation
from circuitlab.sim import evaluate
from helpers import random_aig


def _pair_permuted():
    a = random_aig(9, 5, 40, 3)
    # b: same function with inputs and outputs declared in reverse order
    b = AIGBuilder()
    ins = [b.input(n) for n in reversed(a.input_names)]
    outs = b.add_aig(a, list(reversed(ins)))
    for lit, name in reversed(list(zip(outs, a.output_names, strict=True))):
        b.output(lit, name)
    return a, b.build()


def test_match_by_name():
    a, b = _pair_permuted()
    in_perm, out_perm = match_interfaces(a, b)
    assert in_perm == list(reversed(range(5))) and out_perm == [2, 1, 0]
    m = miter(a, b)
    vec = np.random.default_rng(0).random((200, 5)) < 0.5
    assert not evaluate(m, vec).any()


def test_mutant_miter_fires():
    a = random_aig(2, 6, 60, 3)
    bug, _, _ = observable_mutation(a, seed=3)
    m = miter(a, bug)
    vec = np.random.default_rng(0).random((2000, 6)) < 0.5
    assert evaluate(m, vec).any()


def test_interface_mismatch():
    a = random_aig(1, 4, 10, 2)
    b = random_aig(1, 5, 10, 2)
    with pytest.raises(InterfaceMismatchError, match="input counts differ"):
        miter(a, b)
    c = random_aig(1, 4, 10, 2)
    c.input_names = ["p", "q", "r", "s"]
    with pytest.raises(InterfaceMismatchError, match="names differ"):
        miter(a, c)

"""The miter-set generator: mutations are valid, deterministic and observable."""

from __future__ import annotations

import numpy as np
import pytest

from circuitlab.abc import abc_cec
from circuitlab.abc import abc_optimize_file as abc_optimize
from circuitlab.aig import AIGBuilder
from circuitlab.aiger import read_aiger, write_aiger
from circuitlab.mutate import flip_fanin, observable_mutation
from circuitlab.sim import random_patterns, simulate_outputs
from helpers import EXAMPLES

from .conftest import require_abc


def test_flip_fanin_keeps_the_aig_valid():
    aig = read_aiger(EXAMPLES / "router.aig")
    for gate in range(0, aig.num_ands, 17):
        for side in (0, 1):
            m = flip_fanin(aig, gate, side)
            m.validate()
            assert (m.ands != aig.ands).any(axis=1).sum() == 1
    assert (aig.ands == read_aiger(EXAMPLES / "router.aig").ands).all()  # the original is untouched


@pytest.mark.parametrize("name", ["ctrl", "int2float", "priority"])
def test_mutation_is_observable_and_deterministic(name):
    aig = read_aiger(EXAMPLES / f"{name}.aig")
    m1, g1, s1 = observable_mutation(aig, seed=3)
    m2, g2, s2 = observable_mutation(aig, seed=3)
    assert (g1, s1) == (g2, s2) and np.array_equal(m1.ands, m2.ands)
    pats = random_patterns(aig.num_inputs, 16, seed=3)
    assert (simulate_outputs(m1, pats) != simulate_outputs(aig, pats)).any()


def test_no_observable_mutation_is_an_error():
    dead = AIGBuilder()
    x, y = dead.input(), dead.input()
    dead.and_(x, y)  # a gate that drives nothing: flipping it changes no output
    dead.output(x)
    with pytest.raises(ValueError, match="observable"):
        observable_mutation(dead.build())
    live = AIGBuilder()
    x, y = live.input(), live.input()
    live.output(live.and_(x, y))
    assert observable_mutation(live.build())[0].num_ands == 1


def test_abc_optimize_and_cec(tmp_path):
    require_abc()
    src = EXAMPLES / "int2float.aig"
    opt = tmp_path / "opt.aig"
    abc_optimize(src, "resyn2", opt)
    assert abc_cec(src, opt) is True
    bug = tmp_path / "bug.aig"
    write_aiger(observable_mutation(read_aiger(opt))[0], bug)
    assert abc_cec(src, bug) is False
    assert [p.name for p in sorted(tmp_path.iterdir())] == ["bug.aig", "opt.aig"]  # no temp left

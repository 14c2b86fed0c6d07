"""All four backends agree with ABC's `cec` on 36 miters, equivalent and buggy.

The miters: 9 small EPFL circuits against their ABC dc2 and resyn2 copies
(equivalent), and against those copies with one observable fanin-polarity flip
(not equivalent); see ``circuitlab.benchmarks.solvers_instances``.  Every SAT
answer's counterexample is re-simulated on both circuits inside
``check_equivalence``, so agreement here is agreement of certified answers.
"""

from __future__ import annotations

import pytest

from circuitlab.abc import abc_cec
from circuitlab.aiger import read_aiger
from circuitlab.benchmarks.solvers_instances import CI_CIRCUITS
from circuitlab.solvers import BACKENDS, SAT, UNSAT, check_equivalence

NAMES = [f"{c}:{s}{bug}" for c in CI_CIRCUITS for s in ("dc2", "resyn2") for bug in ("", ":bug")]


def test_the_set_is_large_and_mixed(miter_set):
    assert len(miter_set) >= 30 and set(miter_set) == set(NAMES)
    kinds = [inst.equivalent for inst in miter_set.values()]
    assert kinds.count(True) >= 15 and kinds.count(False) >= 15


@pytest.mark.parametrize("name", NAMES)
def test_every_backend_agrees_with_abc(name, miter_set):
    inst = miter_set[name]
    assert abc_cec(inst.a, inst.b) == inst.equivalent
    a, b = read_aiger(inst.a), read_aiger(inst.b)
    want = UNSAT if inst.equivalent else SAT
    got = {backend: check_equivalence(a, b, backend=backend, engine="cdcl") for backend in BACKENDS}
    assert {k: r.name for k, r in got.items()} == dict.fromkeys(BACKENDS, "UNSAT" if want == UNSAT else "SAT")
    for r in got.values():
        assert (r.differing_outputs is not None) == (want == SAT)

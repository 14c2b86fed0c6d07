"""circuitlab/abc.py (as used by the GNN corpus): ABC variants are equivalent to their source; failures are typed."""

import numpy as np
import pytest

from circuitlab.abc import abc_optimize
from circuitlab.generators import wallace_multiplier
from circuitlab.gnn.errors import AbcError
from circuitlab.sim import evaluate

from .conftest import needs_abc


@needs_abc
@pytest.mark.parametrize("script", ["dc2", "resyn2"])
def test_variant_is_equivalent(script):
    a = wallace_multiplier(4)
    b = abc_optimize(a, script)
    assert b.num_inputs == a.num_inputs and b.num_outputs == a.num_outputs
    vec = np.array([[(k >> i) & 1 for i in range(8)] for k in range(256)], dtype=bool)
    assert np.array_equal(evaluate(a, vec), evaluate(b, vec))


@needs_abc
def test_bad_script_is_an_abc_error():
    with pytest.raises(AbcError):
        abc_optimize(wallace_multiplier(3), "no_such_command_xyz")

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aiger import read_aiger
from circuitlab.compiled import CompiledAIG
from circuitlab.sim import evaluate, random_patterns, simulate_outputs

from helpers import EXAMPLES, random_aig


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n_in=st.integers(1, 10), n_and=st.integers(0, 120),
       words=st.integers(1, 40))
def test_compiled_equals_numpy_simulation(seed, n_in, n_and, words):
    aig = random_aig(seed, n_in, n_and, 4)
    pats = random_patterns(n_in, words, seed)
    assert (CompiledAIG(aig).simulate_outputs(pats) == simulate_outputs(aig, pats)).all()


def test_compiled_on_example_circuit():
    aig = read_aiger(EXAMPLES / "i2c.aig")
    vec = np.random.default_rng(0).random((3000, aig.num_inputs)) < 0.5
    assert (CompiledAIG(aig).evaluate(vec) == evaluate(aig, vec)).all()

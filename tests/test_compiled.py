import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab import generators
from circuitlab.aig import AIGBuilder
from circuitlab.aiger import read_aiger
from circuitlab.compiled import CompiledAIG, pack_bool, xor_pairs
from circuitlab.sim import evaluate, pack_vectors, random_patterns, simulate_outputs
from helpers import EXAMPLES, random_aig


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10**6), n_in=st.integers(1, 10), n_and=st.integers(0, 120), words=st.integers(1, 40))
def test_compiled_equals_numpy_simulation(seed, n_in, n_and, words):
    aig = random_aig(seed, n_in, n_and, 4)
    pats = random_patterns(n_in, words, seed)
    assert (CompiledAIG(aig).simulate_outputs(pats) == simulate_outputs(aig, pats)).all()


def test_compiled_on_example_circuit():
    aig = read_aiger(EXAMPLES / "i2c.aig")
    vec = np.random.default_rng(0).random((3000, aig.num_inputs)) < 0.5
    assert (CompiledAIG(aig).evaluate(vec) == evaluate(aig, vec)).all()


def test_xor_recovery_finds_every_xor_form():
    b = AIGBuilder()
    x, y, z = b.input("x"), b.input("y"), b.input("z")
    b.output(b.xor_(x, y), "xor")
    b.output(b.xnor_(y ^ 1, z), "xnor_of_inverted")
    b.output(b.and_(x, z), "plain_and")
    aig = b.build()
    p, q = xor_pairs(aig)
    assert (p >= 0).sum() == 2  # the two XOR roots, not their inner ANDs or the plain AND
    comp = CompiledAIG(aig)
    assert comp.num_xors == 2 and comp.num_instructions == 3
    vec = np.array([[(k >> i) & 1 for i in range(3)] for k in range(8)], bool)
    assert (comp.evaluate(vec) == evaluate(aig, vec)).all()


@pytest.mark.parametrize("make", ["array_multiplier", "wallace_multiplier", "booth_multiplier", "ripple_adder"])
def test_compiled_arithmetic_equals_numpy_simulation(make):
    aig = getattr(generators, make)(7)
    pats = random_patterns(aig.num_inputs, 97, 5)  # 97 words: a partial last block
    assert (CompiledAIG(aig).simulate_outputs(pats) == simulate_outputs(aig, pats)).all()


def test_compiled_drops_gates_outside_the_output_cone():
    b = AIGBuilder()
    x, y = b.input("x"), b.input("y")
    b.and_(x ^ 1, y)  # dangling
    b.output(b.and_(x, y), "o")
    aig = b.build()
    assert aig.num_ands == 2 and CompiledAIG(aig).num_instructions == 1


@pytest.mark.parametrize("n,f", [(0, 5), (1, 1), (7, 3), (64, 8), (65, 9), (513, 17), (1000, 784)])
def test_pack_bool_equals_numpy_packing(n, f):
    v = np.random.default_rng(n + f).random((n, f)) < 0.5
    assert (pack_bool(v) == pack_vectors(v)).all()
    assert (pack_bool(v.astype(np.uint8)) == pack_vectors(v)).all()

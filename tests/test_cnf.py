"""CNF encodings: equisatisfiable with the circuit; models map to inputs that set the output."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pysat.solvers import Solver

from circuitlab.aig import AIGBuilder
from circuitlab.cnf import dimacs_text, encode, parse_dimacs, read_dimacs, write_dimacs
from circuitlab.errors import CircuitError, DimacsFormatError
from circuitlab.sim import evaluate, exhaustive_patterns, simulate_outputs
from helpers import random_aig


def brute_force_sat(aig, k=None) -> bool:
    outs = simulate_outputs(aig, exhaustive_patterns(aig.num_inputs))
    if aig.num_inputs < 6:
        outs &= np.uint64((1 << (1 << aig.num_inputs)) - 1)
    return bool((outs if k is None else outs[k : k + 1]).any())


@settings(max_examples=80, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_in=st.integers(1, 8),
    n_and=st.integers(1, 50),
    n_out=st.integers(1, 3),
    method=st.sampled_from(["tseitin", "pg"]),
    single=st.booleans(),
)
def test_equisatisfiable_and_models_verified(seed, n_in, n_and, n_out, method, single):
    aig = random_aig(seed, n_in, n_and, n_out)
    k = 0 if single else None
    enc = encode(aig, method=method, assert_output=k if single else "any")
    with Solver("cadical195", bootstrap_with=enc.cnf) as s:
        sat = s.solve()
        model = s.get_model() if sat else None
    assert sat == brute_force_sat(aig, k)
    if sat:
        vec = enc.model_to_inputs(model)
        outs = evaluate(aig, vec)
        assert outs[0] if single else outs.any()


def test_pg_has_fewer_clauses():
    aig = random_aig(7, 10, 200, 1)
    assert len(encode(aig, "pg").cnf.clauses) < len(encode(aig, "tseitin").cnf.clauses)


def test_constant_output():
    b = AIGBuilder()
    x = b.input()
    b.output(b.and_(x, x ^ 1))
    with Solver("cadical195", bootstrap_with=encode(b.build()).cnf) as s:
        assert not s.solve()


def test_dimacs_roundtrip(tmp_path):
    enc = encode(random_aig(3), "tseitin")
    path = tmp_path / "f.cnf"
    write_dimacs(enc.cnf, path, comments=["hello"])
    back = read_dimacs(path)
    assert back.clauses == enc.cnf.clauses and back.nv == enc.cnf.nv
    assert dimacs_text(back).startswith("p cnf")


@pytest.mark.parametrize(
    "text,msg",
    [
        ("p cnf x 2\n1 0\n", "bad header"),
        ("p cnf 2\n1 0\n", "bad header"),
        ("1 2 0\n", "before the 'p cnf' header"),
        ("p cnf 2 1\n1 a 0\n", "bad literal"),
        ("p cnf 2 1\n1 3 0\n", "exceeds"),
        ("p cnf 2 2\n1 2 0\n", "header says 2 clauses"),
        ("p cnf 2 1\n1 2\n", "not terminated"),
        ("", "missing 'p cnf' header"),
        ("p cnf 2000000000 1\n1 0\n", "declares 2000000000 variables"),  # a solver would allocate them
    ],
)
def test_malformed_dimacs(text, msg):
    with pytest.raises(DimacsFormatError, match=msg):
        parse_dimacs(text, "f.cnf")


def test_bad_encoding_name():
    with pytest.raises(CircuitError):
        encode(random_aig(1), "nope")


@pytest.mark.parametrize("method", ["tseitin", "pg"])
@pytest.mark.parametrize("assert_output", ["any", 0, None])
def test_streamed_dimacs_equals_the_reference(method, assert_output, tmp_path, monkeypatch):
    """write_encoding (numpy rows + the C formatter) writes exactly dimacs_text(encode(...))."""
    import circuitlab.cnf as cnf_module
    from circuitlab.cnf import dimacs_text, encode, write_encoding

    monkeypatch.setattr(cnf_module, "STREAM_GATES", 7)  # many blocks, uneven last one
    for seed in range(5):
        aig = random_aig(seed, n_in=5, n_and=60, n_out=3)
        want = dimacs_text(encode(aig, method, assert_output).cnf, ["a comment"])
        nv, n = write_encoding(aig, tmp_path / "s.cnf", method, assert_output, ["a comment"])
        assert (tmp_path / "s.cnf").read_text() == want
        assert want.count("\n") == n + 2 and f"p cnf {nv} {n}" in want

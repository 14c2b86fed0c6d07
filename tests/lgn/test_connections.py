"""Random and unique wiring of logic layers."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.lgn.connections import make_connections
from circuitlab.lgn.errors import LGNConfigError


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_random_connections_are_distinct_pairs_in_range():
    a, b = make_connections(10, 500, "random", _gen())
    assert a.shape == b.shape == (500,) and a.dtype == torch.int64
    assert (a != b).all() and a.min() >= 0 and max(a.max(), b.max()) < 10
    assert len(set(a.tolist()) | set(b.tolist())) == 10  # 500 draws cover 10 inputs


@settings(max_examples=40, deadline=None)
@given(in_dim=st.integers(2, 40), extra=st.integers(0, 60), seed=st.integers(0, 1000))
def test_unique_connections_use_every_input_and_distinct_pairs(in_dim, extra, seed):
    out_dim = min((in_dim + 1) // 2 + extra, in_dim * (in_dim - 1) // 2)
    a, b = make_connections(in_dim, out_dim, "unique", _gen(seed))
    assert a.shape == (out_dim,)
    assert (a != b).all()
    assert set(a.tolist()) | set(b.tolist()) == set(range(in_dim))
    pairs = {(min(x, y), max(x, y)) for x, y in zip(a.tolist(), b.tolist(), strict=True)}
    assert len(pairs) == out_dim


def test_connections_are_reproducible_and_seed_dependent():
    a1, b1 = make_connections(30, 40, "unique", _gen(3))
    a2, b2 = make_connections(30, 40, "unique", _gen(3))
    a3, b3 = make_connections(30, 40, "unique", _gen(4))
    assert torch.equal(a1, a2) and torch.equal(b1, b2)
    assert not (torch.equal(a1, a3) and torch.equal(b1, b3))


def test_unique_needs_enough_gates_and_names_the_widths():
    with pytest.raises(LGNConfigError, match=r"in_dim=100, out_dim=49"):
        make_connections(100, 49, "unique", _gen())
    with pytest.raises(ValueError, match=r"in_dim=4, out_dim=7"):  # only 6 distinct pairs of 4 inputs
        make_connections(4, 7, "unique", _gen())
    make_connections(100, 50, "unique", _gen())  # exactly enough


def test_bad_arguments():
    with pytest.raises(LGNConfigError, match="in_dim"):
        make_connections(1, 4, "random")
    with pytest.raises(LGNConfigError, match="connections must be one of"):
        make_connections(4, 4, "bogus")

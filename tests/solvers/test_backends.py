"""The backend table matches what pysat really does, and refusals happen at once."""

from __future__ import annotations

import pytest
from pysat.solvers import Solver as PysatSolver

from circuitlab.solvers import (
    BACKENDS,
    FEATURES,
    Guidance,
    Solver,
    SolverOptionError,
    UnsupportedFeatureError,
    get_backend,
)
from circuitlab.solvers.guidance import NullPropagator

CLAUSES = [[1, 2], [-1, 2], [1, -2]]
PYSAT_BACKENDS = sorted(name for name, b in BACKENDS.items() if not b.native)


def _works(backend: str, action, with_proof: bool = False) -> bool:
    """Does the raw pysat call succeed (True) or raise NotImplementedError (False)?"""
    s = None
    try:
        s = PysatSolver(name=backend, bootstrap_with=CLAUSES, with_proof=with_proof)
        action(s)
        return True
    except NotImplementedError:
        return False
    finally:
        if s is not None:
            s.delete()


PROBES = {
    "phases": lambda s: s.set_phases([1, -2]),
    "conflicts": lambda s: (s.conf_budget(5), s.solve_limited()),
    "interrupt": lambda s: (s.interrupt(), s.clear_interrupt()),
    "propagator": lambda s: s.connect_propagator(NullPropagator()),
    "stats": lambda s: s.accum_stats()["conflicts"],
}


@pytest.mark.parametrize("name", PYSAT_BACKENDS)
@pytest.mark.parametrize("feature", sorted(PROBES))
def test_table_matches_pysat(name, feature):
    assert _works(name, PROBES[feature]) == get_backend(name).supports(feature)


# pysat's __del__ trips over its own refused constructor (no solver attribute yet)
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("name", PYSAT_BACKENDS)
def test_proof_column_matches_pysat(name):
    assert _works(name, lambda s: s.solve(), with_proof=True) == get_backend(name).proof


@pytest.mark.parametrize("name", PYSAT_BACKENDS)
def test_priorities_have_a_mechanism(name):
    b = get_backend(name)
    activities = _works(name, lambda s: s.set_activities({1: 2.0}))
    assert b.priorities == (b.propagator or activities)


def test_native_engine_row_matches_the_engine():
    """The circuitlab row: every feature it claims works through Solver, and only it filters."""
    import numpy as np

    b = get_backend("circuitlab")
    assert b.native and b.filter and b.proof and b.interrupt and not b.propagator
    assert [n for n, row in BACKENDS.items() if row.filter] == ["circuitlab"]
    g = Guidance(phases=[1, -2], priorities={1: 2.0}, filter_weights=np.zeros((2, 2)))
    with Solver("circuitlab", CLAUSES, proof=True, guidance=g) as s:
        res = s.solve(conflicts=100)
        assert res.name == "SAT" and res.stats.conflicts is not None


def test_table_covers_every_feature():
    for b in BACKENDS.values():
        assert set(b.capabilities()) == set(FEATURES)


def test_unknown_backend_lists_the_choices():
    with pytest.raises(SolverOptionError, match="unknown backend 'lingeling'.*cadical195"):
        get_backend("lingeling")
    with pytest.raises(SolverOptionError):
        Solver("nope")


def test_unknown_feature_is_an_error():
    with pytest.raises(SolverOptionError, match="unknown solver feature"):
        get_backend("cadical195").supports("telepathy")


@pytest.mark.parametrize("name", ["kissat404", "minisat22"])
def test_proof_request_refused_at_construction(name):
    with pytest.raises(UnsupportedFeatureError, match=f"backend '{name}' does not support DRAT proofs"):
        Solver(name, CLAUSES, proof=True)


def test_guidance_refused_at_construction_with_backend_name():
    with pytest.raises(UnsupportedFeatureError, match="'kissat404' does not support phase"):
        Solver("kissat404", CLAUSES, guidance=Guidance(phases=[1]))
    with pytest.raises(UnsupportedFeatureError, match="'glucose4' does not support external propagators"):
        Solver("glucose4", CLAUSES, guidance=Guidance(decide=lambda st: 0))
    with pytest.raises(UnsupportedFeatureError, match="'kissat404' does not support variable priorities"):
        Solver("kissat404", CLAUSES, guidance=Guidance(priorities={1: 1.0}))


def test_error_names_the_backends_that_can():
    with pytest.raises(UnsupportedFeatureError, match=r"supported by cadical195, glucose4"):
        get_backend("minisat22").require("proof")

"""The backend table: one row per solver, with what it really supports.

PySAT (Ignatiev, Morgado, Marques-Silva, SAT 2018) wraps many CDCL solvers behind
one ``Solver(name=...)`` factory, but each backend implements a different subset of
the API and raises ``NotImplementedError`` for the rest.  This table records that
subset for the four pysat backends circuitlab uses, as measured on python-sat 1.9.dev24
(``tests/solvers/test_backends.py`` re-checks every cell against pysat).  The row
``circuitlab`` is our own engine (:mod:`~circuitlab.solvers.engine`), the only one with
learned-clause filter weights, and the only one that keeps every limit in-process.

==============  ======  ==========  =========  =========  =====  ==========  =====  ======
backend         phases  priorities  conflicts  interrupt  proof  propagator  stats  filter
==============  ======  ==========  =========  =========  =====  ==========  =====  ======
cadical195      yes     yes (UP)    yes        no         yes    yes         yes    no
kissat404       no      no          yes        no         no     no          no     no
glucose4        yes     yes (act.)  yes        yes        yes    no          yes    no
minisat22       yes     yes (act.)  yes        yes        no     no          yes    no
circuitlab      yes     yes (seed)  yes        yes        yes    no          yes    yes
==============  ======  ==========  =========  =========  =====  ==========  =====  ======

* ``priorities`` go through the IPASIR-UP ``decide()`` callback on CaDiCaL (hard:
  the highest-priority unassigned variable is decided next) and through initial
  VSIDS activities (``set_activities``) on Glucose/MiniSat (soft: a starting order).
* ``interrupt``: backends without it get wall-clock limits from a watchdog (the
  solve runs in a forked child process that is killed at the deadline).
* Glucose checks its conflict budget only between restarts, so it may overshoot.

Asking a backend for a feature it lacks raises :class:`UnsupportedFeatureError` at
once, naming the backend and the backends that do have the feature.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from .errors import SolverOptionError, UnsupportedFeatureError

FEATURES = ("phases", "priorities", "conflicts", "interrupt", "proof", "propagator", "stats", "filter")
FEATURE_WORDS = {
    "phases": "phase preferences",
    "priorities": "variable priorities",
    "conflicts": "conflict limits",
    "interrupt": "interrupts",
    "proof": "DRAT proofs",
    "propagator": "external propagators (decision callbacks)",
    "stats": "search statistics",
    "filter": "learned-clause filter weights",
}


@dataclass(frozen=True)
class Backend:
    """One pysat backend and its capabilities.

    Args:
        name: the circuitlab name (also pysat's canonical name).
        description: one line for ``--help`` and docs.
        phases ... filter: whether each feature of :data:`FEATURES` is supported.
        native: circuitlab's own engine, which keeps deadlines, memory limits and
            Ctrl-C in-process (no forked watchdog).
    """

    name: str
    description: str
    phases: bool
    priorities: bool
    conflicts: bool
    interrupt: bool
    proof: bool
    propagator: bool
    stats: bool
    filter: bool = False
    native: bool = False  # circuitlab's engine: limits kept in-process, no watchdog child

    def supports(self, feature: str) -> bool:
        if feature not in FEATURES:
            raise SolverOptionError(f"unknown solver feature {feature!r}; one of {', '.join(FEATURES)}")
        return getattr(self, feature)

    def require(self, feature: str) -> None:
        """Raise :class:`UnsupportedFeatureError` unless this backend has ``feature``."""
        if not self.supports(feature):
            others = [b.name for b in BACKENDS.values() if b.supports(feature)]
            hint = f" (supported by {', '.join(others)})" if others else ""
            raise UnsupportedFeatureError(f"backend {self.name!r} does not support {FEATURE_WORDS[feature]}{hint}")

    def capabilities(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in FEATURES}


BACKENDS: dict[str, Backend] = {
    b.name: b
    for b in (
        Backend(
            "cadical195",
            "CaDiCaL 1.9.5 (default): proofs, phases, IPASIR-UP decisions",
            phases=True,
            priorities=True,
            conflicts=True,
            interrupt=False,
            proof=True,
            propagator=True,
            stats=True,
        ),
        Backend(
            "kissat404",
            "Kissat 4.0.4: fastest on hard instances; no proofs, no phases in pysat",
            phases=False,
            priorities=False,
            conflicts=True,
            interrupt=False,
            proof=False,
            propagator=False,
            stats=False,
        ),
        Backend(
            "glucose4",
            "Glucose 4.1: proofs, phases, activities, interrupts",
            phases=True,
            priorities=True,
            conflicts=True,
            interrupt=True,
            proof=True,
            propagator=False,
            stats=True,
        ),
        Backend(
            "circuitlab",
            "circuitlab's own CDCL engine (C++17): proofs, phases, priorities, clause filter, in-process limits",
            phases=True,
            priorities=True,
            conflicts=True,
            interrupt=True,
            proof=True,
            propagator=False,
            stats=True,
            filter=True,
            native=True,
        ),
        Backend(
            "minisat22",
            "MiniSat 2.2: phases, activities, interrupts",
            phases=True,
            priorities=True,
            conflicts=True,
            interrupt=True,
            proof=False,
            propagator=False,
            stats=True,
        ),
    )
}
DEFAULT_BACKEND = "cadical195"


def get_backend(name: str) -> Backend:
    """The :class:`Backend` called ``name``; :class:`SolverOptionError` if there is none."""
    backend = BACKENDS.get(name) if isinstance(name, str) else None
    if backend is None:
        raise SolverOptionError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)}")
    return backend

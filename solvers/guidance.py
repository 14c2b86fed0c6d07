"""Search guidance: phase preferences, variable priorities, a decision callback.

This is the seam through which a learned model steers CDCL search (as NeuroCore,
Selsam & Bjørner, SAT 2019, steers branching with GNN-predicted variable scores).  Three
kinds of hint, all over CNF variables (DIMACS numbering; for an AIG encoded by
:mod:`circuitlab.cnf`, AIG variable ``v`` is CNF variable ``v + 1``, see
:meth:`Guidance.from_aig`):

* **phases** — preferred values, given as DIMACS literals (``[3, -7]``: try x3 = 1,
  x7 = 0).  Native ``set_phases`` on CaDiCaL, Glucose and MiniSat.
* **priorities** — ``{var: p}``; higher is decided earlier.  On CaDiCaL 1.9.5 they go
  through the IPASIR-UP ``decide()`` callback (Fazekas et al., SAT 2023): at every
  decision the unassigned variable of highest priority is returned, with its
  preferred phase.  On Glucose/MiniSat they seed the VSIDS activities.
* **decide** — ``decide(state) -> lit``: called by CaDiCaL at every decision with a
  :class:`SearchState`; return a DIMACS literal over an *observed*, unassigned
  variable, or 0 to let the solver (or the priorities) choose.

Observing a variable costs a Python call per assignment of it (see
``benchmarks/results/solvers_overhead.md``), so only the variables with priorities,
plus ``observe``, are observed; a ``decide`` callback without ``observe`` observes
all variables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from pysat.engines import Propagator

from .backends import Backend
from .errors import SolverOptionError


@dataclass
class Guidance:
    """Hints for one solve.

    Args:
        phases: DIMACS literals; the sign is the preferred value of the variable.
        priorities: ``{var: priority}`` (finite floats), higher first.
        decide: ``decide(state: SearchState) -> int`` (DIMACS literal or 0).
        observe: variables the ``decide`` callback needs to see assigned.
        filter_weights: ``[V, 2]`` per-literal weights of the learned-clause filter
            (row ``v - 1`` for CNF variable ``v``; column 0 the positive literal, 1 the
            negative); positive keeps clauses with that literal longer.  Only the
            ``circuitlab`` engine has this hook.
        priority_window: ``circuitlab`` engine only: for this many conflicts decisions
            take the highest-priority unassigned variable outright (``None``: the
            engine's ``priority_window`` option, 0 unless set; other backends ignore it).
    """

    phases: Sequence[int] = ()
    priorities: Mapping[int, float] | None = None
    decide: Callable[[SearchState], int] | None = None
    observe: Sequence[int] | None = None
    filter_weights: np.ndarray | None = None
    priority_window: int | None = None

    def __post_init__(self):
        if self.priority_window is not None:
            if int(self.priority_window) != self.priority_window or not 0 <= self.priority_window <= 2_000_000_000:
                raise SolverOptionError("priority_window: an integer in [0, 2000000000] expected")
            self.priority_window = int(self.priority_window)
        self.phases = [int(x) for x in self.phases]
        if any(x == 0 for x in self.phases):
            raise SolverOptionError("phases: 0 is not a literal")
        if self.priorities is not None:
            pr = {int(v): float(p) for v, p in dict(self.priorities).items()}
            if any(v <= 0 for v in pr) or not all(math.isfinite(p) for p in pr.values()):
                raise SolverOptionError("priorities: variables must be positive and priorities finite")
            self.priorities = pr
        if self.decide is not None and not callable(self.decide):
            raise SolverOptionError("decide must be callable")
        if self.observe is not None:
            self.observe = [int(v) for v in self.observe]
            if any(v <= 0 for v in self.observe):
                raise SolverOptionError("observe: variables must be positive")
        if self.filter_weights is not None:
            w = np.asarray(self.filter_weights, dtype=np.float32)
            if w.ndim != 2 or w.shape[1] != 2 or not np.isfinite(w).all():
                raise SolverOptionError("filter_weights: a finite [num_vars, 2] array expected")
            self.filter_weights = w

    def filter_weights_for(self, num_vars: int) -> np.ndarray:
        """The filter weights cut or zero-padded to ``[num_vars, 2]``."""
        assert self.filter_weights is not None
        out = np.zeros((num_vars, 2), dtype=np.float32)
        n = min(num_vars, len(self.filter_weights))
        out[:n] = self.filter_weights[:n]
        return out

    @classmethod
    def from_aig(cls, phases=None, priorities=None, decide=None, observe=None) -> Guidance:
        """Guidance given per AIG variable, mapped to CNF variables (``v -> v + 1``).

        Args:
            phases: ``[M+1]`` array; > 0 prefers 1, < 0 prefers 0, 0 no preference.
            priorities: ``[M+1]`` array; non-finite entries mean no priority.
            decide: as in :class:`Guidance`, over CNF variables.
            observe: AIG variables for ``decide`` to observe.
        """
        lits: list[int] = []
        if phases is not None:
            ph = np.asarray(phases, dtype=np.float64).reshape(-1)  # [M+1]
            idx = np.flatnonzero(ph != 0)
            lits = np.where(ph[idx] > 0, idx + 1, -(idx + 1)).tolist()
        pri = None
        if priorities is not None:
            p = np.asarray(priorities, dtype=np.float64).reshape(-1)  # [M+1]
            idx = np.flatnonzero(np.isfinite(p))
            pri = dict(zip((idx + 1).tolist(), p[idx].tolist(), strict=True))
        obs = None if observe is None else (np.asarray(observe, dtype=np.int64) + 1).tolist()
        return cls(lits, pri, decide, obs)

    def features(self) -> list[str]:
        """The backend features this guidance needs."""
        need = []
        if self.phases:
            need.append("phases")
        if self.priorities:
            need.append("priorities")
        if self.decide is not None:
            need.append("propagator")
        if self.filter_weights is not None:
            need.append("filter")
        return need

    def require(self, backend: Backend) -> None:
        for feature in self.features():
            backend.require(feature)

    def needs_propagator(self, backend: Backend) -> bool:
        return self.decide is not None or (bool(self.priorities) and backend.propagator)

    def observed(self, num_vars: int) -> list[int]:
        """Variables the propagator observes (within ``1..num_vars``)."""
        vs = set(self.priorities or ())
        if self.observe is not None:
            vs.update(self.observe)
        elif self.decide is not None:
            vs.update(range(1, num_vars + 1))
        return sorted(v for v in vs if v <= num_vars)

    def phase_of(self) -> dict[int, bool]:
        return {abs(x): x > 0 for x in self.phases}


class SearchState:
    """The partial assignment of the observed variables, as a ``decide`` callback sees it."""

    def __init__(self):
        self.values: dict[int, bool] = {}  # var -> value, observed and assigned
        self.level = 0

    def value(self, var: int) -> bool | None:
        return self.values.get(var)

    def is_assigned(self, var: int) -> bool:
        return var in self.values


class _DecideOnly(Propagator):
    """IPASIR-UP with decisions only: no propagation, reasons or external clauses."""

    def check_model(self, model) -> bool:
        return True

    def propagate(self) -> list:
        return []

    def provide_reason(self, lit: int) -> list:
        return []

    def add_clause(self) -> list:
        return []


class DecisionPropagator(_DecideOnly):
    """An IPASIR-UP propagator that only decides: it never propagates or adds clauses.

    It tracks the assignment of observed variables (``on_assignment`` /
    ``on_new_level`` / ``on_backtrack``) so that ``decide`` returns unassigned
    literals only: first the user's callback, then the highest-priority variable.

    Args:
        guidance: the :class:`Guidance`.
        observed: the observed variables (``[K]``).
    """

    def __init__(self, guidance: Guidance, observed: Sequence[int]):
        super().__init__()
        self.state = SearchState()
        self.trail: list[int] = []  # non-fixed assigned observed vars, in order
        self.level_start: list[int] = []  # trail length when each level began
        self.fixed: set[int] = set()
        self.observed = set(observed)
        self.callback = guidance.decide
        phase = guidance.phase_of()
        pri = guidance.priorities or {}
        order = sorted((v for v in pri if v in self.observed), key=lambda v: (-pri[v], v))
        self.order = order  # [P] variables by decreasing priority
        self.order_lits = [v if phase.get(v, True) else -v for v in order]
        self.pos = {v: k for k, v in enumerate(order)}
        self.cursor = 0  # every variable before it in ``order`` is assigned
        self.decisions = 0  # decisions made here (not by the solver)
        self.error: BaseException | None = None

    # ---- assignment tracking -----------------------------------------------
    def on_assignment(self, lit: int, fixed: bool = False) -> None:
        var = abs(lit)
        self.state.values[var] = lit > 0
        if fixed:
            self.fixed.add(var)
        else:
            self.trail.append(var)

    def on_new_level(self) -> None:
        self.level_start.append(len(self.trail))
        self.state.level = len(self.level_start)

    def on_backtrack(self, to: int) -> None:
        if to >= len(self.level_start):
            return
        start = self.level_start[to]
        values, pos, cursor = self.state.values, self.pos, self.cursor
        for var in self.trail[start:]:
            if var not in self.fixed:
                values.pop(var, None)
                k = pos.get(var)
                if k is not None and k < cursor:
                    cursor = k
        self.cursor = cursor
        del self.trail[start:]
        del self.level_start[to:]
        self.state.level = to

    # ---- decisions ---------------------------------------------------------
    def decide(self) -> int:
        values = self.state.values
        if self.callback is not None and self.error is None:
            try:
                lit = int(self.callback(self.state))
            except BaseException as e:  # noqa: BLE001 - re-raised after the solve
                self.error = e
                lit = 0
            if lit and abs(lit) in self.observed and abs(lit) not in values:
                self.decisions += 1
                return lit
        order, n = self.order, len(self.order)
        k = self.cursor
        while k < n and order[k] in values:
            k += 1
        self.cursor = k
        if k < n:
            self.decisions += 1
            return self.order_lits[k]
        return 0


class NullPropagator(_DecideOnly):
    """A propagator that observes nothing and always leaves decisions to the solver.

    Used to measure the bare cost of the Python callback seam.
    """

    def __init__(self):
        super().__init__()
        self.calls = 0

    def decide(self) -> int:
        self.calls += 1
        return 0

"""circuitlab's own CDCL engine (C++17, ``solvers/cdcl/``), compiled by ``pip install``.

The engine owns its clause database, so the search can be steered from inside the C++
loop with hints given once as numpy arrays, never by Python callbacks:

* **phases** ``[V]`` int8 (+1 / -1 / 0): the original phase of each variable (restored
  at rephasing), or, with option ``forced_phases=1``, forced at every decision;
* **priorities** ``[V]`` float (NaN = none): seed both decision orders (VSIDS activities
  and the VMTF queue); for the first ``priority_window`` conflicts decisions take the
  highest-priority unassigned variable outright;
* **clause-filter weights** ``[V, 2]`` float (column 0 the positive literal, 1 the
  negative): a learned clause's score is the mean weight of its literals, and the
  reduction ranks clauses by LBD (or length) minus that score.  All-zero weights give
  exactly the run without the hook.

The search itself (see ``solvers/cdcl/solver.hpp``): two watched literals with blocking
literals, VSIDS and VMTF, first-UIP learning with recursive minimization and LBD,
glucose-style EMA and Luby restarts in alternating focused / stable modes, phase saving
with target and best phases and rephasing, a three-tier learned clause database (or the
usage-then-length policy of Cai et al. 2026), incremental solving under assumptions
with failed-assumption cores, conflict / propagation / time / memory budgets, an
interrupt flag, DRAT proofs and statistics.

Every engine option is one row of the C++ table (``solvers/cdcl/options.hpp``);
:data:`OPTIONS` reads it, and ``--engine-option NAME=VALUE`` on the CLI sets it.

Example::

    eng = Engine(3, options={"heuristic": 1})
    eng.add_clauses([[1, 2], [-1, 3], [-2, -3]])
    status = eng.solve(assumptions=[3], seconds=5.0)
    if status == SAT:
        print(eng.model())   # [V] int8, 1 = true
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .errors import SolverOptionError

try:
    from . import _cdcl
except ImportError as e:  # pragma: no cover - only on a broken install
    raise ImportError(
        "circuitlab's native engine (circuitlab.solvers._cdcl) is not built; reinstall circuitlab with "
        "`pip install .` on a machine with a C++17 compiler"
    ) from e


@dataclass(frozen=True)
class EngineOption:
    """One row of the engine's option table."""

    name: str
    default: int
    lowest: int
    highest: int
    help: str


OPTIONS: dict[str, EngineOption] = {row[0]: EngineOption(*row) for row in _cdcl.option_table()}


def check_options(
    options: Mapping[str, int] | None, table: Mapping[str, EngineOption] = OPTIONS, what: str = "engine"
) -> dict[str, int]:
    """Validate ``{name: value}`` against ``table``; :class:`SolverOptionError` if bad."""
    out: dict[str, int] = {}
    for name, value in (options or {}).items():
        opt = table.get(name)
        if opt is None:
            raise SolverOptionError(f"unknown {what} option {name!r}; one of {', '.join(table)}")
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
            raise SolverOptionError(f"{what} option {name} needs an integer, got {value!r}")
        if not opt.lowest <= int(value) <= opt.highest:
            raise SolverOptionError(f"{what} option {name}={value} is outside [{opt.lowest}, {opt.highest}]")
        out[name] = int(value)
    return out


def parse_assignments(items: Iterable[str], flag: str = "--engine-option") -> dict[str, int]:
    """``["heuristic=1", "reduce-policy=1"]`` -> ``{name: value}`` (integers, unchecked names)."""
    out: dict[str, int] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep:
            raise SolverOptionError(f"{flag} expects NAME=VALUE, got {item!r}")
        try:
            out[name] = int(value)
        except ValueError:
            raise SolverOptionError(f"{flag} {name} needs an integer, got {value!r}") from None
    return out


def parse_options(items: Iterable[str]) -> dict[str, int]:
    """``["heuristic=1", "reduce_policy=1"]`` -> checked ``{name: value}``."""
    return check_options(parse_assignments(items))


def flatten(clauses: Iterable[Sequence[int]]) -> tuple[np.ndarray, int]:
    """Clauses -> (flat int64 array with a 0 after each clause, largest variable)."""
    clauses = clauses if isinstance(clauses, list) else list(clauses)
    lens = np.fromiter(map(len, clauses), dtype=np.int64, count=len(clauses))  # [C]
    lits = np.fromiter(itertools.chain.from_iterable(clauses), dtype=np.int64, count=int(lens.sum()))  # [N]
    if (lits == 0).any():
        raise SolverOptionError("a clause contains 0, which is not a literal (it ends a clause in DIMACS)")
    flat = np.zeros(len(lits) + len(clauses), dtype=np.int64)  # [N + C]
    ends = np.cumsum(lens + 1) - 1  # position of each clause's 0
    mask = np.ones(len(flat), dtype=bool)
    mask[ends] = False
    flat[mask] = lits
    top = int(np.abs(lits).max()) if len(lits) else 0
    return flat, top


class Engine:
    """One instance of the native CDCL engine.

    Args:
        num_vars: variables to declare (more can be added with :meth:`reserve`; a
            literal beyond the declared variables is a ``ValueError``).
        options: ``{name: value}`` from :data:`OPTIONS`.
        proof: ``True`` to keep a DRAT proof in memory, or a path to write it to.
    """

    def __init__(self, num_vars: int = 0, options: Mapping[str, int] | None = None, proof: bool | str = False):
        self._e = _cdcl.Engine(int(num_vars))
        for name, value in check_options(options).items():
            self._e.set_option(name, value)
        if proof:
            self._e.enable_proof("" if proof is True else str(proof))

    # ---- formula -----------------------------------------------------------
    @property
    def num_vars(self) -> int:
        return int(self._e.num_vars)

    def reserve(self, num_vars: int) -> None:
        self._e.reserve(int(num_vars))

    def add_clause(self, clause: Sequence[int]) -> bool:
        """Add one clause (DIMACS literals); ``False`` once the formula is unsatisfiable."""
        return bool(self._e.add_clause([int(x) for x in clause]))

    def add_clauses(self, clauses: Iterable[Sequence[int]], grow: bool = True) -> bool:
        """Add many clauses at once; ``grow`` declares the variables they use."""
        flat, top = flatten(clauses)
        if grow and top > self.num_vars:
            self.reserve(top)
        return bool(self._e.add_clauses(flat))

    # ---- hooks -------------------------------------------------------------
    def set_phases(self, phases: np.ndarray) -> None:
        """``[V]`` int8: +1 prefer true, -1 prefer false, 0 no preference."""
        self._e.set_phases(np.ascontiguousarray(np.sign(np.asarray(phases)), dtype=np.int8))

    def set_priorities(self, priorities: np.ndarray) -> None:
        """``[V]`` float: higher is decided earlier; NaN means no priority."""
        self._e.set_priorities(np.ascontiguousarray(priorities, dtype=np.float64))

    def set_filter_weights(self, weights: np.ndarray) -> None:
        """``[V, 2]`` float32 per-literal weights of the clause filter."""
        self._e.set_filter_weights(np.ascontiguousarray(weights, dtype=np.float32))

    # ---- solving -----------------------------------------------------------
    def solve(
        self,
        assumptions: Sequence[int] = (),
        *,
        conflicts: int | None = None,
        propagations: int | None = None,
        seconds: float | None = None,
        memory_mb: float | None = None,
    ) -> int:
        """10 SAT, 20 UNSAT, 0 UNKNOWN (then :attr:`stop_reason` says why)."""
        return int(
            self._e.solve(
                [int(x) for x in assumptions],
                -1 if conflicts is None else int(conflicts),
                -1 if propagations is None else int(propagations),
                -1.0 if seconds is None else max(0.0, float(seconds)),
                -1 if memory_mb is None else int(memory_mb * 2**20),
            )
        )

    @property
    def stop_reason(self) -> str:
        return str(self._e.stop_reason)

    def model(self) -> np.ndarray:
        """``[V]`` int8 of the last SAT answer: 1 true, 0 false."""
        return np.asarray(self._e.model())

    def model_literals(self) -> list[int]:
        """The last model as DIMACS literals ``[1, -2, 3, ...]``."""
        m = self.model()
        v = np.arange(1, len(m) + 1)
        return np.where(m == 1, v, -v).tolist()

    def failed(self) -> list[int]:
        """After UNSAT under assumptions: the assumptions of a refuted core."""
        return [int(x) for x in self._e.failed()]

    def interrupt(self) -> None:
        """Stop a running :meth:`solve` (safe from another thread)."""
        self._e.interrupt()

    def clear_interrupt(self) -> None:
        self._e.clear_interrupt()

    def proof(self) -> str:
        """The DRAT proof logged so far (in-memory proofs; empty for a file)."""
        return bytes(self._e.take_proof()).decode()

    def stats(self) -> dict:
        return dict(self._e.stats())

    def options(self) -> dict[str, int]:
        return dict(self._e.options())

    def learnt_clauses(self) -> list[list[int]]:
        return [list(c) for c in self._e.learnt_clauses()]


class EngineSolver(Engine):
    """The engine behind the pysat-style calls that :class:`~circuitlab.solvers.Solver` makes.

    Variables are declared as clauses use them; a conflict budget set by
    :meth:`conf_budget` applies to the next solve only, as in pysat.
    """

    def __init__(self, proof: bool = False, options: Mapping[str, int] | None = None):
        super().__init__(0, options=options, proof=proof)
        self._budget: int | None = None
        self._core: list[int] = []

    def add_clause(self, clause: Sequence[int]) -> bool:
        lits = [int(x) for x in clause]
        top = max((abs(x) for x in lits), default=0)
        if top > self.num_vars:
            self.reserve(top)
        return super().add_clause(lits)

    def conf_budget(self, n: int) -> None:
        self._budget = int(n)

    def solve_limited(
        self, assumptions: Sequence[int] = (), seconds: float | None = None, memory_mb: float | None = None
    ) -> bool | None:
        top = max((abs(int(x)) for x in assumptions), default=0)
        if top > self.num_vars:
            self.reserve(top)
        budget, self._budget = self._budget, None
        status = self.solve(assumptions, conflicts=budget, seconds=seconds, memory_mb=memory_mb)
        self._core = self.failed() if status == 20 else []
        return None if status == 0 else status == 10

    def get_model(self) -> list[int]:
        return self.model_literals()

    def get_core(self) -> list[int]:
        return list(self._core)

    def get_proof(self) -> list[str]:
        return self.proof().splitlines()

    def accum_stats(self) -> dict:
        return self.stats()

    def set_phases(self, literals) -> None:
        """pysat style: DIMACS literals whose signs are the preferred values."""
        phases = np.zeros(self.num_vars, dtype=np.int8)
        for x in literals:
            if abs(int(x)) <= self.num_vars:
                phases[abs(int(x)) - 1] = 1 if x > 0 else -1
        super().set_phases(phases)

    def set_option(self, name: str, value: int) -> None:
        """Change one engine option (checked against :data:`OPTIONS`) before the next solve."""
        for key, checked in check_options({name: value}).items():
            self._e.set_option(key, checked)

    def set_activities(self, priorities: Mapping[int, float]) -> None:
        prio = np.full(self.num_vars, np.nan)
        for v, p in priorities.items():
            if 0 < int(v) <= self.num_vars:
                prio[int(v) - 1] = float(p)
        self.set_priorities(prio)

    def delete(self) -> None:
        self._e = None  # type: ignore[assignment]

"""A context-managed CDCL solver over one name -> backend table.

One class serves every backend of :data:`~circuitlab.solvers.backends.BACKENDS`; the
table, not a subclass per solver, says what each can do, and a request the backend
cannot honour raises :class:`UnsupportedFeatureError` when the solver is made.

Limits:

* a conflict limit is pysat's ``conf_budget`` + ``solve_limited``;
* a wall-clock deadline interrupts the solver from a timer thread on backends that
  support ``interrupt`` (Glucose, MiniSat), and otherwise (CaDiCaL, Kissat) runs the
  search in a forked child that a watchdog kills at the deadline
  (:mod:`~circuitlab.solvers.watchdog`);
* a memory limit always uses the child, with ``RLIMIT_AS``;
* Ctrl-C during the search gives UNKNOWN (reason ``"interrupted"``).  On the main
  thread, CaDiCaL and Kissat always search in the child, which the parent kills on
  Ctrl-C: pysat would otherwise stop them by a longjmp out of its signal handler,
  which deadlocks when the signal lands inside ``malloc``.

Example::

    with Solver("cadical195", cnf, proof=True) as s:
        res = s.solve(deadline=time.monotonic() + 5)
        if res.status == UNSAT:
            lines = s.proof()
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pysat.formula import CNF
from pysat.solvers import Solver as PysatSolver
from pysolvers import error as PysolversError

from .backends import DEFAULT_BACKEND, get_backend
from .engine import EngineSolver
from .errors import SolverOptionError
from .guidance import DecisionPropagator, Guidance
from .result import SAT, UNKNOWN, UNSAT, SolveResult, SolveStats
from .watchdog import run_in_child

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)  # both stop a search with UNKNOWN, "interrupted"
_ABANDONED: list = []  # pysat solvers left by a long jump (see Solver.close): never freed

# engine statistics of the guidance hooks (circuitlab backend)
HOOK_STATS = ("phase_decisions", "phases_followed", "priority_decisions", "filter_kept", "filter_dropped")


@contextmanager
def _sigint_calls(on_sigint):
    """Route Ctrl-C (and SIGTERM) to ``on_sigint()`` while the main thread sits in native code.

    With ``expect_interrupt=True`` pysat releases the GIL and installs no SIGINT
    handler, and Python runs signal handlers only between bytecodes of the main
    thread, so a plain ``KeyboardInterrupt`` would wait for the search to end.
    Instead the signal's wakeup byte (``signal.set_wakeup_fd``) wakes a helper thread
    that calls ``on_sigint``; the Python-level handler only records the signal.
    Yields an Event that is set once Ctrl-C was seen.
    """
    seen = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield seen
        return
    wake_r, wake_w = os.pipe()
    stop_r, stop_w = os.pipe()
    os.set_blocking(wake_w, False)

    def watch():
        while True:
            ready, _, _ = select.select([wake_r, stop_r], [], [])
            if stop_r in ready:
                return
            got = os.read(wake_r, 64)
            if signal.SIGINT in got or signal.SIGTERM in got:
                seen.set()
                on_sigint()

    old_handlers = {sig: signal.signal(sig, lambda signum, frame: seen.set()) for sig in STOP_SIGNALS}
    old_fd = signal.set_wakeup_fd(wake_w, warn_on_full_buffer=False)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield seen
    finally:
        signal.set_wakeup_fd(old_fd)
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        os.write(stop_w, b"x")
        watcher.join()
        for fd in (wake_r, wake_w, stop_r, stop_w):
            os.close(fd)


def _main() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextmanager
def _sigterm_as_sigint():
    """SIGTERM acts as SIGINT (on the main thread only; elsewhere nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    from . import _cdcl

    _cdcl.forward_sigterm(True)
    try:
        yield
    finally:
        _cdcl.forward_sigterm(False)


class Solver:
    """One SAT solver instance.

    Args:
        backend: a key of ``BACKENDS`` (``cadical195``, ``kissat404``, ``glucose4``,
            ``minisat22``).
        clauses: initial clauses (lists of DIMACS literals) or a pysat ``CNF``.
        proof: log a DRAT proof (backends with the ``proof`` feature).
        guidance: a :class:`~circuitlab.solvers.guidance.Guidance`.
    """

    def __init__(
        self,
        backend: str = DEFAULT_BACKEND,
        clauses: Iterable[Sequence[int]] | CNF = (),
        *,
        proof: bool = False,
        guidance: Guidance | None = None,
        engine_options: Mapping[str, int] | None = None,
    ):
        self.backend = get_backend(backend)
        if engine_options and not self.backend.native:
            raise SolverOptionError(f"engine options apply to the circuitlab backend, not {self.backend.name!r}")
        if proof:
            self.backend.require("proof")
        if guidance is not None:
            guidance.require(self.backend)
        self.guidance = guidance
        self.proof_enabled = bool(proof)
        self.num_vars = 0
        self._pysat: Any = (
            EngineSolver(self.proof_enabled, engine_options)
            if self.backend.native
            else PysatSolver(name=self.backend.name, with_proof=self.proof_enabled)
        )
        self._propagator: DecisionPropagator | None = None
        self._guided = False
        self._solved_here = False  # an in-process solve happened (Kissat cannot solve twice)
        self._usable = True  # False once Ctrl-C left the native solver in an undefined state
        self._jumped_out = False  # pysat's own SIGINT handler jumped out of the C++ search
        self._child_proof: list[str] | None = None
        self.add_clauses(clauses)

    # ---- lifetime ----------------------------------------------------------
    def __enter__(self) -> Solver:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pysat is not None:
            if self._jumped_out:
                # pysat's SIGINT handler left the C++ search by a long jump: freeing that
                # solver can crash (CI saw a segfault).  Dropping the last reference would
                # run pysat's __del__, which frees it, so the object is kept and its
                # delete() made a no-op: the native solver is leaked, never freed.
                self._pysat.delete = lambda: None
                _ABANDONED.append(self._pysat)
            else:
                self._pysat.delete()
            self._pysat = None

    def _live(self):
        if self._pysat is None:
            raise SolverOptionError("the solver is closed")
        if not self._usable:
            raise SolverOptionError(f"the {self.backend.name} solver was interrupted and cannot be reused")
        return self._pysat

    # ---- formula -----------------------------------------------------------
    def add_clauses(self, clauses: Iterable[Sequence[int]] | CNF) -> None:
        s = self._live()
        if self.backend.native:
            clauses = clauses.clauses if isinstance(clauses, CNF) else [[int(x) for x in cl] for cl in clauses]
            s.add_clauses(clauses)
            self.num_vars = max(self.num_vars, s.num_vars)
            return
        if isinstance(clauses, CNF):
            self.num_vars = max(self.num_vars, clauses.nv)
            clauses = clauses.clauses
            for cl in clauses:
                s.add_clause(cl)
            return
        top = self.num_vars
        for cl in clauses:
            cl = [int(x) for x in cl]
            if cl:
                top = max(top, max(map(abs, cl)))
            s.add_clause(cl)
        self.num_vars = top

    # ---- solving -----------------------------------------------------------
    def solve(
        self,
        *,
        deadline: float | None = None,
        conflicts: int | None = None,
        memory_mb: float | None = None,
        fork: bool = True,
    ) -> SolveResult:
        """Solve under the limits.

        Args:
            deadline: ``time.monotonic()`` instant after which the answer is UNKNOWN.
            conflicts: conflict limit.
            memory_mb: extra address space the solver may use (forces the child).
            fork: ``False`` never forks a watchdog child: the deadline is then kept
                only by backends with ``interrupt``, and ``memory_mb`` is ignored (for
                callers that already run inside a watchdog).
        Returns:
            A :class:`SolveResult` with ``model`` set for SAT (not yet verified: the
            callers in :mod:`~circuitlab.solvers.core` verify it).
        """
        self._live()
        if conflicts is not None and conflicts < 0:
            raise SolverOptionError(f"conflicts must be non-negative, got {conflicts}")
        start = time.monotonic()
        if deadline is not None and deadline <= start:
            return SolveResult(UNKNOWN, self.backend.name, SolveStats(), reason="timeout")
        if self.backend.name == "kissat404" and self._solved_here:
            raise SolverOptionError("kissat404 is not incremental: it cannot solve twice")
        self._solved_here = True
        self._prepare_guidance()
        if self.backend.native:
            outcome = self._search_native(deadline, conflicts, memory_mb)
        elif fork and (
            memory_mb is not None or (not self.backend.interrupt and (deadline is not None or self._ctrl_c()))
        ):
            out = run_in_child(lambda: self._search(None, conflicts, in_child=True), deadline, memory_mb)
            if out.reason:
                return SolveResult(UNKNOWN, self.backend.name, SolveStats(solve_time=out.wall), reason=out.reason)
            outcome = out.value
            self._child_proof = outcome.pop("proof")
            outcome["stats"].solve_time = out.wall
        else:
            timer_deadline = deadline if self.backend.interrupt else None
            outcome = self._search(timer_deadline, conflicts, in_child=False)
        return SolveResult(
            outcome["status"], self.backend.name, outcome["stats"], model=outcome["model"], reason=outcome["reason"]
        )

    def _ctrl_c(self) -> bool:
        """Must this search run in a child for Ctrl-C?  A backend without ``interrupt()`` is
        stopped by pysat's SIGINT handler, which longjmps out of the search: a signal that
        lands inside ``malloc`` leaves its lock held and the next ``free()`` deadlocks.  On
        the main thread such a search runs in a child that the parent kills instead, unless
        a ``decide`` callback must run here (its side effects would stay in the child)."""
        return _main() and (self.guidance is None or self.guidance.decide is None)

    def _search(self, deadline: float | None, conflicts: int | None, in_child: bool) -> dict:
        """One ``solve_limited`` call, here or in the watchdog's child; picklable result."""
        s = self._live()
        if conflicts is not None:
            s.conf_budget(int(conflicts))
        fired = threading.Event()
        start = time.perf_counter()
        interrupted = False
        try:
            if deadline is None and not self.backend.interrupt:
                # pysat's own SIGINT handler stops the search and raises PysolversError; a
                # SIGTERM (whose Python handler cannot run while the search holds the GIL)
                # is re-sent as SIGINT by a C-level handler (solvers/cdcl/signals.cpp)
                with _sigterm_as_sigint():
                    res = s.solve_limited()
            else:  # an interruptible backend: Ctrl-C (and a timer at the deadline) call interrupt()

                def stop():
                    fired.set()
                    s.interrupt()

                timer = None
                if deadline is not None:
                    timer = threading.Timer(max(0.0, deadline - time.monotonic()), stop)
                    timer.daemon = True
                with _sigint_calls(s.interrupt) as sigint:
                    if timer is not None:
                        timer.start()
                    try:
                        res = s.solve_limited(expect_interrupt=True)
                    finally:
                        if timer is not None:
                            timer.cancel()
                interrupted = res is None and sigint.is_set()
        except PysolversError as e:  # pysat turns SIGINT during the search into this
            if "interrupt" not in str(e).lower():
                raise
            res, interrupted = None, True
            self._jumped_out = True
        except KeyboardInterrupt:  # SIGINT that reached Python code (a guidance callback)
            res, interrupted = None, True
        elapsed = time.perf_counter() - start
        if fired.is_set() or (interrupted and self.backend.interrupt and deadline is not None):
            s.clear_interrupt()
        if interrupted:
            self._usable = False  # CaDiCaL aborts on any call but delete() after this
            stats = SolveStats(solve_time=elapsed)
        else:
            stats = self._stats(elapsed)
        if self._propagator is not None:
            stats.guided_decisions = self._propagator.decisions
            if self._propagator.error is not None:
                raise self._propagator.error
        status = UNKNOWN if res is None else (SAT if res else UNSAT)
        reason = ""
        if status == UNKNOWN:
            reason = "interrupted" if interrupted else "timeout" if fired.is_set() else "conflicts"
        model = s.get_model() if status == SAT else None
        proof = s.get_proof() if in_child and status == UNSAT and self.proof_enabled else None
        return {"status": status, "model": model, "stats": stats, "reason": reason, "proof": proof}

    def _search_native(self, deadline: float | None, conflicts: int | None, memory_mb: float | None) -> dict:
        """One solve of circuitlab's engine: every limit kept in-process, Ctrl-C included."""
        s = self._live()
        if conflicts is not None:
            s.conf_budget(int(conflicts))
        seconds = None if deadline is None else max(0.0, deadline - time.monotonic())
        start = time.perf_counter()
        s.clear_interrupt()
        with _sigint_calls(s.interrupt):
            res = s.solve_limited(seconds=seconds, memory_mb=memory_mb)
        stats = self._stats(time.perf_counter() - start)
        status = UNKNOWN if res is None else (SAT if res else UNSAT)
        reason = ""
        if status == UNKNOWN:
            reason = {"timeout": "timeout", "interrupted": "interrupted", "memory": "memory"}.get(
                s.stop_reason, "conflicts"
            )
        model = s.get_model() if status == SAT else None
        return {"status": status, "model": model, "stats": stats, "reason": reason, "proof": None}

    def _stats(self, elapsed: float) -> SolveStats:
        st = SolveStats(solve_time=elapsed)
        if self.backend.stats:
            acc = self._pysat.accum_stats() or {}
            st.conflicts, st.decisions = acc.get("conflicts"), acc.get("decisions")
            st.propagations, st.restarts = acc.get("propagations"), acc.get("restarts")
            if self.backend.native:
                st.hooks = {k: int(acc.get(k, 0)) for k in HOOK_STATS}
        return st

    def _prepare_guidance(self) -> None:
        """Hand phases, activities and the decision propagator to the backend (once)."""
        g = self.guidance
        if g is None or self._guided:
            return
        self._guided = True
        s, n = self._pysat, self.num_vars
        phases = [x for x in g.phases if abs(x) <= n]
        if phases:
            s.set_phases(phases)
        if g.priorities and not self.backend.propagator:
            s.set_activities({v: p for v, p in g.priorities.items() if v <= n})
        if g.priorities and g.priority_window is not None and self.backend.native:
            s.set_option("priority_window", g.priority_window)
        if g.filter_weights is not None:
            s.set_filter_weights(g.filter_weights_for(n))
        if g.needs_propagator(self.backend):
            observed = g.observed(n)
            self._propagator = DecisionPropagator(g, observed)
            s.connect_propagator(self._propagator)
            for v in observed:
                s.observe(v)

    # ---- certificates ------------------------------------------------------
    def proof(self) -> list[str]:
        """The DRAT proof lines of the last UNSAT answer."""
        if not self.proof_enabled:
            raise SolverOptionError("proof logging was not enabled (Solver(..., proof=True))")
        if self._child_proof is not None:
            return self._child_proof
        return list(self._live().get_proof() or [])

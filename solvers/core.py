"""Solving CNFs and circuits with pysat's CaDiCaL 1.9.5, with a wall-clock limit.

A SAT answer on a circuit is always simulated on that circuit before it is
returned; a model that fails the check raises :class:`InternalSolverError`.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import numpy as np
from pysat.formula import CNF
from pysat.solvers import Solver

from circuitlab.aig import AIG
from circuitlab.cnf import encode
from circuitlab.errors import CircuitlabError
from circuitlab.miter import match_interfaces, miter
from circuitlab.sim import evaluate

SAT, UNSAT, UNKNOWN = 10, 20, 0
STATUS_NAMES = {SAT: "SAT", UNSAT: "UNSAT", UNKNOWN: "UNKNOWN"}


class InternalSolverError(RuntimeError):
    """A solver answer that failed verification: a bug, never a user error."""


class SolverOptionError(CircuitlabError):
    """A bad solver request (negative timeout, unknown backend...)."""


@dataclass
class SolveResult:
    status: int
    backend: str
    time: float
    model: list | None = None
    inputs: np.ndarray | None = None  # [I] booleans of a verified SAT model
    stats: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return STATUS_NAMES[self.status]

    def to_json(self) -> dict:
        d = {"status": self.name, "exit_code": self.status, "backend": self.backend,
             "time_s": round(self.time, 6), "stats": self.stats}
        if self.inputs is not None:
            d["inputs"] = "".join("1" if b else "0" for b in self.inputs)
        return d


def solve_cnf(cnf: CNF, backend: str = "cadical195", timeout: float | None = None) -> SolveResult:
    """Solve ``cnf``; UNKNOWN when ``timeout`` seconds (wall clock) pass first."""
    if timeout is not None and timeout < 0:
        raise SolverOptionError(f"--timeout must be non-negative, got {timeout}")
    start = time.perf_counter()
    with Solver(name=backend, bootstrap_with=cnf.clauses) as s:
        timer = None
        if timeout is not None:
            timer = threading.Timer(timeout, s.interrupt)
            timer.start()
        try:
            res = s.solve_limited(expect_interrupt=timeout is not None)
        finally:
            if timer is not None:
                timer.cancel()
        elapsed = time.perf_counter() - start
        status = UNKNOWN if res is None else (SAT if res else UNSAT)
        model = s.get_model() if status == SAT else None
        stats = dict(s.accum_stats() or {})
    return SolveResult(status, backend, elapsed, model, None, stats)


def solve_aig(aig: AIG, timeout: float | None = None, backend: str = "cadical195",
              encoding: str = "tseitin") -> SolveResult:
    """Is some output of ``aig`` satisfiable?  A SAT model is verified by simulation."""
    enc = encode(aig, method=encoding)
    res = solve_cnf(enc.cnf, backend=backend, timeout=timeout)
    if res.status == SAT:
        inputs = enc.model_to_inputs(res.model)
        if not evaluate(aig, inputs).any():
            raise InternalSolverError("SAT model does not set any output under simulation")
        res.inputs = inputs
    return res


def check_equivalence(a: AIG, b: AIG, timeout: float | None = None,
                      backend: str = "cadical195") -> SolveResult:
    """Combinational equivalence: an UNSAT miter means equivalent.

    On SAT, ``result.inputs`` is a counterexample over ``a``'s inputs, and
    ``result.stats["differing_outputs"]`` lists the indices of ``a``'s outputs that
    differ from their matches in ``b``, both re-checked by simulating ``a`` and ``b``.
    """
    res = solve_aig(miter(a, b), timeout=timeout, backend=backend)
    if res.status == SAT:
        in_perm, out_perm = match_interfaces(a, b)
        vb = np.zeros(b.num_inputs, dtype=bool)
        vb[in_perm] = res.inputs
        oa, ob = evaluate(a, res.inputs), evaluate(b, vb)[out_perm]
        diff = np.flatnonzero(oa != ob)
        if not len(diff):
            raise InternalSolverError("counterexample does not separate the two circuits")
        res.stats["differing_outputs"] = diff.tolist()
    return res

"""Certified solving of CNFs and circuits, and combinational equivalence checking.

Every answer is checked before it is returned:

* SAT: the model is checked against the CNF (DIMACS input) or simulated on the
  circuit (AIGER input); a model that fails raises :class:`InternalSolverError` and
  is never returned as an answer.
* UNSAT, when a proof is requested: the backend logs a DRAT proof, which is written
  to ``options.proof`` and/or checked by ``dratify``; a rejected proof raises
  :class:`InternalSolverError`.  Checking is timed apart from solving
  (``stats.check_time``) and is not bounded by the timeout.
* Equivalence: a counterexample is re-simulated on both circuits, and the outputs
  that differ are reported.

The flow is AIG -> CNF (:func:`circuitlab.cnf.encode`) -> :class:`Solver` -> model
-> AIG inputs (:meth:`CnfEncoding.model_to_inputs`) -> simulation
(:func:`circuitlab.sim.evaluate`).

Limits.  A timeout bounds the whole pipeline — miter, encoding, clause loading,
search, verification — not only the search: with a timeout or a memory limit the
pipeline runs in a watchdog child (:func:`~circuitlab.solvers.watchdog.run_in_child`)
that is killed at the deadline.  Inside it, backends with ``interrupt`` are also
stopped by their own timer at the deadline (and get a short grace to report their
statistics); the others are simply killed.
"""

from __future__ import annotations

import itertools
import time

import numpy as np
from pysat.formula import CNF

from circuitlab.aig import AIG
from circuitlab.cnf import encode
from circuitlab.miter import match_interfaces, miter
from circuitlab.sim import evaluate

from .backends import get_backend
from .errors import InternalSolverError
from .guidance import Guidance
from .options import SolveOptions
from .proofs import check_drat, write_proof
from .result import SAT, UNKNOWN, UNSAT, SolveResult, SolveStats
from .solver import Solver
from .sweep import sweep as sweep_aig
from .watchdog import run_in_child

GRACE_S = 0.25  # after the deadline, an interruptible backend's child may still report


def model_satisfies(clauses, model) -> bool:
    """Does the DIMACS ``model`` satisfy every clause?  Unlisted variables read as false."""
    clauses = clauses if isinstance(clauses, list) else list(clauses)
    if not clauses:
        return True
    lens = np.fromiter(map(len, clauses), dtype=np.int64, count=len(clauses))  # [C]
    if (lens == 0).any():
        return False
    lits = np.fromiter(itertools.chain.from_iterable(clauses), dtype=np.int64, count=int(lens.sum()))  # [N]
    top = int(np.abs(lits).max())
    val = np.zeros(top + 1, dtype=bool)  # [V+1] value of each variable
    m = np.asarray([x for x in model if abs(x) <= top], dtype=np.int64)
    val[np.abs(m)] = m > 0
    true_lit = val[np.abs(lits)] == (lits > 0)  # [N]
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]])  # [C]
    return bool(np.logical_or.reduceat(true_lit, starts).all())


def _pipeline(make_cnf, verify_sat, opts: SolveOptions, deadline, guidance, fork: bool, annotate=None):
    """Build the CNF, solve it, verify a SAT answer, write a proof.

    Returns ``(result, to_check)``: ``to_check`` is ``(clauses, num_vars, proof lines)``
    when an UNSAT proof awaits checking, else ``None``.
    """
    cnf, ctx = make_cnf()
    engine_options = opts.engine_options() if get_backend(opts.backend).native else None
    with Solver(opts.backend, cnf, proof=opts.wants_proof, guidance=guidance, engine_options=engine_options) as s:
        res = s.solve(deadline=deadline, conflicts=opts.conflicts, fork=fork, memory_mb=opts.memory_mb)
        lines = s.proof() if res.status == UNSAT and opts.wants_proof else None
    if res.status == SAT:
        verify_sat(res, ctx)
    if annotate is not None:
        annotate(res, ctx)
    if lines is None:
        return res, None
    res.proof_steps = len(lines)
    if opts.proof is not None:
        write_proof(opts.proof, lines)
        res.proof_file = str(opts.proof)
    return res, ((cnf.clauses, cnf.nv, lines) if opts.check_proof else None)


def _run(make_cnf, verify_sat, opts: SolveOptions, guidance, annotate=None) -> SolveResult:
    """:func:`_pipeline` under the limits of ``opts``, then the proof check.

    ``annotate(result, ctx)``, when given, runs on every answer inside the pipeline (in
    the watchdog child too), to copy what ``make_cnf`` learned onto the result.
    """
    start = time.monotonic()
    deadline = opts.deadline(start)
    if get_backend(opts.backend).native:  # our engine keeps every limit in-process
        res, to_check = _pipeline(make_cnf, verify_sat, opts, deadline, guidance, fork=False, annotate=annotate)
    elif deadline is None and opts.memory_mb is None:
        res, to_check = _pipeline(make_cnf, verify_sat, opts, None, guidance, fork=True, annotate=annotate)
    else:
        grace = GRACE_S if deadline is not None and get_backend(opts.backend).interrupt else 0.0
        out = run_in_child(
            lambda: _pipeline(make_cnf, verify_sat, opts, deadline, guidance, fork=False, annotate=annotate),
            None if deadline is None else deadline + grace,
            opts.memory_mb,
        )
        if out.reason:
            res, to_check = SolveResult(UNKNOWN, opts.backend, SolveStats(solve_time=out.wall), reason=out.reason), None
        else:
            res, to_check = out.value
    res.stats.total_time = time.monotonic() - start
    if to_check is not None:
        clauses, num_vars, lines = to_check
        chk = check_drat(clauses, lines, num_vars)
        res.stats.check_time = chk.time
        if not chk.ok:
            raise InternalSolverError(f"{opts.backend} answered UNSAT but dratify rejected its proof: {chk.reason}")
        res.proof_verified = True
    return res


def solve_cnf(cnf: CNF, options: SolveOptions | None = None, guidance: Guidance | None = None, **kw) -> SolveResult:
    """Solve a CNF.  A SAT model is checked against every clause before it is returned.

    Args:
        cnf: a pysat ``CNF``.
        options: :class:`SolveOptions`; keywords named like its fields override it
            (``solve_cnf(cnf, timeout=5, backend="kissat404")``).
        guidance: optional :class:`Guidance`.
    """
    opts = SolveOptions.make(options, **kw)

    def verify(res, _):
        if not model_satisfies(cnf.clauses, res.model):
            raise InternalSolverError(f"{opts.backend} returned a model that falsifies a clause")

    return _run(lambda: (cnf, None), verify, opts, guidance)


def solve_aig(aig: AIG, options: SolveOptions | None = None, guidance: Guidance | None = None, **kw) -> SolveResult:
    """Is some output of ``aig`` satisfiable?  A SAT model is simulated on ``aig``.

    Args:
        aig: the circuit (latches are free inputs: one combinational step).
        options, guidance, kw: as in :func:`solve_cnf`; the timeout covers encoding.
    Returns:
        A :class:`SolveResult`; for SAT, ``inputs`` is an ``[I + L]`` boolean vector
        under which simulation sets some output to 1.
    """
    opts = SolveOptions.make(options, **kw)

    def make():
        enc = encode(aig, method=opts.encoding)
        return enc.cnf, enc

    def verify(res, enc):
        inputs = enc.model_to_inputs(res.model)  # [I + L]
        if not evaluate(aig, inputs).any():
            raise InternalSolverError(f"{opts.backend}'s model sets no output when simulated")
        res.inputs = inputs

    return _run(make, verify, opts, guidance)


def check_equivalence(
    a: AIG, b: AIG, options: SolveOptions | None = None, guidance: Guidance | None = None, sweep: bool = True, **kw
) -> SolveResult:
    """Combinational equivalence of ``a`` and ``b``: an UNSAT miter means equivalent.

    On SAT, ``result.inputs`` is a counterexample over ``a``'s inputs and
    ``result.differing_outputs`` lists the indices of ``a``'s outputs that differ
    from their matches in ``b``, both re-checked by simulating ``a`` and ``b``.
    The timeout covers building the miter.

    With ``sweep`` (the default), the miter is first reduced by SAT sweeping
    (:mod:`~circuitlab.solvers.sweep`): internal equivalences are proved one small query
    at a time and merged, which is what makes arithmetic miters tractable.  A requested
    DRAT proof must cover the miter itself, so proofs turn sweeping off.  A conflict
    limit also bounds the sweep's queries together.  The sweep's statistics are in
    ``result.sweep``.
    """
    opts = SolveOptions.make(options, **kw)
    in_perm, out_perm = match_interfaces(a, b)  # interface errors at once, not in a child
    do_sweep = sweep and not opts.wants_proof
    deadline = opts.deadline(time.monotonic())

    def make():
        m = miter(a, b)
        info = None
        if do_sweep:
            m, info = sweep_aig(m, max_conflicts=opts.conflicts, deadline=deadline)
        enc = encode(m, method=opts.encoding)
        return enc.cnf, (m, enc, info)

    def verify(res, ctx):
        m, enc, _ = ctx
        inputs = enc.model_to_inputs(res.model)  # [I]
        vb = np.zeros(b.num_inputs, dtype=bool)  # [I] in b's input order
        vb[in_perm] = inputs
        oa, ob = evaluate(a, inputs), evaluate(b, vb)[out_perm]  # [O], [O]
        diff = np.flatnonzero(oa != ob)
        if not len(diff):
            raise InternalSolverError(f"{opts.backend}'s counterexample does not separate the circuits")
        res.inputs, res.differing_outputs = inputs, diff.tolist()

    def annotate(res, ctx):
        if ctx[2] is not None:
            res.sweep = ctx[2].to_json()

    return _run(make, verify, opts, guidance, annotate)

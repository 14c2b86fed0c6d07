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

from circuitlab.aig import AIG, AIGBuilder
from circuitlab.cnf import encode
from circuitlab.miter import match_interfaces, miter
from circuitlab.sim import evaluate

from .backends import get_backend
from .errors import InternalSolverError, SolverOptionError
from .guidance import Guidance
from .options import SolveOptions
from .proofs import check_drat, write_proof
from .result import SAT, UNKNOWN, UNSAT, SolveResult, SolveStats
from .solver import Solver
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


ENGINES = ("auto", "sweep", "cdcl")


def check_equivalence(
    a: AIG,
    b: AIG,
    options: SolveOptions | None = None,
    guidance: Guidance | None = None,
    engine: str = "auto",
    progress=None,
    sweep_options: dict | None = None,
    guide_final=None,
    guide_sweep=None,
    final_windows: bool = True,
    **kw,
) -> SolveResult:
    """Combinational equivalence of ``a`` and ``b``: an UNSAT miter means equivalent.

    On SAT, ``result.inputs`` is a counterexample over ``a``'s inputs and
    ``result.differing_outputs`` lists the indices of ``a``'s outputs that differ
    from their matches in ``b``, both re-checked by simulating ``a`` and ``b``.
    The timeout covers building the miter.

    Args:
        engine: how to decide the miter.

            * ``"cdcl"``: one monolithic SAT call on the miter's CNF with
              ``options.backend`` (the only engine that gives DRAT proofs and takes
              ``guidance``; a requested proof selects it).
            * ``"sweep"``: native SAT sweeping (:mod:`~circuitlab.solvers.fraig`): bug
              hunting, then rounds of sweeping and output checks with growing budgets.
            * ``"auto"`` (default): the same, but a round that proves few of its
              candidates hands the outputs to one unbounded check at once, which is
              what pairs without internal equivalences need.

            With a sweeping engine, the last unbounded check runs on the reduced miter
            with ``options.backend``: first on difference windows
            (:mod:`~circuitlab.solvers.window`), then on the whole miter.  The sweep's
            statistics are in ``result.sweep`` (the windows tried in
            ``result.sweep["windows"]``).
        progress: with a sweeping engine, called about every 0.1 s with the sweeper's
            counters (the CLI draws its progress line with it).
        sweep_options: options of the sweeper (:data:`~circuitlab.solvers.fraig.SWEEP_OPTIONS`).
        guide_final: with a sweeping engine, guided sweeping: the outputs that sweeping
            leaves go to one final check on ``options.backend`` (even for circuitlab's
            engine, which otherwise runs it inside the sweeper) through
            ``guide_final(aig, solve, seconds)``, where ``aig`` is the single-output
            miter left, ``solve(guidance, seconds)`` runs the check with a
            :class:`Guidance` over ``encode(aig)``'s variables, and ``seconds`` is the time
            left (None: no limit).  It returns ``solve``'s result
            (:func:`circuitlab.guided.solve_guided` fits).
        guide_sweep: with a sweeping engine, GNN-ordered sweeping: called as
            ``guide_sweep(miter, run, deadline)`` with the per-output miter; ``run(deferred,
            deadline, aig=None)`` sweeps it, or ``aig`` (an equivalent miter over the same
            inputs and outputs, such as a stopped sweep's ``reduced`` one) when given
            (``deferred``: flags over the swept miter's variables of candidates left out
            of the first round, or None) and returns its
            :class:`~circuitlab.solvers.fraig.FraigResult`, which ``guide_sweep``
            returns (:func:`circuitlab.guided.sweep_guided` fits).
        final_windows: with a sweeping engine, try the final check on difference windows
            first (``False``: one check of the whole reduced miter; with circuitlab's
            engine, inside the sweeper).  Never with a conflict limit.
    """
    opts = SolveOptions.make(options, **kw)
    if engine not in ENGINES:
        raise SolverOptionError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    in_perm, out_perm = match_interfaces(a, b)  # interface errors at once, not in a child
    if engine != "cdcl" and opts.wants_proof:
        engine = "cdcl"  # a DRAT proof must cover the miter's own CNF
    if engine != "cdcl" and guidance is not None:
        raise SolverOptionError("guidance steers the monolithic check: use engine='cdcl' with it, or guide_final")
    if engine == "cdcl":
        if guide_final is not None or guide_sweep is not None:
            raise SolverOptionError("guide_final and guide_sweep guide sweeping: use a sweeping engine with them")
        return _check_monolithic(a, b, opts, guidance, in_perm, out_perm)
    windows = final_windows and opts.conflicts is None
    return _check_swept(
        a, b, opts, engine, in_perm, out_perm, progress, sweep_options or {}, guide_final, guide_sweep, windows
    )


def _differing_outputs(a: AIG, b: AIG, inputs: np.ndarray, in_perm, out_perm) -> list[int]:
    """Indices of ``a``'s outputs that differ from ``b``'s under ``inputs`` (simulated)."""
    from .fraig import native_evaluate  # the native interpreter: deep circuits in milliseconds

    vb = np.zeros(b.num_inputs, dtype=bool)  # [I] in b's input order
    vb[in_perm] = inputs
    oa, ob = native_evaluate(a, inputs), native_evaluate(b, vb)[out_perm]  # [O], [O]
    return np.flatnonzero(oa != ob).tolist()


def _verifier(a: AIG, b: AIG, backend: str, in_perm, out_perm):
    """``verify(result, encoding)`` of a miter's SAT answer: its inputs must separate ``a`` and ``b``."""

    def verify(res, enc):
        inputs = enc.model_to_inputs(res.model)  # [I]
        diff = _differing_outputs(a, b, inputs, in_perm, out_perm)
        if not diff:
            raise InternalSolverError(f"{backend}'s counterexample does not separate the circuits")
        res.inputs, res.differing_outputs = inputs, diff

    return verify


def _check_monolithic(a: AIG, b: AIG, opts: SolveOptions, guidance, in_perm, out_perm) -> SolveResult:
    def make():
        m = miter(a, b)
        enc = encode(m, method=opts.encoding)
        return enc.cnf, enc

    return _run(make, _verifier(a, b, opts.backend, in_perm, out_perm), opts, guidance)


def _check_swept(
    a: AIG,
    b: AIG,
    opts: SolveOptions,
    engine: str,
    in_perm,
    out_perm,
    progress,
    sweep_options,
    guide_final=None,
    guide_sweep=None,
    final_windows: bool = True,
):
    """Native sweeping (:func:`~circuitlab.solvers.fraig.prove_outputs_zero`), then, for a
    non-native backend or guided sweeping, the final check of what sweeping left with
    that backend."""
    from .fraig import check_options, native_miter, prove_outputs_zero

    start = time.monotonic()
    deadline = opts.deadline(start)
    sweep_options = check_options(sweep_options)
    native_final = (
        get_backend(opts.backend).native and opts.conflicts is None and guide_final is None and not final_windows
    )
    if not native_final:
        sweep_options.setdefault("final", 0)  # stop before the unbounded check: the backend does it

    def swept():
        m = native_miter(a, b, in_perm, out_perm)
        engine_opts = opts.engine_options() if get_backend(opts.backend).native else {}

        def run(deferred, until, aig=None):
            return prove_outputs_zero(
                m if aig is None else aig,
                mode=engine,
                deadline=until,
                options=sweep_options,
                engine_options=engine_opts,
                progress=progress,
                deferred=deferred,
            )

        return run(None, deadline) if guide_sweep is None else guide_sweep(m, run, deadline)

    if opts.memory_mb is None:
        fr = swept()
    else:
        out = run_in_child(swept, None if deadline is None else deadline + GRACE_S, opts.memory_mb)
        if out.reason:
            return SolveResult(
                UNKNOWN, opts.backend, SolveStats(solve_time=out.wall, total_time=out.wall), reason=out.reason
            )
        fr = out.value
    res = SolveResult(fr.status, "circuitlab", SolveStats(solve_time=fr.stats["seconds"]), reason=fr.reason)
    res.stats.conflicts, res.stats.decisions = fr.stats["conflicts"], fr.stats["decisions"]
    res.stats.propagations = fr.stats["propagations"]
    res.sweep = {"engine": engine, **fr.stats}
    if fr.status == UNKNOWN and fr.reason == "conflicts" and not native_final:
        assert fr.reduced is not None  # the sweeper always returns its miter
        res = _final_check(fr.reduced, a, b, opts, deadline, in_perm, out_perm, res, guide_final, final_windows)
    if res.status == SAT and res.differing_outputs is None:
        assert fr.inputs is not None  # a SAT sweep carries its counterexample
        res.differing_outputs = _differing_outputs(a, b, fr.inputs, in_perm, out_perm)
        if not res.differing_outputs:
            raise InternalSolverError("the sweeper's counterexample does not separate the circuits")
        res.inputs = fr.inputs
    res.stats.total_time = time.monotonic() - start
    return res


def _final_check(
    reduced: AIG,
    a: AIG,
    b: AIG,
    opts,
    deadline,
    in_perm,
    out_perm,
    swept: SolveResult,
    guide_final=None,
    final_windows: bool = False,
) -> SolveResult:
    """Decide the outputs sweeping left (their OR) with ``opts.backend`` (guided by
    ``guide_final`` when given; see :func:`check_equivalence`): on difference windows
    first when ``final_windows``, then on the whole miter."""
    tried: list[dict] = []
    spent = SolveStats(solve_time=0.0)  # of the windows that did not decide
    for w in _windows(reduced) if final_windows else ():
        rest = None if deadline is None else deadline - time.monotonic()
        if rest is not None and rest <= 0:
            break
        res = _window_check(w, opts, rest, guide_final)
        tried.append(
            {
                "levels": w.levels,
                "ands": w.ands,
                "cone_ands": w.cone_ands,
                "verdict": res.name,
                "seconds": round(res.stats.solve_time, 4),
            }
        )
        if res.status == UNSAT or res.reason in ("interrupted", "timeout", "memory"):  # decided, or stopped
            res.sweep = {**(swept.sweep or {}), "windows": tried}
            _add_stats(res.stats, spent)
            res.stats.solve_time += swept.stats.solve_time
            return res
        _add_stats(spent, res.stats)
    bld = AIGBuilder()
    ins = [bld.input(n) for n in reduced.input_names]
    bld.output(bld.or_many(bld.add_aig(reduced, ins)), "miter")
    final = bld.build()
    rest = None if deadline is None else max(0.0, deadline - time.monotonic())

    def make():
        enc = encode(final, method=opts.encoding)
        return enc.cnf, enc

    def solve(guidance, seconds):
        final_opts = SolveOptions.make(opts, timeout=seconds, engine_option=opts.engine_option)
        return _run(make, _verifier(a, b, opts.backend, in_perm, out_perm), final_opts, guidance)

    res = solve(None, rest) if guide_final is None else guide_final(final, solve, rest)
    res.sweep = swept.sweep if not tried else {**(swept.sweep or {}), "windows": tried}
    _add_stats(res.stats, spent)
    res.stats.solve_time += swept.stats.solve_time
    return res


WINDOW_CONFLICTS = 20000  # conflict budget of each window's check


def _windows(reduced: AIG):
    from .window import windows

    return windows(reduced)


def _window_check(w, opts: SolveOptions, seconds, guide_final) -> SolveResult:
    """One window's check: UNSAT proves the miter; SAT or UNKNOWN only says to grow it."""

    def solve(guidance, secs):
        wopts = SolveOptions.make(opts, timeout=secs, conflicts=WINDOW_CONFLICTS)
        return solve_aig(w.aig, wopts, guidance)

    return solve(None, seconds) if guide_final is None else guide_final(w.aig, solve, seconds)


def _add_stats(into: SolveStats, more: SolveStats) -> None:
    """Add ``more``'s solve time and counters to ``into`` (None counts as 0)."""
    into.solve_time = (into.solve_time or 0.0) + (more.solve_time or 0.0)
    for k in ("conflicts", "decisions", "propagations"):
        x, y = getattr(into, k), getattr(more, k)
        if x is not None or y is not None:
            setattr(into, k, (x or 0) + (y or 0))

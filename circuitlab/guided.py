"""Guided solving: circuit probabilities -> hint arrays for the CDCL engine (CASCAD-style).

This is the one module that knows both the probability sources (simulation, the GNN in
:mod:`circuitlab.gnn`) and the solver's hooks (:class:`circuitlab.solvers.Guidance`).
The solver layer only ever receives plain arrays.

**Sources** of the signal probabilities P(v = 1), one per AIG variable:

* ``sim``: random simulation (``patterns`` patterns); needs no model.
* ``gnn``: the pretrained CASCAD-style GNN (torch, ``threads`` CPU threads).
* ``hybrid`` (default): simulation, except where it saw only one value of a gate (a
  condition too rare to sample, P < 1 / patterns), where the GNN's estimate is used.
  The GNN runs only when such gates exist, and (in :func:`solve_guided`) only once the
  search with simulation hints has run ten times the GNN's estimated cost without an
  answer, so that the GNN never costs more than a tenth of the search it guides.

**Mapping** (AIG variable ``v`` is CNF variable ``v + 1``):

* ``phases``: a gate whose probability is at least ``margin`` away from 1/2 starts (and
  is rephased back to) its more likely value, so decisions follow what the circuit
  usually does;
* ``priorities``: variables are ordered by uncertainty, ``1 - |2 P - 1|`` (the least
  predictable first), and the engine seeds its VSIDS and VMTF orders with it.  A circuit
  with at most :data:`INPUT_FIRST_MAX` inputs is searched **inputs first**: the inputs
  rank above every gate, and decisions follow the order for the whole search (the
  engine's ``priority_window``).  A gate is a function of its fanins (its uncertainty
  given them is zero), so once the inputs are decided, propagation assigns every gate;
  the search is bounded by the 2^I input assignments and learning prunes them.  That is
  what wins on cross-architecture multipliers (14-18 inputs, few internal
  equivalences: 2-5x fewer conflicts than VSIDS), and what loses on wide circuits
  (135-1,001 inputs on EPFL miters), hence the bound.  Input probabilities are 1/2 under
  every source, so this order comes from the structure, not from the GNN;
* ``filter``: a learned clause whose literals are usually true under random inputs is
  nearly implied by the circuit and rarely propagates; the weight of literal ``l`` is
  ``FILTER_SCALE * (1/2 - P(l))``, so the engine's reduction ranks such clauses lower
  and drops them first (CASCAD's probability-guided clause filtering);
* ``order`` (``lec`` with a sweeping engine; :func:`sweep_guided`): the candidate pairs
  of SAT sweeping, nodes whose simulation signatures agree, are scored by their
  predicted probability of differing, ``P(u=1) P(v'=0 | u=1) + P(u=0) P(v'=1 | u=0)``
  (``v'`` is ``v`` with the pair's polarity; a pair with the constant scores
  ``P(v' = 1)``).  A pair that scores at least :data:`DEFER_MIN` is deferred: the first
  sweeping round skips its query, so likely merges are proved first with the small
  budget, and the later rounds (grown budgets, reduced miter) try the rest.  Simulation
  scores every candidate 0, since candidates agree on all its patterns: only the GNN can
  call a pair unlikely.  ``hybrid`` asks the GNN only about the gates simulation saw at
  one value (candidates of the constant), ``gnn`` about every pair.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from .aig import AIG
from .errors import CircuitlabError
from .sim import signal_probabilities

if TYPE_CHECKING:
    from circuitlab.solvers import Guidance, SolveResult
    from circuitlab.solvers.fraig import FraigResult

PARTS = ("phases", "priorities", "filter")  # hints of a CDCL search
SWEEP_PARTS = ("order",)  # guidance of SAT sweeping (lec with a sweeping engine)
SOURCES = ("hybrid", "sim", "gnn")
FILTER_SCALE = 4.0  # filter scores then move a clause's rank by up to 2 LBD units
INPUT_FIRST_MAX = 20  # inputs-first search up to 2^20 input assignments
WHOLE_SEARCH = 2_000_000_000  # priority_window: decisions follow the priorities throughout
DEFER_MIN = 0.5  # order: a candidate pair the probabilities call more likely to differ than not waits


class GuidanceError(CircuitlabError, ValueError):
    """A guidance request that cannot be met (unknown part or source)."""


@dataclass
class GuideReport:
    """What the guidance was made of, for the CLI's report and ``--json``."""

    source: str
    parts: list[str]
    seconds: float = 0.0  # all hint making, GNN included
    gnn_seconds: float = 0.0
    gnn_vars: int = 0  # variables whose probability came from the GNN
    phased: int = 0
    prioritized: int = 0
    inputs_first: bool = False  # priorities put the inputs first for the whole search
    filter_literals: int = 0
    candidates: int = 0  # order: candidate pairs scored
    deferred: int = 0  # order: of them, deferred past the first sweeping round
    engine: dict = field(default_factory=dict)  # what the engine's hooks did (filled after solving)
    note: str = ""  # e.g. why the GNN was skipped

    def to_json(self) -> dict:
        d = asdict(self)
        for k in ("seconds", "gnn_seconds"):
            d[k] = round(d[k], 6)
        return d

    def comment_line(self) -> str:
        eng = self.engine
        did = ""
        if eng:
            did = (
                f"; engine: {eng.get('phase_decisions', 0)} decisions on phased variables "
                f"({eng.get('phases_followed', 0)} followed), {eng.get('priority_decisions', 0)} from priorities, "
                f"{eng.get('filter_kept', 0)} clauses kept and {eng.get('filter_dropped', 0)} dropped by the filter"
            )
        note = f"; {self.note}" if self.note else ""
        return (
            f"c guidance: {','.join(self.parts)} from {self.source} ({self.gnn_vars} variables from the GNN), "
            f"{self.phased} phased, {self.prioritized} prioritized{' (inputs first)' if self.inputs_first else ''}, "
            f"hints {self.seconds:.3f} s "
            f"(GNN {self.gnn_seconds:.3f} s){did}{note}"
        )

    def order_line(self) -> str:
        """The ``order`` part's comment line (GNN-ordered sweeping)."""
        done = self.engine.get("deferred", 0) if self.engine else 0
        note = f"; {self.note}" if self.note else ""
        return (
            f"c sweep order: from {self.source}, {self.deferred} of {self.candidates} candidates deferred "
            f"({done} skipped in the first round), GNN {self.gnn_seconds:.3f} s{note}"
        )


def parse_parts(text: str | Iterable[str], sweeping: bool = False) -> list[str]:
    """``"phases,filter"`` -> ``["phases", "filter"]`` (checked; ``all`` means every part).

    ``sweeping``: the check sweeps (``lec`` with a sweeping engine), so ``order`` is
    allowed and part of ``all``.
    """
    known = PARTS + SWEEP_PARTS if sweeping else PARTS
    items = [t.strip() for t in (text.split(",") if isinstance(text, str) else text) if t.strip()]
    if items == ["all"]:
        return list(known)
    if not sweeping and any(t in SWEEP_PARTS for t in items):
        raise GuidanceError("--guide order guides SAT sweeping: use it with lec and a sweeping --engine (auto, sweep)")
    bad = [t for t in items if t not in known]
    if bad or not items:
        raise GuidanceError(f"--guide takes a comma-separated subset of {', '.join(known)} (or all), got {text!r}")
    return [p for p in known if p in items]


def probabilities(
    aig: AIG, source: str = "hybrid", threads: int = 1, patterns: int = 4096, seed: int = 0
) -> tuple[np.ndarray, GuideReport]:
    """``[M + 1]`` P(v = 1) from ``source``, and a report of how it was made."""
    if source not in SOURCES:
        raise GuidanceError(f"--guide-source must be one of {', '.join(SOURCES)}, got {source!r}")
    t0 = time.monotonic()
    rep = GuideReport(source=source, parts=[])
    if source == "gnn":
        p = _gnn(aig, threads, rep)
        rep.gnn_vars = aig.max_var
    else:
        p = signal_probabilities(aig, num_patterns=patterns, seed=seed)  # [M + 1]
        rare = np.flatnonzero((p == 0.0) | (p == 1.0))
        rare = rare[rare >= aig.first_and_var]  # gates simulation saw at one value only
        if source == "hybrid" and len(rare):
            p[rare] = _gnn(aig, threads, rep)[rare]
            rep.gnn_vars = len(rare)
    rep.seconds = time.monotonic() - t0
    return p, rep


def _gnn(aig: AIG, threads: int, rep: GuideReport) -> np.ndarray:
    t0 = time.monotonic()  # importing torch and loading the model count as GNN time
    from circuitlab.gnn import predict  # torch only when the GNN is asked for

    p = predict(aig, threads=threads).signal  # [M + 1]
    rep.gnn_seconds += time.monotonic() - t0
    return np.asarray(p, dtype=np.float64)


def hints(
    p: np.ndarray, parts: Iterable[str], first_and_var: int, margin: float = 0.05, num_inputs: int | None = None
) -> dict:
    """Hint arrays over AIG variables from probabilities ``p`` ``[M + 1]``.

    Returns ``{"phases": [M+1] (+1/-1/0), "priorities": [M+1] (NaN = none),
    "priority_window": int, "filter_weights": [M+1, 2]}``, with only the requested parts.
    ``num_inputs`` (default: every variable below ``first_and_var``) decides whether the
    search goes inputs first (see the module docstring).
    """
    out: dict = {}
    gate = np.arange(len(p)) >= first_and_var  # [M + 1]
    if "phases" in parts:
        ph = np.where(p >= 0.5 + margin, 1, np.where(p <= 0.5 - margin, -1, 0))
        out["phases"] = np.where(gate, ph, 0).astype(np.int8)
    if "priorities" in parts:
        n_in = first_and_var - 1 if num_inputs is None else num_inputs
        uncertainty = 1.0 - np.abs(2.0 * p - 1.0)
        if 0 < n_in <= INPUT_FIRST_MAX:
            free = (np.arange(len(p)) >= 1) & ~gate
            out["priorities"] = np.where(gate, uncertainty, np.where(free, 1.0 + uncertainty, np.nan))
            out["priority_window"] = WHOLE_SEARCH
        else:
            out["priorities"] = np.where(gate, uncertainty, np.nan)
            out["priority_window"] = 0
    if "filter" in parts:
        w = FILTER_SCALE * np.stack([0.5 - p, p - 0.5], axis=1)  # [M + 1, 2]: positive, negative literal
        out["filter_weights"] = w.astype(np.float32)
    return out


def guidance_for(
    aig: AIG, parts: Iterable[str], source: str = "hybrid", threads: int = 1, patterns: int = 4096
) -> tuple[Guidance, GuideReport]:
    """A :class:`circuitlab.solvers.Guidance` for ``encode(aig)``'s CNF, and its report."""
    p, rep = probabilities(aig, source, threads, patterns)
    return _guidance(aig, list(parts), p, rep)


def _guidance(aig: AIG, parts: list[str], p: np.ndarray, rep: GuideReport) -> tuple[Guidance, GuideReport]:
    from circuitlab.solvers import Guidance

    h = hints(p, parts, aig.first_and_var, num_inputs=aig.num_inputs + aig.num_latches)
    rep.parts = parts
    g = Guidance.from_aig(phases=h.get("phases"), priorities=h.get("priorities"))
    if "priority_window" in h:
        g.priority_window = h["priority_window"]
        rep.inputs_first = h["priority_window"] > 0
    if "filter_weights" in h:
        g.filter_weights = h["filter_weights"]  # row v: AIG variable v = CNF variable v + 1
        rep.filter_literals = 2 * len(h["filter_weights"])
    rep.phased = int(np.count_nonzero(h["phases"])) if "phases" in h else 0
    rep.prioritized = int(np.isfinite(h["priorities"]).sum()) if "priorities" in h else 0
    return g, rep


def required_features(parts: Iterable[str]) -> list[str]:
    """Backend features the guidance parts need (checked before any model runs)."""
    return [{"phases": "phases", "priorities": "priorities", "filter": "filter"}[p] for p in parts if p in PARTS]


# The GNN's cost, estimated before running it: importing torch and loading the model,
# then one batched step per logic level (measured on 2 cores: 5-10 s fixed; 4.6 s on the
# EPFL multiplier miter, 110 s on hyp's).
GNN_FIXED_S = 5.0
GNN_PER_LEVEL_S = 2e-3
GNN_PER_NODE_S = 1e-5
GNN_SHARE = 0.10  # the GNN may cost at most this share of the search it guides


def gnn_cost_estimate(aig: AIG) -> float:
    """Seconds the GNN is expected to take on ``aig`` (graph, inference, torch import)."""
    return GNN_FIXED_S + GNN_PER_LEVEL_S * aig.depth() + GNN_PER_NODE_S * aig.max_var


def solve_guided(
    aig: AIG,
    parts: Iterable[str],
    source: str,
    threads: int,
    solve: Callable[[Guidance, float | None], SolveResult],
    timeout: float | None,
) -> tuple[SolveResult, GuideReport]:
    """Solve with guidance; ``solve(guidance, timeout)`` runs the search (``aig`` is what it encodes).

    With ``hybrid``, the search first runs with simulation hints for ``GNN_SHARE``'s
    inverse times the GNN's estimated cost; only if that gives no answer is the GNN run on
    the rarely-switching gates and the search restarted with the refined hints.
    """
    parts = list(parts)
    start = time.monotonic()

    def rest() -> float | None:
        return None if timeout is None else max(0.0, timeout - (time.monotonic() - start))

    if source != "hybrid":
        g, rep = guidance_for(aig, parts, source, threads)
        return solve(g, rest()), rep
    p, rep = probabilities(aig, "sim")
    rep.source = "hybrid"
    rare = np.flatnonzero((p == 0.0) | (p == 1.0))
    rare = rare[rare >= aig.first_and_var]
    g, rep = _guidance(aig, parts, p, rep)
    if not len(rare):
        rep.note = "no gate too rare to simulate: the GNN was not needed"
        return solve(g, rest()), rep
    est = gnn_cost_estimate(aig)
    first = est / GNN_SHARE
    left = rest()
    res = solve(g, first if left is None else min(first, left))
    from circuitlab.solvers import UNKNOWN

    if res.status != UNKNOWN or (timeout is not None and (rest() or 0.0) <= 0.0):
        rep.note = f"GNN skipped: the search ended within {first:.0f} s, ten times the GNN's estimated {est:.1f} s"
        return res, rep
    t0 = time.monotonic()
    p = p.copy()
    p[rare] = _gnn(aig, threads, rep)[rare]
    rep.gnn_vars = len(rare)
    rep.seconds += time.monotonic() - t0
    g, rep = _guidance(aig, parts, p, rep)
    rep.note = f"GNN run after {first:.0f} s of search without an answer; search restarted with its hints"
    return solve(g, rest()), rep


# ---------------------------------------------------------------------------- GNN-ordered sweeping
def sweep_candidates(aig: AIG, patterns: int = 4096, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate pairs of sweeping ``aig``: ``(v, u, pol)``, ``[K]`` each.

    Gate ``v`` agrees with the earlier variable ``u`` (0: the constant) on ``patterns``
    random patterns, up to complement ``pol`` (v == u XOR pol on every pattern).
    """
    from circuitlab.sim import random_patterns, simulate
    from circuitlab.solvers.sweep import signature_classes

    words = max(1, -(-patterns // 64))
    values = simulate(aig, random_patterns(aig.num_inputs + aig.num_latches, words, seed))  # [M + 1, W]
    rep, flip = signature_classes(values)  # [M + 1], [M + 1]
    v = np.arange(aig.first_and_var, aig.max_var + 1)
    v = v[rep[v] != v]
    u = rep[v]
    return v, u, (flip[v] ^ flip[u]).astype(np.int64)


def sweep_deferrals(
    aig: AIG, source: str = "hybrid", threads: int = 1, patterns: int = 4096, seed: int = 0
) -> tuple[np.ndarray, GuideReport]:
    """``[M + 1]`` int8 flags of the candidates to defer (the ``order`` part), and a report.

    See the module docstring for the score; ``sim`` defers nothing.
    """
    if source not in SOURCES:
        raise GuidanceError(f"--guide-source must be one of {', '.join(SOURCES)}, got {source!r}")
    t0 = time.monotonic()
    rep = GuideReport(source=source, parts=["order"])
    flags = np.zeros(aig.max_var + 1, dtype=np.int8)
    if source == "sim":
        rep.note = "simulation defers no candidate: every candidate agrees on all its patterns"
        return flags, rep
    v, u, pol = sweep_candidates(aig, patterns, seed)
    rep.candidates = len(v)
    if source == "hybrid":  # only the candidates of the constant: a condition simulation never saw
        keep = u == 0
        v, u, pol = v[keep], u[keep], pol[keep]
    if not len(v):
        rep.note = "no candidate to score: the GNN was not needed"
        rep.seconds = time.monotonic() - t0
        return flags, rep
    score = np.zeros(len(v))
    const = u == 0
    pairs = np.concatenate([np.stack([u[~const], v[~const], np.full((~const).sum(), b)], 1) for b in (0, 1)]).astype(
        np.int64
    )  # [2K', 3]
    g0 = time.monotonic()
    from circuitlab.gnn import predict  # torch only when the GNN is asked for

    pred = predict(aig, pairs=pairs if len(pairs) else None, threads=threads)
    rep.gnn_seconds += time.monotonic() - g0
    rep.gnn_vars = len(v)
    p = np.asarray(pred.signal, dtype=np.float64)  # [M + 1]
    score[const] = np.where(pol[const] == 1, 1.0 - p[v[const]], p[v[const]])  # P(v' = 1), v' = v XOR pol
    if len(pairs):
        k = (~const).sum()
        c0, c1 = pred.cond[:k], pred.cond[k:]  # P(v = 1 | u = 0), P(v = 1 | u = 1)
        pp = pol[~const] == 1
        q0, q1 = np.where(pp, 1.0 - c0, c0), np.where(pp, 1.0 - c1, c1)  # P(v' = 1 | u = b)
        pu = p[u[~const]]
        score[~const] = pu * (1.0 - q1) + (1.0 - pu) * q0
    defer = v[score >= DEFER_MIN]
    flags[defer] = 1
    rep.deferred = len(defer)
    rep.seconds = time.monotonic() - t0
    return flags, rep


def sweep_guided(
    aig: AIG,
    source: str,
    threads: int,
    run: Callable[..., FraigResult],
    deadline: float | None,
) -> tuple[FraigResult, GuideReport]:
    """Sweep ``aig`` (a per-output miter) with the ``order`` part; ``run(deferred,
    deadline, aig=None)`` sweeps it, or the given equivalent miter
    (``check_equivalence``'s ``guide_sweep`` hands it over).

    As in :func:`solve_guided`, the GNN may cost at most ``GNN_SHARE`` of the search:
    with ``hybrid`` the sweep first runs unguided for ten times the GNN's estimated cost;
    only a sweep still running then is scored, and a new sweep with the deferrals starts
    from the miter as far as the first one reduced it.
    """
    if source == "sim" or source not in SOURCES:
        flags, rep = sweep_deferrals(aig, source, threads)
        return run(None, deadline), rep
    if source == "hybrid":
        from circuitlab.solvers import UNKNOWN

        est = gnn_cost_estimate(aig)
        first = time.monotonic() + est / GNN_SHARE
        res = run(None, first if deadline is None else min(first, deadline))
        # only a sweep that the slice's end stopped runs again (not one that answered, was
        # interrupted, or finished its rounds and left the outputs to the final check)
        if res.status != UNKNOWN or res.reason != "timeout" or (deadline is not None and time.monotonic() >= deadline):
            rep = GuideReport(source=source, parts=["order"])
            rep.note = (
                f"GNN skipped: the sweep ended within {est / GNN_SHARE:.0f} s, "
                f"ten times the GNN's estimated {est:.1f} s"
            )
            return res, rep
        # the sweep goes on from the miter as far as the first one reduced it (every merge
        # there was proved), scored afresh: nothing proved is lost to the restart
        left = res.reduced if res.reduced is not None else aig
        flags, rep = sweep_deferrals(left, source, threads)
        rep.note = (
            f"GNN run after {est / GNN_SHARE:.0f} s of sweeping without an answer; "
            f"sweep continued on the reduced miter ({left.num_ands} of {aig.num_ands} ANDs) with its order"
        )
        return run(flags if rep.deferred else None, deadline, left), rep
    flags, rep = sweep_deferrals(aig, source, threads)
    return run(flags if rep.deferred else None, deadline), rep

"""Native SAT sweeping on circuitlab's engine (``solvers/cdcl/sweep.cpp``).

The C++ sweeper does the whole equivalence check of a miter whose every output must be
constant 0 (:func:`circuitlab.miter.miter` with ``per_output=True``):

1. **bug hunting**: random simulation of the outputs, then one short SAT query per
   output with a small cone, cheapest cone first;
2. **sweeping rounds**: simulation classes over 64-bit words (input biases 1/2, 1/4,
   3/4 in turn); in topological order each node is rebuilt on its merged fanins
   (structurally hashed) and checked against its class representative, first by truth
   tables over a common cut of at most ``cut_leaves`` leaves (equal tables prove it),
   then by two small incremental queries over the fanin cones, loaded on demand into a
   solver that is recycled as it grows (ABC's ``&cec``).  Equal tables or UNSAT merge
   the node; a counterexample is simulated with its distance-1 neighbours and splits
   the classes;
3. **output checks** after each round, with budgets that grow per round; ``auto`` mode
   hands the outputs to one unbounded CDCL check as soon as a round's SAT queries prove
   few of their pairs (no internal equivalences worth larger budgets).

Python only builds the arrays and reads the answer.  The sweep runs in a worker thread
with the GIL released, so the caller can draw progress and Ctrl-C stops it cleanly
(UNKNOWN, reason ``interrupted``).  The pure-Python sweep (:mod:`.sweep`) stays as the
reference that the tests compare against.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from circuitlab.aig import AIG
from circuitlab.errors import CircuitError

from . import engine
from .errors import SolverOptionError
from .result import SAT, UNKNOWN, UNSAT

try:
    from . import _cdcl
except ImportError as e:  # pragma: no cover - only on a broken install
    raise ImportError("circuitlab's native engine is not built; reinstall circuitlab with `pip install .`") from e

MODES = {"sweep": 0, "auto": 1}
# every sweeping option, from the C++ table (solvers/cdcl/options.hpp)
SWEEP_OPTIONS = {row[0]: engine.EngineOption(*row) for row in _cdcl.sweep_option_table()}


@dataclass
class FraigResult:
    """What :func:`prove_outputs_zero` found.

    Attributes:
        status: UNSAT (every output proved constant 0), SAT (``inputs`` sets one) or
            UNKNOWN (``reason`` says why).
        inputs: for SAT, ``[I]`` booleans, to be re-simulated by the caller.
        reduced: the miter as far as sweeping reduced it (proved outputs set to 0).
        stats: counters and times of the sweeper (``seconds`` is its whole run).
    """

    status: int
    inputs: np.ndarray | None = None
    reduced: AIG | None = None
    stats: dict = field(default_factory=dict)
    reason: str = ""


def check_options(options: Mapping[str, int] | None) -> dict[str, int]:
    """Validate sweeping options against :data:`SWEEP_OPTIONS`; raise :class:`SolverOptionError`."""
    return engine.check_options(options, SWEEP_OPTIONS, "sweep")


def _arrays(aig: AIG) -> tuple[np.ndarray, np.ndarray]:
    """``(ands [A, 2], outputs [O])`` as the uint32 arrays the native code takes."""
    if aig.num_latches:
        raise CircuitError("sweeping needs a combinational AIG; this one has latches")
    ands = np.ascontiguousarray(aig.ands, dtype=np.uint32).reshape(-1, 2)  # [A, 2]
    return ands, np.ascontiguousarray(aig.outputs, dtype=np.uint32)  # [O]


def _aig(arrays, input_names, output_names) -> AIG:
    num_inputs, ands, outs = arrays
    return AIG(
        num_inputs=int(num_inputs),
        ands=np.asarray(ands, dtype=np.int64).reshape(-1, 2),
        outputs=np.asarray(outs, dtype=np.int64),
        input_names=list(input_names),
        output_names=list(output_names),
    )


def native_miter(a: AIG, b: AIG, in_perm, out_perm) -> AIG:
    """:func:`circuitlab.miter.miter` with ``per_output=True``, built natively.

    Args:
        in_perm, out_perm: from :func:`circuitlab.miter.match_interfaces` (input ``k``
            of ``a`` meets input ``in_perm[k]`` of ``b``; the same for outputs).
    """
    arrays = _cdcl.miter(a.num_inputs, *_arrays(a), *_arrays(b), list(in_perm), list(out_perm))
    return _aig(arrays, a.input_names, a.output_names)


def native_evaluate(aig: AIG, inputs: np.ndarray) -> np.ndarray:
    """``[O]`` output values of ``aig`` under one ``[I]`` input vector (cf. :func:`circuitlab.sim.evaluate`)."""
    vec = np.asarray(inputs, dtype=np.int8).reshape(-1)
    if len(vec) != aig.num_inputs:
        raise CircuitError(f"input vectors need {aig.num_inputs} values, got {len(vec)}")
    return _cdcl.evaluate(aig.num_inputs, *_arrays(aig), vec).astype(bool)


def _sweeper(aig: AIG, options: Mapping[str, int], engine_options: Mapping[str, int]):
    return _cdcl.Sweeper(aig.num_inputs, *_arrays(aig), check_options(options), dict(engine_options))


def _reduced(sw, like: AIG) -> AIG:
    return _aig(sw.current(), like.input_names, like.output_names)


def _stats(sw) -> dict:
    st = sw.stats()
    st["seconds"] = st.pop("time_total")
    return st


def _run_in_thread(sw, call: Callable[[], int], progress: Callable[[dict], None] | None) -> tuple[int, bool]:
    """Run ``call`` (a GIL-releasing sweeper method) in a worker thread.

    Returns ``(status, interrupted)``; Ctrl-C in the main thread interrupts the sweeper
    and waits for it to stop.
    """
    box: dict = {}
    done = threading.Event()

    def work():
        try:
            box["status"] = call()
        except BaseException as e:  # noqa: BLE001 - re-raised in the calling thread
            box["error"] = e
        finally:
            done.set()

    threading.Thread(target=work, name="circuitlab-sweep", daemon=True).start()
    interrupted = False
    while not done.is_set():
        try:  # Event.wait, unlike an interrupted Thread.join, keeps its state on Ctrl-C
            if not done.wait(0.1) and progress is not None:
                progress(sw.progress())
        except KeyboardInterrupt:
            interrupted = True
            sw.interrupt()
    if "error" in box:
        raise box["error"]
    return int(box["status"]), interrupted


def prove_outputs_zero(
    aig: AIG,
    *,
    mode: str = "auto",
    deadline: float | None = None,
    options: Mapping[str, int] | None = None,
    engine_options: Mapping[str, int] | None = None,
    progress: Callable[[dict], None] | None = None,
    deferred: np.ndarray | None = None,
) -> FraigResult:
    """Prove every output of the combinational ``aig`` constant 0, or find inputs that set one.

    Args:
        mode: ``"auto"`` or ``"sweep"`` (see the module docstring).
        deadline: ``time.monotonic()`` instant at which the search stops (UNKNOWN).
        options: sweeping options (:data:`SWEEP_OPTIONS`), e.g. ``{"query_conflicts": 50}``.
        engine_options: options of the CDCL engine behind every query.
        progress: called about every 0.1 s with the sweeper's counters.
        deferred: ``[M + 1]`` flags over ``aig``'s variables (guided sweeping, see
            :func:`circuitlab.guided.sweep_deferrals`): a flagged candidate is not queried
            in the first sweeping round, only in later ones; ``stats["deferred"]`` counts them.
    """
    if mode not in MODES:
        raise SolverOptionError(f"unknown sweeping mode {mode!r}; choose from {', '.join(MODES)}")
    opts = {**(options or {}), "mode": MODES[mode]}
    sw = _sweeper(aig, opts, engine_options or {})
    if deferred is not None:
        flags = np.asarray(deferred).reshape(-1)
        if len(flags) != aig.max_var + 1:
            raise SolverOptionError(f"deferred needs one flag per variable ({aig.max_var + 1}), got {len(flags)}")
        sw.set_deferred(flags.astype(np.int8))
    seconds = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
    status, interrupted = _run_in_thread(sw, lambda: sw.run(seconds), progress)
    res = FraigResult(status=status, reduced=_reduced(sw, aig), stats=_stats(sw))
    if status == SAT:
        res.inputs = np.asarray(sw.counterexample(), dtype=bool)
    elif status == UNKNOWN:
        res.reason = "interrupted" if interrupted else (sw.stop_reason or "conflicts")
    else:
        assert status == UNSAT
    return res


def fraig(
    aig: AIG,
    *,
    conflicts: int = 1000,
    deadline: float | None = None,
    options: Mapping[str, int] | None = None,
) -> tuple[AIG, dict]:
    """One native sweeping round: ``aig`` with its proved-equivalent nodes merged.

    The native counterpart of :func:`circuitlab.solvers.sweep.sweep` (same contract:
    same inputs and outputs in order, every merge backed by an UNSAT query); outputs are
    left as they are, even when sweeping makes one constant.
    """
    sw = _sweeper(aig, options or {}, {})
    seconds = -1.0 if deadline is None else max(0.0, deadline - time.monotonic())
    sw.sweep_once(conflicts, seconds)
    return _reduced(sw, aig), _stats(sw)

"""What a solve returns: status, a verified model, statistics, certificates.

Status codes follow the SAT competition: SAT = 10, UNSAT = 20, UNKNOWN = 0 (they are
also the exit codes of ``circuitlab solve``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

SAT, UNSAT, UNKNOWN = 10, 20, 0
STATUS_NAMES = {SAT: "SAT", UNSAT: "UNSAT", UNKNOWN: "UNKNOWN"}
# why an answer is UNKNOWN
REASONS = ("timeout", "conflicts", "interrupted", "memory")


@dataclass
class SolveStats:
    """Search statistics.  Counters are ``None`` where the backend does not expose them
    (Kissat in pysat), or when the search was killed before it could report.

    Times are wall-clock seconds: ``solve_time`` in the solver (a watchdog child's
    fork included), ``total_time`` for the whole call (encoding, solving and answer
    verification), ``check_time`` for proof checking alone (``None`` if not checked).
    """

    conflicts: int | None = None
    decisions: int | None = None
    propagations: int | None = None
    restarts: int | None = None
    solve_time: float = 0.0
    total_time: float = 0.0
    check_time: float | None = None
    guided_decisions: int | None = None
    hooks: dict | None = None  # circuitlab engine: what its guidance hooks did

    def to_dict(self) -> dict:
        d = asdict(self)
        for k in ("solve_time", "total_time", "check_time"):
            if d[k] is not None:
                d[k] = round(d[k], 6)
        return d


@dataclass
class SolveResult:
    """The answer of one solve.

    Attributes:
        status: SAT, UNSAT or UNKNOWN.
        backend: the backend that answered.
        stats: :class:`SolveStats`.
        model: for SAT, the solver's model (DIMACS literals), checked before return.
        inputs: for SAT on a circuit, ``[I + L]`` booleans of the inputs, checked by
            simulation.
        reason: for UNKNOWN, one of :data:`REASONS`.
        proof_steps: for UNSAT with a proof requested, the number of proof lines.
        proof_verified: ``True`` once ``dratify`` accepted the proof (``None``: not checked).
        proof_file: where the proof was written.
        differing_outputs: for a non-equivalence, indices of the first circuit's outputs
            that differ under ``inputs``, re-checked by simulating both circuits.
        sweep: for an equivalence check with SAT sweeping, what the sweep did
            (:class:`~circuitlab.solvers.sweep.SweepStats` as a dict).
    """

    status: int
    backend: str
    stats: SolveStats = field(default_factory=SolveStats)
    model: list | None = None
    inputs: np.ndarray | None = None
    reason: str = ""
    proof_steps: int | None = None
    proof_verified: bool | None = None
    proof_file: str | None = None
    differing_outputs: list | None = None
    sweep: dict | None = None

    @property
    def name(self) -> str:
        return STATUS_NAMES[self.status]

    @property
    def time(self) -> float:
        """Seconds spent in the solver."""
        return self.stats.solve_time

    def comment_lines(self) -> list[str]:
        """``c`` lines for the CLI: why UNKNOWN, the proof, the statistics."""
        lines = []
        if self.reason:
            lines.append(f"c unknown: {self.reason}")
        if self.proof_steps is not None:
            where = f"written to {self.proof_file}, " if self.proof_file else ""
            checked = f"verified by dratify in {self.stats.check_time:.3f} s" if self.proof_verified else "not checked"
            lines.append(f"c DRAT proof: {self.proof_steps} lines, {where}{checked}")
        if self.sweep is not None:
            sw = self.sweep
            by_cut = f"{sw['cut_proved']} by cut truth tables, " if sw.get("cut_proved") else ""
            stalled = f", {sw['stalled']} not queried once SAT stalled" if sw.get("stalled") else ""
            lines.append(
                f"c sweep: {sw['proved']} of {sw['candidates']} candidate nodes merged "
                f"({by_cut}{sw['refuted']} refuted, {sw['undecided']} undecided{stalled}), miter "
                f"{sw['ands_before']} -> {sw['ands_after']} ANDs in {sw['seconds']:.3f} s"
            )
            for w in sw.get("windows", ()):
                lines.append(
                    f"c window: {w['ands']} of {w['cone_ands']} ANDs ({w['levels']} levels below the "
                    f"difference): {w['verdict']} in {w['seconds']:.3f} s"
                )
        st = self.stats
        counts = [
            f"{k} {v}"
            for k, v in (("conflicts", st.conflicts), ("decisions", st.decisions), ("propagations", st.propagations))
            if v is not None
        ]
        lines.append(
            f"c backend {self.backend}, solve {st.solve_time:.3f} s, total {st.total_time:.3f} s"
            + "".join(", " + c for c in counts)
        )
        return lines

    def to_json(self) -> dict:
        d = {
            "status": self.name,
            "exit_code": self.status,
            "backend": self.backend,
            "time_s": round(self.stats.solve_time, 6),
            "stats": self.stats.to_dict(),
        }
        if self.status == UNKNOWN:
            d["reason"] = self.reason
        if self.inputs is not None:
            d["inputs"] = "".join("1" if b else "0" for b in self.inputs)
        if self.proof_steps is not None:
            d["proof"] = {
                "file": self.proof_file,
                "steps": self.proof_steps,
                "verified": self.proof_verified,
                "check_time_s": None if self.stats.check_time is None else round(self.stats.check_time, 6),
            }
        if self.sweep is not None:
            d["sweep"] = self.sweep
        return d

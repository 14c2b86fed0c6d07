"""The LEC benchmark suite behind ``circuitlab bench lec``: instances, runner, report.

**Instances** live in a suite folder: AIGER files and a ``manifest.jsonl`` with one line
per pair, ``{"name", "family", "a", "b", "expected"}`` (paths relative to the manifest,
``expected`` is ``EQUIVALENT`` or ``NOT EQUIVALENT``).  :func:`build_suite` writes one:

* ``arith``: array multipliers against Wallace and Dadda ones, signed array against Booth ones (equivalent), against
  a Wallace copy with one observable gate bug; carry-lookahead against Kogge-Stone adders;
  ripple-carry adders against a buggy copy;
* ``hard``: cross-architecture multipliers at 7 and 8 bits (array against Wallace
  and Dadda, signed array against Booth), where CDCL does the work (few internal equivalences; plain CaDiCaL
  needs 1–60 s);
* ``lgn``: compiled logic gate networks against ABC ``dc2`` copies and one-gate-bug
  copies: the trained MNIST network (``lec_instances/lgn_mnist_dense.aig``, 312k ANDs) and a
  random-weight network of the MNIST shape (784 inputs, 3 x 2000 gates, 10 classes);
  only when ABC is installed;
* ``epfl``: EPFL circuits against ABC ``dc2`` copies and one-gate-bug copies (only when
  ABC is installed).

**Configurations** (:data:`CONFIGS`): plain ``cadical195`` and ``kissat404``, circuitlab's
engine unguided, each guidance part alone and all together (from simulation, and all
parts from the GNN and the hybrid source), native sweeping, guided sweeping (the CDCL
check of what sweeping leaves is guided: priorities alone, and all parts), and ABC
``cec`` / ``&cec``; ``cadical195+proof`` (not a default) has every UNSAT answer's DRAT
proof checked by dratify, and the report lists them.
Each check is one process (``circuitlab lec ... --json`` or ``berkeley-abc``), timed
whole and killed at the limit, with an optional address-space limit.

**Runner** (:func:`run_suite`): local worker threads (each runs its checks as
subprocesses) or a Dask cluster (``scheduler="tcp://host:port"``; the suite folder must
be visible to the workers at the same path).  Every finished check is appended to a
JSONL file at once, so a rerun skips what is done; a check whose worker died, or whose
files are missing, is recorded as an ``ERROR`` row and retried by ``retry_errors``.
"""

from __future__ import annotations

import contextlib
import json
import resource
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from circuitlab.aiger import read_aiger, write_aiger

from .lec_epfl import ABC, EPFL, EQ, ERROR, NEQ, TIMEOUT, Run, abc_verdict, circuitlab_cmd, circuitlab_verdict
from .results_io import cactus_plot

MANIFEST = "manifest.jsonl"
CONFIGS: dict[str, list[str]] = {
    "cadical195": ["--engine", "cdcl", "--backend", "cadical195"],
    "kissat404": ["--engine", "cdcl", "--backend", "kissat404"],
    "engine": ["--engine", "cdcl", "--backend", "circuitlab"],
    "engine+phases": ["--engine", "cdcl", "--guide", "phases", "--guide-source", "sim"],
    "engine+priorities": ["--engine", "cdcl", "--guide", "priorities", "--guide-source", "sim"],
    "engine+filter": ["--engine", "cdcl", "--guide", "filter", "--guide-source", "sim"],
    "engine+all": ["--engine", "cdcl", "--guide", "all", "--guide-source", "sim"],
    "engine+all:gnn": ["--engine", "cdcl", "--guide", "all", "--guide-source", "gnn"],
    "engine+all:hybrid": ["--engine", "cdcl", "--guide", "all", "--guide-source", "hybrid"],
    "sweep": ["--engine", "auto", "--backend", "circuitlab"],
    "sweep+priorities": ["--engine", "auto", "--guide", "priorities", "--guide-source", "sim"],
    "sweep+all": ["--engine", "auto", "--guide", "all", "--guide-source", "sim"],
    "sweep+order:gnn": ["--engine", "auto", "--guide", "order", "--guide-source", "gnn"],
    "sweep+order:hybrid": ["--engine", "auto", "--guide", "order", "--guide-source", "hybrid"],
    "abc-cec": [],
    "abc-&cec": [],
    # plain CaDiCaL with each UNSAT answer's DRAT proof checked by dratify (not a default:
    # proof logging and checking cost time; it certifies a sample of the suite's verdicts)
    "cadical195+proof": ["--engine", "cdcl", "--backend", "cadical195", "--check-proof"],
}
DEFAULT_CONFIGS = (
    "cadical195",
    "engine",
    "engine+phases",
    "engine+priorities",
    "engine+filter",
    "engine+all",
    "sweep",
    "sweep+priorities",
    "abc-cec",
)
FAMILIES = ("arith", "hard", "lgn", "epfl")
LGN_MNIST = Path(__file__).resolve().parent / "lec_instances" / "lgn_mnist_dense.aig"  # packaged


@dataclass(frozen=True)
class Instance:
    name: str
    family: str
    a: str  # absolute paths once read from a manifest
    b: str
    expected: str


# ---------------------------------------------------------------------------- building a suite
def build_suite(
    folder: Path, families: Iterable[str] = ("arith", "hard"), epfl: Iterable[str] = ("i2c", "bar")
) -> Path:
    """Write the instances of ``families`` and their manifest into ``folder``; return the manifest."""
    from circuitlab.generators import (
        array_multiplier,
        booth_multiplier,
        cla_adder,
        dadda_multiplier,
        kogge_stone_adder,
        ripple_adder,
        signed_array_multiplier,
        wallace_multiplier,
    )
    from circuitlab.mutate import observable_mutation

    folder.mkdir(parents=True, exist_ok=True)
    lines = []

    def pair(name, family, a, b, expected):
        pa, pb = folder / f"{name}_a.aig", folder / f"{name}_b.aig"
        write_aiger(a, pa, binary=True)
        write_aiger(b, pb, binary=True)
        lines.append({"name": name, "family": family, "a": pa.name, "b": pb.name, "expected": expected})

    if "arith" in families:
        for n in (4, 5):
            ref = array_multiplier(n)
            for other, make in (("wallace", wallace_multiplier), ("dadda", dadda_multiplier)):
                pair(f"mult{n}-array-vs-{other}", "arith", ref, make(n), EQ)
            pair(f"mult{n}-array-vs-bug", "arith", ref, observable_mutation(wallace_multiplier(n), seed=n)[0], NEQ)
            pair(f"mult{n}-signed-array-vs-booth", "arith", signed_array_multiplier(n), booth_multiplier(n), EQ)
        adder = ripple_adder(16)
        pair("add16-vs-bug", "arith", adder, observable_mutation(adder, seed=1)[0], NEQ)
        pair("add32-cla-vs-kogge-stone", "arith", cla_adder(32), kogge_stone_adder(32), EQ)
    if "hard" in families:
        for n in (7, 8):
            pair(f"mult{n}-array-vs-wallace", "hard", array_multiplier(n), wallace_multiplier(n), EQ)
        pair("mult7-array-vs-dadda", "hard", array_multiplier(7), dadda_multiplier(7), EQ)
        pair("mult7-signed-array-vs-booth", "hard", signed_array_multiplier(7), booth_multiplier(7), EQ)
    if "lgn" in families and shutil.which(ABC):
        for name, a, b, expected in lgn_pairs(folder):
            pair(name, "lgn", read_aiger(a), read_aiger(b), expected)
    if "epfl" in families and shutil.which(ABC):
        from circuitlab.abc import abc_optimize_file

        for name in epfl:
            src = EPFL / f"{name}.aig"
            abc_optimize_file(src, "dc2", folder / f"{name}_dc2.aig")
            pair(f"{name}-dc2", "epfl", read_aiger(src), read_aiger(folder / f"{name}_dc2.aig"), EQ)
            pair(f"{name}-bug", "epfl", read_aiger(src), observable_mutation(read_aiger(src), seed=0)[0], NEQ)
    manifest = folder / MANIFEST
    manifest.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return manifest


def random_lgn(seed: int = 0, widths=(2000, 2000, 2000), in_dim: int = 784, classes: int = 10):
    """A random-weight discretized LGN of the MNIST shape, compiled to its class-score AIG."""
    import numpy as np

    from circuitlab.lgn.compile import compile_network
    from circuitlab.lgn.discrete import DiscreteLayer, DiscreteNetwork

    rng = np.random.default_rng(seed)
    layers, w = [], in_dim
    for out in widths:
        gates = rng.integers(0, 16, out).astype(np.uint8)
        layers.append(DiscreteLayer(rng.integers(0, w, out), rng.integers(0, w, out), gates))
        w = out
    return compile_network(DiscreteNetwork(in_dim, classes, 1.0, tuple(layers)))


def lgn_pairs(folder: Path) -> list[tuple[str, Path, Path, str]]:
    """Compiled logic gate networks against ABC ``dc2`` copies and one-gate-bug copies,
    written into ``folder`` (ABC needed): ``(name, a, b, expected)`` per pair."""
    from circuitlab.abc import abc_optimize_file
    from circuitlab.mutate import observable_mutation

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name, make in (("lgn-mnist", lambda: read_aiger(LGN_MNIST)), ("lgn-random", random_lgn)):
        src, dc2, bug = (folder / f"{name}{suffix}.aig" for suffix in ("", "_dc2", "_bug"))
        if not (src.exists() and dc2.exists() and bug.exists()):
            circuit = make()
            write_aiger(circuit, src, binary=True)
            abc_optimize_file(src, "dc2", dc2)
            write_aiger(observable_mutation(circuit, seed=0)[0], bug, binary=True)
        out += [(f"{name}-dc2", src, dc2, EQ), (f"{name}-bug", src, bug, NEQ)]
    return out


def read_manifest(path: Path) -> tuple[list[Instance], list[dict]]:
    """The instances of a manifest, and an ``ERROR`` row for each line that is malformed."""
    instances, bad = [], []
    for k, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            expected = d["expected"]
            if expected not in (EQ, NEQ):
                raise ValueError(f"expected must be {EQ!r} or {NEQ!r}")
            a, b = (str((path.parent / d[k2]).resolve()) for k2 in ("a", "b"))
            instances.append(Instance(str(d["name"]), str(d.get("family", "default")), a, b, expected))
        except (ValueError, KeyError, TypeError) as e:
            bad.append(
                {
                    "instance": f"{path.name}:{k}",
                    "family": "manifest",
                    "config": "-",
                    "verdict": ERROR,
                    "expected": "-",
                    "seconds": 0.0,
                    "error": f"malformed manifest line {k}: {e}"[:300],
                }
            )
    return instances, bad


# ---------------------------------------------------------------------------- one check
def command(inst: Instance, config: str, timeout: float) -> list[str]:
    if config == "abc-cec":
        return [ABC, "-q", f"cec {inst.a} {inst.b}"]
    if config == "abc-&cec":
        return [ABC, "-q", f"&r {inst.a}; &cec {inst.b}"]
    return [*circuitlab_cmd(), "lec", inst.a, inst.b, "--json", "--timeout", f"{timeout:g}", *CONFIGS[config]]


def run_check(inst: Instance, config: str, timeout: float, memory_mb: float | None = None) -> dict:
    """One check as a process of its own: the row to record (never raises for a bad instance)."""
    row: dict = {"instance": inst.name, "family": inst.family, "config": config, "expected": inst.expected}
    missing = [p for p in (inst.a, inst.b) if not Path(p).is_file()]
    if missing:
        return {**row, "verdict": ERROR, "seconds": 0.0, "error": f"missing file {missing[0]}"}
    run = _run(command(inst, config, timeout), timeout + 5.0, memory_mb)  # lec stops itself at the limit
    details: dict = {}
    if run.returncode is None:
        verdict = TIMEOUT
    elif config.startswith("abc-"):
        verdict = abc_verdict(run)
    else:
        verdict, details = circuitlab_verdict(run.returncode, run.stdout)
    row.update(verdict=verdict, seconds=round(run.seconds, 4), guidance=details.get("guidance"))
    if details.get("sweep_guidance"):  # the order part: candidates deferred, GNN time
        row["sweep_guidance"] = details["sweep_guidance"]
    if details.get("proof"):  # --check-proof: DRAT lines, dratify's verdict
        row["proof"] = {k: details["proof"].get(k) for k in ("steps", "verified", "check_time_s")}
    if verdict == ERROR:
        row["error"] = (run.stderr or run.stdout).strip()[-300:]
    return row


def _run(cmd: list[str], timeout: float, memory_mb: float | None) -> Run:
    """Run ``cmd`` timed whole, killed at ``timeout``, its address space capped at ``memory_mb``."""
    t = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:  # a binary that is not installed
        return Run(time.perf_counter() - t, 127, "", str(e))
    with p:
        if memory_mb is not None:  # set from outside: preexec_fn is unsafe beside worker threads
            limit = int(memory_mb * 2**20)
            with contextlib.suppress(ProcessLookupError, OSError):
                resource.prlimit(p.pid, resource.RLIMIT_AS, (limit, limit))
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            return Run(time.perf_counter() - t, None)
    return Run(time.perf_counter() - t, p.returncode, out, err)


# ---------------------------------------------------------------------------- the runner
def load_results(path: Path) -> dict[tuple[str, str], dict]:
    """``(instance, config) -> row`` of a results file (the last row wins; torn lines are skipped)."""
    rows: dict[tuple[str, str], dict] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            try:
                r = json.loads(line)
                rows[r["instance"], r["config"]] = r
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return rows


def run_suite(
    instances: list[Instance],
    configs: Iterable[str],
    results: Path,
    timeout: float = 60.0,
    jobs: int = 1,
    memory_mb: float | None = None,
    scheduler: str | None = None,
    retry_errors: bool = False,
    on_row: Callable[[dict, int, int], None] | None = None,
) -> dict[tuple[str, str], dict]:
    """Run every (instance, config) check not yet in ``results``, appending each row as it ends."""
    done = load_results(results)
    todo = [
        (inst, c)
        for inst in instances
        for c in configs
        if (inst.name, c) not in done or (retry_errors and done[inst.name, c]["verdict"] == ERROR)
    ]
    lock = threading.Lock()

    def record(row: dict) -> None:
        with lock:
            with results.open("a") as f:
                f.write(json.dumps(row) + "\n")
            done[row["instance"], row["config"]] = row
            if on_row is not None:
                on_row(row, len(todo), sum(1 for k in done if k in keys))

    keys = {(inst.name, c) for inst, c in todo}
    results.parent.mkdir(parents=True, exist_ok=True)
    if scheduler is None:
        _run_local(todo, timeout, memory_mb, jobs, record)
    else:
        _run_dask(todo, timeout, memory_mb, scheduler, record)
    return done


def _run_local(todo, timeout, memory_mb, jobs, record) -> None:
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(run_check, inst, c, timeout, memory_mb): (inst, c) for inst, c in todo}
        for fut in as_completed(futures):
            record(fut.result())


def _run_dask(todo, timeout, memory_mb, scheduler, record) -> None:
    """The same checks on a Dask cluster; a check whose worker died is recorded as an error."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise RuntimeError("--scheduler needs dask.distributed: pip install 'circuitlab[bench]'") from None
    with Client(scheduler, timeout="30s") as client:
        futures = {
            client.submit(run_check, inst, c, timeout, memory_mb, pure=False, retries=0): (inst, c) for inst, c in todo
        }
        for fut in dask_completed(futures):
            inst, c = futures[fut]
            try:
                record(fut.result())
            except Exception as e:  # noqa: BLE001 - a killed worker or a lost connection: record, go on
                record(
                    {
                        "instance": inst.name,
                        "family": inst.family,
                        "config": c,
                        "expected": inst.expected,
                        "verdict": ERROR,
                        "seconds": 0.0,
                        "error": f"{type(e).__name__}: {e}"[:300],
                    }
                )


# ---------------------------------------------------------------------------- the report
def solved_time(row: dict | None, timeout: float | None = None) -> float | None:
    """Seconds of a right answer, or None; an answer after ``timeout`` (a process that
    finished inside the kill grace) does not count."""
    if row is None or row["verdict"] != row["expected"]:
        return None
    return None if timeout is not None and row["seconds"] > timeout else row["seconds"]


def is_wrong(row: dict | None) -> bool:
    return row is not None and row["verdict"] in (EQ, NEQ) and row["verdict"] != row["expected"]


def par2(rows: list[dict | None], timeout: float) -> float:
    times = [solved_time(r, timeout) for r in rows]
    return sum(2 * timeout if t is None else t for t in times) / max(1, len(times))


def report(instances: list[Instance], configs: list[str], done: dict, timeout: float, bad: list[dict]) -> str:
    families = sorted({i.family for i in instances})
    lines = [
        "# LEC benchmark suite",
        "",
        f"{len(instances)} instances, limit {timeout:g} s per check, each check a whole process; "
        "PAR-2 counts an unsolved or wrong answer as twice the limit.",
        "",
        "| configuration | "
        + " | ".join(f"{f} solved | {f} PAR-2 (s)" for f in families)
        + " | all PAR-2 (s) | wrong |",
        "|---|" + "---|---|" * len(families) + "---|---|",
    ]
    for c in configs:
        cells = []
        for f in families:
            rows = [done.get((i.name, c)) for i in instances if i.family == f]
            cells += [
                f"{sum(solved_time(r, timeout) is not None for r in rows)}/{len(rows)}",
                f"{par2(rows, timeout):.2f}",
            ]
        rows = [done.get((i.name, c)) for i in instances]
        lines.append(f"| {c} | " + " | ".join(cells) + f" | {par2(rows, timeout):.2f} | {sum(map(is_wrong, rows))} |")
    lines += _ablation(instances, configs, done, timeout)
    lines += _proofs(instances, configs, done)
    errors = [r for r in done.values() if r["verdict"] == ERROR] + bad
    if errors:
        lines += [
            "",
            f"Errors ({len(errors)}): "
            + "; ".join(f"{r['instance']} [{r['config']}]: {r.get('error', '')}" for r in errors[:10]),
        ]
    return "\n".join(lines) + "\n"


def _proofs(instances, configs, done) -> list[str]:
    """The EQUIVALENT answers that came with a DRAT proof, and whether dratify accepted it."""
    rows = [done[i.name, c] for c in configs for i in instances if (i.name, c) in done and done[i.name, c].get("proof")]
    if not rows:
        return []
    eq = {i.name for i in instances if i.expected == EQ}
    ok = sum(bool(r["proof"].get("verified")) for r in rows)
    lines = [
        "",
        f"DRAT proofs checked by dratify: {ok} of {len(rows)} accepted, for {len({r['instance'] for r in rows})} "
        f"of the {len(eq)} equivalent instances (the others were not answered within the limit):",
        "",
        "| instance | configuration | proof lines | check (s) | accepted |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        p = r["proof"]
        lines.append(
            f"| {r['instance']} | {r['config']} | {p.get('steps')} | {p.get('check_time_s') or 0:.2f} | "
            f"{'yes' if p.get('verified') else 'NO'} |"
        )
    return lines


def _ablation(instances, configs, done, timeout) -> list[str]:
    if "engine" not in configs:
        return []
    base = par2([done.get((i.name, "engine")) for i in instances], timeout)
    rows = [
        "",
        "Ablation against the unguided engine (PAR-2 ratio, below 1 = faster):",
        "",
        "| configuration | PAR-2 (s) | ratio |",
        "|---|---|---|",
    ]
    for c in configs:
        p = par2([done.get((i.name, c)) for i in instances], timeout)
        rows.append(f"| {c} | {p:.2f} | {p / base:.2f} |")
    return rows


def cactus(instances, configs, done, timeout: float, path: Path) -> None:
    series = {
        c: [t for i in instances if (t := solved_time(done.get((i.name, c)), timeout)) is not None] for c in configs
    }
    cactus_plot(series, f"LEC suite ({len(instances)} instances), {timeout:g} s limit", path)


def to_json(instances, configs, done, timeout) -> dict:
    return {
        "timeout": timeout,
        "configs": list(configs),
        "instances": [asdict(i) for i in instances],
        "rows": [done[k] for k in sorted(done)],
    }

"""Whole-process equivalence checking on EPFL: ``circuitlab lec`` against ABC ``cec`` and ``&cec``.

Instances (60): each of the 20 EPFL AIGs in ``epfl/`` against three copies of itself:

* ``dc2``, ``resyn2``: ABC-optimized copies (equivalent);
* ``bug``: one observable fanin flip, ``observable_mutation(aig, seed=0)`` (not equivalent).

Each tool checks each pair in a process of its own, as a user would run it; the time is the
wall clock around the whole process (start-up, reading both files, checking) and the process
group is killed at the limit.  PAR-2 = mean time, twice the limit for an instance not solved;
a verdict that contradicts the expected one is a WRONG answer, never counted as solved.  The
start-up floor (``circuitlab --version``, ``berkeley-abc -q quit``) is reported beside.

Tools: ``circuitlab lec A B --json --timeout T`` (exit 0 equivalent, 1 not, 3 unknown),
``berkeley-abc -q "cec A B"`` and ``berkeley-abc -q "&r A; &cec B"`` (verdict from stdout).

The copies are made once in the work dir; every measured row is appended to
``WORKDIR/rows.jsonl`` and reused by a later run with the same limit (and the same
``--circuitlab-args``), so a rerun measures only what is missing.  After changing circuitlab,
``--rerun circuitlab`` measures it again and keeps ABC's rows.  Writes ``lec_epfl.{md,json}``
and ``lec_epfl_cactus.png``.

    python -m benchmarks.lec_epfl --timeout 30
    python -m benchmarks.lec_epfl --rerun circuitlab --circuitlab-args "--engine auto"
    python -m benchmarks.lec_epfl --only adder,ctrl --families bug --tools cec,&cec
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shlex
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from circuitlab.abc import abc_optimize_file
from circuitlab.aiger import read_aiger, write_aiger
from circuitlab.benchmarks import EPFL
from circuitlab.mutate import observable_mutation

from .results_io import RESULTS, cactus_plot, write_results

ABC = "berkeley-abc"
FAMILIES = ("dc2", "resyn2", "bug")
TOOLS = ("circuitlab", "cec", "&cec")
EQ, NEQ, UNKNOWN, TIMEOUT, ERROR = "EQUIVALENT", "NOT EQUIVALENT", "UNKNOWN", "TIMEOUT", "ERROR"
SHORT = {EQ: "EQ", NEQ: "NEQ", UNKNOWN: "unknown", TIMEOUT: "timeout", ERROR: "error"}


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------- instances
@dataclass(frozen=True)
class Instance:
    circuit: str
    family: str
    a: Path  # the EPFL original
    b: Path  # its copy

    @property
    def name(self) -> str:
        return f"{self.circuit}:{self.family}"

    @property
    def expected(self) -> str:
        return NEQ if self.family == "bug" else EQ


def make_copy(circuit: str, family: str, workdir: Path) -> Path:
    """The ``family`` copy of EPFL ``circuit``, made once in ``workdir`` and reused afterwards."""
    dst = workdir / f"{circuit}_{family}.aig"
    if not dst.exists():
        log(f"making {dst}")
        src = EPFL / f"{circuit}.aig"
        if family == "bug":
            mutant, _gate, _side = observable_mutation(read_aiger(src), seed=0)
            write_aiger(mutant, dst, binary=True)
        else:
            abc_optimize_file(src, family, dst)
    return dst


def instances(only: list[str], families: list[str], workdir: Path) -> list[Instance]:
    names = sorted(p.stem for p in EPFL.glob("*.aig"))
    if set(only) - set(names):
        raise SystemExit(f"unknown circuits: {', '.join(sorted(set(only) - set(names)))}")
    chosen = [n for n in names if not only or n in only]
    return [Instance(c, f, EPFL / f"{c}.aig", make_copy(c, f, workdir)) for c in chosen for f in families]


# ---------------------------------------------------------------------------- running one tool
@dataclass
class Run:
    seconds: float
    returncode: int | None  # None: killed at the limit
    stdout: str = ""
    stderr: str = ""


def run_process(cmd: list[str], timeout: float) -> Run:
    """Run ``cmd`` in a session of its own, timed whole; its process group is killed at ``timeout``."""
    t = time.perf_counter()
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True) as p:
        try:
            out, err = p.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(p.pid)
            p.communicate()
            return Run(time.perf_counter() - t, None)
        seconds = time.perf_counter() - t
    _kill_group(p.pid)  # helpers it may have left behind would slow the next measurement
    return Run(seconds, p.returncode, out, err)


def _kill_group(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGKILL)


def circuitlab_cmd() -> list[str]:
    """``python -m circuitlab`` where the package has a ``__main__``, else the console script beside Python."""
    if importlib.util.find_spec("circuitlab.__main__") is not None:
        return [sys.executable, "-m", "circuitlab"]
    script = Path(sys.executable).with_name("circuitlab")
    return [str(script)] if script.exists() else [sys.executable, "-m", "circuitlab.cli"]


def command(tool: str, inst: Instance, timeout: float, extra: list[str]) -> list[str]:
    if tool == "circuitlab":
        return [*circuitlab_cmd(), "lec", str(inst.a), str(inst.b), "--json", "--timeout", f"{timeout:g}", *extra]
    if tool == "cec":
        return [ABC, "-q", f"cec {inst.a} {inst.b}"]
    return [ABC, "-q", f"&r {inst.a}; &cec {inst.b}"]  # two-circuit mode: the GIA in memory against file B


def circuitlab_verdict(returncode: int, stdout: str) -> tuple[str, dict]:
    """Verdict from the exit code (checked against the JSON's), and the JSON's other fields."""
    details: dict = {}
    with contextlib.suppress(json.JSONDecodeError):
        details = json.loads(stdout)
    verdict = {0: EQ, 1: NEQ, 3: UNKNOWN}.get(returncode, ERROR)
    if details.get("verdict", verdict) != verdict:
        verdict = ERROR  # exit code and printed verdict disagree
    drop = {"a", "b", "verdict", "counterexample", "differing_outputs", "inputs"}
    return verdict, {k: v for k, v in details.items() if k not in drop}


def abc_verdict(run: Run) -> str:
    """``cec`` and ``&cec`` both print "Networks are equivalent" or "Networks are NOT EQUIVALENT"."""
    if "NOT EQUIVALENT" in run.stdout:
        return NEQ
    if "Networks are equivalent" in run.stdout:
        return EQ
    return UNKNOWN if run.returncode == 0 else ERROR


def measure(inst: Instance, tool: str, timeout: float, extra: list[str]) -> dict:
    run = run_process(command(tool, inst, timeout, extra), timeout)
    details: dict = {}
    if run.returncode is None:
        verdict = TIMEOUT
    elif tool == "circuitlab":
        verdict, details = circuitlab_verdict(run.returncode, run.stdout)
    else:
        verdict = abc_verdict(run)
    row = {
        "instance": inst.name,
        "family": inst.family,
        "tool": tool,
        "expected": inst.expected,
        "verdict": verdict,
        "seconds": round(run.seconds, 4),
        "timeout": timeout,
        "args": extra if tool == "circuitlab" else [],
        "details": details,
    }
    if verdict in (ERROR, UNKNOWN):
        row["output_tail"] = (run.stdout + run.stderr).strip()[-600:]
    return row


# ---------------------------------------------------------------------------- the row cache
def load_rows(path: Path, timeout: float, extra: list[str]) -> dict[tuple[str, str], dict]:
    """``(instance, tool) -> row`` measured with this limit and these circuitlab args (the last one wins)."""
    rows = {}
    lines = path.read_text().splitlines() if path.exists() else []
    for line in lines:
        with contextlib.suppress(json.JSONDecodeError):  # a line cut short by an interrupted run
            r = json.loads(line)
            if r["timeout"] == timeout and r["args"] == (extra if r["tool"] == "circuitlab" else []):
                rows[r["instance"], r["tool"]] = r
    return rows


def measure_missing(insts, tools, rows: dict, path: Path, timeout: float, extra: list[str]) -> None:
    todo = [(i, t) for i in insts for t in tools if (i.name, t) not in rows]
    log(f"{len(todo)} rows to measure, {len(insts) * len(tools) - len(todo)} cached in {path}")
    for k, (inst, tool) in enumerate(todo, 1):
        row = measure(inst, tool, timeout, extra)
        rows[inst.name, tool] = row
        with path.open("a") as f:
            f.write(json.dumps(row) + "\n")
        flag = "   <-- WRONG" if _wrong(row) else ""
        log(f"[{k}/{len(todo)}] {inst.name:18s} {tool:10s} {row['seconds']:8.3f} s  {row['verdict']}{flag}")


# ---------------------------------------------------------------------------- environment
def environment(extra: list[str]) -> dict:
    """Versions, arguments and the start-up floor of each tool (median wall time of 5 runs)."""
    cl = [*circuitlab_cmd(), "--version"]
    quit_abc = [ABC, "-q", "quit"]
    return {
        "circuitlab_command": shlex.join(
            [Path(cl[0]).name, *cl[1:-1], "lec", "A", "B", "--json", "--timeout", "T", *extra]
        ),
        "circuitlab_version": run_process(cl, 60).stdout.strip(),
        "abc_version": run_process([ABC, "-q", "version"], 60).stdout.strip().splitlines()[0],
        "startup_floor_s": {
            "circuitlab --version": statistics.median(run_process(cl, 60).seconds for _ in range(5)),
            "berkeley-abc -q quit": statistics.median(run_process(quit_abc, 60).seconds for _ in range(5)),
        },
        "cpus": os.cpu_count(),
    }


# ---------------------------------------------------------------------------- report
def _wrong(row: dict | None) -> bool:
    return row is not None and row["verdict"] in (EQ, NEQ) and row["verdict"] != row["expected"]


def _solved_time(row: dict | None) -> float | None:
    """Seconds of a right answer within the row's limit, or None."""
    if row is None or row["verdict"] != row["expected"]:
        return None
    return None if row["seconds"] > row.get("timeout", float("inf")) else row["seconds"]


def _cell(row: dict | None) -> str:
    if row is None:
        return "—"
    verdict = SHORT[row["verdict"]]
    return f"**WRONG {verdict}** {row['seconds']:.2f}" if _wrong(row) else f"{row['seconds']:.2f} {verdict}"


def summary(table: list[dict], timeout: float) -> dict:
    """Solved counts, PAR-2 and wrong answers per tool, and how often circuitlab <= cec."""
    out: dict = {"instances": len(table)}
    for tool in TOOLS:
        rows = [t[tool] for t in table if t.get(tool)]
        times = [_solved_time(r) for r in rows]
        out[tool] = {
            "measured": len(rows),
            "solved": sum(x is not None for x in times),
            "par2": sum(2 * timeout if x is None else x for x in times) / len(rows) if rows else None,
            "wrong": sum(map(_wrong, rows)),
        }
    answered = [t for t in table if _solved_time(t.get("cec")) is not None and t.get("circuitlab")]
    faster = [t for t in answered if (cl := _solved_time(t["circuitlab"])) is not None and cl <= t["cec"]["seconds"]]
    out["circuitlab_le_cec"] = [len(faster), len(answered)]
    checks = [
        t for t in answered if _solved_time(t["circuitlab"]) is not None and _check_s(t["circuitlab"]) is not None
    ]
    out["check_le_cec"] = [sum(_check_s(t["circuitlab"]) <= t["cec"]["seconds"] for t in checks), len(answered)]
    return out


def _check_s(row: dict | None) -> float | None:
    """circuitlab's own report of the check's time: after start-up and reading both files."""
    phases = (row or {}).get("details", {}).get("phases") or {}
    return phases.get("check_s")


def _read_s(row: dict | None) -> float | None:
    """Seconds from circuitlab's process start to both circuits read (start-up included)."""
    phases = (row or {}).get("details", {}).get("phases") or {}
    return phases.get("read_s")


def _summary_line(label: str, s: dict) -> str:
    cells = []
    for tool in TOOLS:
        t = s[tool]
        par2 = "—" if t["par2"] is None else f"{t['par2']:.2f}"
        cells += [f"{t['solved']}/{t['measured']}", par2, str(t["wrong"])]
    le, check = s["circuitlab_le_cec"], s.get("check_le_cec", ["—", "—"])
    return f"| {label} | {s['instances']} | " + " | ".join(cells) + f" | {le[0]}/{le[1]} | {check[0]}/{check[1]} |"


def report(table: list[dict], summaries: dict, env: dict, timeout: float) -> str:
    floor = env["startup_floor_s"]
    wrong = [(t[tool]["instance"], tool, t[tool]["verdict"]) for t in table for tool in TOOLS if _wrong(t.get(tool))]
    listed = "; ".join(f"{i}: {tool} said {v}" for i, tool, v in wrong)
    lines = [
        "# Equivalence checking on EPFL: circuitlab `lec` vs ABC `cec` and `&cec` (whole process)",
        "",
        f"Limit {timeout:g} s per check; time = wall clock around the whole process (start-up and file reading "
        "included); PAR-2 = mean time, 2x the limit for an unsolved or wrong answer.  Same run, same machine "
        f"({env['cpus']} CPUs).  circuitlab: `{env['circuitlab_command']}` ({env['circuitlab_version']}); "
        f"{env['abc_version']}: `cec A B` and `&r A; &cec B`.",
        "",
        f"Start-up floor (median of 5): `circuitlab --version` {floor['circuitlab --version']:.3f} s, "
        f"`berkeley-abc -q quit` {floor['berkeley-abc -q quit']:.3f} s.",
        "",
        f"**WRONG ANSWERS: {len(wrong)}** — {listed}" if wrong else "Wrong answers: none.",
        "",
        "| family | instances | circuitlab solved | PAR-2 (s) | wrong | cec solved | PAR-2 (s) | wrong "
        "| &cec solved | PAR-2 (s) | wrong | circuitlab <= cec | check <= cec |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(_summary_line(fam if fam != "all" else "**all**", s) for fam, s in summaries.items()),
        "",
        "solved = right verdict within the limit, out of the rows measured; circuitlab <= cec counts the "
        "instances that cec solves where circuitlab is right and at most as slow; check <= cec counts those "
        "where circuitlab's check alone (its `phases.check_s`: after start-up and reading both files) is at "
        "most cec's whole time.  The `start-up + read` column is circuitlab's time from process start to both "
        "circuits read (its `phases.read_s`).",
        "",
        "| instance | family | expected | circuitlab (s) | start-up + read (s) | cec (s) | &cec (s) | circuitlab / cec |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for t in table:
        cl, cec = _solved_time(t.get("circuitlab")), _solved_time(t.get("cec"))
        ratio = f"{cl / cec:.2f}" if cl is not None and cec else "—"
        read = _read_s(t.get("circuitlab"))
        tools = [_cell(t.get(tool)) for tool in TOOLS]
        cells = [t["circuit"], t["family"], SHORT[t["expected"]], tools[0], "—" if read is None else f"{read:.2f}"]
        cells += [*tools[1:], ratio]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def cactus(table: list[dict], timeout: float, path: Path) -> None:
    series = {tool: [x for t in table if (x := _solved_time(t.get(tool))) is not None] for tool in TOOLS}
    cactus_plot(series, f"EPFL equivalence checks ({len(table)}), {timeout:g} s limit", path)


# ---------------------------------------------------------------------------- main
def _names(choices):
    def parse(s: str) -> list[str]:
        names = [x for x in s.split(",") if x]
        if choices and set(names) - set(choices):
            raise argparse.ArgumentTypeError(f"choose from {', '.join(choices)}")
        return names

    return parse


def parse_args(argv) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per check (default 30)")
    ap.add_argument("--workdir", type=Path, default=Path("build/lec_epfl"), help="copies and rows.jsonl")
    ap.add_argument("--only", type=_names(None), default=[], help="circuit names, comma-separated")
    ap.add_argument("--families", type=_names(FAMILIES), default=list(FAMILIES), help="dc2,resyn2,bug")
    ap.add_argument("--tools", type=_names(TOOLS), default=list(TOOLS), help="circuitlab,cec,&cec")
    ap.add_argument("--rerun", "--fresh", type=_names(TOOLS), default=[], help="measure these tools again")
    ap.add_argument("--circuitlab-args", default="", help='extra `lec` flags, e.g. "--engine auto"')
    ap.add_argument("--out", type=Path, default=RESULTS)
    return ap.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    extra = shlex.split(args.circuitlab_args)
    args.workdir.mkdir(parents=True, exist_ok=True)
    insts = instances(args.only, args.families, args.workdir)
    path = args.workdir / "rows.jsonl"
    rows = {k: r for k, r in load_rows(path, args.timeout, extra).items() if k[1] not in args.rerun}
    measure_missing(insts, args.tools, rows, path, args.timeout, extra)
    table: list[dict] = [{"circuit": i.circuit, "family": i.family, "expected": i.expected} for i in insts]
    for t, inst in zip(table, insts, strict=True):
        t.update({tool: rows[inst.name, tool] for tool in TOOLS if (inst.name, tool) in rows})
    groups = {fam: [t for t in table if t["family"] == fam] for fam in args.families}
    summaries = {fam: summary(ts, args.timeout) for fam, ts in {**groups, "all": table}.items()}
    env = environment(extra)
    data = {"timeout": args.timeout, **env, "summary": summaries, "rows": table}
    write_results(args.out / "lec_epfl", data, report(table, summaries, env, args.timeout))
    cactus(table, args.timeout, args.out / "lec_epfl_cactus.png")


if __name__ == "__main__":
    main()

"""The ``circuitlab`` command line.

Heavy parts (torch, torch-geometric) are imported only by the commands that need
them.  A user error (any ``ValueError``, which every typed circuitlab error is)
becomes one line on stderr and exit code 2, with no traceback.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import click
import numpy as np

from . import __version__

# commands that live in the optional packages, loaded on first use
LAZY_COMMANDS = {
    "train-lgn": ("circuitlab.lgn.cli", "train_lgn_command", "Train a differentiable logic gate network."),
    "export-lgn": (
        "circuitlab.lgn.export_cli",
        "export_lgn_command",
        "Compile a trained LGN checkpoint to AIGER/Verilog/BLIF.",
    ),
    "train-gnn": ("circuitlab.gnn.cli", "train_gnn_command", "Train the CASCAD-style GNN on simulation labels."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in LAZY_COMMANDS:
            module, attr, _ = LAZY_COMMANDS[name]
            try:
                return getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError) as e:
                raise click.ClickException(f"command {name!r} is unavailable: {e}") from None
        return super().get_command(ctx, name)

    def format_commands(self, ctx, formatter):
        rows = [(n, c.get_short_help_str(60)) for n, c in sorted(self.commands.items())]
        rows += [(n, h) for n, (_, _, h) in sorted(LAZY_COMMANDS.items())]
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="circuitlab")
@click.option(
    "--max-memory-mb",
    type=click.FloatRange(min=64),
    default=None,
    metavar="MB",
    help="Cap this process's address space: going over it is one error line and exit 2, not a kill by the kernel.",
)
def cli(max_memory_mb):
    """circuitlab: AIGs, AIGER, simulation, CNF and solving."""
    if max_memory_mb is not None:
        import resource

        limit = int(max_memory_mb * 2**20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


# ---------------------------------------------------------------------------- helpers
def _read_circuit(path):
    from .aiger import read_aiger

    return read_aiger(path)


def _echo_json(obj) -> None:
    click.echo(json.dumps(obj, indent=2, default=str))


def _bits(arr) -> str:
    return "".join("1" if b else "0" for b in arr)


def _parse_bits(s: str, n: int, what: str):
    s = s.strip()
    if len(s) != n or set(s) - {"0", "1"}:
        raise click.BadParameter(f"{what} must be {n} characters of 0/1, got {s[:40]!r}")
    return [c == "1" for c in s]


def _guide_options(command):
    """--guided, --guide, --guide-source and --threads (solve and lec)."""
    command = click.option(
        "--threads", type=click.IntRange(1, 256), default=1, show_default=True, help="torch threads for the GNN."
    )(command)
    command = click.option(
        "--guide-source",
        type=click.Choice(["hybrid", "sim", "gnn"]),
        default="hybrid",
        show_default=True,
        help="Where the probabilities come from: simulation, the GNN, or simulation with the GNN for rare gates.",
    )(command)
    command = click.option(
        "--guide", "guide", default=None, metavar="PARTS", help="Guidance parts: phases, priorities, filter (or all)."
    )(command)
    return click.option("--guided", is_flag=True, help="Guide the search with every part (--guide all).")(command)


def _guide_parts(ctx, options: dict, guided: bool, guide: str | None) -> list[str] | None:
    """The requested guidance parts (None: unguided).  Without --backend, guidance picks
    circuitlab's engine; a backend lacking a part is refused before any model runs."""
    if not guided and guide is None:
        return None
    from circuitlab.solvers import get_backend

    from .guided import parse_parts, required_features

    parts = parse_parts(guide if guide is not None else "all")
    if ctx.get_parameter_source("backend") == click.core.ParameterSource.DEFAULT:
        options["backend"] = "circuitlab"
    for feature in required_features(parts):
        get_backend(options["backend"]).require(feature)
    return parts


# ---------------------------------------------------------------------------- commands
@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(file, as_json):
    """Sizes and depth of an AIGER circuit."""
    aig = _read_circuit(file)
    st = aig.stats()
    if as_json:
        _echo_json({"file": file, **st})
    else:
        click.echo(f"{file}: " + " ".join(f"{k}={v}" for k, v in st.items()))


@cli.command()
@click.argument("src", type=click.Path(dir_okay=False))
@click.argument("dst", type=click.Path(dir_okay=False))
def convert(src, dst):
    """Convert SRC (.aag/.aig) to DST, format by extension: .aag .aig .v .blif .dot"""
    from .aiger import write_aiger
    from .export import to_blif, to_dot, to_verilog
    from .fileio import atomic_write

    writers = {".v": to_verilog, ".blif": to_blif, ".dot": to_dot}
    ext = Path(dst).suffix.lower()
    if ext not in (".aag", ".aig", *writers):
        raise click.BadParameter(f"unknown output extension {ext!r}; use .aag .aig .v .blif .dot")
    aig = _read_circuit(src)
    if ext in (".aag", ".aig"):
        write_aiger(aig, dst)
    else:
        atomic_write(dst, writers[ext](aig))
    click.echo(f"wrote {dst}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-i", "--input", "vectors", multiple=True, help="An input vector as 0/1 characters (repeatable).")
@click.option("--patterns", default=65536, show_default=True, help="Random patterns for output probabilities.")
@click.option("--seed", default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def sim(file, vectors, patterns, seed, as_json):
    """Simulate input vectors, or estimate output probabilities (exact for <= 20 inputs)."""
    from .sim import evaluate, signal_probabilities

    aig = _read_circuit(file)
    n = aig.num_inputs + aig.num_latches
    if vectors:
        rows = [_parse_bits(v, n, "--input") for v in vectors]
        outs = evaluate(aig, rows)
        res = [{"input": v, "output": _bits(o)} for v, o in zip(vectors, outs, strict=True)]
        if as_json:
            _echo_json(res)
        else:
            for r in res:
                click.echo(f"{r['input']} -> {r['output']}")
        return
    if patterns <= 0:
        raise click.BadParameter("--patterns must be positive")
    p = signal_probabilities(aig, num_patterns=patterns, seed=seed)
    po = np.where(aig.outputs & 1, 1 - p[aig.outputs >> 1], p[aig.outputs >> 1])
    names = [nm or f"o{k}" for k, nm in enumerate(aig.output_names)]
    exact = n <= 20
    if as_json:
        _echo_json({"exact": exact, "p_one": dict(zip(names, po.round(6).tolist(), strict=True))})
    else:
        click.echo(f"P(output = 1), {'exact' if exact else f'{patterns} random patterns'}:")
        for nm, v in zip(names, po, strict=True):
            click.echo(f"  {nm}: {v:.6f}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="DIMACS file to write.")
@click.option("--encoding", type=click.Choice(["tseitin", "pg"]), default="tseitin", show_default=True)
def cnf(file, output, encoding):
    """Encode FILE as DIMACS CNF asserting that some output is 1."""
    from .cnf import encode, write_dimacs

    aig = _read_circuit(file)
    enc = encode(aig, method=encoding)
    write_dimacs(
        enc.cnf,
        output,
        comments=[
            f"circuitlab {encoding} encoding of {Path(file).name}",
            "AIG variable v is CNF variable v+1; variable 1 is constant false",
        ],
    )
    click.echo(f"wrote {output}: {enc.cnf.nv} variables, {len(enc.cnf.clauses)} clauses")


@cli.command(name="miter")
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def miter_cmd(a, b, output):
    """Write the miter of A and B (output 1 where they differ)."""
    from .aiger import write_aiger
    from .miter import miter

    m = miter(_read_circuit(a), _read_circuit(b))
    write_aiger(m, output)
    click.echo(f"wrote {output}: {m}")


def _is_dimacs(path: str) -> bool:
    if Path(path).suffix.lower() in (".cnf", ".dimacs"):
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(64).lstrip()
    except OSError:
        return False
    return head[:1] in (b"c", b"p")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@importlib.import_module("circuitlab.solvers.options").click_options  # flags from SolveOptions
@_guide_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def solve(ctx, file, as_json, guided, guide, guide_source, threads, **options):
    """Is some output of an AIGER FILE satisfiable (or a DIMACS FILE)?  Exit 10 SAT, 20 UNSAT, 0 unknown.

    A SAT answer is checked (simulated on the circuit, or against every clause) before
    it is printed.  With --proof/--check-proof an UNSAT answer comes with a DRAT proof
    of the CNF that `circuitlab cnf` writes, checked by dratify.  With --guided/--guide
    and no --backend, circuitlab's engine runs (the only backend with every hook).
    """
    import time

    from circuitlab.solvers import SAT, UNKNOWN, SolveOptions, solve_aig, solve_cnf
    from circuitlab.solvers.options import command_start

    start = command_start()  # --timeout counts from process start
    parts = _guide_parts(ctx, options, guided, guide)
    opts = SolveOptions(**options)
    if _is_dimacs(file):
        from .cnf import read_dimacs

        formula, aig = read_dimacs(file), None
    else:
        formula = aig = _read_circuit(file)
    report = None
    rest = None if opts.timeout is None else max(0.0, opts.timeout - (time.monotonic() - start))
    if parts is not None:  # hint making counts against --timeout
        if aig is None:
            raise click.BadParameter("--guided/--guide need an AIGER circuit, not DIMACS")
        from .guided import solve_guided

        circuit = aig

        def search(g, seconds):
            return solve_aig(circuit, SolveOptions.make(opts, timeout=seconds), guidance=g)

        res, report = solve_guided(circuit, parts, guide_source, threads, search, rest)
    else:
        opts = SolveOptions.make(opts, timeout=rest)
        res = solve_cnf(formula, opts) if aig is None else solve_aig(aig, opts)
    if report is not None:
        report.engine = res.stats.hooks or {}
    if as_json:
        out = {"file": file, **res.to_json()}
        if report is not None:
            out["guidance"] = report.to_json()
        if res.status == SAT and aig is None:
            out["model"] = res.model
        _echo_json(out)
    else:
        click.echo("s " + {SAT: "SATISFIABLE", UNKNOWN: "UNKNOWN"}.get(res.status, "UNSATISFIABLE"))
        if res.status == SAT:
            if aig is not None:
                click.echo(f"v inputs {_bits(res.inputs)}  (verified by simulation)")
            else:
                assert res.model is not None  # a SAT result carries its model
                click.echo("v " + " ".join(map(str, res.model)) + " 0")
        for line in res.comment_lines():
            click.echo(line)
        if report is not None:
            click.echo(report.comment_line())
    sys.exit(res.status)


@cli.command()
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@importlib.import_module("circuitlab.solvers.options").click_options  # flags from SolveOptions
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--engine",
    type=click.Choice(["auto", "sweep", "cdcl"]),
    default="auto",
    show_default=True,
    help="auto: bug hunting, then SAT sweeping that yields to one CDCL check when it stops paying; "
    "sweep: sweeping rounds to the end; cdcl: one SAT call on the miter (the only one with --proof).",
)
@click.option(
    "--sweep-option",
    "sweep_option",
    multiple=True,
    metavar="NAME=VALUE",
    help="Option of the native sweeper (repeatable; `circuitlab engine-options` lists them).",
)
@click.option("--no-sweep", "no_sweep", is_flag=True, hidden=True, help="Same as --engine cdcl.")
@_guide_options
@click.pass_context
def lec(ctx, a, b, as_json, engine, sweep_option, no_sweep, guided, guide, guide_source, threads, **options):
    """Combinational equivalence of A and B.  Exit 0 equivalent, 1 not equivalent, 3 unknown.

    A counterexample is re-simulated on both circuits before it is printed.  With
    --proof/--check-proof (engine cdcl), EQUIVALENT comes with a DRAT proof of the miter's
    CNF (`circuitlab miter A B -o m.aig; circuitlab cnf m.aig -o m.cnf`), checked by dratify.
    Ctrl-C or --timeout give UNKNOWN (exit 3) with the statistics so far.
    """
    import time

    from circuitlab.solvers import SAT, UNKNOWN, UNSAT, SolveOptions, SolveResult, check_equivalence
    from circuitlab.solvers.engine import parse_assignments
    from circuitlab.solvers.fraig import check_options
    from circuitlab.solvers.options import command_start

    start = command_start()  # --timeout counts from process start
    parts = _guide_parts(ctx, options, guided, guide)
    if parts is not None and (engine != "cdcl" and not no_sweep):
        raise click.BadParameter("guidance steers the monolithic check: add --engine cdcl", param_hint="--guide")
    opts = SolveOptions(**options)
    sweep_opts = check_options(parse_assignments(sweep_option, "--sweep-option"))
    ca, cb = _read_circuit(a), _read_circuit(b)
    report = None
    rest = None if opts.timeout is None else max(0.0, opts.timeout - (time.monotonic() - start))
    with _SweepProgress(enabled=not as_json) as progress:

        def check(guidance, seconds):
            return check_equivalence(
                ca,
                cb,
                SolveOptions.make(opts, timeout=seconds),
                engine="cdcl" if no_sweep else engine,
                guidance=guidance,
                progress=progress.update,
                sweep_options=sweep_opts,
            )

        try:
            if parts is None:
                res = check(None, rest)
            else:  # guidance over the miter that check_equivalence solves
                from .guided import solve_guided
                from .miter import miter

                res, report = solve_guided(miter(ca, cb), parts, guide_source, threads, check, rest)
        except KeyboardInterrupt:  # outside the interruptible search: no statistics
            res = SolveResult(UNKNOWN, opts.backend, reason="interrupted")
    code = {UNSAT: 0, SAT: 1}.get(res.status, 3)
    verdict = {UNSAT: "EQUIVALENT", SAT: "NOT EQUIVALENT"}.get(res.status, "UNKNOWN")
    out = {"a": a, "b": b, "verdict": verdict, **res.to_json(), "exit_code": code}
    out["time_s"] = round(time.monotonic() - start, 6)
    if report is not None:
        report.engine = res.stats.hooks or {}
        out["guidance"] = report.to_json()
    if res.status == SAT:
        names = [nm or f"o{k}" for k, nm in enumerate(ca.output_names)]
        out["counterexample"] = _bits(res.inputs)
        assert res.differing_outputs is not None  # set for every non-equivalence
        out["differing_outputs"] = [names[k] for k in res.differing_outputs]
    if as_json:
        _echo_json(out)
    else:
        click.echo(verdict)
        if res.status == SAT:
            shown = ", ".join(out["differing_outputs"][:8])
            click.echo(f"counterexample (inputs of A, in order): {out['counterexample']}")
            click.echo(f"differing outputs: {shown}  (verified by simulating both circuits)")
        for line in res.comment_lines():
            click.echo(line)
        if report is not None:
            click.echo(report.comment_line())
    sys.exit(code)


@cli.command("engine-options")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def engine_options(as_json):
    """List the options of circuitlab's CDCL engine (--engine-option) and sweeper (--sweep-option)."""
    from circuitlab.solvers.engine import OPTIONS
    from circuitlab.solvers.fraig import SWEEP_OPTIONS

    tables = {
        "engine": [(o.name, o.default, o.lowest, o.highest, o.help) for o in OPTIONS.values()],
        "sweep": [(o.name, o.default, o.lowest, o.highest, o.help) for o in SWEEP_OPTIONS.values()],
    }
    if as_json:
        _echo_json(
            {
                k: [dict(zip(("name", "default", "lowest", "highest", "help"), r, strict=True)) for r in rows]
                for k, rows in tables.items()
            }
        )
        return
    for title, flag in (("engine", "--engine-option"), ("sweep", "--sweep-option")):
        click.echo(f"{flag} NAME=VALUE")
        for name, default, lo, hi, text in tables[title]:
            click.echo(f"  {name:18s} {default:>10}  [{lo}, {hi}]  {text}")


@cli.group()
def bench():
    """Benchmark suites (see `circuitlab bench lec --help`)."""


@bench.command("lec")
@click.option(
    "--suite",
    "suite_dir",
    type=click.Path(file_okay=False),
    default="build/lec-suite",
    show_default=True,
    help="Suite folder with manifest.jsonl; built there when it has none.",
)
@click.option("--families", default="arith,hard", show_default=True, help="Families to build: arith, hard, epfl.")
@click.option("--configs", default=None, help="Comma-separated configurations (default: a standard set; see --list).")
@click.option("--list", "list_configs", is_flag=True, help="List the configurations and exit.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds per check.")
@click.option("--memory-mb", type=click.FloatRange(min=1), default=None, help="Address-space limit per check.")
@click.option("--jobs", type=click.IntRange(1, 1024), default=1, show_default=True, help="Local parallel checks.")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="Run on a Dask cluster (tcp://host:port).")
@click.option("--results", type=click.Path(dir_okay=False), default=None, help="Rows (JSONL) [SUITE/results.jsonl].")
@click.option("--retry-errors", is_flag=True, help="Run again the checks recorded as errors.")
def bench_lec(suite_dir, families, configs, list_configs, timeout, memory_mb, jobs, scheduler, results, retry_errors):
    """Run the LEC benchmark suite: every configuration on every instance, resumable.

    Writes SUITE/report.md (solved counts, PAR-2, ablation), SUITE/report.json and
    SUITE/cactus.png.  Finished checks are kept in the results file, so a rerun does only
    what is missing.
    """
    from circuitlab.benchmarks import suite as bench_suite

    if list_configs:
        for name, args in bench_suite.CONFIGS.items():
            click.echo(f"{name:20s} {' '.join(args) or '(ABC)'}")
        return
    chosen = configs.split(",") if configs else list(bench_suite.DEFAULT_CONFIGS)
    unknown = [c for c in chosen if c not in bench_suite.CONFIGS]
    if unknown:
        raise click.BadParameter(f"unknown configuration {unknown[0]!r}; see --list", param_hint="--configs")
    fams = [f for f in families.split(",") if f]
    if set(fams) - set(bench_suite.FAMILIES):
        raise click.BadParameter(f"choose from {', '.join(bench_suite.FAMILIES)}", param_hint="--families")
    folder = Path(suite_dir)
    manifest = folder / bench_suite.MANIFEST
    if not manifest.exists():
        click.echo(f"building the suite in {folder} ...", err=True)
        bench_suite.build_suite(folder, fams)
    instances, bad = bench_suite.read_manifest(manifest)
    out = Path(results) if results else folder / "results.jsonl"
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("checks", total=None)

        def on_row(row, total, finished):
            bar.update(task, total=total, completed=finished, description=f"{row['instance']} {row['config']}")

        done = bench_suite.run_suite(instances, chosen, out, timeout, jobs, memory_mb, scheduler, retry_errors, on_row)
    md = bench_suite.report(instances, chosen, done, timeout, bad)
    from circuitlab.fileio import atomic_write

    atomic_write(folder / "report.md", md)
    atomic_write(folder / "report.json", json.dumps(bench_suite.to_json(instances, chosen, done, timeout), indent=1))
    bench_suite.cactus(instances, chosen, done, timeout, folder / "cactus.png")
    click.echo(md)


class _SweepProgress:
    """A transient progress line on stderr for sweeps that run longer than a second."""

    def __init__(self, enabled: bool):
        self.enabled = enabled and sys.stderr.isatty()
        self.start = 0.0
        self.status: Any = None  # a rich Status, made on the first update after a second

    def __enter__(self):
        import time

        self.start = time.monotonic()
        return self

    def update(self, p: dict) -> None:
        import time

        if not self.enabled or time.monotonic() - self.start < 1.0:
            return
        text = (
            f"round {p['round']}: node {p['done']}/{p['total']}, proved {p['proved']}, refuted {p['refuted']}, "
            f"undecided {p['undecided']}, outputs left {p['outputs_left']}"
        )
        if self.status is None:
            from rich.console import Console

            self.status = Console(stderr=True).status(text)
            self.status.start()
        else:
            self.status.update(text)

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.stop()
        return False


# ---------------------------------------------------------------------------- entry point
def _terminate(signum, frame):
    raise KeyboardInterrupt  # SIGTERM stops a command like Ctrl-C: partial results, documented exit code


def main(argv=None) -> int:
    import signal

    old_term = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv)
    finally:
        signal.signal(signal.SIGTERM, old_term)


def _main(argv=None) -> int:
    try:
        cli.main(args=argv, prog_name="circuitlab", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.exceptions.Abort:
        click.echo("circuitlab: interrupted", err=True)
        return 130
    except click.ClickException as e:
        click.echo(f"circuitlab: error: {e.format_message()}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("circuitlab: interrupted", err=True)
        return 130
    except (ValueError, OSError) as e:
        click.echo(f"circuitlab: error: {e}", err=True)
        return 2
    except MemoryError:
        click.echo("circuitlab: error: out of memory (raise --max-memory-mb, or give the machine more)", err=True)
        return 2
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

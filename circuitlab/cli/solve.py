"""Solving commands: solve, lec, engine-options, backends."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from circuitlab.formats import check_output
from circuitlab.miter import match_interfaces, matching
from circuitlab.solvers.options import SolveOptions

from .common import (
    bits,
    comb_option,
    combinational,
    command_start,
    echo_json,
    format_option,
    ignore_signals,
    input_names,
    json_option,
    named_bits,
    read_circuit,
    write_witness,
)
from .options import config_options


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
        "--guide",
        "guide",
        default=None,
        metavar="PARTS",
        help="Guidance parts: phases, priorities, filter; lec with sweeping also order (or all).",
    )(command)
    return click.option("--guided", is_flag=True, help="Guide the search with every part (--guide all).")(command)


def _guide_parts(ctx, options: dict, guided: bool, guide: str | None, sweeping: bool = False) -> list[str] | None:
    """The requested guidance parts (None: unguided).  Without --backend, guidance picks
    circuitlab's engine; a backend lacking a part is refused before any model runs.
    ``sweeping``: lec with a sweeping engine, where ``order`` is a part too."""
    if not guided and guide is None:
        return None
    from circuitlab.guided import parse_parts, required_features
    from circuitlab.solvers import get_backend

    parts = parse_parts(guide if guide is not None else "all", sweeping=sweeping)
    if ctx.get_parameter_source("backend") == click.core.ParameterSource.DEFAULT:
        options["backend"] = "circuitlab"
    for feature in required_features(parts):
        get_backend(options["backend"]).require(feature)
    return parts


def _load_problem(path: str, fmt: str | None, comb: bool):
    """``(formula, aig)``: a circuit (formula is the AIG) or a DIMACS CNF (aig is None)."""
    from circuitlab.cnf import parse_dimacs
    from circuitlab.formats import parse_circuit, read_bytes

    data = read_bytes(path)
    head = data[:64].lstrip()
    dimacs = fmt == "dimacs" or (
        fmt is None and (Path(path).suffix.lower() in (".cnf", ".dimacs") or head[:2] in (b"c ", b"c\n", b"p "))
    )
    if dimacs:
        return parse_dimacs(data, "<stdin>" if path == "-" else path), None
    aig = combinational(parse_circuit(data, fmt, path), path, comb)
    return aig, aig


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@config_options(SolveOptions)
@_guide_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["aag", "aig", "blif", "verilog", "dimacs"]),
    help="Input format (default: from the extension, else from the content).",
)
@comb_option
@click.option("--cex", type=click.Path(dir_okay=False, allow_dash=True), help="Write a SAT answer as an AIGER witness.")
@json_option
@click.pass_context
def solve(ctx, file, as_json, guided, guide, guide_source, threads, fmt, comb, cex, **options):
    """Is some output of a circuit FILE satisfiable (or a DIMACS FILE)?  Exit 10 SAT, 20 UNSAT, 0 unknown.

    FILE is AIGER, BLIF, Verilog or DIMACS (`-`: stdin).  A SAT answer is checked
    (simulated on the circuit, or against every clause) before it is printed, with the
    input names; --cex writes it as an AIGER witness (`circuitlab sim FILE --witness`).  With --proof/--check-proof an UNSAT answer comes with a DRAT proof
    of the CNF that `circuitlab cnf` writes, checked by dratify.  With --guided/--guide
    and no --backend, circuitlab's engine runs (the only backend with every hook).
    """
    import time

    from circuitlab.solvers import SAT, UNKNOWN, solve_aig, solve_cnf

    start = command_start()  # --timeout counts from process start
    parts = _guide_parts(ctx, options, guided, guide)
    opts = SolveOptions(**options)
    if cex:
        check_output(cex)
    formula, aig = _load_problem(file, fmt, comb)
    if cex and aig is None:
        raise click.BadParameter("a witness needs a circuit, not DIMACS", param_hint="--cex")
    report = None
    rest = None if opts.timeout is None else max(0.0, opts.timeout - (time.monotonic() - start))
    if parts is not None:  # hint making counts against --timeout
        if aig is None:
            raise click.BadParameter("--guided/--guide need an AIGER circuit, not DIMACS")
        from circuitlab.guided import solve_guided

        circuit = aig

        def search(g, seconds):
            return solve_aig(circuit, SolveOptions.make(opts, timeout=seconds), guidance=g)

        res, report = solve_guided(circuit, parts, guide_source, threads, search, rest)
    else:
        opts = SolveOptions.make(opts, timeout=rest)
        res = solve_cnf(formula, opts) if aig is None else solve_aig(aig, opts)
    ignore_signals()  # the answer is decided: it is written whatever arrives now
    if report is not None:
        report.engine = res.stats.hooks or {}
    values = None  # the inputs of a SAT answer on a circuit
    if res.status == SAT and aig is not None and res.inputs is not None:
        from circuitlab.sim import evaluate

        values = res.inputs
        if cex:
            true_outputs = [k for k, v in enumerate(evaluate(aig, [values])[0]) if v]
            write_witness(cex, values, true_outputs[:1])
    if as_json:
        out = {"file": file, **res.to_json()}
        if values is not None:
            out["input_values"] = dict(zip(input_names(aig), map(int, values), strict=True))
        if report is not None:
            out["guidance"] = report.to_json()
        if res.status == SAT and aig is None:
            out["model"] = res.model
        echo_json(out)
    else:
        click.echo("s " + {SAT: "SATISFIABLE", UNKNOWN: "UNKNOWN"}.get(res.status, "UNSATISFIABLE"))
        if res.status == SAT:
            if aig is not None:
                click.echo(f"v inputs {bits(res.inputs)}  (verified by simulation)")
                click.echo(f"c inputs {named_bits(aig, res.inputs)}")
            else:
                assert res.model is not None  # a SAT result carries its model
                click.echo("v " + " ".join(map(str, res.model)) + " 0")
        for line in res.comment_lines():
            click.echo(line)
        if report is not None:
            click.echo(report.comment_line())
    sys.exit(res.status)


@click.command()
@click.argument("a", type=click.Path(dir_okay=False, allow_dash=True))
@click.argument("b", type=click.Path(dir_okay=False, allow_dash=True))
@config_options(SolveOptions)
@json_option
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
@click.option(
    "--windows/--no-windows",
    default=True,
    show_default=True,
    help="Sweeping engines: check what sweeping leaves on difference windows (where the two "
    "circuits still differ, a few levels deep, lower nodes free) before the whole miter.",
)
@_guide_options
@format_option
@comb_option
@click.option(
    "--cex",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write a counterexample as an AIGER witness of the miter (`circuitlab miter A B`).",
)
@click.pass_context
def lec(
    ctx,
    a,
    b,
    as_json,
    engine,
    sweep_option,
    no_sweep,
    windows,
    guided,
    guide,
    guide_source,
    threads,
    fmt,
    comb,
    cex,
    **options,
):
    """Combinational equivalence of A and B.  Exit 0 equivalent, 1 not equivalent, 3 unknown.

    A and B are AIGER, BLIF or Verilog.  Inputs and outputs match by name when both
    circuits name them all alike, else by position (said on stderr and in --json).  A
    counterexample is re-simulated on both circuits before it is printed, with the input
    names; --cex writes it as an AIGER witness of their miter.  With
    --proof/--check-proof (engine cdcl), EQUIVALENT comes with a DRAT proof of the miter's
    CNF (`circuitlab miter A B -o m.aig; circuitlab cnf m.aig -o m.cnf`), checked by dratify.
    Ctrl-C or --timeout give UNKNOWN (exit 3) with the statistics so far.  With
    --guide/--guided, the sweeping engines guide the one CDCL check of what sweeping
    leaves (guided sweeping) and, with the order part, defer the candidate pairs the
    probabilities call unlikely past the first sweeping round; --engine cdcl guides the
    whole miter.  What sweeping leaves is first checked on difference windows: the nodes
    where the circuits still differ and a few levels below them, with the lower nodes
    free (UNSAT there is UNSAT everywhere); --no-windows checks the whole miter at once.
    """
    import time

    from circuitlab.solvers import SAT, UNKNOWN, UNSAT, SolveResult, check_equivalence
    from circuitlab.solvers.engine import parse_assignments
    from circuitlab.solvers.fraig import check_options

    start = command_start()  # --timeout counts from process start
    swept = engine != "cdcl" and not no_sweep
    parts = _guide_parts(ctx, options, guided, guide, sweeping=swept)
    order = parts is not None and "order" in parts  # GNN-ordered sweeping
    if parts is not None:
        parts = [p for p in parts if p != "order"] or None  # the hints of a CDCL check
    opts = SolveOptions(**options)
    sweep_opts = check_options(parse_assignments(sweep_option, "--sweep-option"))
    if cex:
        check_output(cex)
    ca, cb = read_circuit(a, fmt, comb), read_circuit(b, fmt, comb)
    match_interfaces(ca, cb)  # a mismatch is an error before any note
    matched = matching(ca, cb)
    by_position = [k for k, how in matched.items() if how == "position"]
    if by_position and (ca.num_inputs or ca.num_outputs):
        click.echo(
            f"circuitlab: note: {' and '.join(by_position)} matched by position (names differ or are missing)", err=True
        )
    read_s = time.monotonic() - start
    report = None
    rest = None if opts.timeout is None else max(0.0, opts.timeout - (time.monotonic() - start))
    reports = []

    def guide_final(aig, solve, seconds):  # guided sweeping: hints for what sweeping left
        from circuitlab.guided import solve_guided

        assert parts is not None  # only passed on when guidance was asked for
        res, rep = solve_guided(aig, parts, guide_source, threads, solve, seconds)
        reports.append(rep)
        return res

    order_reports = []

    def guide_sweep(aig, run, deadline):  # the order part: candidates deferred past the first round
        from circuitlab.guided import sweep_guided

        res, rep = sweep_guided(aig, guide_source, threads, run, deadline)
        order_reports.append(rep)
        return res

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
                guide_final=guide_final if parts is not None and swept else None,
                guide_sweep=guide_sweep if order else None,
                final_windows=windows,
            )

        try:
            if parts is None or swept:
                res = check(None, rest)
                report = reports[-1] if reports else None
            else:  # guidance over the miter that check_equivalence solves
                from circuitlab.guided import solve_guided
                from circuitlab.miter import miter

                res, report = solve_guided(miter(ca, cb), parts, guide_source, threads, check, rest)
        except KeyboardInterrupt:  # outside the interruptible search: no statistics
            res = SolveResult(UNKNOWN, opts.backend, reason="interrupted")
    ignore_signals()  # the verdict is decided: it is written whatever arrives now
    check_s = time.monotonic() - start - read_s
    code = {UNSAT: 0, SAT: 1}.get(res.status, 3)
    verdict = {UNSAT: "EQUIVALENT", SAT: "NOT EQUIVALENT"}.get(res.status, "UNKNOWN")
    result = res.to_json()
    search_s = result.pop("time_s")  # the solver's own time
    out = {"a": a, "b": b, "verdict": verdict, **result, "exit_code": code, "matched_by": matched}
    if res.status == SAT and cex:
        write_witness(cex, res.inputs, [0])
    out["time_s"] = round(time.monotonic() - start, 6)  # the whole command, start-up included
    out["phases"] = {"read_s": round(read_s, 6), "check_s": round(check_s, 6), "search_s": search_s}
    unused = None
    order_report = order_reports[-1] if order_reports else None
    if order_report is not None:
        order_report.engine = {"deferred": (res.sweep or {}).get("deferred", 0)}
        out["sweep_guidance"] = order_report.to_json()
    if report is not None:
        report.engine = res.stats.hooks or {}
        out["guidance"] = report.to_json()
    elif parts is not None:  # guided sweeping that the sweep decided alone
        unused = "c guidance: not used: sweeping decided the check before any final CDCL check"
        out["guidance"] = {"source": guide_source, "parts": parts, "note": unused[len("c guidance: ") :]}
    if res.status == SAT:
        names = [nm or f"o{k}" for k, nm in enumerate(ca.output_names)]
        out["counterexample"] = bits(res.inputs)
        out["counterexample_inputs"] = dict(zip(input_names(ca), map(int, res.inputs), strict=True))
        assert res.differing_outputs is not None  # set for every non-equivalence
        out["differing_outputs"] = [names[k] for k in res.differing_outputs]
    if as_json:
        echo_json(out)
    else:
        click.echo(verdict)
        if res.status == SAT:
            shown = ", ".join(out["differing_outputs"][:8])
            click.echo(f"counterexample: {named_bits(ca, res.inputs)}")
            click.echo(f"differing outputs: {shown}  (verified by simulating both circuits)")
        for line in res.comment_lines():
            click.echo(line)
        if order_report is not None:
            click.echo(order_report.order_line())
        if report is not None:
            click.echo(report.comment_line())
        elif unused is not None:
            click.echo(unused)
    sys.exit(code)


@click.command("engine-options")
@json_option
def engine_options(as_json):
    """List the options of circuitlab's CDCL engine (--engine-option) and sweeper (--sweep-option)."""
    from circuitlab.solvers.engine import OPTIONS
    from circuitlab.solvers.fraig import SWEEP_OPTIONS

    tables = {
        "engine": [(o.name, o.default, o.lowest, o.highest, o.help) for o in OPTIONS.values()],
        "sweep": [(o.name, o.default, o.lowest, o.highest, o.help) for o in SWEEP_OPTIONS.values()],
    }
    if as_json:
        echo_json(
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


@click.command("backends")
@json_option
def backends(as_json):
    """List the SAT backends and what each supports (--backend NAME)."""
    from circuitlab.solvers.backends import BACKENDS, DEFAULT_BACKEND, FEATURES

    rows = [
        {"name": b.name, "default": b.name == DEFAULT_BACKEND, "description": b.description, **b.capabilities()}
        for b in BACKENDS.values()
    ]
    if as_json:
        echo_json(rows)
        return
    click.echo(f"{'backend':14s} " + " ".join(f"{f:>10s}" for f in FEATURES))
    for r in rows:
        marks = " ".join(f"{'yes' if r[f] else '-':>10s}" for f in FEATURES)
        click.echo(f"{r['name']:14s} {marks}")
    click.echo("")
    for r in rows:
        click.echo(f"{r['name']:14s} {r['description']}" + ("  (default)" if r["default"] else ""))


COMMANDS = [solve, lec, engine_options, backends]

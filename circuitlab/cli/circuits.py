"""Circuit commands: info, convert, sim, cnf, miter.

Every command reads AIGER, BLIF or Verilog (``-`` is stdin; see :mod:`circuitlab.formats`).
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from .common import (
    bits,
    comb_option,
    echo_json,
    format_option,
    json_option,
    named_bits,
    parse_bits,
    read_circuit,
)

OUT_PATH = click.Path(dir_okay=False, allow_dash=True)
IN_PATH = click.Path(dir_okay=False, allow_dash=True)


@click.command()
@click.argument("file", type=IN_PATH)
@format_option
@json_option
def info(file, fmt, as_json):
    """Sizes and depth of a circuit (AIGER, BLIF or Verilog)."""
    aig = read_circuit(file, fmt)
    st = aig.stats()
    if as_json:
        echo_json({"file": file, **st})
    else:
        click.echo(f"{file}: " + " ".join(f"{k}={v}" for k, v in st.items()))


@click.command()
@click.argument("src", type=IN_PATH)
@click.argument("dst", type=OUT_PATH)
@click.option("--from", "src_fmt", type=click.Choice(["aag", "aig", "blif", "verilog"]), help="Format of SRC.")
@click.option(
    "--to", "dst_fmt", type=click.Choice(["aag", "aig", "blif", "verilog", "dot"]), help="Format of DST (for -)."
)
def convert(src, dst, src_fmt, dst_fmt):
    """Convert SRC to DST: .aag .aig .blif .v (.sv) in, and .dot out too; `-` is stdin/stdout.

    The formats come from --from/--to, else the extensions (SRC: else the content).
    """
    from circuitlab.formats import check_output, write_circuit

    check_output(dst)
    aig = read_circuit(src, src_fmt)
    kind = write_circuit(aig, dst, dst_fmt, name=_module_name(dst))
    if Path(dst).is_file():
        click.echo(f"wrote {dst} ({kind})", err=True)


def _module_name(path: str) -> str:
    stem = Path(path).stem if path != "-" else "top"
    return stem if stem.isidentifier() else "top"


@click.command()
@click.argument("file", type=IN_PATH)
@click.option("-i", "--input", "vectors", multiple=True, help="An input vector as 0/1 characters (repeatable).")
@click.option("--patterns", default=65536, show_default=True, help="Random patterns for output probabilities.")
@click.option("--seed", default=0, show_default=True)
@click.option(
    "--witness",
    type=click.Path(dir_okay=False, exists=True),
    help="Replay an AIGER witness (from solve/lec --cex): exit 0 when its outputs are 1, 1 when not.",
)
@click.option(
    "--features",
    type=click.Path(dir_okay=False, exists=True),
    help="CSV of raw feature rows to binarize (with --binarization) and evaluate.",
)
@click.option(
    "--binarization",
    type=click.Path(dir_okay=False, exists=True),
    help="Input binarization JSON written by export-lgn (thresholds), for --features.",
)
@format_option
@comb_option
@json_option
def sim(file, vectors, patterns, seed, witness, features, binarization, fmt, comb, as_json):
    """Simulate input vectors, replay a witness, classify raw features, or estimate output probabilities.

    Without -i/--witness/--features it prints P(output = 1) (exact for <= 20 inputs).
    """
    from circuitlab.sim import evaluate, signal_probabilities

    aig = read_circuit(file, fmt, comb)
    n = aig.num_inputs
    if witness:
        _replay(aig, witness, as_json)
        return
    if features or binarization:
        _classify(aig, features, binarization, as_json)
        return
    if vectors:
        rows = [parse_bits(v, n, "--input") for v in vectors]
        outs = evaluate(aig, rows)
        res = [{"input": v, "output": bits(o)} for v, o in zip(vectors, outs, strict=True)]
        if as_json:
            echo_json(res)
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
        echo_json({"exact": exact, "p_one": dict(zip(names, po.round(6).tolist(), strict=True))})
    else:
        click.echo(f"P(output = 1), {'exact' if exact else f'{patterns} random patterns'}:")
        for nm, v in zip(names, po, strict=True):
            click.echo(f"  {nm}: {v:.6f}")


def _replay(aig, path: str, as_json: bool) -> None:
    import sys

    from circuitlab.errors import UserError
    from circuitlab.sim import evaluate
    from circuitlab.witness import read_witness

    w = read_witness(path)
    if len(w.frames) != 1 or w.latches:
        raise UserError(f"{path}: a witness of {len(w.frames)} frames over latches needs sequential simulation")
    frame = w.frames[0].replace("x", "0")
    if len(frame) != aig.num_inputs:
        raise UserError(f"{path}: the witness gives {len(frame)} input values, the circuit has {aig.num_inputs}")
    bad = [k for k in w.properties if k >= aig.num_outputs]
    if bad:
        raise UserError(f"{path}: property b{bad[0]} names no output (the circuit has {aig.num_outputs})")
    out = evaluate(aig, [[c == "1" for c in frame]])[0]
    holds = all(out[k] for k in w.properties)
    names = [nm or f"o{k}" for k, nm in enumerate(aig.output_names)]
    if as_json:
        echo_json({"holds": holds, "inputs": frame, "outputs": bits(out), "properties": list(w.properties)})
    else:
        click.echo(f"inputs: {named_bits(aig, [c == '1' for c in frame])}")
        for k in w.properties:
            click.echo(f"output {names[k]} = {int(out[k])}")
        click.echo("witness holds" if holds else "witness does NOT hold")
    sys.exit(0 if holds else 1)


def _classify(aig, features: str | None, binarization: str | None, as_json: bool) -> None:
    from circuitlab.binarize import load_binarization, read_features

    if not (features and binarization):
        raise click.UsageError("--features and --binarization go together")
    spec = load_binarization(binarization)
    rows = spec.encode(read_features(features, spec.features))
    classes, out_bits = spec.predict(aig, rows)
    if as_json:
        echo_json({"classes": classes.tolist()})
    else:
        for c, o in zip(classes, out_bits, strict=True):
            click.echo(f"{c}  ({bits(o)})")


@click.command()
@click.argument("file", type=IN_PATH)
@click.option("-o", "--output", required=True, type=OUT_PATH, help="DIMACS file to write (- for stdout).")
@click.option("--encoding", type=click.Choice(["tseitin", "pg"]), default="tseitin", show_default=True)
@format_option
@comb_option
def cnf(file, output, encoding, fmt, comb):
    """Encode FILE as DIMACS CNF asserting that some output is 1."""
    from circuitlab.cnf import write_encoding
    from circuitlab.formats import check_output

    check_output(output)
    aig = read_circuit(file, fmt, comb)
    comments = [
        f"circuitlab {encoding} encoding of {Path(file).name}",
        "AIG variable v is CNF variable v+1; variable 1 is constant false",
    ]
    nv, n_clauses = write_encoding(aig, output, encoding, comments=comments)  # streamed
    if output != "-":
        click.echo(f"wrote {output}: {nv} variables, {n_clauses} clauses")


@click.command(name="miter")
@click.argument("a", type=IN_PATH)
@click.argument("b", type=IN_PATH)
@click.option("-o", "--output", required=True, type=OUT_PATH, help="Circuit to write (format by extension; - for aig).")
@format_option
@comb_option
def miter_cmd(a, b, output, fmt, comb):
    """Write the miter of A and B (output 1 where they differ)."""
    from circuitlab.formats import check_output, format_of, write_circuit
    from circuitlab.miter import miter

    check_output(output)
    m = miter(read_circuit(a, fmt, comb), read_circuit(b, fmt, comb))
    write_circuit(m, output, None if format_of(output, None, ("aag", "aig", "blif", "verilog")) else "aig")
    if output != "-":
        click.echo(f"wrote {output}: {m}")


COMMANDS = [info, convert, sim, cnf, miter_cmd]

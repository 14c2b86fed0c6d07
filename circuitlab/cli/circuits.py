"""Circuit commands: info, convert, sim, cnf, miter."""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np

from .common import bits, echo_json, json_option, parse_bits, read_circuit


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@json_option
def info(file, as_json):
    """Sizes and depth of an AIGER circuit."""
    aig = read_circuit(file)
    st = aig.stats()
    if as_json:
        echo_json({"file": file, **st})
    else:
        click.echo(f"{file}: " + " ".join(f"{k}={v}" for k, v in st.items()))


@click.command()
@click.argument("src", type=click.Path(dir_okay=False))
@click.argument("dst", type=click.Path(dir_okay=False))
def convert(src, dst):
    """Convert SRC (.aag/.aig) to DST, format by extension: .aag .aig .v .blif .dot"""
    from circuitlab.aiger import write_aiger
    from circuitlab.export import to_blif, to_dot, to_verilog
    from circuitlab.fileio import atomic_write

    writers = {".v": to_verilog, ".blif": to_blif, ".dot": to_dot}
    ext = Path(dst).suffix.lower()
    if ext not in (".aag", ".aig", *writers):
        raise click.BadParameter(f"unknown output extension {ext!r}; use .aag .aig .v .blif .dot")
    aig = read_circuit(src)
    if ext in (".aag", ".aig"):
        write_aiger(aig, dst)
    else:
        atomic_write(dst, writers[ext](aig))
    click.echo(f"wrote {dst}")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-i", "--input", "vectors", multiple=True, help="An input vector as 0/1 characters (repeatable).")
@click.option("--patterns", default=65536, show_default=True, help="Random patterns for output probabilities.")
@click.option("--seed", default=0, show_default=True)
@json_option
def sim(file, vectors, patterns, seed, as_json):
    """Simulate input vectors, or estimate output probabilities (exact for <= 20 inputs)."""
    from circuitlab.sim import evaluate, signal_probabilities

    aig = read_circuit(file)
    n = aig.num_inputs + aig.num_latches
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


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="DIMACS file to write.")
@click.option("--encoding", type=click.Choice(["tseitin", "pg"]), default="tseitin", show_default=True)
def cnf(file, output, encoding):
    """Encode FILE as DIMACS CNF asserting that some output is 1."""
    from circuitlab.cnf import encode, write_dimacs

    aig = read_circuit(file)
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


@click.command(name="miter")
@click.argument("a", type=click.Path(dir_okay=False))
@click.argument("b", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False))
def miter_cmd(a, b, output):
    """Write the miter of A and B (output 1 where they differ)."""
    from circuitlab.aiger import write_aiger
    from circuitlab.miter import miter

    m = miter(read_circuit(a), read_circuit(b))
    write_aiger(m, output)
    click.echo(f"wrote {output}: {m}")


COMMANDS = [info, convert, sim, cnf, miter_cmd]

"""Logic-gate-network commands: train-lgn and export-lgn.

Nothing here imports torch at import time: the options come from the torch-free
:mod:`circuitlab.lgn.config`, and the commands import the training code when they run.
Under ``torchrun`` run ``python -m circuitlab.cli train-lgn --distributed ...``.
"""

from __future__ import annotations

import json
import os

import click

from circuitlab.lgn.config import TrainConfig

from ..fileio import deferred_signals
from .common import json_option
from .options import config_options


@click.command("train-lgn")
@config_options(TrainConfig)
@click.option("--json/--no-json", "as_json", default=False, help="Print the final metrics as JSON.")
def train_lgn(as_json, **options):
    """Train a differentiable logic gate network (Petersen et al. 2022; light / Gumbel variants)."""
    with deferred_signals():
        from circuitlab.lgn.train import keep_freed_memory, train

    keep_freed_memory()  # this process only trains: reuse freed buffers instead of faulting pages in
    result = train(TrainConfig(**options))
    final = result["final"] or {}
    if os.environ.get("RANK", "0") != "0":  # under torchrun only rank 0 reports
        return
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        click.echo(
            f"step {final.get('step')}: soft acc {final.get('soft_test_acc', float('nan')):.4f}, "
            f"discretized acc {final.get('hard_test_acc', float('nan')):.4f}, "
            f"unused gates {final.get('unused_gates')}/{result['num_gates']}; "
            f"wrote {options['out_dir']}" + ("" if result["stopped"] == "done" else f" (stopped: {result['stopped']})")
        )


@click.command("export-lgn")
@click.argument("checkpoint", type=click.Path(dir_okay=False))
@click.option("--aig", "aig_path", type=click.Path(dir_okay=False), help="Write AIGER (.aig binary, .aag ascii).")
@click.option(
    "--verilog",
    type=click.Path(dir_okay=False),
    help="Write structural Verilog (a convolutional network keeps one module per kernel, instantiated per position).",
)
@click.option("--blif", type=click.Path(dir_okay=False), help="Write BLIF.")
@click.option(
    "--binarization",
    type=click.Path(dir_okay=False),
    help="Write the input thresholds as JSON [default: beside the first circuit, NAME.binarization.json].",
)
@click.option(
    "--check/--no-check", default=True, show_default=True, help="Check the circuit against the model on the test split."
)
@json_option
def export_lgn(checkpoint, aig_path, verilog, blif, binarization, check, as_json):
    """Compile a trained LGN CHECKPOINT to a circuit that outputs the predicted class.

    The circuit is checked against the network on the checkpoint's test split before
    anything is written; a mismatch is a compiler bug (internal error, exit 70).  The input
    binarization (thermometer thresholds) is written beside the circuit as JSON, so that
    `circuitlab sim CIRCUIT --features rows.csv --binarization JSON` classifies raw data.
    """
    from pathlib import Path

    from circuitlab.aiger import write_aiger
    from circuitlab.binarize import Binarization, save_binarization
    from circuitlab.export import to_blif, to_verilog
    from circuitlab.fileio import atomic_write
    from circuitlab.formats import check_output
    from circuitlab.lgn.compile import CompiledLGN, compile_netlist
    from circuitlab.lgn.errors import CompileMismatchError, LGNError
    from circuitlab.lgn.export import check_against_model

    with deferred_signals():
        from circuitlab.lgn.infer import load_model

    outputs = [p for p in (aig_path, verilog, blif) if p]
    if not outputs:
        raise LGNError("nothing to write: give --aig, --verilog and/or --blif")
    if binarization is None:
        first = Path(outputs[0])
        binarization = str(first.with_name(first.stem + ".binarization.json"))
    for path in [*outputs, binarization]:
        check_output(path)
    loaded = load_model(checkpoint)
    dn = loaded.discretize()
    net = compile_netlist(dn)
    aig = net.to_aig().cleanup()
    report = {
        "checkpoint": checkpoint,
        "network_gates": sum(layer.out_dim for layer in dn.layers),
        **{k: v for k, v in dn.gate_stats().items() if k in ("unused_gates", "constant_gates")},
        "netlist_gates": net.num_gates,
        "aig_ands": aig.num_ands,
        "aig_depth": aig.depth(),
        "inputs": aig.num_inputs,
        "outputs": aig.num_outputs,
        "binarization": binarization,
    }
    if check:
        report["check"] = check_against_model(loaded, CompiledLGN(aig))
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        click.echo(" ".join(f"{k}={v}" for k, v in report.items() if k != "check"))
        if "check" in report:
            c = report["check"]
            click.echo(
                f"check on {c['samples']} test samples: circuit accuracy {c['accuracy_circuit']:.4f}, "
                f"model accuracy {c['accuracy_model']:.4f}, mismatches {c['mismatches']}"
            )
    if not report.get("check", {"agree": True})["agree"]:  # a failing compiler leaves no files behind
        raise CompileMismatchError(f"the circuit compiled from {checkpoint} disagrees with the model")
    if aig_path:
        write_aiger(aig, aig_path)
    if verilog:
        if loaded.model.features:  # a convolutional network: one module per kernel, instantiated per position
            from circuitlab.lgn.verilog import conv_network_verilog

            atomic_write(verilog, conv_network_verilog(loaded.model, module="lgn"))
        else:
            atomic_write(verilog, to_verilog(aig, module="lgn"))
    if blif:
        atomic_write(blif, to_blif(aig, model="lgn"))
    thr = loaded.thresholds
    features = aig.num_inputs if thr is None else int(thr.shape[0])
    save_binarization(Binarization(features, thr, dn.num_classes, Path(checkpoint).name), binarization)


COMMANDS = [train_lgn, export_lgn]

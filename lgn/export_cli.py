"""``circuitlab export-lgn``: compile a trained checkpoint to AIGER / Verilog / BLIF.

The compiled circuit is checked against the network it came from on the checkpoint's
test split: the circuit's predictions (bit-parallel, on the AIG) must equal the
discretized PyTorch model's, sample for sample; a mismatch is an error (exit 1).
"""

from __future__ import annotations

import json
import sys

import click

from .errors import LGNError


class CompileMismatchError(RuntimeError):
    """The compiled circuit disagrees with the network: a compiler bug, never a user error."""


def check_against_model(loaded, compiled) -> dict:
    """Predictions of the eval-mode torch model, the numpy discretized network and the
    compiled circuit on the checkpoint's test split; they must agree everywhere."""
    import torch

    from .data import load_dataset

    cfg = loaded.config
    data = load_dataset(cfg.dataset, cfg.bits, cfg.encoding, cfg.seed)
    x = data.x_test
    loaded.model.eval()
    with torch.no_grad():
        torch_pred = loaded.model(x).argmax(-1).cpu().numpy()
    dn_pred = loaded.discretize().predict(x.numpy() > 0.5)
    circ_pred = compiled.predict(x.numpy() > 0.5)
    y = data.y_test.numpy()
    agree = bool((circ_pred == dn_pred).all() and (dn_pred == torch_pred).all())
    return {
        "samples": int(len(y)),
        "agree": agree,
        "mismatches": int((circ_pred != torch_pred).sum()),
        "accuracy_model": float((torch_pred == y).mean()),
        "accuracy_circuit": float((circ_pred == y).mean()),
    }


@click.command("export-lgn")
@click.argument("checkpoint", type=click.Path(dir_okay=False))
@click.option("--aig", "aig_path", type=click.Path(dir_okay=False), help="Write AIGER (.aig binary, .aag ascii).")
@click.option("--verilog", type=click.Path(dir_okay=False), help="Write structural Verilog.")
@click.option("--blif", type=click.Path(dir_okay=False), help="Write BLIF.")
@click.option(
    "--check/--no-check", default=True, show_default=True, help="Check the circuit against the model on the test split."
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def export_lgn_command(checkpoint, aig_path, verilog, blif, check, as_json):
    """Compile a trained LGN CHECKPOINT to a circuit that outputs the predicted class."""
    from circuitlab.aiger import write_aiger
    from circuitlab.export import to_blif, to_verilog
    from circuitlab.fileio import atomic_write

    from .compile import CompiledLGN, compile_netlist
    from .infer import load_model

    if not (aig_path or verilog or blif or check):
        raise LGNError("nothing to do: give --aig, --verilog, --blif or --check")
    loaded = load_model(checkpoint)
    dn = loaded.discretize()
    net = compile_netlist(dn)
    aig = net.to_aig().cleanup()
    compiled = CompiledLGN(aig)
    report = {
        "checkpoint": checkpoint,
        "network_gates": sum(layer.out_dim for layer in dn.layers),
        **{k: v for k, v in dn.gate_stats().items() if k in ("unused_gates", "constant_gates")},
        "netlist_gates": net.num_gates,
        "aig_ands": aig.num_ands,
        "aig_depth": aig.depth(),
        "inputs": aig.num_inputs,
        "outputs": aig.num_outputs,
    }
    if check:
        report["check"] = check_against_model(loaded, compiled)
    # write only after the check: a failing compiler leaves no files behind
    if report.get("check", {"agree": True})["agree"]:
        if aig_path:
            write_aiger(aig, aig_path)
        if verilog:
            atomic_write(verilog, to_verilog(aig, module="lgn"))
        if blif:
            atomic_write(blif, to_blif(aig, model="lgn"))
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
    if not report.get("check", {"agree": True})["agree"]:
        click.echo("circuitlab: error: compiled circuit disagrees with the model (compiler bug)", err=True)
        sys.exit(1)

"""``circuitlab train-gnn``: the click command, its options generated from :class:`TrainConfig`.

Every dataclass field becomes one flag (``hidden`` → ``--hidden``, booleans become
``--x/--no-x``), with the field's default and help text, so the CLI and the config
never drift apart.  The main CLI registers :data:`train_gnn_command` lazily.
"""

from __future__ import annotations

import dataclasses
import json

import click

from .train import TrainConfig

REQUIRED = ("corpus",)


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def options_from_dataclass(cls):
    """Decorator adding one click option per field of the dataclass ``cls``."""

    def decorate(fn):
        for f in reversed(dataclasses.fields(cls)):
            help_text = f.metadata.get("help", "")
            if f.type in (bool, "bool"):
                fn = click.option(
                    f"{_flag(f.name)}/--no-{f.name.replace('_', '-')}",
                    f.name,
                    default=f.default,
                    show_default=True,
                    help=help_text,
                )(fn)
            else:
                typ = (
                    {"int": int, "float": float, "str": str}.get(f.type, f.type) if isinstance(f.type, str) else f.type
                )
                required = f.name in REQUIRED
                fn = click.option(
                    _flag(f.name),
                    f.name,
                    type=typ,
                    default=None if required else f.default,
                    show_default=not required,
                    required=required,
                    help=help_text,
                )(fn)
        return fn

    return decorate


@click.command("train-gnn", context_settings={"help_option_names": ["-h", "--help"]})
@options_from_dataclass(TrainConfig)
def train_gnn_command(**kwargs):
    """Train the CASCAD-style GNN on a simulation-labelled corpus.

    Writes OUT/last.pt (resumable with --resume), OUT/best.pt, OUT/history.json and
    OUT/loss_curve.png; prints validation MAE against COP every epoch.
    """
    from .train import train

    cfg = TrainConfig(**kwargs)
    res = train(cfg)
    summary = {
        "stopped": res.stopped,
        "epochs": len(res.history),
        "out": str(res.out),
        "best_epoch": res.best.get("epoch"),
        **{
            k: res.best[k]
            for k in ("val_gnn_signal_mae", "val_cop_signal_mae", "val_gnn_cond_mae", "val_cop_cond_mae")
            if k in res.best
        },
    }
    click.echo(json.dumps(summary))

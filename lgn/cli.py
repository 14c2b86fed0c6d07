"""``train-lgn`` click command; its options are generated from ``TrainConfig``'s fields.

The main ``circuitlab`` CLI group registers ``train_lgn_command``.  This module imports
neither torch nor the training code at import time (the options come from the
torch-free ``config.py``); the command imports them when it runs.
Bad input raises a ``ValueError`` subclass (``errors.LGNError``), which the main CLI
prints as one line with exit status 2; run standalone (``python -m
circuitlab.lgn.cli``, e.g. under ``torchrun``) the same happens here.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import typing

import click


def _config_class():
    from .config import TrainConfig  # torch-free

    return TrainConfig


def _option_for(f: dataclasses.Field, hints: dict) -> click.Option:
    """One click option for one dataclass field (bool -> --x/--no-x, choices -> click.Choice)."""
    flag = f.name.replace("_", "-")
    tp = hints[f.name]
    help_ = f.metadata.get("help", "")
    choices = f.metadata.get("choices")
    if tp is bool:
        return click.Option([f"--{flag}/--no-{flag}"], default=f.default, show_default=True, help=help_)
    if choices:
        return click.Option(
            [f"--{flag}"], type=click.Choice(list(choices)), default=f.default, show_default=True, help=help_
        )
    args = [a for a in typing.get_args(tp) if a is not type(None)]  # Optional[float] -> float
    base = args[0] if args else tp
    return click.Option([f"--{flag}"], type=base, default=f.default, show_default=True, help=help_)


def _build_command() -> click.Command:
    from dataclasses import fields

    cls = _config_class()
    hints = typing.get_type_hints(cls)
    params: list[click.Parameter] = [_option_for(f, hints) for f in fields(cls)]
    params.append(click.Option(["--json/--no-json"], default=False, help="print the final metrics as JSON"))

    def callback(json: bool = False, **kwargs):  # click passes the flag by name
        from .train import train

        result = train(cls(**kwargs))
        final = result["final"] or {}
        if not _is_rank0():
            return
        if json:
            click.echo(_json_dumps(result))
        else:
            click.echo(
                f"step {final.get('step')}: soft acc {final.get('soft_test_acc', float('nan')):.4f}, "
                f"discretized acc {final.get('hard_test_acc', float('nan')):.4f}, "
                f"unused gates {final.get('unused_gates')}/{result['num_gates']}; "
                f"wrote {kwargs['out_dir']}"
            )

    return click.Command(
        "train-lgn",
        callback=callback,
        params=params,
        help="Train a differentiable logic gate network (Petersen et al. 2022; light / Gumbel variants).",
    )


def _json_dumps(obj) -> str:
    return json.dumps(obj, indent=2)


def _is_rank0() -> bool:
    import os

    return os.environ.get("RANK", "0") == "0"


train_lgn_command = _build_command()


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point: typed errors become one line on stderr and exit status 2."""
    try:
        train_lgn_command.main(args=argv, standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except ValueError as e:
        click.echo(f"error: {e}", err=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

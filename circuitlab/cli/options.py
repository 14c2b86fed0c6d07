"""Click flags from an options dataclass (see :mod:`circuitlab.config`).

``@config_options(SolveOptions)`` adds one flag per field; the command receives them
as keywords named like the fields, ready for ``SolveOptions(**kw)``.
"""

from __future__ import annotations

import click

from circuitlab.config import OptionRow, option_rows


def config_options(cls: type, *, exclude: tuple[str, ...] = ()):
    """Decorator: one click option per field of the dataclass ``cls`` (in field order)."""

    def decorate(command):
        for row in reversed(option_rows(cls)):
            if row.name not in exclude:
                command = _click_option(row)(command)
        return command

    return decorate


def _click_option(row: OptionRow):
    kind: click.ParamType | type = click.Choice([str(c) for c in row.choices]) if row.choices else row.type
    if row.type is bool:
        negative = "--no-" + row.flag[2:]
        return click.option(f"{row.flag}/{negative}", row.name, default=row.default, show_default=True, help=row.help)
    if row.repeatable:
        return click.option(row.flag, row.name, type=kind, multiple=True, metavar=row.metavar, help=row.help)
    if row.required:
        return click.option(row.flag, row.name, type=kind, required=True, metavar=row.metavar, help=row.help)
    return click.option(
        row.flag,
        row.name,
        type=kind,
        default=row.default,
        show_default=row.default is not None,
        metavar=row.metavar,
        help=row.help,
    )

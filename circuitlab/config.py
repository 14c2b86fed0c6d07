"""One options mechanism for every component (CaDiCaL's ``options.hpp`` habit).

A component declares its options once, as the fields of one dataclass, each made by
:func:`option` with its default and help text.  From that table come

* the API keywords (the dataclass itself, which validates in ``__post_init__``);
* the command-line flags (``circuitlab.cli.options.config_options`` turns each field
  into a click option: ``batch_size`` -> ``--batch-size``, a bool -> ``--x/--no-x``,
  choices -> a choice list, a tuple -> a repeatable flag);
* the docs (the CLI reference pages render those click options, and
  :func:`option_rows` gives the table to any other page).

This module imports neither click nor torch, so configs can live in torch-free files.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any


def option(
    default: Any,
    help: str,
    *,
    choices: tuple | None = None,
    metavar: str | None = None,
    required: bool = False,
) -> Any:
    """A dataclass field that is also a documented option.

    Args:
        default: the value when the option is not given (tuples: a repeatable flag).
        help: one sentence for ``--help`` and the docs.
        choices: the allowed values (a choice list on the command line).
        metavar: the value's name in ``--help`` (``S``, ``FILE``, ``NAME=VALUE``).
        required: the command line must give it (the dataclass default is a placeholder).
    """
    meta = {"help": help, "choices": choices, "metavar": metavar, "required": required}
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class OptionRow:
    """One option as the CLI and the docs show it."""

    name: str  # the dataclass field and API keyword
    flag: str  # the command-line flag
    type: type  # bool, int, float or str (the element type of a repeatable option)
    default: Any
    help: str
    choices: tuple | None = None
    metavar: str | None = None
    required: bool = False
    repeatable: bool = False


def option_rows(cls: type) -> list[OptionRow]:
    """The options table of the dataclass ``cls``, in field order."""
    hints = typing.get_type_hints(cls)
    rows = []
    for f in dataclasses.fields(cls):
        base, repeatable = _base_type(hints[f.name])
        meta = f.metadata
        rows.append(
            OptionRow(
                name=f.name,
                flag="--" + f.name.replace("_", "-"),
                type=base,
                default=f.default,
                help=meta.get("help", ""),
                choices=meta.get("choices"),
                metavar=meta.get("metavar"),
                required=meta.get("required", False),
                repeatable=repeatable,
            )
        )
    return rows


def _base_type(tp: Any) -> tuple[type, bool]:
    """``float | None`` -> (float, False); ``tuple[str, ...]`` -> (str, True)."""
    if typing.get_origin(tp) is tuple:
        return typing.get_args(tp)[0], True
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    return (args[0] if args else tp), False


def options_markdown(cls: type) -> str:
    """The options of ``cls`` as a Markdown table (for pages outside the CLI reference)."""
    lines = ["| option | default | meaning |", "|---|---|---|"]
    for r in option_rows(cls):
        default = "required" if r.required else ("" if r.default in (None, ()) else f"`{r.default}`")
        text = r.help + (f" One of: {', '.join(map(str, r.choices))}." if r.choices else "")
        lines.append(f"| `{r.flag}` | {default} | {text} |")
    return "\n".join(lines) + "\n"

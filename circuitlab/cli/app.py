"""The ``circuitlab`` click group and its commands (see the package docstring)."""

from __future__ import annotations

import click

from circuitlab import __version__

from . import bench, circuits, gnn, lgn, solve
from .runner import run_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="circuitlab")
@click.option(
    "--max-memory-mb",
    type=click.FloatRange(min=64),
    default=None,
    metavar="MB",
    help="Cap this process's address space: going over it is one error line and exit 2, not a kill by the kernel.",
)
def cli(max_memory_mb):
    """circuitlab: AIGs, AIGER, simulation, CNF, solving, equivalence checking and logic gate networks."""
    if max_memory_mb is not None:
        import resource

        limit = int(max_memory_mb * 2**20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))


for _module in (circuits, solve, lgn, gnn, bench):
    for _command in _module.COMMANDS:
        cli.add_command(_command)


def run(argv: list[str] | None = None) -> int:
    """Run ``circuitlab`` with ``argv`` (default: ``sys.argv[1:]``) and return its exit code."""
    return run_command(cli, argv)

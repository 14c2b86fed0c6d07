"""The ``circuitlab`` click group and its commands (see the package docstring).

Commands are loaded lazily: the group knows each command's module by name and imports
only the one that runs, so ``circuitlab lec`` never pays for the LGN, GNN or bench
modules' imports (start-up counts on small equivalence checks).  ``--help`` imports them
all to show their summaries.
"""

from __future__ import annotations

import importlib

import click

from circuitlab import __version__

from .runner import keep_memory_reserve, run_command

#: command name -> (module in this package, attribute); the modules' ``COMMANDS`` lists
#: are the source of truth, and a test keeps this table in step with them.
COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "info": ("circuits", "info"),
    "convert": ("circuits", "convert"),
    "sim": ("circuits", "sim"),
    "cnf": ("circuits", "cnf"),
    "miter": ("circuits", "miter_cmd"),
    "solve": ("solve", "solve"),
    "lec": ("solve", "lec"),
    "engine-options": ("solve", "engine_options"),
    "backends": ("solve", "backends"),
    "train-lgn": ("lgn", "train_lgn"),
    "export-lgn": ("lgn", "export_lgn"),
    "gnn-corpus": ("gnn", "gnn_corpus"),
    "train-gnn": ("gnn", "train_gnn"),
    "bench": ("bench", "bench"),
}


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMAND_MODULES) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        if cmd_name not in COMMAND_MODULES:
            return None
        module_name, attribute = COMMAND_MODULES[cmd_name]
        module = importlib.import_module(f"{__package__}.{module_name}")
        command = getattr(module, attribute)
        self.add_command(command, cmd_name)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
        keep_memory_reserve()


def run(argv: list[str] | None = None) -> int:
    """Run ``circuitlab`` with ``argv`` (default: ``sys.argv[1:]``) and return its exit code."""
    return run_command(cli, argv)

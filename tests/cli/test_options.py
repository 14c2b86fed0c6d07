"""circuitlab/cli/options.py: click flags from an options dataclass."""

import click
from click.testing import CliRunner

from circuitlab.cli.options import config_options
from test_config import Toy


def _command(seen):
    @click.command()
    @config_options(Toy)
    def cmd(**kw):
        seen.update(kw)

    return cmd


def test_flags_parse_into_fields():
    seen: dict = {}
    args = ["--size", "5", "--rate", "0.5", "--mode", "b", "--verbose", "--tags", "x", "--tags", "y", "--corpus", "c"]
    r = CliRunner().invoke(_command(seen), args)
    assert r.exit_code == 0, r.output
    assert Toy(**seen) == Toy(size=5, rate=0.5, mode="b", verbose=True, tags=("x", "y"), corpus="c")


def test_defaults_choices_and_required():
    seen: dict = {}
    cmd = _command(seen)
    assert CliRunner().invoke(cmd, ["--corpus", "c", "--no-verbose"]).exit_code == 0
    assert Toy(**seen) == Toy(corpus="c")
    assert CliRunner().invoke(cmd, []).exit_code == 2  # --corpus is required
    r = CliRunner().invoke(cmd, ["--corpus", "c", "--mode", "z"])
    assert r.exit_code == 2 and "'z' is not one of 'a', 'b'" in r.output
    help_text = CliRunner().invoke(cmd, ["--help"]).output
    assert "how big" in help_text and "[default: 3]" in help_text and "--no-verbose" in help_text

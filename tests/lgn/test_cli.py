"""The train-lgn click command: options from TrainConfig, typed errors, exit codes."""

import dataclasses
import json

import click
import pytest
from click.testing import CliRunner

from circuitlab.cli import main
from circuitlab.cli.lgn import train_lgn as train_lgn_command
from circuitlab.lgn.config import TrainConfig
from circuitlab.lgn.errors import LGNConfigError


def test_every_config_field_is_an_option():
    names = {p.name for p in train_lgn_command.params}
    assert {f.name for f in dataclasses.fields(TrainConfig)} <= names
    assert train_lgn_command.name == "train-lgn"
    by_name = {p.name: p for p in train_lgn_command.params}
    assert isinstance(by_name["parametrization"].type, click.Choice)
    assert by_name["gumbel"].is_flag and by_name["steps"].default == TrainConfig.steps


def test_cli_trains_and_prints_json(tmp_path, one_thread):
    args = [
        "--dataset",
        "monk2",
        "--layers",
        "2",
        "--width",
        "20",
        "--steps",
        "6",
        "--eval-interval",
        "3",
        "--parametrization",
        "light",
        "--gumbel",
        "--out-dir",
        str(tmp_path / "o"),
        "--no-progress",
        "--json",
    ]
    res = CliRunner().invoke(train_lgn_command, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    metrics = json.loads(res.output)
    assert metrics["config"]["gumbel"] is True and metrics["config"]["parametrization"] == "light"
    assert metrics["final"]["step"] == 6 and (tmp_path / "o" / "metrics.json").exists()


def test_typed_error_propagates_for_the_main_cli(tmp_path):
    # The main `circuitlab` group turns ValueError subclasses into one line + exit 2.
    with pytest.raises(LGNConfigError, match="divisible by num_classes=2"):
        train_lgn_command.main(
            ["--dataset", "monk1", "--width", "21", "--out-dir", str(tmp_path), "--no-progress"], standalone_mode=False
        )


def test_main_prints_one_line_and_exits_2(tmp_path, capsys):
    code = main(["train-lgn", "--dataset", "monk1", "--width", "21", "--out-dir", str(tmp_path), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0 and err.startswith("circuitlab: error: last layer width 21")
    assert main(["train-lgn", "--dataset", "nope"]) == 2  # click's own usage error

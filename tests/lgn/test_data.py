"""Bundled and generated datasets, binarization and splits."""

import numpy as np
import pytest
import torch

from circuitlab.lgn.config import DATASETS
from circuitlab.lgn.data import fit_thresholds, load_dataset, monk_examples, thermometer
from circuitlab.lgn.errors import UnknownDatasetError

SHAPES = {"breast_cancer": (30, 2, 569), "digits": (64, 10, 1797), "iris": (4, 3, 150)}


@pytest.mark.parametrize("name", [d for d in DATASETS if d != "mnist"])  # mnist: test_mnist.py
def test_dataset_is_binary_and_deterministic(name):
    d1 = load_dataset(name, bits=2, seed=1)
    d2 = load_dataset(name, bits=2, seed=1)
    assert torch.equal(d1.x_train, d2.x_train) and torch.equal(d1.y_test, d2.y_test)
    for x in (d1.x_train, d1.x_test):
        assert x.dtype == torch.float32 and set(x.unique().tolist()) <= {0.0, 1.0}
    assert d1.y_train.dtype == torch.int64 and int(d1.y_train.max()) < d1.num_classes
    if name in SHAPES:
        raw, k, n = SHAPES[name]
        assert d1.num_features == raw * 2 and d1.num_classes == k
        assert d1.x_train.shape[0] + d1.x_test.shape[0] == n
        assert d1.thresholds.shape == (raw, 2)
    else:
        assert d1.num_features == 17 and d1.x_test.shape[0] == 432


def test_split_depends_on_seed_and_is_stratified():
    a, b = load_dataset("iris", seed=0), load_dataset("iris", seed=1)
    assert not torch.equal(a.x_train, b.x_train)
    assert sorted(torch.bincount(a.y_test).tolist()) == [12, 13, 13]  # 38 test examples, 3 balanced classes


def test_thermometer_encoding():
    thr = np.array([[0.5, 1.5, 2.5]])  # one feature, three thresholds
    x = thermometer(np.array([[0.0], [1.0], [2.0], [3.0]]), thr)
    assert x.tolist() == [[0, 0, 0], [1, 0, 0], [1, 1, 0], [1, 1, 1]]
    q = fit_thresholds(np.arange(100.0)[:, None], 3, "quantile")
    np.testing.assert_allclose(q, [[24.75, 49.5, 74.25]])
    u = fit_thresholds(np.array([[0.0], [16.0]]), 3, "uniform")
    np.testing.assert_allclose(u, [[4.0, 8.0, 12.0]])
    d = load_dataset("breast_cancer", bits=3)
    from sklearn.datasets import load_breast_cancer

    raw = load_breast_cancer().data[:5]
    enc = d.encode(raw)
    assert enc.shape == (5, 90)
    bits = enc.view(5, 30, 3)
    assert (bits[:, :, 1] <= bits[:, :, 0]).all() and (bits[:, :, 2] <= bits[:, :, 1]).all()  # thermometer order


def test_monk_rules():
    attrs, y1 = monk_examples("monk1")
    assert attrs.shape == (432, 6)
    assert y1.tolist() == [int(a[0] == a[1] or a[4] == 1) for a in attrs]
    _, y2 = monk_examples("monk2")
    assert y2.tolist() == [int(sum(v == 1 for v in a) == 2) for a in attrs]
    _, y3 = monk_examples("monk3")
    assert y3.tolist() == [int((a[4] == 3 and a[3] == 1) or (a[4] != 4 and a[1] != 3)) for a in attrs]
    assert int(y2.sum()) == 142  # the original MONK-2 test set has 142 positives of 432
    d1 = load_dataset("monk1")
    assert d1.x_train.shape == (124, 17) and torch.equal(d1.y_test, torch.from_numpy(y1))
    d3 = load_dataset("monk3", seed=0)
    clean = {tuple(x.tolist()): y for x, y in zip(d3.x_test, d3.y_test.tolist(), strict=True)}
    flips = sum(clean[tuple(x.tolist())] != y for x, y in zip(d3.x_train, d3.y_train.tolist(), strict=True))
    assert flips == 6  # 5 % of 122 training labels


def test_unknown_dataset_lists_the_known_ones():
    with pytest.raises(UnknownDatasetError, match="unknown dataset 'cifar'; known: breast_cancer, digits, iris, monk1"):
        load_dataset("cifar")
    with pytest.raises(ValueError):
        load_dataset("monk4")

"""circuitlab/binarize.py: thresholds JSON round trip, feature-major thermometer code, errors."""

import numpy as np
import pytest

from circuitlab.binarize import (
    Binarization,
    BinarizationError,
    load_binarization,
    read_features,
    save_binarization,
)


def test_round_trip_and_encoding(tmp_path):
    spec = Binarization(2, np.array([[0.5, 1.5], [10.0, 20.0]]), classes=3, source="x.pt")
    save_binarization(spec, tmp_path / "b.json")
    back = load_binarization(tmp_path / "b.json")
    assert back.features == 2 and back.classes == 3 and back.num_inputs == 4
    np.testing.assert_array_equal(back.thresholds, spec.thresholds)
    got = back.encode(np.array([[1.0, 25.0], [0.0, 15.0]]))
    np.testing.assert_array_equal(got, [[1, 0, 1, 1], [0, 0, 1, 0]])  # input f*bits+k = raw_f > t_fk


def test_features_file_and_errors(tmp_path):
    (tmp_path / "rows.csv").write_text("# header comment\n1, 2\n3 4\n")
    np.testing.assert_array_equal(read_features(tmp_path / "rows.csv", 2), [[1, 2], [3, 4]])
    with pytest.raises(BinarizationError, match="3 values, expected 2"):
        (tmp_path / "bad.csv").write_text("1,2,3\n")
        read_features(tmp_path / "bad.csv", 2)
    (tmp_path / "x.json").write_text('{"format": "other"}')
    with pytest.raises(BinarizationError, match="not a circuitlab.binarization/1"):
        load_binarization(tmp_path / "x.json")
    with pytest.raises(BinarizationError, match="expected rows of 2 features"):
        Binarization(2, np.zeros((2, 1))).encode(np.zeros((3, 3)))

"""Input binarization of a compiled classifier: raw feature rows -> circuit inputs.

``circuitlab export-lgn`` writes it beside the circuit as JSON, so the circuit can be
used on raw data (``circuitlab sim circuit.aig --features rows.csv --binarization
circuit.binarization.json``)::

    {"format": "circuitlab.binarization/1",
     "encoding": "thermometer",         # or "binary": the features are the input bits
     "features": F, "bits": B,
     "thresholds": [[t_00, .., t_0B-1], ..],   # input f*B + k is [raw_f > t_fk]
     "classes": K,                       # the outputs are the class index, LSB first
     "source": "checkpoint.pt"}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import numpy as np

from .errors import UserError

FORMAT = "circuitlab.binarization/1"


class BinarizationError(UserError):
    """A malformed binarization file, or feature rows that do not fit it."""


@dataclass(frozen=True)
class Binarization:
    """Thermometer thresholds ``[F, B]`` (``None``: the F features are already bits)."""

    features: int
    thresholds: np.ndarray | None
    classes: int | None = None
    source: str = ""

    @property
    def num_inputs(self) -> int:
        return self.features * (1 if self.thresholds is None else self.thresholds.shape[1])

    def encode(self, raw: np.ndarray) -> np.ndarray:
        """Raw rows ``[N, F]`` -> circuit inputs ``[N, F*B]`` (bool), feature-major."""
        raw = np.asarray(raw, dtype=np.float64)
        if raw.ndim != 2 or raw.shape[1] != self.features:
            raise BinarizationError(f"expected rows of {self.features} features, got shape {raw.shape}")
        if self.thresholds is None:
            if not np.isin(raw, (0.0, 1.0)).all():
                raise BinarizationError("binary encoding: every feature must be 0 or 1")
            return raw.astype(bool)
        return (raw[:, :, None] > self.thresholds[None]).reshape(len(raw), -1)

    def predict(self, aig, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(classes [N], output bits [N, O])`` of the circuit on binarized ``rows``."""
        from .sim import evaluate

        if aig.num_inputs != self.num_inputs:
            raise BinarizationError(
                f"the binarization makes {self.num_inputs} inputs, the circuit has {aig.num_inputs}"
            )
        out = np.asarray(evaluate(aig, rows), dtype=np.int64).reshape(len(rows), -1)
        classes = (out << np.arange(out.shape[1])).sum(axis=1)
        return classes, out

    def to_json(self) -> dict:
        d: dict = {"format": FORMAT, "encoding": "binary" if self.thresholds is None else "thermometer"}
        d["features"] = self.features
        if self.thresholds is not None:
            d["bits"] = int(self.thresholds.shape[1])
            d["thresholds"] = self.thresholds.tolist()
        d["classes"] = self.classes
        d["source"] = self.source
        return d


def save_binarization(spec: Binarization, path: str | os.PathLike[str]) -> None:
    from .fileio import atomic_write

    atomic_write(path, json.dumps(spec.to_json(), indent=1) + "\n")


def load_binarization(path: str | os.PathLike[str]) -> Binarization:
    try:
        with open(path) as fh:
            d = json.load(fh)
    except (OSError, ValueError) as e:
        raise BinarizationError(f"{path}: cannot read the binarization: {e}") from None
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise BinarizationError(f"{path}: not a {FORMAT} file")
    try:
        features = int(d["features"])
        thr = None if d["encoding"] == "binary" else np.asarray(d["thresholds"], dtype=np.float64)
    except (KeyError, TypeError, ValueError) as e:
        raise BinarizationError(f"{path}: malformed binarization ({e})") from None
    if thr is not None and (thr.ndim != 2 or thr.shape[0] != features):
        raise BinarizationError(f"{path}: thresholds must be [{features}, bits], got shape {thr.shape}")
    return Binarization(features, thr, d.get("classes"), str(d.get("source", "")))


def read_features(path: str | os.PathLike[str], features: int) -> np.ndarray:
    """Rows of ``features`` numbers from a CSV file (comma or whitespace separated; ``#`` comments)."""
    try:
        with open(path) as fh:
            text = fh.read()
    except OSError as e:
        raise BinarizationError(f"{path}: cannot read: {e.strerror}") from None
    rows = []
    for num, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            row = [float(x) for x in line.replace(",", " ").split()]
        except ValueError:
            raise BinarizationError(f"{path}:{num}: not a row of numbers: {line[:60]!r}") from None
        if len(row) != features:
            raise BinarizationError(f"{path}:{num}: {len(row)} values, expected {features} features")
        rows.append(row)
    return np.asarray(rows, dtype=np.float64).reshape(-1, features)

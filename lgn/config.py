"""The options table of LGN training: one dataclass (:func:`circuitlab.config.option`
fields), from which the ``train-lgn`` flags come.

This module imports no torch, so building the ``train-lgn`` command is cheap.  The
choice tuples defined here are the single source of the names; data.py, layers.py,
connections.py and ops.py import them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from circuitlab.config import option

from .errors import LGNConfigError, UnknownDatasetError

DATASETS = ("breast_cancer", "digits", "iris", "monk1", "monk2", "monk3", "mnist")
PARAMETRIZATIONS = ("softmax16", "light")
CONNECTION_KINDS = ("random", "unique")
INITS = ("residual", "random")
ENCODINGS = ("auto", "quantile", "uniform")
IMPLS = ("auto", "naive", "cpu", "c", "triton")
DEVICES = ("auto", "cpu", "cuda")
LR_SCHEDULES = ("constant", "cosine")
# Config fields that change the model's shapes or the data: a checkpoint must agree on them.
SHAPE_FIELDS = (
    "dataset",
    "layers",
    "width",
    "parametrization",
    "bits",
    "encoding",
    "connections",
    "conv",
    "conv_field",
    "conv_depth",
)
# Datasets whose features are images: (height, width); the channels are the thresholds (``bits``).
IMAGE_SHAPES = {"digits": (8, 8), "mnist": (28, 28)}


def parse_kernels(spec: str) -> list[int]:
    """``"16,32"`` -> [16, 32] (kernels per conv block); ``""`` -> []."""
    if not spec.strip():
        return []
    try:
        kernels = [int(part) for part in spec.split(",")]
    except ValueError:
        raise LGNConfigError(f"conv must be comma-separated kernel counts such as '16,32', got {spec!r}") from None
    if any(k < 1 for k in kernels):
        raise LGNConfigError(f"conv kernel counts must be >= 1, got {spec!r}")
    return kernels


def conv_plan(image: tuple[int, int, int], kernels: list[int], field: int) -> list[tuple[int, int, int]]:
    """Input shape (H, W, C) of every conv block and, last, the shape after the final pooling.

    Each block is a valid ``field x field`` convolution and a 2 x 2 OR pooling.  Raises
    ``LGNConfigError`` naming the first block whose input is too small for both.
    """
    if field < 1:
        raise LGNConfigError(f"conv_field must be >= 1, got {field}")
    shapes = [tuple(image)]
    for i, k in enumerate(kernels):
        h, w, _ = shapes[-1]
        if h - field + 1 < 2 or w - field + 1 < 2:
            raise LGNConfigError(
                f"conv block {i + 1}: a {field}x{field} receptive field with 2x2 pooling needs an input of at least "
                f"{field + 1}x{field + 1}, but the block reads {h}x{w} (the image is {image[0]}x{image[1]})"
            )
        shapes.append(((h - field + 1) // 2, (w - field + 1) // 2, k))
    return shapes  # type: ignore[return-value]


@dataclass
class TrainConfig:
    """All options of LGN training (the ``train-lgn`` CLI flags come from these fields)."""

    dataset: str = option("digits", "dataset name", choices=DATASETS)
    layers: int = option(4, "number of logic layers")
    width: int = option(1000, "gates per layer (divisible by the number of classes)")
    parametrization: str = option("softmax16", "gate parametrization", choices=PARAMETRIZATIONS)
    gumbel: bool = option(False, "Gumbel straight-through training (hard forward, relaxed backward)")
    gumbel_tau: float = option(1.0, "temperature of the relaxed Gumbel distribution")
    tau: float = option(10.0, "GroupSum temperature")
    connections: str = option("unique", "wiring scheme", choices=CONNECTION_KINDS)
    init: str = option("residual", "parameter initialization", choices=INITS)
    residual_strength: float | None = option(None, "residual-init logit (default: 5 softmax16, 3 light)")
    bits: int = option(3, "thermometer thresholds per real-valued feature")
    encoding: str = option("auto", "threshold placement", choices=ENCODINGS)
    lr: float = option(0.01, "Adam learning rate")
    lr_schedule: str = option(
        "constant", "learning-rate schedule over --steps: constant, or cosine decay to 1% of lr", choices=LR_SCHEDULES
    )
    steps: int = option(2000, "training steps (total, including resumed ones)")
    batch_size: int = option(128, "global mini-batch size")
    eval_interval: int = option(100, "evaluate every this many steps (and at the end)")
    checkpoint_interval: int = option(100, "checkpoint every this many steps (and at the end)")
    seed: int = option(0, "seed of the data split, wiring, init, batches and noise")
    out_dir: str = option("runs/lgn", "directory for checkpoint, metrics.json and curve.png")
    resume: bool = option(False, "continue from out_dir/checkpoint.pt when it exists")
    impl: str = option("auto", "gate kernel implementation", choices=IMPLS)
    device: str = option("auto", "device", choices=DEVICES)
    distributed: bool = option(False, "data-parallel DDP; launch with torchrun")
    conv: str = option(
        "",
        "convolutional blocks before the dense layers: kernels per block, e.g. '16,32' "
        "(each a logic-tree conv and 2x2 OR pooling; image datasets only); empty = none",
    )
    conv_field: int = option(3, "receptive field of the conv kernels (F x F)")
    conv_depth: int = option(3, "depth of each conv kernel's gate tree (2^d leaves, 2^d - 1 gates)")
    max_time: float = option(0.0, "stop after this many seconds of this run, with a checkpoint; 0 = no limit")
    progress: bool = option(True, "show a progress bar")

    def validate(self) -> None:
        """Raise ``LGNConfigError`` (or ``UnknownDatasetError``) naming the first bad option."""
        if self.dataset not in DATASETS:
            raise UnknownDatasetError(f"unknown dataset {self.dataset!r}; known: {', '.join(DATASETS)}")
        for f in dataclasses.fields(self):
            choices = f.metadata.get("choices")
            if choices and getattr(self, f.name) not in choices:
                raise LGNConfigError(f"{f.name} must be one of {choices}, got {getattr(self, f.name)!r}")
        for name in ("layers", "width", "bits", "steps", "batch_size", "eval_interval", "checkpoint_interval"):
            if getattr(self, name) < 1:
                raise LGNConfigError(f"{name} must be >= 1, got {getattr(self, name)}")
        kernels = parse_kernels(self.conv)
        if kernels:
            if self.dataset not in IMAGE_SHAPES:
                raise LGNConfigError(
                    f"conv needs an image dataset ({', '.join(IMAGE_SHAPES)}); {self.dataset} has no image layout"
                )
            if not 1 <= self.conv_depth <= 6:
                raise LGNConfigError(f"conv_depth must be in 1..6, got {self.conv_depth}")
            conv_plan(self.image_shape, kernels, self.conv_field)
        if not self.max_time >= 0:
            raise LGNConfigError(f"max_time must be >= 0 seconds, got {self.max_time}")
        for name in ("lr", "tau", "gumbel_tau"):
            if not getattr(self, name) > 0:
                raise LGNConfigError(f"{name} must be > 0, got {getattr(self, name)}")

    @property
    def image_shape(self) -> tuple[int, int, int]:
        """(H, W, C) of the binarized image (C = bits thresholds per pixel); image datasets only."""
        h, w = IMAGE_SHAPES[self.dataset]
        return h, w, self.bits

    @property
    def kernels(self) -> list[int]:
        return parse_kernels(self.conv)

    @property
    def widths(self) -> list[int]:
        return [self.width] * self.layers

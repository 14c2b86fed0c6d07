"""A feed-forward logic gate network: LogicLayer stack + GroupSum.

Petersen et al., "Deep Differentiable Logic Gate Networks", NeurIPS 2022.  Inputs are
Boolean features in {0, 1} (float tensors); every layer maps widths
``in_dim -> widths[0] -> ... -> widths[-1]`` and GroupSum turns the last width into
``num_classes`` scores.  With ``conv`` kernel counts, blocks of logic-tree convolutions
and OR pooling (``conv.py``; Petersen et al., NeurIPS 2024) come first, over the
inputs read as an (H, W, C) image, and the dense layers read the last pooled map.
Internally activations are feature-major ([width, B]) so each
gate gathers contiguous rows; the public ``forward`` takes and returns batch-major
tensors.
"""

from __future__ import annotations

import dataclasses
from typing import cast

import torch
from torch import nn

from .conv import LogicConv2d, OrPool2d, conv_stack
from .discrete import DiscreteLayer, DiscreteNetwork
from .errors import LGNConfigError
from .groupsum import GroupSum
from .layers import GateOptions, LogicLayer


class LogicNetwork(nn.Module):
    """Stack of logic layers with a GroupSum head.

    Args:
        in_dim: number of Boolean inputs.
        num_classes: number of classes k (``widths[-1] % k == 0``).
        widths: output width of every layer.
        parametrization, connections, init, residual_strength, gumbel, gumbel_tau, impl:
            passed to every ``LogicLayer``.
        tau: GroupSum temperature.
        seed: seed of the torch.Generator used for wiring and random init.
        image: (H, W, C) layout of the inputs (HWC order); needed with ``conv``.
        conv: kernels per convolutional block (empty: a purely dense network).
        conv_field, conv_depth: receptive field and tree depth of the conv kernels.
    """

    def __init__(
        self,
        in_dim: int,
        num_classes: int,
        widths: list[int],
        parametrization: str = "softmax16",
        connections: str = "unique",
        init: str = "residual",
        residual_strength: float | None = None,
        gumbel: bool = False,
        gumbel_tau: float = 1.0,
        tau: float = 10.0,
        impl: str = "auto",
        seed: int = 0,
        image: tuple[int, int, int] | None = None,
        conv: list[int] | None = None,
        conv_field: int = 3,
        conv_depth: int = 3,
    ):
        super().__init__()
        widths = [int(w) for w in widths]
        if not widths:
            raise LGNConfigError("widths must name at least one layer")
        if num_classes < 2:
            raise LGNConfigError(f"num_classes must be >= 2, got {num_classes}")
        if widths[-1] % num_classes != 0:
            raise LGNConfigError(f"last layer width {widths[-1]} must be divisible by num_classes={num_classes}")
        gen = torch.Generator().manual_seed(seed)
        gates = GateOptions(parametrization, init, residual_strength, gumbel, gumbel_tau, impl)
        self.features = nn.ModuleList()
        dense_in = in_dim
        if conv:
            if image is None or image[0] * image[1] * image[2] != in_dim:
                raise LGNConfigError(f"conv layers need an image layout (H, W, C) of the {in_dim} inputs, got {image}")
            self.features.extend(conv_stack(image, list(conv), conv_field, conv_depth, gates, gen))
            dense_in = cast("OrPool2d", self.features[-1]).out_dim
        dims = [dense_in] + widths
        self.layers = nn.ModuleList(
            LogicLayer(dims[i], dims[i + 1], connections=connections, generator=gen, **dataclasses.asdict(gates))
            for i in range(len(widths))
        )
        self.head = GroupSum(num_classes, tau)
        self.in_dim, self.num_classes = in_dim, num_classes

    def _feature_blocks(self) -> list[LogicConv2d | OrPool2d]:
        """``self.features`` with their type: conv and pooling layers, alternating."""
        return cast("list[LogicConv2d | OrPool2d]", list(self.features))

    def _logic_layers(self) -> list[LogicLayer]:
        """``self.layers`` with their type (to a type checker a ``ModuleList`` holds plain modules)."""
        return cast("list[LogicLayer]", list(self.layers))

    def forward(self, x: torch.Tensor, mode: str | None = None) -> torch.Tensor:
        """x [B, in_dim] in {0, 1} (or [0, 1]) -> class scores [B, num_classes].

        ``mode`` (``soft``/``gumbel``/``hard``) overrides the train/eval default.
        """
        if x.dim() != 2 or x.shape[1] != self.in_dim:
            raise LGNConfigError(f"expected input [B, in_dim={self.in_dim}], got shape {tuple(x.shape)}")
        h = x.t().contiguous()  # [in_dim, B]
        for block in self._feature_blocks():
            h = block.forward_features(h, mode)  # [H' * W' * K, B]
        for layer in self._logic_layers():
            h = layer.forward_features(h, mode)  # [width, B]
        return self.head.forward_features(h)  # [B, k]

    def discretize(self) -> DiscreteNetwork:
        """The hard network as flat arrays (per layer a, b, gate id) for inference and compiling."""
        levels = [level for block in self._feature_blocks() for level in block.discretize()]
        layers = tuple(levels) + tuple(DiscreteLayer(*layer.discretize()) for layer in self._logic_layers())
        return DiscreteNetwork(self.in_dim, self.num_classes, self.head.tau, layers)

    def num_gates(self) -> int:
        """Gates of the unrolled network: conv trees at every position, OR pooling, dense layers."""
        conv = sum(block.num_gates() for block in self._feature_blocks())
        return conv + sum(layer.out_dim for layer in self._logic_layers())

"""The discretized logic gate network as flat numpy arrays.

This is what inference runs and what compiles to a circuit: per layer, the input
indices ``a``, ``b`` [out_dim] and the gate id [out_dim] (difflogic numbering, see
``gates.py``), plus the GroupSum read-out (k classes, temperature tau).

Gate usage (after Yousefi et al., "Mind the Gap", 2025, who count gates that do not
contribute to the discretized network's prediction):

* a gate is **used** when its output lies in the functional cone of influence of the
  class scores: every gate of the last layer is used; a gate of an earlier layer is
  used when some used gate of the next layer reads it through an input its discretized
  function actually depends on (constants depend on neither input, ``a``/``~a`` only
  on input a, ``b``/``~b`` only on input b);
* **unused** gates are all others: their value can change without changing any score,
  so a compiler may delete them;
* **constant** gates (FALSE/TRUE) are counted separately; they ignore their inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import LGNConfigError
from .gates import CONSTANT_GATES, DEPENDS_ON_A, DEPENDS_ON_B, eval_gate_numpy


@dataclass(frozen=True)
class DiscreteLayer:
    """One layer: gate j computes ``gate[j](x[a[j]], x[b[j]])``; arrays are [out_dim]."""

    a: np.ndarray  # int64
    b: np.ndarray  # int64
    gate: np.ndarray  # uint8 in 0..15

    @property
    def out_dim(self) -> int:
        return int(self.gate.shape[0])


@dataclass(frozen=True)
class DiscreteNetwork:
    """A discretized LGN: Boolean layers followed by GroupSum.

    Args:
        in_dim: number of Boolean inputs.
        num_classes: GroupSum groups k (last width divisible by k).
        tau: GroupSum temperature (scores = popcount / tau).
        layers: the gate layers, first to last.
    """

    in_dim: int
    num_classes: int
    tau: float
    layers: tuple[DiscreteLayer, ...]

    def __post_init__(self):
        width = self.in_dim
        for i, layer in enumerate(self.layers):
            if not (layer.a.shape == layer.b.shape == layer.gate.shape):
                raise LGNConfigError(f"layer {i}: a, b, gate must have equal shapes")
            if layer.out_dim and (
                layer.a.max() >= width or layer.b.max() >= width or min(layer.a.min(), layer.b.min()) < 0
            ):
                raise LGNConfigError(f"layer {i}: input index out of range for width {width}")
            if layer.out_dim and layer.gate.max() > 15:
                raise LGNConfigError(f"layer {i}: gate ids must be in 0..15")
            width = layer.out_dim
        if not self.layers or width % self.num_classes != 0:
            raise LGNConfigError(f"last width {width} is not divisible by num_classes={self.num_classes}")

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Boolean outputs of the last layer: x bool [B, in_dim] -> bool [B, out_dim]."""
        h = np.asarray(x).astype(bool)
        if h.ndim != 2 or h.shape[1] != self.in_dim:
            raise LGNConfigError(f"expected inputs [B, {self.in_dim}], got shape {h.shape}")
        for layer in self.layers:
            h = eval_gate_numpy(layer.gate[None, :], h[:, layer.a], h[:, layer.b])
        return h

    def scores(self, x: np.ndarray) -> np.ndarray:
        """Integer class counts (GroupSum before dividing by tau): [B, in_dim] -> [B, k]."""
        h = self.forward(x)
        return h.reshape(h.shape[0], self.num_classes, -1).sum(-1)

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted class per example (argmax of the counts, first index on ties): [B]."""
        return self.scores(x).argmax(-1)

    def used_masks(self) -> list[np.ndarray]:
        """Per layer, bool [out_dim]: gate lies in the functional cone of influence of the scores."""
        masks: list[np.ndarray] = [None] * len(self.layers)  # type: ignore[list-item]
        needed = np.ones(self.layers[-1].out_dim, dtype=bool)
        for i in range(len(self.layers) - 1, -1, -1):
            layer = self.layers[i]
            masks[i] = needed
            width_in = self.in_dim if i == 0 else self.layers[i - 1].out_dim
            need_in = np.zeros(width_in, dtype=bool)
            need_in[layer.a[needed & DEPENDS_ON_A[layer.gate]]] = True
            need_in[layer.b[needed & DEPENDS_ON_B[layer.gate]]] = True
            needed = need_in
        return masks

    def used_inputs(self) -> np.ndarray:
        """bool [in_dim]: input bits that can influence some score."""
        first = self.layers[0]
        need = self.used_masks()[0]
        used = np.zeros(self.in_dim, dtype=bool)
        used[first.a[need & DEPENDS_ON_A[first.gate]]] = True
        used[first.b[need & DEPENDS_ON_B[first.gate]]] = True
        return used

    def gate_stats(self) -> dict:
        """Counts: total gates, unused (outside the cone of influence), constant, per-layer unused."""
        masks = self.used_masks()
        per_layer_unused = [int((~m).sum()) for m in masks]
        constant = sum(int(np.isin(layer.gate, CONSTANT_GATES).sum()) for layer in self.layers)
        total = sum(layer.out_dim for layer in self.layers)
        return {
            "total_gates": total,
            "unused_gates": sum(per_layer_unused),
            "unused_fraction": sum(per_layer_unused) / total,
            "constant_gates": constant,
            "unused_per_layer": per_layer_unused,
            "used_inputs": int(self.used_inputs().sum()),
        }

"""Gated perceptron: a perceptron with one extra input, the product of its inputs.

Paper: S. Larabi, "More Consideration for the Perceptron", arXiv:2409.13854 (2024).

For inputs ``x_1 .. x_n`` (or a chosen subset ``S`` of them) the gated perceptron
adds the multiplicative "AND gate" input ``p = prod_{i in S} x_i`` with its own
weight ``v``::

    a = sum_i w_i x_i + v * p + b
    y = step(a)            (classification, one output per class: one-vs-rest)
    y = a                  (regression)

The product term makes the decision boundary a curve (for n = 2 a hyperbola
``w1 x1 + w2 x2 + v x1 x2 + b = 0``), so a single unit separates XOR:
``x1 + x2 - 2 x1 x2 - 1/2 > 0``. With ``gated=False`` the module is the plain
perceptron ``a = w . x + b``, the baseline.

The forward pass returns the pre-activation ``a`` (logits); train it with a
logistic / cross-entropy loss and threshold at zero (:meth:`predict`).
"""

from __future__ import annotations

import torch
from torch import nn

from .registry import register


@register("gated_perceptron")
class GatedPerceptron(nn.Module):
    """Perceptron with a product ("gate") input.

    Args:
        n_inputs: number of input features ``n``.
        n_outputs: number of output units (1 for binary / regression, C for
            one-vs-rest over C classes).
        gated: add the product input (False gives the plain perceptron).
        gate_inputs: indices ``S`` of the inputs multiplied into the gate
            (default: all inputs, as in the paper).

    Shapes:
        input ``[B, n_inputs]`` -> logits ``[B, n_outputs]``.
    """

    gate_index: torch.Tensor  # buffer, [|S|] int64

    def __init__(
        self, n_inputs: int, n_outputs: int = 1, gated: bool = True, gate_inputs: tuple[int, ...] | None = None
    ):
        super().__init__()
        if not isinstance(n_inputs, int) or n_inputs < 1:
            raise ValueError(f"n_inputs must be a positive int, got {n_inputs!r}")
        if not isinstance(n_outputs, int) or n_outputs < 1:
            raise ValueError(f"n_outputs must be a positive int, got {n_outputs!r}")
        if gate_inputs is None:
            gate_inputs = tuple(range(n_inputs))
        gate_inputs = tuple(gate_inputs)
        if (
            len(gate_inputs) < 2
            or len(set(gate_inputs)) != len(gate_inputs)
            or any(not isinstance(i, int) or not 0 <= i < n_inputs for i in gate_inputs)
        ):
            raise ValueError(f"gate_inputs must be >= 2 distinct indices in [0, {n_inputs}), got {gate_inputs!r}")
        self.n_inputs = n_inputs
        self.gated = gated
        self.register_buffer("gate_index", torch.tensor(gate_inputs, dtype=torch.long), persistent=False)
        self.linear = nn.Linear(n_inputs, n_outputs)  # w, b
        self.gate_weight = nn.Parameter(torch.zeros(n_outputs)) if gated else None  # v  [n_outputs]
        if self.gate_weight is not None:
            nn.init.uniform_(self.gate_weight, -1.0 / n_inputs**0.5, 1.0 / n_inputs**0.5)

    def gate_input(self, x: torch.Tensor) -> torch.Tensor:
        """The product input ``p = prod_{i in S} x_i``: ``[B, n] -> [B, 1]``."""
        return x.index_select(-1, self.gate_index).prod(dim=-1, keepdim=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 2 or x.shape[1] != self.n_inputs:
            raise ValueError(f"x must have shape [B, {self.n_inputs}], got {tuple(x.shape)}")
        a = self.linear(x)  # [B, n_outputs]
        if self.gate_weight is not None:  # gated
            a = a + self.gate_input(x) * self.gate_weight  # [B, 1] * [n_outputs]
        return a

    @torch.no_grad()
    def predict(self, x: torch.Tensor) -> torch.Tensor:
        """Class labels: ``a > 0`` for one output, else ``argmax`` over outputs. ``[B]`` long."""
        a = self.forward(x)
        if a.shape[1] == 1:
            return (a[:, 0] > 0).long()
        return a.argmax(dim=1)

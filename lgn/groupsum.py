"""GroupSum: class scores from the last logic layer (Petersen et al., NeurIPS 2022).

The N outputs of the last layer are split into k contiguous groups of N / k gates;
the score of class i is the number of true gates in group i, divided by a temperature:

    score_i = (1 / tau) * sum_{j = i N/k}^{(i+1) N/k - 1} y_j
"""

from __future__ import annotations

import torch
from torch import nn

from .errors import LGNConfigError


class GroupSum(nn.Module):
    """Sum k contiguous groups of features and divide by ``tau``.

    Args:
        k: number of groups (classes).
        tau: softmax temperature (> 0).
    """

    def __init__(self, k: int, tau: float = 1.0):
        super().__init__()
        if k < 1:
            raise LGNConfigError(f"GroupSum k must be >= 1, got k={k}")
        if not tau > 0:
            raise LGNConfigError(f"GroupSum tau must be > 0, got tau={tau}")
        self.k, self.tau = k, float(tau)

    def _check(self, n: int) -> None:
        if n % self.k != 0:
            raise LGNConfigError(f"GroupSum needs the width ({n}) to be divisible by k={self.k}")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x [B, N] -> scores [B, k]."""
        self._check(x.shape[-1])
        return x.reshape(x.shape[0], self.k, -1).sum(-1) / self.tau

    def forward_features(self, x: torch.Tensor) -> torch.Tensor:
        """Feature-major x [N, B] -> scores [B, k]."""
        self._check(x.shape[0])
        return (x.reshape(self.k, -1, x.shape[1]).sum(1) / self.tau).t()

    def extra_repr(self) -> str:
        return f"k={self.k}, tau={self.tau}"

"""PGN: Parallel Gated Network, a non-recurrent successor to the RNN cell.

Paper: Y. Jia, Y. Lin, J. Yu, S. Wang, T. Liu, H. Wan, "PGN: The RNN's New
Successor is Effective for Long-Range Time Series Forecasting", NeurIPS 2024
(arXiv:2409.17703).

Every step reads its history directly (information path O(1)) through the
Historical Information Extraction (HIE) layer, a linear map over the last
``w`` inputs (a causal convolution of kernel ``w`` over the zero-padded
sequence); one gate then selects and fuses history and the current input:

    H     = HIE(Padding(X))                    # H_t = sum_{j<w} A_j x_{t-j} + a,   [B, L, d]
    G     = sigmoid(W_g [X, H] + b_g)
    H^    = tanh(W_h [X, H] + b_h)
    Out   = G * H + (1 - G) * H^

Unlike a GRU there is no recurrence: all steps are computed in parallel.
:class:`PGNForecaster` puts a linear head on the last step's output to
forecast a horizon from an input window (the 1-D PGN of the paper, not the
2-D TPGN).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .registry import register

__all__ = ["PGN", "PGNForecaster"]


@register("pgn")
class PGN(nn.Module):
    """Parallel Gated Network layer.

    Args:
        input_dim: channels ``C`` of ``X``.
        hidden_dim: width ``d`` of ``H`` and of the output.
        window: HIE receptive field ``w`` (steps of history, current one included).

    Shapes: ``x`` ``[B, L, C]`` -> ``[B, L, d]``.
    """

    def __init__(self, input_dim: int, hidden_dim: int, window: int) -> None:
        super().__init__()
        for name, val in (("input_dim", input_dim), ("hidden_dim", hidden_dim), ("window", window)):
            if val <= 0:
                raise ValueError(f"{name} must be > 0, got {val}")
        self.input_dim, self.hidden_dim, self.window = input_dim, hidden_dim, window
        self.hie = nn.Conv1d(input_dim, hidden_dim, kernel_size=window)
        self.gate = nn.Linear(input_dim + hidden_dim, 2 * hidden_dim)

    def history(self, x: torch.Tensor) -> torch.Tensor:
        """HIE output ``H`` ``[B, L, d]``: a linear function of ``x[t-w+1 .. t]``."""
        padded = F.pad(x.transpose(1, 2), (self.window - 1, 0))  # [B, C, w - 1 + L]
        return self.hie(padded).transpose(1, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3 or x.shape[-1] != self.input_dim:
            raise ValueError(f"x must be [B, L, {self.input_dim}], got {tuple(x.shape)}")
        h = self.history(x)  # [B, L, d]
        g, h_hat = self.gate(torch.cat([x, h], dim=-1)).chunk(2, dim=-1)
        g, h_hat = torch.sigmoid(g), torch.tanh(h_hat)
        return g * h + (1 - g) * h_hat


@register("pgn_forecaster")
class PGNForecaster(nn.Module):
    """PGN over an input window, linear head from the last step to the horizon.

    Args:
        input_len: window length ``L`` (also the HIE receptive field).
        horizon: forecast length ``T``.
        hidden_dim: PGN width ``d``.
        channels: series channels ``C``.

    Shapes: ``x`` ``[B, L, C]`` -> ``[B, T, C]``.
    """

    def __init__(self, input_len: int, horizon: int, hidden_dim: int = 32, channels: int = 1) -> None:
        super().__init__()
        for name, val in (("input_len", input_len), ("horizon", horizon), ("channels", channels)):
            if val <= 0:
                raise ValueError(f"{name} must be > 0, got {val}")
        self.input_len, self.horizon, self.channels = input_len, horizon, channels
        self.pgn = PGN(channels, hidden_dim, window=input_len)
        self.head = nn.Linear(hidden_dim, horizon * channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3 or x.shape[1:] != (self.input_len, self.channels):
            raise ValueError(f"x must be [B, {self.input_len}, {self.channels}], got {tuple(x.shape)}")
        last = self.pgn(x)[:, -1]  # [B, d]
        return self.head(last).view(x.shape[0], self.horizon, self.channels)

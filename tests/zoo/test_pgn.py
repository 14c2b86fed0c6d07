"""Tests for circuitlab/zoo/pgn.py."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn as nn

from circuitlab.zoo import get
from circuitlab.zoo.pgn import PGN, PGNForecaster


def test_registered():
    assert get("pgn") is PGN and get("pgn_forecaster") is PGNForecaster


def test_shapes():
    assert PGN(3, 8, window=5)(torch.randn(2, 11, 3)).shape == (2, 11, 8)
    assert PGNForecaster(20, 7, hidden_dim=8, channels=2)(torch.randn(4, 20, 2)).shape == (4, 7, 2)


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    m = PGNForecaster(12, 5, hidden_dim=6)
    m(torch.randn(3, 12, 1)).pow(2).mean().backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_hie_is_causal_with_window_receptive_field():
    torch.manual_seed(0)
    m = PGN(2, 4, window=3)
    x = torch.randn(1, 10, 2)
    base = m(x)
    x2 = x.clone()
    x2[:, 5] += 1.0
    diff = (m(x2) - base).abs().sum(-1)[0]  # [L]
    assert (diff[:5] == 0).all()  # no step sees the future
    assert (diff[5:8] > 0).all()  # steps 5..7 see step 5 through the HIE window
    assert (diff[8:] == 0).all()  # beyond the window: no recurrence carries it further
    # The HIE is exactly a linear map of the last `window` inputs.
    h = m.history(x)[0, 6]
    want = m.hie.bias + sum(m.hie.weight[:, :, 2 - j] @ x[0, 6 - j] for j in range(3))
    torch.testing.assert_close(h, want, atol=1e-6, rtol=1e-6)


def _periodic_series(n: int, gen: torch.Generator) -> torch.Tensor:
    t = torch.arange(n, dtype=torch.float32)
    clean = (
        torch.sin(2 * math.pi * t / 24)
        + 0.5 * torch.sin(2 * math.pi * t / 168)
        + 0.3 * torch.sign(torch.sin(2 * math.pi * t / 60))
    )
    return clean + 0.1 * torch.randn(n, generator=gen)


class _GRUForecaster(nn.Module):
    def __init__(self, horizon: int, hidden: int) -> None:
        super().__init__()
        self.rnn, self.head = nn.GRU(1, hidden, batch_first=True), nn.Linear(hidden, horizon)

    def forward(self, x):
        return self.head(self.rnn(x)[0][:, -1])[..., None]


def _forecast_mse(net: nn.Module, length=48, horizon=48, steps=150) -> float:
    gen = torch.Generator().manual_seed(0)
    series = _periodic_series(6000, gen)
    n_train = 4500

    def windows(idx):
        w = torch.stack([series[i : i + length + horizon] for i in idx.tolist()])
        return w[:, :length, None], w[:, length:, None]

    opt = torch.optim.Adam(net.parameters(), 3e-3)
    for _ in range(steps):
        x, y = windows(torch.randint(0, n_train - length - horizon, (64,), generator=gen))
        loss = (net(x) - y).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    x, y = windows(torch.arange(n_train, 6000 - length - horizon, 5))
    with torch.no_grad():
        return (net(x) - y).pow(2).mean().item()


def test_beats_same_width_gru_on_long_horizon_periodic_series():
    torch.manual_seed(0)
    mse_pgn = _forecast_mse(PGNForecaster(48, 48, hidden_dim=32))
    torch.manual_seed(0)
    mse_gru = _forecast_mse(_GRUForecaster(48, 32))
    assert mse_pgn < 0.7 * mse_gru, (mse_pgn, mse_gru)


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="window"):
        PGN(1, 4, window=0)
    with pytest.raises(ValueError, match="hidden_dim"):
        PGN(1, -4, window=3)
    with pytest.raises(ValueError, match="input_dim"):
        PGN(0, 4, window=3)
    with pytest.raises(ValueError, match="horizon"):
        PGNForecaster(10, 0)
    with pytest.raises(ValueError, match="input_len"):
        PGNForecaster(-1, 3)
    with pytest.raises(ValueError, match="x must be"):
        PGN(2, 4, window=3)(torch.randn(2, 5, 3))
    with pytest.raises(ValueError, match="x must be"):
        PGNForecaster(10, 3)(torch.randn(2, 9, 1))

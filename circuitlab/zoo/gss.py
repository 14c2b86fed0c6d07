"""Gated State Space (GSS) layer: a diagonal SSM convolution gated by a GELU branch.

Paper: H. Mehta, A. Gupta, A. Cutkosky, B. Neyshabur, "Long Range Language
Modeling via Gated State Spaces", ICLR 2023 (arXiv:2206.13947).  The SSM is a
diagonal state space (DSS: A. Gupta, A. Gu, J. Berant, "Diagonal State Spaces
are as Effective as Structured State Spaces", NeurIPS 2022) with the
zero-order-hold discretisation and S4D-Lin initialisation.

Layer (``x`` ``[B, L, D]``, ``F = expand * D`` gate width, ``H`` SSM width):

    z  = LayerNorm(x)
    v  = GELU(W_v z)                       # [B, L, F]  gate branch
    u  = GELU(W_u z)                       # [B, L, H]  SSM branch input
    y  = K * u + D_skip u                  # causal convolution along L, per channel
    o  = W_o ((W_y y) * v)                 # [B, L, D]
    out = x + o

SSM kernel per channel ``h`` with ``N/2`` complex conjugate pairs
(``Lambda = -exp(a) + i b``, step ``dt = exp(log_dt)``):

    K[h, l] = 2 Re( sum_n C[h, n] (exp(dt Lambda_n) - 1) / Lambda_n * exp(l dt Lambda_n) )

The convolution is computed with an FFT of length ``2L`` (``O(L log L)``);
:func:`direct_causal_conv` is the plain ``O(L^2)`` reference it must match.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .registry import register

__all__ = ["DSSKernel", "GSS", "direct_causal_conv", "fft_causal_conv"]


def _check_conv(u: torch.Tensor, k: torch.Tensor) -> None:
    if u.dim() != 3:
        raise ValueError(f"u must be [B, H, L], got {tuple(u.shape)}")
    if k.dim() != 2 or k.shape[0] != u.shape[1] or k.shape[1] < u.shape[2]:
        raise ValueError(f"k must be [H={u.shape[1]}, >= L={u.shape[2]}], got {tuple(k.shape)}")


def fft_causal_conv(u: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """``y[b, h, t] = sum_{s <= t} k[h, t - s] u[b, h, s]`` via FFT.  ``u`` ``[B, H, L]``, ``k`` ``[H, >= L]``."""
    _check_conv(u, k)
    length = u.shape[-1]
    n = 2 * length  # zero padding: no circular wrap-around
    y = torch.fft.irfft(torch.fft.rfft(u, n=n) * torch.fft.rfft(k[:, :length], n=n), n=n)
    return y[..., :length]


def direct_causal_conv(u: torch.Tensor, k: torch.Tensor) -> torch.Tensor:
    """The same causal convolution computed directly (reference, ``O(L^2)``)."""
    _check_conv(u, k)
    h, length = u.shape[1], u.shape[2]
    weight = k[:, :length].flip(-1)[:, None, :]  # [H, 1, L]
    return F.conv1d(F.pad(u, (length - 1, 0)), weight, groups=h)


class DSSKernel(nn.Module):
    """Diagonal SSM convolution kernel ``[H, L]`` (ZOH, S4D-Lin init).

    Args:
        channels: ``H``.
        d_state: state size ``N`` (even; ``N/2`` complex pairs).
        dt_min, dt_max: range of the initial step sizes (log-uniform).
    """

    def __init__(self, channels: int, d_state: int = 32, dt_min: float = 1e-3, dt_max: float = 1e-1) -> None:
        super().__init__()
        if channels <= 0:
            raise ValueError(f"channels must be > 0, got {channels}")
        if d_state < 2 or d_state % 2:
            raise ValueError(f"d_state must be even and >= 2, got {d_state}")
        if not 0 < dt_min <= dt_max:
            raise ValueError(f"need 0 < dt_min <= dt_max, got dt_min={dt_min}, dt_max={dt_max}")
        half = d_state // 2
        self.log_dt = nn.Parameter(torch.rand(channels) * (math.log(dt_max) - math.log(dt_min)) + math.log(dt_min))
        self.log_a_real = nn.Parameter(torch.full((channels, half), math.log(0.5)))
        self.a_imag = nn.Parameter(math.pi * torch.arange(half, dtype=torch.float32).repeat(channels, 1))
        self.c = nn.Parameter(torch.randn(channels, half, 2) * (0.5**0.5))  # real/imag parts

    def forward(self, length: int) -> torch.Tensor:
        lam = torch.complex(-self.log_a_real.exp(), self.a_imag)  # [H, N/2]
        dt_lam = self.log_dt.exp()[:, None] * lam  # [H, N/2]
        c = torch.view_as_complex(self.c) * (dt_lam.exp() - 1) / lam  # ZOH input scaling
        pos = torch.arange(length, device=lam.device, dtype=torch.float32)
        vander = torch.exp(dt_lam[..., None] * pos)  # [H, N/2, L]
        return 2 * torch.einsum("hn,hnl->hl", c, vander).real  # [H, L]


@register("gss")
class GSS(nn.Module):
    """Gated State Space layer (residual block).

    Args:
        d_model: ``D``.
        d_ssm: SSM branch width ``H`` (paper: smaller than ``D``).
        expand: gate width ``F = expand * D``.
        d_state: SSM state size ``N`` (even).
        conv: ``"fft"`` or ``"direct"`` (reference) convolution.
        use_ssm: False drops the convolution (``y = u``), an ablation with no
            mixing along the sequence.

    Shapes: ``x`` ``[B, L, D]`` -> ``[B, L, D]``.
    """

    def __init__(
        self,
        d_model: int,
        d_ssm: int = 32,
        expand: int = 2,
        d_state: int = 32,
        conv: str = "fft",
        use_ssm: bool = True,
        dt_min: float = 1e-3,
        dt_max: float = 1e-1,
    ) -> None:
        super().__init__()
        for name, val in (("d_model", d_model), ("d_ssm", d_ssm), ("expand", expand)):
            if val <= 0:
                raise ValueError(f"{name} must be > 0, got {val}")
        if conv not in ("fft", "direct"):
            raise ValueError(f"conv must be 'fft' or 'direct', got {conv!r}")
        self.d_model, self.conv, self.use_ssm = d_model, conv, use_ssm
        width = expand * d_model
        self.norm = nn.LayerNorm(d_model)
        self.v_proj = nn.Linear(d_model, width)
        self.u_proj = nn.Linear(d_model, d_ssm)
        self.kernel = DSSKernel(d_ssm, d_state, dt_min, dt_max)
        self.skip = nn.Parameter(torch.randn(d_ssm))
        self.y_proj = nn.Linear(d_ssm, width)
        self.o_proj = nn.Linear(width, d_model)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"x must be [B, L, {self.d_model}], got {tuple(x.shape)}")
        z = self.norm(x)
        v = F.gelu(self.v_proj(z))  # [B, L, F]
        u = F.gelu(self.u_proj(z))  # [B, L, H]
        if self.use_ssm:
            k = self.kernel(x.shape[1])  # [H, L]
            conv = fft_causal_conv if self.conv == "fft" else direct_causal_conv
            y = conv(u.transpose(1, 2), k).transpose(1, 2) + self.skip * u  # [B, L, H]
        else:
            y = u
        return x + self.o_proj(self.y_proj(y) * v)

"""lambda-ShiftGELU: integer-only GELU built from shifts, adds and one integer division.

Paper: Z. Li and Q. Gu, "I-ViT: Integer-only Quantization for Efficient Vision
Transformer Inference", ICCV 2023 (ShiftGELU, ShiftExp). The "lambda" is the slope
of the sigmoid approximation of GELU, which I-ViT fixes to 1.702 and realises
with shift-adds; here it is a hyperparameter, decomposed into signed powers of two.

Real values are ``x = S * I`` with an integer tensor ``I`` and a float scale ``S``
(a compile-time constant: every float below is an offline constant, never a tensor).

    GELU(x) ~= x * sigmoid(lam * x)                                    (Hendrycks & Gimpel)
    lam * I ~= sum_j s_j * (I >> k_j)      (s_j = +-1; k_j < 0 is a left shift)
    sigmoid(y) = e^(y - m) / (e^(y - m) + e^(-m)),  m = max(y, 0)       (both exponents <= 0)

ShiftExp for an integer ``J <= 0`` at scale ``s`` (``I0 = round(1/s)`` encodes 1.0)::

    J' = J + (J >> 1) - (J >> 4)            ~= J * log2(e)
    q  = floor(-J' / I0),  r = J' + q * I0  (r * s in (-1, 0])
    e^(J s) = 2^(-q) * 2^(r s) ~= ((I0 + (r >> 1)) >> q)   at scale s   (2^t ~= 1 + t/2 on (-1, 0])

The sigmoid is the integer quotient ``floor(2^k * a / (a + b))`` (scale ``2^-k``) and the
output is ``I * sigma`` at scale ``S * 2^-k``. Before the exponentials the input is
shifted left by ``frac_bits`` (exact), so the exponentials work at the finer scale
``S / 2^frac_bits``; this is what makes an int8 input usable.

Only the module boundary (:meth:`LambdaShiftGELU.forward`) converts float <-> int:
``I = clamp(round(x / S), -2^(b-1), 2^(b-1) - 1)`` and ``y = S_out * I_out``. Its value
is the integer result; its gradient is that of the float surrogate ``x sigmoid(lam x)``
(straight-through), so the module can sit in a network that is trained.
:meth:`LambdaShiftGELU.forward_int` is the integer-only path; it checks that every
tensor it touches has an integer dtype.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .registry import register


def _require_int(t: torch.Tensor, name: str) -> torch.Tensor:
    if t.is_floating_point() or t.is_complex() or t.dtype == torch.bool:
        raise ValueError(f"{name} must be an integer tensor, got dtype {t.dtype}")
    return t


def shift_add_terms(lam: float, n_terms: int) -> list[tuple[int, int]]:
    """Greedy signed power-of-two decomposition ``lam ~= sum s * 2^-k`` as ``[(s, k), ...]``."""
    if not math.isfinite(lam) or lam <= 0:
        raise ValueError(f"lam must be a finite positive number, got {lam!r}")
    if not isinstance(n_terms, int) or n_terms < 1:
        raise ValueError(f"n_terms must be a positive int, got {n_terms!r}")
    terms: list[tuple[int, int]] = []
    rest = lam
    for _ in range(n_terms):
        if rest == 0:
            break
        k = -round(math.log2(abs(rest)))  # nearest power of two to |rest|
        k = max(-8, min(k, 24))
        s = 1 if rest > 0 else -1
        terms.append((s, k))
        rest -= s * 2.0**-k
    return terms


def _shift(t: torch.Tensor, k: int) -> torch.Tensor:
    """``t * 2^-k`` rounded toward -inf: right shift for k >= 0, left shift for k < 0."""
    return t >> k if k >= 0 else t << -k


def shift_mul(t: torch.Tensor, terms: list[tuple[int, int]]) -> torch.Tensor:
    """``sum_j s_j (t >> k_j)``: multiplication by a shift-add constant, integers only."""
    _require_int(t, "t")
    out = torch.zeros_like(t)
    for s, k in terms:
        out = out + _shift(t, k) if s > 0 else out - _shift(t, k)
    return out


def shift_exp(j: torch.Tensor, one: int) -> torch.Tensor:
    """Integer ``e^(j s)`` for ``j <= 0`` at scale ``s = 1/one``; result at the same scale."""
    _require_int(j, "j")
    jq = j + (j >> 1) - (j >> 4)  # ~ j * log2(e)
    q = torch.div(-jq, one, rounding_mode="floor")  # integer part of -j*log2(e)
    r = jq + q * one  # fractional part, (-one, 0]
    mant = one + (r >> 1)  # 2^(r s) ~= 1 + r s / 2
    return mant >> q.clamp(max=62)


@register("lambda_shift_gelu")
class LambdaShiftGELU(nn.Module):
    """Integer-only GELU approximation ``x * sigmoid(lam x)`` (no trainable parameters).

    Args:
        lam: sigmoid slope (1.702 matches GELU best).
        n_terms: number of signed shift-add terms used for ``lam``.
        input_scale: quantisation scale ``S`` of the input; ``None`` picks
            ``max|x| / (2^(bits-1) - 1)`` per call (dynamic, per tensor).
        bits: input integer width (8 for int8).
        frac_bits: extra fractional bits for the exponentials (left shift, exact).
        out_bits: the sigmoid is computed as an integer with ``out_bits`` fractional bits.

    Shapes:
        input ``[*]`` float -> output ``[*]`` float (``forward``);
        input ``[*]`` integer -> (``[*]`` int64, output scale) (``forward_int``).
    """

    def __init__(
        self,
        lam: float = 1.702,
        n_terms: int = 4,
        input_scale: float | None = None,
        bits: int = 8,
        frac_bits: int = 8,
        out_bits: int = 15,
    ):
        super().__init__()
        self.terms = shift_add_terms(lam, n_terms)
        if input_scale is not None and (not math.isfinite(input_scale) or input_scale <= 0):
            raise ValueError(f"input_scale must be a finite positive float, got {input_scale!r}")
        if not isinstance(bits, int) or not 2 <= bits <= 16:
            raise ValueError(f"bits must be an int in [2, 16], got {bits!r}")
        if not isinstance(frac_bits, int) or not 0 <= frac_bits <= 16:
            raise ValueError(f"frac_bits must be an int in [0, 16], got {frac_bits!r}")
        if not isinstance(out_bits, int) or not 1 <= out_bits <= 24:
            raise ValueError(f"out_bits must be an int in [1, 24], got {out_bits!r}")
        self.lam = lam
        self.input_scale = input_scale
        self.bits = bits
        self.frac_bits = frac_bits
        self.out_bits = out_bits

    @property
    def lam_effective(self) -> float:
        """The slope the shift-add terms actually implement."""
        return sum(s * 2.0**-k for s, k in self.terms)

    def forward_int(self, q: torch.Tensor, scale: float) -> tuple[torch.Tensor, float]:
        """Integer-only ShiftGELU of ``x = scale * q``; returns ``(q_out, scale_out)`` with ``q_out`` int64."""
        _require_int(q, "q")
        if not math.isfinite(scale) or scale <= 0:
            raise ValueError(f"scale must be a finite positive float, got {scale!r}")
        fine_scale = scale / 2**self.frac_bits  # offline constant
        one = max(1, round(1.0 / fine_scale))  # integer encoding of 1.0
        i = q.to(torch.int64)
        y = shift_mul(i << self.frac_bits, self.terms)  # lam * x at the fine scale
        m = y.clamp(min=0)  # max(y, 0)
        a = shift_exp(_require_int(y - m, "y - m"), one)  # e^(y - m)
        b = shift_exp(-m, one)  # e^(-m)
        sig = torch.div(a << self.out_bits, (a + b).clamp(min=1), rounding_mode="floor")
        out = _require_int(i * sig, "q_out")  # x * sigmoid(lam x)
        return out, scale / 2**self.out_bits

    def quantize(self, x: torch.Tensor) -> tuple[torch.Tensor, float]:
        """Float -> (integer tensor, scale): the module's input boundary."""
        qmax = 2 ** (self.bits - 1) - 1
        scale = self.input_scale
        if scale is None:
            amax = float(x.detach().abs().max()) if x.numel() else 0.0
            scale = amax / qmax if amax > 0 else 1.0
        q = torch.clamp(torch.round(x / scale), -qmax - 1, qmax).to(torch.int32)
        return q, scale

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not x.is_floating_point():
            raise ValueError(f"x must be a floating tensor (use forward_int for integers), got {x.dtype}")
        with torch.no_grad():
            q, scale = self.quantize(x)
            q_out, scale_out = self.forward_int(q, scale)
            y_int = q_out.to(x.dtype) * scale_out
        surrogate = x * torch.sigmoid(self.lam_effective * x)  # gradient path only
        return surrogate + (y_int - surrogate).detach()

    def extra_repr(self) -> str:
        return f"lam={self.lam}, terms={self.terms}, bits={self.bits}, frac_bits={self.frac_bits}"

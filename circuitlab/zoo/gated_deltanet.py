"""Gated DeltaNet: linear attention with the gated delta rule.

Paper: S. Yang, J. Kautz, A. Hatamizadeh, "Gated Delta Networks: Improving
Mamba2 with Delta Rule", ICLR 2025 (arXiv:2412.06464).

Per head, the state ``S_t`` is a ``d_k x d_v`` fast-weight matrix:

    S_t = alpha_t (I - beta_t k_t k_t^T) S_{t-1} + beta_t k_t v_t^T
    o_t = S_t^T (s q_t),                      s = d_k ** -0.5

with a decay ``alpha_t = exp(g_t)`` in (0, 1] and a writing strength
``beta_t`` in (0, 1).  Equivalently ``S_t = alpha_t S_{t-1} + beta_t k_t
(v_t - alpha_t S_{t-1}^T k_t)^T``: one gradient step on ``||S^T k - v||^2``
after decaying the memory.  With ``alpha = beta = 1`` and a unit-norm key the
value stored under ``k`` is replaced exactly.

Chunkwise form (WY representation / UT transform).  Split the sequence into
chunks of ``C`` steps, let ``gamma_i = prod_{j<=i} alpha_j`` inside a chunk and
``Gamma_ij = gamma_i / gamma_j`` (always <= 1 for ``j <= i``).  With ``S0`` the
state entering the chunk, the pseudo-values ``U`` solve the unit lower
triangular system

    (I + diag(beta) (strictly_lower(K K^T) * Gamma)) U = diag(beta) (V - diag(gamma) K S0)

(the inverse of the left factor times ``diag(beta)`` is the UT transform
``T``; ``W = T diag(gamma) K`` and ``U = T V - W S0``).  Then

    O      = diag(gamma) (s Q) S0 + (lower_incl(s Q K^T) * Gamma) U
    S_next = gamma_C S0 + (K * gamma_C / gamma)^T U

Every ratio that appears is ``<= 1``, so the chunked form is as stable as the
recurrence and agrees with it in fp32.

Backends.  :func:`naive_recurrent_gated_delta_rule` (step by step) and
:func:`chunk_gated_delta_rule_ref` (the chunked form above) are plain PyTorch
and run anywhere.  On CUDA, when flash-linear-attention (``fla``) is
importable, :class:`GatedDeltaNet` calls its Triton kernel
``fla.ops.gated_delta_rule.chunk_gated_delta_rule`` (bf16 inputs, fp32 state).
``fla`` is imported lazily inside the call, never at module import.

Layer (following the paper): ``q, k, v`` projections with a short depthwise
causal convolution and SiLU, L2-normalised ``q`` and ``k``,
``beta = sigmoid(W_b x)``, the Mamba2-style decay
``g = -exp(A_log) * softplus(W_a x + dt_bias)`` (so ``alpha = exp(g)``), and a
gated RMSNorm output ``W_o (RMSNorm(o) * SiLU(W_g x))``.
"""

from __future__ import annotations

import importlib.util
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._checks import head_dims, require_mode, require_positive
from .registry import register

__all__ = [
    "GatedDeltaNet",
    "chunk_gated_delta_rule_ref",
    "fla_available",
    "naive_recurrent_gated_delta_rule",
]


def fla_available() -> bool:
    """True when flash-linear-attention is importable (checked without importing it)."""
    return importlib.util.find_spec("fla") is not None


def _check_inputs(q, k, v, g, beta, initial_state) -> None:
    if q.dim() != 4:
        raise ValueError(f"q must be [B, T, H, K], got shape {tuple(q.shape)}")
    if k.shape != q.shape:
        raise ValueError(f"k must have the shape of q {tuple(q.shape)}, got {tuple(k.shape)}")
    if v.dim() != 4 or v.shape[:3] != q.shape[:3]:
        raise ValueError(f"v must be [B, T, H, V] matching q's [B, T, H], got {tuple(v.shape)}")
    if g.shape != q.shape[:3]:
        raise ValueError(f"g must be [B, T, H] = {tuple(q.shape[:3])}, got {tuple(g.shape)}")
    if beta.shape != q.shape[:3]:
        raise ValueError(f"beta must be [B, T, H] = {tuple(q.shape[:3])}, got {tuple(beta.shape)}")
    if initial_state is not None:
        b, _, h, dk = q.shape
        want = (b, h, dk, v.shape[-1])
        if tuple(initial_state.shape) != want:
            raise ValueError(f"initial_state must be [B, H, K, V] = {want}, got {tuple(initial_state.shape)}")


def naive_recurrent_gated_delta_rule(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    g: torch.Tensor,
    beta: torch.Tensor,
    scale: float | None = None,
    initial_state: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Step-by-step gated delta rule (the reference).

    Args:
        q: queries ``[B, T, H, K]``.
        k: keys ``[B, T, H, K]`` (normally unit-norm).
        v: values ``[B, T, H, V]``.
        g: log decay ``[B, T, H]``; ``alpha = exp(g)``.
        beta: writing strength ``[B, T, H]``.
        scale: query scale, default ``K ** -0.5``.
        initial_state: ``[B, H, K, V]`` or None (zeros).

    Returns:
        ``(o, S)`` with ``o`` ``[B, T, H, V]`` and the final state ``[B, H, K, V]``.
    """
    _check_inputs(q, k, v, g, beta, initial_state)
    b, t, h, dk = q.shape
    dv = v.shape[-1]
    scale = dk**-0.5 if scale is None else scale
    s = q.new_zeros(b, h, dk, dv) if initial_state is None else initial_state
    outs = []
    for i in range(t):
        q_i, k_i, v_i = q[:, i] * scale, k[:, i], v[:, i]  # [B, H, K], [B, H, K], [B, H, V]
        a_i = g[:, i].exp()[..., None, None]  # [B, H, 1, 1]
        b_i = beta[:, i][..., None]  # [B, H, 1]
        s = a_i * s
        v_old = torch.einsum("bhkv,bhk->bhv", s, k_i)  # [B, H, V]
        s = s + torch.einsum("bhk,bhv->bhkv", k_i, b_i * (v_i - v_old))
        outs.append(torch.einsum("bhkv,bhk->bhv", s, q_i))
    return torch.stack(outs, dim=1), s


def chunk_gated_delta_rule_ref(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    g: torch.Tensor,
    beta: torch.Tensor,
    chunk_size: int = 64,
    scale: float | None = None,
    initial_state: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Chunkwise-parallel gated delta rule via the WY / UT transform (plain PyTorch).

    Same arguments and returns as :func:`naive_recurrent_gated_delta_rule`, plus
    ``chunk_size`` (steps per chunk, > 0).  The sequence is zero-padded to a
    multiple of ``chunk_size`` with ``g = 0, beta = 0`` (steps that leave the
    state unchanged).
    """
    _check_inputs(q, k, v, g, beta, initial_state)
    if chunk_size <= 0:
        raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
    b, t, h, dk = q.shape
    dv = v.shape[-1]
    scale = dk**-0.5 if scale is None else scale
    c = chunk_size
    pad = (-t) % c
    if pad:
        q, k, v = (F.pad(x, (0, 0, 0, 0, 0, pad)) for x in (q, k, v))
        g, beta = (F.pad(x, (0, 0, 0, pad)) for x in (g, beta))
    n = (t + pad) // c

    def chunks(x: torch.Tensor) -> torch.Tensor:  # [B, T, H, *] -> [B, H, N, C, *]
        x = x.transpose(1, 2)
        return x.reshape(b, h, n, c, *x.shape[3:])

    q, k, v, g, beta = map(chunks, (q * scale, k, v, g, beta))
    g = g.cumsum(-1)  # [B, H, N, C]  log gamma_i inside each chunk
    strict = torch.ones(c, c, dtype=torch.bool, device=q.device).tril(-1)
    incl = torch.ones(c, c, dtype=torch.bool, device=q.device).tril()
    diff = g[..., :, None] - g[..., None, :]  # [B, H, N, C, C]  log Gamma_ij
    gamma_ratio = diff.masked_fill(~incl, float("-inf")).exp()  # zero above the diagonal

    kkt = k @ k.transpose(-1, -2)  # [B, H, N, C, C]
    eye = torch.eye(c, dtype=q.dtype, device=q.device)
    lhs = eye + beta[..., None] * (kkt * gamma_ratio).masked_fill(~strict, 0.0)
    rhs = torch.cat([beta[..., None] * v, beta[..., None] * g.exp()[..., None] * k], dim=-1)
    sol = torch.linalg.solve_triangular(lhs, rhs, upper=False, unitriangular=True)
    u, w = sol[..., :dv], sol[..., dv:]  # [B, H, N, C, V], [B, H, N, C, K]
    attn = (q @ k.transpose(-1, -2)) * gamma_ratio  # [B, H, N, C, C], lower incl.

    s = q.new_zeros(b, h, dk, dv) if initial_state is None else initial_state
    outs = []
    for i in range(n):
        u_i = u[:, :, i] - w[:, :, i] @ s  # [B, H, C, V]
        g_i = g[:, :, i]  # [B, H, C]
        outs.append((q[:, :, i] * g_i.exp()[..., None]) @ s + attn[:, :, i] @ u_i)
        g_last = g_i[..., -1:]  # [B, H, 1]
        k_dec = k[:, :, i] * (g_last - g_i).exp()[..., None]  # [B, H, C, K]
        s = g_last.exp()[..., None] * s + k_dec.transpose(-1, -2) @ u_i
    o = torch.stack(outs, dim=2).reshape(b, h, n * c, dv).transpose(1, 2)
    return o[:, :t], s


def _fla_chunk(q, k, v, g, beta, scale, initial_state):
    """flash-linear-attention's Triton kernel (CUDA only; bf16 q/k/v, fp32 state)."""
    from fla.ops.gated_delta_rule import chunk_gated_delta_rule  # lazy: optional dependency

    dtype = v.dtype
    lo = torch.bfloat16
    h0 = None if initial_state is None else initial_state.float()
    o, s = chunk_gated_delta_rule(
        q.to(lo),
        k.to(lo),
        v.to(lo),
        g.float(),
        beta.to(lo),
        scale=scale,
        initial_state=h0,
        output_final_state=True,
        head_first=False,
    )
    return o.to(dtype), s.to(dtype)


@register("gated_deltanet")
class GatedDeltaNet(nn.Module):
    """Gated DeltaNet token mixer.

    Args:
        d_model: model width ``D``.
        n_heads: number of heads ``H``.
        head_k_dim: key/query width per head ``K`` (default ``D // H``).
        head_v_dim: value width per head ``V`` (default ``D // H``).
        conv_size: kernel of the short depthwise causal conv on q/k/v (0 = none).
        chunk_size: chunk length of the chunked form.
        mode: ``"chunk"`` (WY form) or ``"recurrent"`` (step by step) for the
            PyTorch path.
        use_fla: ``None`` = use fla's Triton kernel when on CUDA and importable,
            ``False`` = never, ``True`` = require it (RuntimeError otherwise).

    Shapes: ``x`` ``[B, T, D]`` -> ``[B, T, D]``; the state is ``[B, H, K, V]``.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int = 4,
        head_k_dim: int | None = None,
        head_v_dim: int | None = None,
        conv_size: int = 4,
        chunk_size: int = 64,
        mode: str = "chunk",
        use_fla: bool | None = None,
        norm_eps: float = 1e-5,
    ) -> None:
        super().__init__()
        head_k_dim, head_v_dim = head_dims(d_model, n_heads, head_k_dim, head_v_dim)
        if conv_size < 0:
            raise ValueError(f"conv_size must be >= 0, got {conv_size}")
        require_positive(chunk_size=chunk_size)
        require_mode(mode)
        self.d_model, self.n_heads = d_model, n_heads
        self.head_k_dim, self.head_v_dim = head_k_dim, head_v_dim
        self.chunk_size, self.mode, self.use_fla = chunk_size, mode, use_fla
        hk, hv = n_heads * head_k_dim, n_heads * head_v_dim
        self.qkv_proj = nn.Linear(d_model, 2 * hk + hv, bias=False)
        self.conv = (
            nn.Conv1d(2 * hk + hv, 2 * hk + hv, conv_size, groups=2 * hk + hv, padding=conv_size - 1)
            if conv_size > 0
            else None
        )
        self.b_proj = nn.Linear(d_model, n_heads)
        self.a_proj = nn.Linear(d_model, n_heads)
        # Mamba2-style decay init: A in [1, 16], dt in [1e-3, 1e-1].
        self.A_log = nn.Parameter(torch.empty(n_heads).uniform_(1.0, 16.0).log())
        dt = torch.exp(torch.rand(n_heads) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3))
        self.dt_bias = nn.Parameter(dt + torch.log(-torch.expm1(-dt)))  # softplus^{-1}(dt)
        self.g_proj = nn.Linear(d_model, hv, bias=False)
        self.o_norm = nn.RMSNorm(head_v_dim, eps=norm_eps)
        self.o_proj = nn.Linear(hv, d_model, bias=False)

    def _backend(self, x: torch.Tensor) -> str:
        ok = x.is_cuda and fla_available()
        if self.use_fla is True and not ok:
            raise RuntimeError("use_fla=True needs a CUDA tensor and flash-linear-attention installed")
        if ok and self.use_fla is not False:
            return "fla"
        return self.mode

    def forward(self, x: torch.Tensor, initial_state: torch.Tensor | None = None, return_state: bool = False):
        """``x`` ``[B, T, D]`` -> ``[B, T, D]`` (and the final state ``[B, H, K, V]`` if asked)."""
        if x.dim() != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"x must be [B, T, {self.d_model}], got {tuple(x.shape)}")
        bsz, t, _ = x.shape
        h, dk, dv = self.n_heads, self.head_k_dim, self.head_v_dim
        qkv = self.qkv_proj(x)  # [B, T, 2HK + HV]
        if self.conv is not None:
            qkv = self.conv(qkv.transpose(1, 2))[..., :t].transpose(1, 2)
        qkv = F.silu(qkv)
        q, k, v = qkv.split([h * dk, h * dk, h * dv], dim=-1)
        q = F.normalize(q.view(bsz, t, h, dk), dim=-1)  # [B, T, H, K]
        k = F.normalize(k.view(bsz, t, h, dk), dim=-1)  # [B, T, H, K]
        v = v.view(bsz, t, h, dv)  # [B, T, H, V]
        beta = self.b_proj(x).sigmoid()  # [B, T, H]
        g = -self.A_log.float().exp() * F.softplus(self.a_proj(x).float() + self.dt_bias)  # [B, T, H]
        g = g.to(x.dtype)
        scale = dk**-0.5
        backend = self._backend(x)
        if backend == "fla":
            o, state = _fla_chunk(q, k, v, g, beta, scale, initial_state)
        elif backend == "chunk":
            o, state = chunk_gated_delta_rule_ref(q, k, v, g, beta, self.chunk_size, scale, initial_state)
        else:
            o, state = naive_recurrent_gated_delta_rule(q, k, v, g, beta, scale, initial_state)
        gate = F.silu(self.g_proj(x)).view(bsz, t, h, dv)
        y = self.o_proj((self.o_norm(o) * gate).reshape(bsz, t, h * dv))
        return (y, state) if return_state else y

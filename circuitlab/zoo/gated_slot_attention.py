"""Gated Slot Attention (GSA): a bounded memory of ``m`` slots read with a softmax.

Paper: Y. Zhang, S. Yang, R. Zhu, Y. Zhang, L. Cui, Y. Wang, B. Wang, F. Shi,
B. Wang, W. Bi, P. Zhou, G. Fu, "Gated Slot Attention for Efficient
Linear-Time Sequence Modeling", NeurIPS 2024 (arXiv:2409.07146).

Per head, with a forget gate ``alpha_t = sigmoid(W_a x_t) ** (1 / tau)`` in
``(0, 1)^m`` (one entry per slot), the memory is two slot matrices,
``K~ in R^{m x d_k}`` and ``V~ in R^{m x d_v}``:

    K~_t = diag(alpha_t) K~_{t-1} + (1 - alpha_t) k_t^T
    V~_t = diag(alpha_t) V~_{t-1} + (1 - alpha_t) v_t^T
    o_t  = V~_t^T softmax(K~_t (s q_t)),          s = d_k ** -0.5

Both updates are gated linear attention (GLA) passes that share the write
vector ``s_t = 1 - alpha_t`` and the gate ``alpha_t``:

    pass 1:  S1_t = S1_{t-1} diag(alpha_t) + k_t s_t^T     (S1 = K~^T, gate on the value axis)
             p_t  = softmax(S1_t^T s q_t)                  (attention over the m slots)
    pass 2:  S2_t = diag(alpha_t) S2_{t-1} + s_t v_t^T     (S2 = V~, gate on the key axis)
             o_t  = S2_t^T p_t

The state is ``m * (d_k + d_v)`` numbers per head whatever the sequence length
(bounded memory); a token-by-token run gives the same outputs as a full pass.

Backends: :func:`naive_recurrent_gsa` (reference recurrence) and
:func:`chunk_gsa_ref` (two chunkwise-parallel GLA passes, :func:`chunk_gla_ref`)
are plain PyTorch.  On CUDA, when flash-linear-attention is importable,
:class:`GatedSlotAttention` calls ``fla.ops.gsa.chunk_gsa`` (lazy import).

Layer: ``q, k = SiLU(W_q x), SiLU(W_k x)``, ``v = W_v x``,
``log alpha = logsigmoid(W_a x) / tau`` (``tau = gate_logit_normalizer``),
output ``W_o (RMSNorm(o) * SiLU(W_g x))``.
"""

from __future__ import annotations

import importlib.util

import torch
import torch.nn as nn
import torch.nn.functional as F

from ._checks import head_dims, require_mode, require_positive
from .registry import register

__all__ = [
    "GatedSlotAttention",
    "chunk_gla_ref",
    "chunk_gsa_ref",
    "fla_available",
    "naive_recurrent_gsa",
]


def fla_available() -> bool:
    """True when flash-linear-attention is importable (checked without importing it)."""
    return importlib.util.find_spec("fla") is not None


def _check(q, k, v, g, initial_state) -> None:
    if q.dim() != 4:
        raise ValueError(f"q must be [B, T, H, K], got shape {tuple(q.shape)}")
    if k.shape != q.shape:
        raise ValueError(f"k must have the shape of q {tuple(q.shape)}, got {tuple(k.shape)}")
    if v.dim() != 4 or v.shape[:3] != q.shape[:3]:
        raise ValueError(f"v must be [B, T, H, V] matching q's [B, T, H], got {tuple(v.shape)}")
    if g.dim() != 4 or g.shape[:3] != q.shape[:3]:
        raise ValueError(f"g must be [B, T, H, M] matching q's [B, T, H], got {tuple(g.shape)}")
    if initial_state is not None:
        b, _, h, dk = q.shape
        m, dv = g.shape[-1], v.shape[-1]
        if (
            len(initial_state) != 2
            or tuple(initial_state[0].shape) != (b, h, m, dk)
            or tuple(initial_state[1].shape) != (b, h, m, dv)
        ):
            raise ValueError(
                f"initial_state must be (K~ [B, H, M, K], V~ [B, H, M, V]) = ({(b, h, m, dk)}, {(b, h, m, dv)})"
            )


def naive_recurrent_gsa(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    g: torch.Tensor,
    scale: float | None = None,
    initial_state: tuple[torch.Tensor, torch.Tensor] | None = None,
) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """Reference GSA recurrence.

    Args:
        q, k: ``[B, T, H, K]``.
        v: ``[B, T, H, V]``.
        g: log forget gate ``[B, T, H, M]`` (``alpha = exp(g)``, ``g <= 0``).
        scale: query scale, default ``K ** -0.5``.
        initial_state: ``(K~ [B, H, M, K], V~ [B, H, M, V])`` or None (zeros).

    Returns:
        ``o`` ``[B, T, H, V]`` and the final ``(K~, V~)``.
    """
    _check(q, k, v, g, initial_state)
    b, t, h, dk = q.shape
    m, dv = g.shape[-1], v.shape[-1]
    scale = dk**-0.5 if scale is None else scale
    if initial_state is None:
        ks, vs = q.new_zeros(b, h, m, dk), q.new_zeros(b, h, m, dv)
    else:
        ks, vs = initial_state
    outs = []
    for i in range(t):
        a = g[:, i].exp()[..., None]  # [B, H, M, 1]
        ks = a * ks + (1 - a) * k[:, i, :, None, :]  # [B, H, M, K]
        vs = a * vs + (1 - a) * v[:, i, :, None, :]  # [B, H, M, V]
        p = torch.einsum("bhmk,bhk->bhm", ks, q[:, i] * scale).softmax(-1)  # [B, H, M]
        outs.append(torch.einsum("bhmv,bhm->bhv", vs, p))
    return torch.stack(outs, dim=1), (ks, vs)


def chunk_gla_ref(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    gk: torch.Tensor | None = None,
    gv: torch.Tensor | None = None,
    chunk_size: int = 16,
    initial_state: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Chunkwise gated linear attention with gates on the key and/or value axis.

    ``S_t = diag(exp(gk_t)) S_{t-1} diag(exp(gv_t)) + k_t v_t^T``, ``o_t = S_t^T q_t``
    (no query scaling here).  Inside a chunk the decays enter only as
    ``exp(b_i - b_j)`` with ``j <= i`` (cumulative log gates), so nothing overflows.

    Args:
        q, k: ``[B, T, H, K]``;  v: ``[B, T, H, V]``.
        gk: log gates ``[B, T, H, K]`` or None;  gv: ``[B, T, H, V]`` or None.
        chunk_size: steps per chunk (> 0).
        initial_state: ``[B, H, K, V]`` or None.

    Returns:
        ``o`` ``[B, T, H, V]`` and the final state ``[B, H, K, V]``.
    """
    if chunk_size <= 0:
        raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
    b, t, h, dk = q.shape
    dv = v.shape[-1]
    gk = q.new_zeros(b, t, h, dk) if gk is None else gk
    gv = q.new_zeros(b, t, h, dv) if gv is None else gv
    c = min(chunk_size, t)  # never pad a short sequence up to a long chunk
    pad = (-t) % c
    if pad:
        q, k, v, gk, gv = (F.pad(x, (0, 0, 0, 0, 0, pad)) for x in (q, k, v, gk, gv))
    n = (t + pad) // c

    def chunks(x: torch.Tensor) -> torch.Tensor:  # [B, T, H, D] -> [B, H, N, C, D]
        return x.transpose(1, 2).reshape(b, h, n, c, x.shape[-1])

    q, k, v, gk, gv = map(chunks, (q, k, v, gk, gv))
    bk, bv = gk.cumsum(3), gv.cumsum(3)  # [B, H, N, C, K], [B, H, N, C, V]
    mask = torch.ones(c, c, dtype=torch.bool, device=q.device).tril()[..., None]  # [C, C, 1]

    def ratio(x: torch.Tensor) -> torch.Tensor:  # exp(x_i - x_j) for j <= i, else 0: [.., C, C, D]
        return (x[..., :, None, :] - x[..., None, :, :]).masked_fill(~mask, float("-inf")).exp()

    attn = torch.einsum("bhnik,bhnjk,bhnijk->bhnij", q, k, ratio(bk))  # [B, H, N, C, C]
    intra = torch.einsum("bhnij,bhnjv,bhnijv->bhniv", attn, v, ratio(bv))  # [B, H, N, C, V]

    s = q.new_zeros(b, h, dk, dv) if initial_state is None else initial_state
    outs = []
    for i in range(n):
        bk_i, bv_i = bk[:, :, i], bv[:, :, i]  # [B, H, C, K], [B, H, C, V]
        inter = ((q[:, :, i] * bk_i.exp()) @ s) * bv_i.exp()  # [B, H, C, V]
        outs.append(inter + intra[:, :, i])
        kd = k[:, :, i] * (bk_i[:, :, -1:] - bk_i).exp()  # [B, H, C, K]
        vd = v[:, :, i] * (bv_i[:, :, -1:] - bv_i).exp()  # [B, H, C, V]
        s = bk_i[:, :, -1, :, None].exp() * s * bv_i[:, :, -1, None, :].exp() + kd.transpose(-1, -2) @ vd
    o = torch.stack(outs, dim=2).reshape(b, h, n * c, dv).transpose(1, 2)
    return o[:, :t], s


def chunk_gsa_ref(
    q: torch.Tensor,
    k: torch.Tensor,
    v: torch.Tensor,
    g: torch.Tensor,
    scale: float | None = None,
    initial_state: tuple[torch.Tensor, torch.Tensor] | None = None,
    chunk_size: int = 16,
) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """GSA as two chunkwise GLA passes; same arguments/returns as :func:`naive_recurrent_gsa`."""
    _check(q, k, v, g, initial_state)
    dk = q.shape[-1]
    scale = dk**-0.5 if scale is None else scale
    s = 1 - g.exp()  # [B, T, H, M]  slot write weights
    ks0 = vs0 = None
    if initial_state is not None:
        ks0, vs0 = initial_state[0].transpose(-1, -2), initial_state[1]
    ok, s1 = chunk_gla_ref(q * scale, k, s, gv=g, chunk_size=chunk_size, initial_state=ks0)  # [B, T, H, M]
    p = ok.softmax(-1)
    o, s2 = chunk_gla_ref(p, s, v, gk=g, chunk_size=chunk_size, initial_state=vs0)  # [B, T, H, V]
    return o, (s1.transpose(-1, -2), s2)


def _fla_gsa(q, k, v, g, scale, initial_state):
    """flash-linear-attention's chunked Triton GSA kernel (CUDA only)."""
    from fla.ops.gsa import chunk_gsa  # lazy: optional dependency

    h0 = None
    if initial_state is not None:  # fla keeps K~ transposed: [B, H, K, M]
        h0 = (initial_state[0].transpose(-1, -2).contiguous(), initial_state[1].contiguous())
    o, (hk, hv) = chunk_gsa(
        q,
        k,
        v,
        1 - g.exp(),
        g,
        scale=scale,
        initial_state=h0,
        output_final_state=True,
        head_first=False,
    )  # inputs are [B, T, H, *]; older fla versions default to head-first
    return o, (hk.transpose(-1, -2), hv)


@register("gated_slot_attention")
class GatedSlotAttention(nn.Module):
    """Gated Slot Attention token mixer.

    Args:
        d_model: model width ``D``.
        n_heads: heads ``H``.
        n_slots: memory slots per head ``M``.
        head_k_dim / head_v_dim: per-head widths (default ``D // H``).
        gate_logit_normalizer: ``tau`` in ``alpha = sigmoid(.) ** (1 / tau)``.
        chunk_size: chunk length of the chunked PyTorch path.
        mode: ``"chunk"`` or ``"recurrent"`` for the PyTorch path.
        use_fla: ``None`` = fla on CUDA when importable, ``False`` = never,
            ``True`` = require it (RuntimeError otherwise).

    Shapes: ``x`` ``[B, T, D]`` -> ``[B, T, D]``; state
    ``(K~ [B, H, M, K], V~ [B, H, M, V])``, independent of ``T``.
    """

    def __init__(
        self,
        d_model: int,
        n_heads: int = 4,
        n_slots: int = 16,
        head_k_dim: int | None = None,
        head_v_dim: int | None = None,
        gate_logit_normalizer: float = 8.0,
        chunk_size: int = 16,
        mode: str = "chunk",
        use_fla: bool | None = None,
        norm_eps: float = 1e-5,
    ) -> None:
        super().__init__()
        head_k_dim, head_v_dim = head_dims(d_model, n_heads, head_k_dim, head_v_dim)
        require_positive(n_slots=n_slots, gate_logit_normalizer=gate_logit_normalizer, chunk_size=chunk_size)
        require_mode(mode)
        self.d_model, self.n_heads, self.n_slots = d_model, n_heads, n_slots
        self.head_k_dim, self.head_v_dim = head_k_dim, head_v_dim
        self.tau, self.chunk_size, self.mode, self.use_fla = gate_logit_normalizer, chunk_size, mode, use_fla
        hk, hv = n_heads * head_k_dim, n_heads * head_v_dim
        self.q_proj = nn.Linear(d_model, hk, bias=False)
        self.k_proj = nn.Linear(d_model, hk, bias=False)
        self.v_proj = nn.Linear(d_model, hv, bias=False)
        self.f_proj = nn.Linear(d_model, n_heads * n_slots)
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

    def forward(self, x: torch.Tensor, initial_state=None, return_state: bool = False):
        """``x`` ``[B, T, D]`` -> ``[B, T, D]`` (and the slot state if ``return_state``)."""
        if x.dim() != 3 or x.shape[-1] != self.d_model:
            raise ValueError(f"x must be [B, T, {self.d_model}], got {tuple(x.shape)}")
        bsz, t, _ = x.shape
        h, m, dk, dv = self.n_heads, self.n_slots, self.head_k_dim, self.head_v_dim
        q = F.silu(self.q_proj(x)).view(bsz, t, h, dk)  # [B, T, H, K]
        k = F.silu(self.k_proj(x)).view(bsz, t, h, dk)  # [B, T, H, K]
        v = self.v_proj(x).view(bsz, t, h, dv)  # [B, T, H, V]
        g = F.logsigmoid(self.f_proj(x)).view(bsz, t, h, m) / self.tau  # [B, T, H, M]  log alpha
        scale = dk**-0.5
        backend = self._backend(x)
        if backend == "fla":
            o, state = _fla_gsa(q, k, v, g, scale, initial_state)
        elif backend == "chunk":
            o, state = chunk_gsa_ref(q, k, v, g, scale, initial_state, self.chunk_size)
        else:
            o, state = naive_recurrent_gsa(q, k, v, g, scale, initial_state)
        gate = F.silu(self.g_proj(x)).view(bsz, t, h, dv)
        y = self.o_proj((self.o_norm(o) * gate).reshape(bsz, t, h * dv))
        return (y, state) if return_state else y

"""GDKVM: a gated-delta-rule key-value memory carried across video frames.

Paper: R. Wang, Y. Sun, J. Guo, H. Wu, J. Qin, "GDKVM: Echocardiography Video
Segmentation via Spatiotemporal Key-Value Memory with Gated Delta Rule",
ICCV 2025 (arXiv:2512.10252).  Only the memory cell is implemented here (the
paper's "linear key-value association" + "gated delta rule"); the ResNet
encoders, KPFF fusion and mask decoder are not.

Frame ``t`` brings ``P`` pixel keys ``K_t in R^{P x d_k}`` (rows L2-normalised)
and pixel values ``V_t in R^{P x d_v}``.  The memory ``S in R^{d_k x d_v}`` is
read, then written with the gated delta rule on the pixel-averaged outer
products:

    read:   O_t = K_t S_{t-1}                                   # [P, d_v]
    M_t   = K_t^T K_t / P,    W_t = K_t^T V_t / P
    write:  S_t = alpha_t (S_{t-1} - beta_t M_t S_{t-1}) + beta_t W_t

``alpha_t, beta_t = sigmoid(.)`` are computed from the frame (mean-pooled key
and value features) per head; a head is a group of ``d_v / H`` value channels
(columns of ``S``), as in the paper's code.

Why this is stable: ``M_t`` is symmetric PSD with trace 1, so the eigenvalues
of ``I - beta M_t`` lie in ``[1 - beta, 1]`` and ``||(I - beta M_t) S||_F <= ||S||_F``.
With ``alpha in (0, 1)``: ``||S_t||_F <= alpha ||S_{t-1}||_F + beta ||W_t||_F``, so
the state stays below ``max ||W|| / (1 - max alpha)`` for any number of frames.
When every pixel of a frame carries the same unit key ``k`` (a uniform
region, or ``P = 1``) and ``alpha = beta = 1``, the write is an exact
overwrite: afterwards ``S^T k`` equals the frame's mean value.  (For ``P``
distinct orthonormal keys the averaging makes each overwrite partial, ``1/P``;
that is the price of the bound above.)

Difference from the public code (wangrui2025/GDKVM, ``model/gdkvm01.py``):
there the decay is ``alpha = -exp(A_log) * softplus(a_proj(S) + dt_bias)``, the
Mamba2 *log*-decay, used directly as a multiplier without ``exp``.  It is
negative and its magnitude is not bounded by 1 (``A`` is initialised in
``[0, 16]``), so it is not confined to ``(0, 1)``: the memory flips sign every
frame and grows whenever ``|alpha| > 1``.  Keys there are a channel softmax
and the frame term is a pixel *sum* (not mean), so ``I - beta K^T K`` can have
eigenvalues below ``-1`` too.  Here ``alpha`` is a sigmoid, in ``(0, 1)``.
:func:`public_code_decay` reproduces their formula for comparison only.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .registry import register

__all__ = ["GDKVMemory", "gdkvm_recurrence", "gdkvm_write", "public_code_decay"]


def gdkvm_write(
    state: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, alpha: torch.Tensor, beta: torch.Tensor
) -> torch.Tensor:
    """One gated-delta-rule write of a frame.

    Args:
        state: ``[B, K, V]`` memory ``S_{t-1}``.
        keys: ``[B, P, K]`` pixel keys (unit-norm rows).
        values: ``[B, P, V]`` pixel values.
        alpha, beta: ``[B, V]`` per value channel (a head's gate repeated over its channels).

    Returns:
        ``S_t`` ``[B, K, V]``.
    """
    p = keys.shape[1]
    m_s = keys.transpose(1, 2) @ (keys @ state) / p  # [B, K, V]  M_t S
    w = keys.transpose(1, 2) @ values / p  # [B, K, V]  W_t
    a, b = alpha[:, None, :], beta[:, None, :]  # [B, 1, V]
    return a * (state - b * m_s) + b * w


def gdkvm_recurrence(
    keys: torch.Tensor,
    values: torch.Tensor,
    alpha: torch.Tensor,
    beta: torch.Tensor,
    initial_state: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Run the memory over ``T`` frames: read each frame, then write it.

    Args:
        keys: ``[B, T, P, K]`` (unit-norm rows);  values: ``[B, T, P, V]``.
        alpha, beta: ``[B, T, V]``.
        initial_state: ``[B, K, V]`` or None (zeros).

    Returns:
        ``(readout [B, T, P, V], final state [B, K, V], state norms [B, T])`` where
        ``readout[:, t] = keys[:, t] @ S_{t-1}`` and ``norms[:, t] = ||S_t||_F``.
    """
    b, t, _, dk = keys.shape
    dv = values.shape[-1]
    s = keys.new_zeros(b, dk, dv) if initial_state is None else initial_state
    reads, norms = [], []
    for i in range(t):
        reads.append(keys[:, i] @ s)  # [B, P, V]
        s = gdkvm_write(s, keys[:, i], values[:, i], alpha[:, i], beta[:, i])
        norms.append(s.flatten(1).norm(dim=1))
    return torch.stack(reads, 1), s, torch.stack(norms, 1)


def public_code_decay(a: torch.Tensor, A_log: torch.Tensor, dt_bias: torch.Tensor) -> torch.Tensor:
    """The decay multiplier of the public GDKVM code: ``-exp(A_log) * softplus(a + dt_bias)``.

    Not used by :class:`GDKVMemory`; kept to show that it is not confined to ``(0, 1)``.
    """
    return -A_log.exp() * F.softplus(a + dt_bias)


@register("gdkvm")
class GDKVMemory(nn.Module):
    """Gated-delta-rule key-value memory over video frames.

    Args:
        key_in: channels of the key features ``Ck``.
        value_in: channels of the value features ``Cv``.
        key_dim: memory key width ``K``.
        value_dim: memory value width ``V``.
        n_heads: gate groups; must divide ``value_dim``.
        alpha_bias: initial bias of the decay logit (``sigmoid(3) ~ 0.95``).

    Shapes: ``keys`` ``[B, T, P, Ck]``, ``values`` ``[B, T, P, Cv]`` ->
    readout ``[B, T, P, V]`` (frame ``t`` read from the memory of frames ``< t``);
    state ``[B, K, V]``.
    """

    def __init__(
        self,
        key_in: int,
        value_in: int,
        key_dim: int = 32,
        value_dim: int = 32,
        n_heads: int = 4,
        alpha_bias: float = 3.0,
    ) -> None:
        super().__init__()
        for name, val in (
            ("key_in", key_in),
            ("value_in", value_in),
            ("key_dim", key_dim),
            ("value_dim", value_dim),
            ("n_heads", n_heads),
        ):
            if val <= 0:
                raise ValueError(f"{name} must be > 0, got {val}")
        if value_dim % n_heads:
            raise ValueError(f"n_heads={n_heads} must divide value_dim={value_dim}")
        self.key_in, self.value_in = key_in, value_in
        self.key_dim, self.value_dim, self.n_heads = key_dim, value_dim, n_heads
        self.key_proj = nn.Linear(key_in, key_dim)
        self.value_proj = nn.Linear(value_in, value_dim)
        self.gate_proj = nn.Linear(key_in + value_in, 2 * n_heads)
        with torch.no_grad():
            self.gate_proj.bias[:n_heads].fill_(alpha_bias)

    def gates(self, keys: torch.Tensor, values: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """``alpha, beta`` ``[B, T, V]`` in ``(0, 1)`` from the pooled frame features."""
        pooled = torch.cat([keys.mean(2), values.mean(2)], dim=-1)  # [B, T, Ck + Cv]
        a, b = self.gate_proj(pooled).sigmoid().chunk(2, dim=-1)  # [B, T, H] each
        rep = self.value_dim // self.n_heads
        return a.repeat_interleave(rep, -1), b.repeat_interleave(rep, -1)

    def forward(
        self,
        keys: torch.Tensor,
        values: torch.Tensor,
        initial_state: torch.Tensor | None = None,
        return_state: bool = False,
    ):
        if keys.dim() != 4 or keys.shape[-1] != self.key_in:
            raise ValueError(f"keys must be [B, T, P, {self.key_in}], got {tuple(keys.shape)}")
        if values.dim() != 4 or values.shape[-1] != self.value_in or values.shape[:3] != keys.shape[:3]:
            raise ValueError(f"values must be [B, T, P, {self.value_in}] matching keys, got {tuple(values.shape)}")
        want = (keys.shape[0], self.key_dim, self.value_dim)
        if initial_state is not None and tuple(initial_state.shape) != want:
            raise ValueError(f"initial_state must be {want}, got {tuple(initial_state.shape)}")
        alpha, beta = self.gates(keys, values)
        k = F.normalize(self.key_proj(keys), dim=-1)  # [B, T, P, K]
        v = self.value_proj(values)  # [B, T, P, V]
        read, state, _ = gdkvm_recurrence(k, v, alpha, beta, initial_state)
        return (read, state) if return_state else read

"""Masked Gated Linear Units: MGLU and SwiMGLU feed-forward networks.

Paper: Y. Tajima, N. Inoue, Y. Sekikawa, I. Sato, R. Yokota, "Masked Gated Linear
Unit", NeurIPS 2025 (arXiv:2506.23225).

A GLU needs two matrices (gate ``W_g``, value ``W_v``). MGLU keeps one shared
matrix ``W [d_model, d_hidden]`` and learns ``m`` binary element masks ``M_i``
(Mixture of Element-wise Gating, MoEG) that assign each weight either to the gate
or to the value stream::

    M_i = 1[L_i > 0]           (forward; straight-through gradient d M_i / d L_i = sigmoid'(L_i))
    h   = sum_i act(x (W * M_i)) * (x (W * (1 - M_i)))          [*, d_hidden]
    y   = h W_out                                                [*, d_out]

``act = silu`` gives SwiMGLU. With one fixed mask the layer *is* a GLU whose gate and
value weights are the complementary halves ``W * M`` and ``W * (1 - M)``.

Backends: ``naive`` (plain PyTorch, :mod:`.mglu_naive`), ``triton`` (fused kernels,
:mod:`.mglu_triton`; CUDA, or CPU under ``TRITON_INTERPRET=1``), ``auto`` (triton
when it can run, else naive).
"""

from __future__ import annotations

import torch
from torch import nn

from .mglu_naive import ACTIVATIONS, mglu_naive
from .mglu_triton import can_use_triton, mglu_triton
from .registry import register

BACKENDS = ("auto", "naive", "triton")


@register("mglu")
class MGLU(nn.Module):
    """MGLU feed-forward network with a shared weight and learned element masks.

    Args:
        d_model: input width ``K``.
        d_hidden: hidden width ``H``.
        n_masks: number of masks ``m`` (MoEG mixture size).
        activation: gate nonlinearity, ``silu`` (SwiMGLU), ``sigmoid`` or ``relu``.
        d_out: output width (default ``d_model``).
        backend: ``auto``, ``naive`` or ``triton``.

    Shapes:
        input ``[*, d_model]`` -> output ``[*, d_out]``.
    """

    def __init__(
        self,
        d_model: int,
        d_hidden: int,
        n_masks: int = 1,
        activation: str = "sigmoid",
        d_out: int | None = None,
        backend: str = "auto",
    ):
        super().__init__()
        d_out = d_model if d_out is None else d_out
        for name, v in (("d_model", d_model), ("d_hidden", d_hidden), ("n_masks", n_masks), ("d_out", d_out)):
            if not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
        self.d_model, self.d_hidden, self.activation, self.backend = d_model, d_hidden, activation, backend
        self.weight = nn.Parameter(torch.empty(d_model, d_hidden))  # W  [K, H]
        nn.init.uniform_(self.weight, -(d_model**-0.5), d_model**-0.5)
        self.mask_logits = nn.Parameter(torch.empty(n_masks, d_model, d_hidden))  # L  [m, K, H]
        nn.init.uniform_(self.mask_logits, -1.0, 1.0)
        self.w_out = nn.Linear(d_hidden, d_out, bias=False)  # W_out

    def masks(self) -> torch.Tensor:
        """Binary masks ``[m, K, H]`` with a straight-through gradient to ``mask_logits``."""
        soft = torch.sigmoid(self.mask_logits)
        hard = (self.mask_logits > 0).to(soft.dtype)
        return hard + soft - soft.detach()

    @torch.no_grad()
    def set_masks(self, masks: torch.Tensor, margin: float = 4.0) -> None:
        """Fix the masks to a given binary ``[m, K, H]`` tensor (logits set to +-margin)."""
        if masks.shape != self.mask_logits.shape:
            raise ValueError(f"masks must have shape {tuple(self.mask_logits.shape)}, got {tuple(masks.shape)}")
        if not torch.all((masks == 0) | (masks == 1)):
            raise ValueError("masks must be binary (0/1)")
        self.mask_logits.copy_((masks.to(self.mask_logits.dtype) * 2 - 1) * margin)

    def _use_triton(self, x: torch.Tensor) -> bool:
        if self.backend == "naive":
            return False
        if self.backend == "triton":
            if not can_use_triton(x):
                raise ValueError("backend='triton' needs CUDA tensors or TRITON_INTERPRET=1")
            return True
        return can_use_triton(x)

    def core(self, x2d: torch.Tensor) -> torch.Tensor:
        """The gated hidden activations ``h``: ``[N, d_model] -> [N, d_hidden]``."""
        fn = mglu_triton if self._use_triton(x2d) else mglu_naive
        return fn(x2d, self.weight, self.masks(), self.activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() == 0 or x.shape[-1] != self.d_model:
            raise ValueError(f"x: last dimension must be d_model={self.d_model}, got shape {tuple(x.shape)}")
        lead = x.shape[:-1]
        h = self.core(x.reshape(-1, self.d_model))  # [N, H]
        return self.w_out(h).reshape(*lead, -1)  # [*, d_out]


@register("swimglu")
class SwiMGLU(MGLU):
    """MGLU with the Swish (SiLU) gate. Args as :class:`MGLU` without ``activation``."""

    def __init__(self, d_model: int, d_hidden: int, n_masks: int = 1, d_out: int | None = None, backend: str = "auto"):
        super().__init__(d_model, d_hidden, n_masks, "silu", d_out, backend)

"""Argument checks shared by the zoo's multi-head sequence mixers (one clear ValueError each)."""

from __future__ import annotations

MODES = ("chunk", "recurrent")


def require_positive(**values) -> None:
    """``ValueError`` naming the first argument that is not > 0."""
    for name, value in values.items():
        if value <= 0:
            raise ValueError(f"{name} must be > 0, got {value}")


def head_dims(d_model: int, n_heads: int, head_k_dim: int | None, head_v_dim: int | None) -> tuple[int, int]:
    """Per-head key and value widths: given, or ``d_model // n_heads`` (which must then divide)."""
    require_positive(d_model=d_model, n_heads=n_heads)
    if (head_k_dim is None or head_v_dim is None) and d_model % n_heads:
        raise ValueError(f"n_heads={n_heads} must divide d_model={d_model} when head dims are not given")
    head_k_dim = d_model // n_heads if head_k_dim is None else head_k_dim
    head_v_dim = d_model // n_heads if head_v_dim is None else head_v_dim
    require_positive(head_k_dim=head_k_dim, head_v_dim=head_v_dim)
    return head_k_dim, head_v_dim


def require_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode must be 'chunk' or 'recurrent', got {mode!r}")

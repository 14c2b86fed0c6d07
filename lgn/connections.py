"""Fixed wiring of a logic layer: which two inputs each gate reads.

difflogic draws the two inputs of every gate at random and keeps them fixed.  The
"unique" scheme (used by later DLGN work) additionally guarantees that every input of
the layer is read by some gate and that no two gates read the same unordered pair, so no
input is wasted and no two gates see identical information.
"""

from __future__ import annotations

import torch

from .config import CONNECTION_KINDS
from .errors import LGNConfigError


def make_connections(
    in_dim: int, out_dim: int, kind: str, generator: torch.Generator | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Draw the input indices of every gate.

    Args:
        in_dim: number of inputs of the layer (>= 2).
        out_dim: number of gates.
        kind: ``"random"`` (each gate reads two distinct uniformly drawn inputs) or
            ``"unique"`` (every input is read, a != b, unordered pairs pairwise distinct;
            needs ``2 * out_dim >= in_dim`` and ``out_dim <= in_dim * (in_dim - 1) / 2``).
        generator: torch RNG for reproducibility.

    Returns:
        (a, b): int64 tensors [out_dim] with values in ``0..in_dim-1``.
    """
    if in_dim < 2:
        raise LGNConfigError(f"in_dim must be >= 2 for two-input gates, got in_dim={in_dim}")
    if out_dim < 1:
        raise LGNConfigError(f"out_dim must be >= 1, got out_dim={out_dim}")
    if kind == "random":
        return _random_pairs(in_dim, out_dim, generator)
    if kind == "unique":
        return _unique_pairs(in_dim, out_dim, generator)
    raise LGNConfigError(f"connections must be one of {CONNECTION_KINDS}, got {kind!r}")


def _random_pairs(in_dim: int, out_dim: int, gen) -> tuple[torch.Tensor, torch.Tensor]:
    a = torch.randint(in_dim, (out_dim,), generator=gen)
    # b = a + offset (mod in_dim) with offset in 1..in_dim-1 is uniform over inputs != a.
    offset = torch.randint(1, in_dim, (out_dim,), generator=gen)
    b = (a + offset) % in_dim
    return a, b


def _unique_pairs(in_dim: int, out_dim: int, gen) -> tuple[torch.Tensor, torch.Tensor]:
    if 2 * out_dim < in_dim:
        raise LGNConfigError(
            f"unique connections need out_dim*2 >= in_dim so every input is used; "
            f"got in_dim={in_dim}, out_dim={out_dim}"
        )
    max_pairs = in_dim * (in_dim - 1) // 2
    if out_dim > max_pairs:
        raise LGNConfigError(
            f"unique connections need out_dim <= in_dim*(in_dim-1)/2 distinct pairs; "
            f"got in_dim={in_dim}, out_dim={out_dim} (at most {max_pairs})"
        )
    # 1) Cover every input: pair up a random permutation (disjoint pairs are distinct).
    perm = torch.randperm(in_dim, generator=gen)
    n_cover = in_dim // 2
    first = perm[: 2 * n_cover].view(n_cover, 2)  # [n_cover, 2]
    pairs = [first]
    if in_dim % 2 == 1:  # the leftover input pairs with some other input
        last = perm[-1]
        other = perm[torch.randint(in_dim - 1, (1,), generator=gen)]
        pairs.append(torch.stack([last.view(1), other]).t())
    cover = torch.cat(pairs)  # [ceil(in_dim/2), 2]
    used = set(_keys(cover, in_dim).tolist())
    # 2) Fill the remaining gates with fresh random distinct pairs (rejection sampling).
    need = out_dim - cover.shape[0]
    extra: list[torch.Tensor] = []
    while need > 0:
        n_draw = 2 * need + 16
        a, b = _random_pairs(in_dim, n_draw, gen)
        cand = torch.stack([a, b], 1)
        keys = _keys(cand, in_dim).tolist()
        keep = []
        for i, k in enumerate(keys):
            if k not in used:
                used.add(k)
                keep.append(i)
                if len(keep) == need:
                    break
        extra.append(cand[keep])
        need -= len(keep)
    allp = torch.cat([cover] + extra)  # [out_dim, 2]
    # 3) Shuffle gate order and the a/b orientation of each gate.
    allp = allp[torch.randperm(out_dim, generator=gen)]
    flip = torch.randint(2, (out_dim,), generator=gen).bool()
    a = torch.where(flip, allp[:, 1], allp[:, 0])
    b = torch.where(flip, allp[:, 0], allp[:, 1])
    return a.contiguous(), b.contiguous()


def _keys(pairs: torch.Tensor, in_dim: int) -> torch.Tensor:
    """Order-independent integer key of each pair [n, 2] -> [n]."""
    lo = torch.minimum(pairs[:, 0], pairs[:, 1])
    hi = torch.maximum(pairs[:, 0], pairs[:, 1])
    return lo * in_dim + hi

"""Convolutional logic layers: logic-tree kernels and logical-OR pooling.

Petersen, Borgelt, Kuehne and Deussen, "Convolutional Differentiable Logic Gate
Networks", NeurIPS 2024.  A kernel is a complete binary tree of learnable two-input
gates of depth ``d`` (``2^d - 1`` gates).  Its ``2^d`` leaves read fixed positions of an
``F x F`` receptive field, drawn at random per kernel from at most two input channels;
level 0 gate i reads leaves 2i and 2i + 1, level l gate i reads level l - 1 outputs 2i
and 2i + 1.  The tree is slid over the image (stride 1, no padding), and its gates are
shared by every position, as the weights of an ordinary convolution are.

Pooling is the logical OR of each 2 x 2 window (stride 2); its relaxation is the max.

Layout.  Activations stay feature-major like the dense layers ([features, B]); an image
of height H, width W and C channels is flattened "HWC": feature ``(y * W + x) * C + c``.
The thermometer code of a grey-level image (``data.thermometer``) is already in that
order, with one channel per threshold.  Internally tree level l of kernel k at output
position p = y * W' + x is feature ``(p * K + k) * n_l + i`` (n_l = 2^(d-1-l) gates), so
the last level is again HWC with K channels.

Each tree level is one call of the fused gate op (``ops.logic_gates``) over all kernels
and positions at once, with the kernel's coefficients repeated per position (their
gradients sum over positions through autograd).  The reference,
``naive.logic_conv_naive``, evaluates the same trees on [B, H, W, C] images by
advanced indexing, and ``naive.or_pool_naive`` is torch's ``max_pool2d``.

Discretized, a conv layer is ``d`` flat :class:`~.discrete.DiscreteLayer` levels with the
gate ids repeated per position, and a pooling layer two levels of OR gates, so the
whole network compiles through the same netlist -> AIG path as a dense one.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from .config import conv_plan
from .discrete import DiscreteLayer
from .errors import LGNConfigError
from .layers import PARAMS_PER_GATE, GateOptions, coeff_table, gate_ids_of, gate_weights, init_gate_params
from .ops import logic_gates, resolve_impl

OR_GATE = 7  # difflogic id of a | b
DEFAULT_GATES = GateOptions()


def conv_out_shape(in_shape: tuple[int, int, int], field: int) -> tuple[int, int]:
    """(H', W') of a valid, stride-1 ``field x field`` convolution over an (H, W, C) image."""
    h, w, _ = in_shape
    if field < 1 or field > h or field > w:
        raise LGNConfigError(f"receptive field {field}x{field} does not fit the {h}x{w} image it reads")
    return h - field + 1, w - field + 1


def draw_leaves(
    in_shape: tuple[int, int, int], kernels: int, field: int, depth: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Random leaf positions of every kernel: int64 [kernels, 2^depth, 3] of (dy, dx, channel).

    Each kernel draws (at most) two channels; each level-0 gate reads two distinct
    (dy, dx, channel) positions.  Needs ``field * field * min(C, 2) >= 2``.
    """
    _, _, c = in_shape
    n_leaves = 2**depth
    cells = field * field * min(c, 2)  # distinct positions a kernel can read
    if cells < 2:
        raise LGNConfigError(f"a {field}x{field} field over {c} channel(s) has fewer than 2 positions")
    chans = torch.stack([torch.randperm(c, generator=generator)[: min(c, 2)] for _ in range(kernels)])  # [K, <=2]
    # per gate, two distinct cells: cell = (dy * field + dx) * nch + ch_slot
    first = torch.randint(cells, (kernels, n_leaves // 2), generator=generator)
    second = (first + torch.randint(1, cells, (kernels, n_leaves // 2), generator=generator)) % cells
    cell = torch.stack([first, second], -1).reshape(kernels, n_leaves)  # [K, L]
    nch = chans.shape[1]
    slot, pos = cell % nch, cell // nch
    channel = torch.gather(chans, 1, slot)  # [K, L]
    return torch.stack([pos // field, pos % field, channel], -1)  # [K, L, 3]


class _ImageLayer(nn.Module):
    """A layer over an (H, W, C) image flattened HWC; subclasses set ``in_shape`` and ``out_shape``."""

    in_shape: tuple[int, int, int]

    @property
    def out_shape(self) -> tuple[int, int, int]:
        raise NotImplementedError

    @property
    def in_dim(self) -> int:
        h, w, c = self.in_shape
        return h * w * c

    @property
    def out_dim(self) -> int:
        h, w, c = self.out_shape
        return h * w * c


class LogicConv2d(_ImageLayer):
    """``kernels`` logic-tree kernels of depth ``depth`` slid over an (H, W, C) image.

    Args:
        in_shape: (H, W, C) of the input image.
        kernels: number of kernels K (output channels).
        field: receptive field F (the kernel sees an F x F window).
        depth: tree depth d (2^d leaves, 2^d - 1 gates per kernel).
        gates: parametrization, init, Gumbel training and kernel implementation, as for
            :class:`~.layers.LogicLayer`; residual init makes every gate pass input a,
            so each kernel starts as a copy of its first leaf.
        generator: torch RNG for the leaves and random init.
    """

    leaves: torch.Tensor  # buffer [K, 2^d, 3] int64
    table: torch.Tensor

    def __init__(
        self,
        in_shape: tuple[int, int, int],
        kernels: int,
        field: int = 3,
        depth: int = 3,
        gates: GateOptions = DEFAULT_GATES,
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        if kernels < 1:
            raise LGNConfigError(f"a conv layer needs at least 1 kernel, got {kernels}")
        if not 1 <= depth <= 6:
            raise LGNConfigError(f"conv tree depth must be in 1..6, got {depth}")
        h, w, c = (int(v) for v in in_shape)
        self.in_shape = (h, w, c)
        self.out_hw = conv_out_shape(self.in_shape, field)
        self.kernels, self.field, self.depth = kernels, field, depth
        self.parametrization, self.gumbel, self.gumbel_tau, self.impl = (
            gates.parametrization,
            gates.gumbel,
            gates.gumbel_tau,
            gates.impl,
        )
        self.register_buffer("leaves", draw_leaves(self.in_shape, kernels, field, depth, generator))
        self.register_buffer("table", coeff_table(gates.parametrization), persistent=False)
        n_par = PARAMS_PER_GATE[gates.parametrization]
        self.weight = nn.Parameter(torch.empty(kernels, 2**depth - 1, n_par))  # [K, G, 16|4]
        init_gate_params(self.weight, gates.parametrization, gates.init, gates.residual_strength, generator)
        self._index: tuple[tuple, list[tuple[torch.Tensor, torch.Tensor]]] | None = None
        self._fanout_cache: tuple[tuple, list] | None = None

    # -- shapes ----------------------------------------------------------------------
    @property
    def out_shape(self) -> tuple[int, int, int]:
        return (*self.out_hw, self.kernels)

    def level_sizes(self) -> list[int]:
        """Gates per kernel on each tree level, leaves first: [2^(d-1), ..., 2, 1]."""
        return [2 ** (self.depth - 1 - lvl) for lvl in range(self.depth)]

    def num_gates(self) -> int:
        """Gates of the unrolled layer (every kernel at every position)."""
        return (2**self.depth - 1) * self.out_hw[0] * self.out_hw[1] * self.kernels

    # -- wiring ------------------------------------------------------------------------
    def level_indices(self, device=None) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Per tree level, the flat input indices (a, b) of every gate, each int64 [P * K * n_l]."""
        dev = self.leaves.device if device is None else torch.device(device)
        key = (dev, self.leaves._version)
        if self._index is None or self._index[0] != key:
            self._index = (key, [(a.to(dev), b.to(dev)) for a, b in self._build_indices()])
        return self._index[1]

    def _build_indices(self) -> list[tuple[torch.Tensor, torch.Tensor]]:
        h, w, c = self.in_shape
        ho, wo = self.out_hw
        k = self.kernels
        lv = self.leaves.detach().cpu()  # [K, L, 3]
        ys = torch.arange(ho).view(ho, 1, 1, 1)
        xs = torch.arange(wo).view(1, wo, 1, 1)
        flat = ((ys + lv[..., 0]) * w + (xs + lv[..., 1])) * c + lv[..., 2]  # [Ho, Wo, K, L]
        flat = flat.reshape(ho * wo * k, -1)  # [P * K, L]
        out = [(flat[:, 0::2].reshape(-1).contiguous(), flat[:, 1::2].reshape(-1).contiguous())]
        for n_prev in self.level_sizes()[:-1]:
            base = torch.arange(ho * wo * k).view(-1, 1) * n_prev  # [P * K, 1]
            pairs = base + torch.arange(0, n_prev, 2).view(1, -1)  # [P * K, n_prev / 2]
            out.append((pairs.reshape(-1).contiguous(), (pairs + 1).reshape(-1).contiguous()))
        return out

    # -- forward -----------------------------------------------------------------------
    def resolve_mode(self, mode: str | None) -> str:
        if mode is None:
            return ("gumbel" if self.gumbel else "soft") if self.training else "hard"
        return mode

    def coefficients(self, mode: str | None = None) -> torch.Tensor:
        """Polynomial coefficients of every kernel gate, [K, 2^d - 1, 4] (one noise draw per kernel gate)."""
        w = gate_weights(self.weight, self.parametrization, self.resolve_mode(mode), self.gumbel_tau)
        return w @ self.table.to(w.dtype)  # [K, G, 4]

    def forward_features(self, x: torch.Tensor, mode: str | None = None, coef: torch.Tensor | None = None):
        """Feature-major forward: x [H * W * C, B] -> [H' * W' * K, B].

        ``coef`` ([K, G, 4]) replaces :meth:`coefficients` (tests share one Gumbel draw).
        """
        if x.dim() != 2 or x.shape[0] != self.in_dim:
            raise LGNConfigError(f"expected input [{self.in_dim}, B] (an image {self.in_shape}), got {tuple(x.shape)}")
        coef = (self.coefficients(mode) if coef is None else coef).to(x.dtype)  # [K, G, 4]
        impl = resolve_impl(self.impl, x.device, x.dtype)
        fanouts = self._fanouts(x) if impl == "triton" else [None] * self.depth
        positions = self.out_hw[0] * self.out_hw[1]
        h, start = x, 0
        for (a, b), n, fan in zip(self.level_indices(x.device), self.level_sizes(), fanouts, strict=True):
            c = coef[:, start : start + n].unsqueeze(0).expand(positions, -1, -1, -1).reshape(-1, 4)  # [P*K*n, 4]
            h = logic_gates(h, a, b, c, impl=impl, fanout=fan)
            start += n
        return h

    def _fanouts(self, x: torch.Tensor) -> list:
        """CSR fan-outs of every level for the Triton backward, built once per device and wiring."""
        from .triton_kernels import build_fanout

        key = (x.device, self.leaves._version)
        if self._fanout_cache is None or self._fanout_cache[0] != key:
            dims = [self.in_dim] + [self.out_hw[0] * self.out_hw[1] * self.kernels * n for n in self.level_sizes()]
            levels = self.level_indices(x.device)
            self._fanout_cache = (key, [build_fanout(a, b, dims[i]) for i, (a, b) in enumerate(levels)])
        return self._fanout_cache[1]

    def discretize(self) -> list[DiscreteLayer]:
        """The hard layer as ``depth`` flat levels (gate ids repeated per position)."""
        ids = gate_ids_of(self.weight, self.parametrization).cpu().numpy().astype(np.uint8)  # [K, G]
        positions = self.out_hw[0] * self.out_hw[1]
        out, start = [], 0
        for (a, b), n in zip(self.level_indices("cpu"), self.level_sizes(), strict=True):
            gate = np.broadcast_to(ids[None, :, start : start + n], (positions, self.kernels, n)).reshape(-1)
            out.append(DiscreteLayer(a.numpy().astype(np.int64), b.numpy().astype(np.int64), gate.copy()))
            start += n
        return out

    def extra_repr(self) -> str:
        return (
            f"in_shape={self.in_shape}, kernels={self.kernels}, field={self.field}, depth={self.depth}, "
            f"parametrization={self.parametrization}, gumbel={self.gumbel}"
        )


class OrPool2d(_ImageLayer):
    """Logical-OR pooling over 2 x 2 windows, stride 2 (an odd last row or column is dropped).

    The relaxation is the max of the window, which equals OR on {0, 1}.

    Args:
        in_shape: (H, W, C) of the input image (H, W >= 2).
    """

    def __init__(self, in_shape: tuple[int, int, int]):
        super().__init__()
        h, w, c = (int(v) for v in in_shape)
        if h < 2 or w < 2:
            raise LGNConfigError(f"2x2 OR pooling needs an image of at least 2x2, got {h}x{w}")
        self.in_shape = (h, w, c)
        self._index: tuple[torch.device, torch.Tensor] | None = None

    @property
    def out_shape(self) -> tuple[int, int, int]:
        h, w, c = self.in_shape
        return h // 2, w // 2, c

    def num_gates(self) -> int:
        """OR gates of the unrolled layer: 3 per window (two rows, then their OR)."""
        return 3 * self.out_dim

    def window_indices(self) -> torch.Tensor:
        """int64 [out_dim, 4]: the flat inputs of every window, order (0,0), (0,1), (1,0), (1,1)."""
        h, w, c = self.in_shape
        ho, wo, _ = self.out_shape
        y = torch.arange(ho).view(ho, 1, 1, 1) * 2
        x = torch.arange(wo).view(1, wo, 1, 1) * 2
        ch = torch.arange(c).view(1, 1, c, 1)
        dy = torch.tensor([0, 0, 1, 1]).view(1, 1, 1, 4)
        dx = torch.tensor([0, 1, 0, 1]).view(1, 1, 1, 4)
        return (((y + dy) * w + (x + dx)) * c + ch).reshape(-1, 4)

    def forward_features(self, x: torch.Tensor, mode: str | None = None) -> torch.Tensor:
        """Feature-major forward: x [H * W * C, B] -> [H/2 * W/2 * C, B] (max of each window)."""
        if x.dim() != 2 or x.shape[0] != self.in_dim:
            raise LGNConfigError(f"expected input [{self.in_dim}, B] (an image {self.in_shape}), got {tuple(x.shape)}")
        if self._index is None or self._index[0] != x.device:
            self._index = (x.device, self.window_indices().to(x.device))
        idx = self._index[1]
        return torch.maximum(torch.maximum(x[idx[:, 0]], x[idx[:, 1]]), torch.maximum(x[idx[:, 2]], x[idx[:, 3]]))

    def discretize(self) -> list[DiscreteLayer]:
        """Two levels of OR gates: each window row, then the two rows."""
        idx = self.window_indices().numpy().astype(np.int64)  # [Q, 4]
        q = idx.shape[0]
        rows = DiscreteLayer(
            idx[:, [0, 2]].reshape(-1).copy(), idx[:, [1, 3]].reshape(-1).copy(), np.full(2 * q, OR_GATE, np.uint8)
        )
        both = DiscreteLayer(
            np.arange(0, 2 * q, 2, dtype=np.int64),
            np.arange(1, 2 * q, 2, dtype=np.int64),
            np.full(q, OR_GATE, np.uint8),
        )
        return [rows, both]

    def extra_repr(self) -> str:
        return f"in_shape={self.in_shape}"


def conv_stack(
    image: tuple[int, int, int],
    kernels: list[int],
    field: int = 3,
    depth: int = 3,
    gates: GateOptions = DEFAULT_GATES,
    generator: torch.Generator | None = None,
) -> list[nn.Module]:
    """Blocks of (LogicConv2d, OrPool2d), one per entry of ``kernels``, over an (H, W, C) image.

    Raises ``LGNConfigError`` naming the block whose receptive field exceeds its input.
    """
    shapes = conv_plan(image, kernels, field)
    mods: list[nn.Module] = []
    for shape, k in zip(shapes[:-1], kernels, strict=True):
        conv = LogicConv2d(shape, k, field, depth, gates, generator)
        mods += [conv, OrPool2d(conv.out_shape)]
    return mods

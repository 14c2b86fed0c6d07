"""A layer of learnable two-input logic gates with fixed wiring.

Each gate j reads inputs a_j, b_j (fixed, see ``connections.py``) and computes a
relaxed Boolean function y_j = c0 + c1 x_a + c2 x_b + c3 x_a x_b whose 4 coefficients
come from the gate's parameters (see ``gates.py``):

* ``softmax16`` (Petersen et al., NeurIPS 2022): logits z_j in R^16,
  w_j = softmax(z_j), c_j = w_j @ C with C the [16, 4] table of the 16 gates.
* ``light`` (Rüttgers et al., "Light Differentiable Logic Gate Networks", 2025):
  input-wise parameters omega_j in R^4, one per truth-table row (00, 01, 10, 11),
  s_j = sigmoid(omega_j), f(p, q) = sum_ab s_ab P(inputs = ab), c_j = s_j @ M.

Modes of the forward pass:

* ``soft``: the relaxations above.
* ``gumbel``: straight-through Gumbel estimator (Yousefi et al., "Mind the Gap", 2025).
  softmax16: forward uses the one-hot of argmax(z + G), G ~ Gumbel(0, 1); backward uses
  the gradient of softmax((z + G) / t).  light: forward uses the hard bits
  [omega + L > 0], L ~ Logistic(0, 1) (the difference of two Gumbels); backward uses
  the gradient of sigmoid((omega + L) / t) (binary concrete / Gumbel-sigmoid).
* ``hard``: the discretized gate, argmax(z) resp. [omega > 0] (= [sigmoid(omega) > 0.5]).

Training uses ``gumbel`` if the layer was built with ``gumbel=True`` and ``soft``
otherwise; ``eval()`` always uses ``hard``.

Residual initialization ("pass-through A", Petersen et al., NeurIPS 2024) starts every
gate close to y = x_a: softmax16 sets z[3] = strength (default 5: p(A) = 0.91), light
sets omega = strength * (-1, -1, +1, +1) (default 3: sigmoid = 0.95, the same expected
fidelity as the softmax16 default).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .config import CONNECTION_KINDS, IMPLS, INITS, PARAMETRIZATIONS
from .connections import make_connections
from .errors import LGNConfigError
from .gates import PASS_A, gate_coeff_matrix, gate_id_from_truth_table, light_coeff_matrix
from .ops import logic_gates, resolve_impl

MODES = ("soft", "gumbel", "hard")
PARAMS_PER_GATE = {"softmax16": 16, "light": 4}
DEFAULT_RESIDUAL_STRENGTH = {"softmax16": 5.0, "light": 3.0}


def gate_weights(weight: torch.Tensor, parametrization: str, mode: str, gumbel_tau: float = 1.0) -> torch.Tensor:
    """Mixture weights of gates from their parameters (see the module docstring).

    Args:
        weight: [..., 16] logits (softmax16) or [..., 4] input-wise parameters (light).
        parametrization: ``"softmax16"`` or ``"light"``.
        mode: ``"soft"``, ``"gumbel"`` or ``"hard"``.
        gumbel_tau: temperature of the relaxed (backward) distribution in ``gumbel`` mode.

    Returns:
        [..., 16] gate probabilities (softmax16) or [..., 4] truth-table values (light).
    """
    w = weight
    if parametrization == "softmax16":
        if mode == "soft":
            return torch.softmax(w, dim=-1)
        if mode == "hard":
            return nn.functional.one_hot(w.argmax(-1), 16).to(w.dtype)
        u = torch.rand_like(w).clamp_(min=1e-20)
        logits = (w - torch.log(-torch.log(u))) / gumbel_tau  # (z + G) / t
        soft = torch.softmax(logits, dim=-1)
        hard = nn.functional.one_hot(logits.argmax(-1), 16).to(w.dtype)
        return hard + (soft - soft.detach())
    if mode == "soft":
        return torch.sigmoid(w)
    if mode == "hard":
        return (w > 0).to(w.dtype)
    u = torch.rand_like(w).clamp_(min=1e-20)
    noisy = w + torch.log(u) - torch.log1p(-u)  # omega + Logistic(0, 1)
    soft = torch.sigmoid(noisy / gumbel_tau)
    hard = (noisy > 0).to(w.dtype)
    return hard + (soft - soft.detach())


def coeff_table(parametrization: str) -> torch.Tensor:
    """[16, 4] (softmax16) or [4, 4] (light): gate weights -> polynomial coefficients."""
    return gate_coeff_matrix() if parametrization == "softmax16" else light_coeff_matrix()


def gate_ids_of(weight: torch.Tensor, parametrization: str) -> torch.Tensor:
    """Discretized gate ids (difflogic numbering) of parameters [..., 16] or [..., 4] -> [...]."""
    with torch.no_grad():
        if parametrization == "softmax16":
            return weight.argmax(-1)
        return gate_id_from_truth_table(weight > 0)


@torch.no_grad()
def init_gate_params(weight: torch.Tensor, parametrization: str, init: str, strength: float | None, generator=None):
    """Fill gate parameters [..., 16|4] in place: ``residual`` (pass-through A) or ``random`` (N(0, 1))."""
    if init == "random":
        weight.copy_(torch.randn(weight.shape, generator=generator))
        return
    s = DEFAULT_RESIDUAL_STRENGTH[parametrization] if strength is None else float(strength)
    if parametrization == "softmax16":
        weight.zero_()
        weight[..., PASS_A] = s
    else:
        weight.copy_(torch.tensor([-s, -s, s, s]).expand_as(weight))


@dataclass(frozen=True)
class GateOptions:
    """How the gates of a layer are parametrized, initialized and trained (one value for a
    whole network; see the module docstring and :class:`LogicLayer` for the fields)."""

    parametrization: str = "softmax16"
    init: str = "residual"
    residual_strength: float | None = None
    gumbel: bool = False
    gumbel_tau: float = 1.0
    impl: str = "auto"

    def __post_init__(self):
        check_gate_options(self.parametrization, self.init, self.impl, self.gumbel_tau)


def check_gate_options(parametrization: str, init: str, impl: str, gumbel_tau: float) -> None:
    """Raise ``LGNConfigError`` naming the first bad gate option."""
    if parametrization not in PARAMETRIZATIONS:
        raise LGNConfigError(f"parametrization must be one of {PARAMETRIZATIONS}, got {parametrization!r}")
    if init not in INITS:
        raise LGNConfigError(f"init must be one of {INITS}, got {init!r}")
    if impl not in IMPLS:
        raise LGNConfigError(f"impl must be one of {IMPLS}, got {impl!r}")
    if not gumbel_tau > 0:
        raise LGNConfigError(f"gumbel_tau must be > 0, got {gumbel_tau}")


class LogicLayer(nn.Module):
    """``out_dim`` learnable logic gates over ``in_dim`` inputs.

    Args:
        in_dim: number of inputs.
        out_dim: number of gates (outputs).
        parametrization: ``"softmax16"`` or ``"light"``.
        connections: ``"unique"`` or ``"random"`` wiring.
        init: ``"residual"`` (pass-through A) or ``"random"`` (N(0, 1) parameters).
        residual_strength: logit magnitude of the residual init (None: per-parametrization default).
        gumbel: train with the Gumbel straight-through estimator.
        gumbel_tau: temperature of the relaxed (backward) distribution.
        impl: kernel implementation, one of ``ops.IMPLS``.
        generator: torch RNG for wiring and random init (reproducible construction).
    """

    a: torch.Tensor  # buffers: [out_dim] int64 wiring and the coefficient table
    b: torch.Tensor
    table: torch.Tensor

    def __init__(
        self,
        in_dim: int,
        out_dim: int,
        parametrization: str = "softmax16",
        connections: str = "unique",
        init: str = "residual",
        residual_strength: float | None = None,
        gumbel: bool = False,
        gumbel_tau: float = 1.0,
        impl: str = "auto",
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        check_gate_options(parametrization, init, impl, gumbel_tau)
        if connections not in CONNECTION_KINDS:
            raise LGNConfigError(f"connections must be one of {CONNECTION_KINDS}, got {connections!r}")
        self.in_dim, self.out_dim = in_dim, out_dim
        self.parametrization = parametrization
        self.gumbel, self.gumbel_tau, self.impl = gumbel, gumbel_tau, impl
        a, b = make_connections(in_dim, out_dim, connections, generator)
        self.register_buffer("a", a)  # [out_dim] int64
        self.register_buffer("b", b)  # [out_dim] int64
        self.register_buffer(
            "table", coeff_table(parametrization), persistent=False
        )  # [16, 4] or [4, 4]: weights -> coefficients
        n_par = PARAMS_PER_GATE[parametrization]
        self.weight = nn.Parameter(torch.empty(out_dim, n_par))  # [out_dim, 16] or [out_dim, 4]
        # CSR fan-out for the Triton backward, built on first use: (key, arrays)
        self._fanout: tuple[tuple, tuple[torch.Tensor, ...]] | None = None
        self.reset_parameters(init, residual_strength, generator)

    def reset_parameters(self, init: str = "residual", strength: float | None = None, generator=None) -> None:
        """(Re)initialize the gate parameters; see the module docstring."""
        init_gate_params(self.weight, self.parametrization, init, strength, generator)

    def resolve_mode(self, mode: str | None) -> str:
        """Mode actually used: explicit ``mode``, else by ``self.training`` and ``self.gumbel``."""
        if mode is None:
            return ("gumbel" if self.gumbel else "soft") if self.training else "hard"
        if mode not in MODES:
            raise LGNConfigError(f"mode must be one of {MODES}, got {mode!r}")
        return mode

    def gate_weights(self, mode: str) -> torch.Tensor:
        """Per-gate mixture weights: [out_dim, 16] (softmax16) or truth-table values [out_dim, 4] (light)."""
        return gate_weights(self.weight, self.parametrization, mode, self.gumbel_tau)

    def coefficients(self, mode: str | None = None) -> torch.Tensor:
        """Polynomial coefficients (c0, c1, c2, c3) of every gate, [out_dim, 4]."""
        mode = self.resolve_mode(mode)
        w = self.gate_weights(mode)  # [out_dim, 16] (softmax16) or [out_dim, 4] (light)
        return w @ self.table.to(w.dtype)  # [out_dim, 4]

    def gate_ids(self) -> torch.Tensor:
        """Discretized gate ids in difflogic numbering (0..15), [out_dim] int64."""
        return gate_ids_of(self.weight, self.parametrization)

    def discretize(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The discretized layer as numpy arrays ``(a, b, gate)``, each [out_dim]."""
        return (
            self.a.detach().cpu().numpy().astype(np.int64),
            self.b.detach().cpu().numpy().astype(np.int64),
            self.gate_ids().cpu().numpy().astype(np.uint8),
        )

    def _fanout_for(self, x: torch.Tensor):
        from .triton_kernels import build_fanout

        # Key on device and the buffers' version counters: load_state_dict rewrites a, b in place.
        key = (x.device, self.a._version, self.b._version)
        if self._fanout is None or self._fanout[0] != key:
            self._fanout = (key, build_fanout(self.a, self.b, self.in_dim))
        return self._fanout[1]

    def forward_features(self, x: torch.Tensor, mode: str | None = None) -> torch.Tensor:
        """Feature-major forward: x [in_dim, B] -> [out_dim, B]."""
        if x.dim() != 2 or x.shape[0] != self.in_dim:
            raise LGNConfigError(f"expected input [in_dim={self.in_dim}, B], got shape {tuple(x.shape)}")
        coef = self.coefficients(mode).to(x.dtype)  # [out_dim, 4]
        impl = resolve_impl(self.impl, x.device, x.dtype)
        fanout = self._fanout_for(x) if impl == "triton" else None
        return logic_gates(x, self.a, self.b, coef, impl=impl, fanout=fanout)

    def forward(self, x: torch.Tensor, mode: str | None = None) -> torch.Tensor:
        """Batch-major forward: x [B, in_dim] -> [B, out_dim]."""
        if x.dim() != 2 or x.shape[1] != self.in_dim:
            raise LGNConfigError(f"expected input [B, in_dim={self.in_dim}], got shape {tuple(x.shape)}")
        return self.forward_features(x.t().contiguous(), mode).t()

    def extra_repr(self) -> str:
        return (
            f"in_dim={self.in_dim}, out_dim={self.out_dim}, parametrization={self.parametrization}, "
            f"gumbel={self.gumbel}, impl={self.impl}"
        )

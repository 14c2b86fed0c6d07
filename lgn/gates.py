"""The 16 two-input Boolean functions as polynomials in (1, a, b, ab).

Petersen et al., "Deep Differentiable Logic Gate Networks", NeurIPS 2022 (difflogic):
each gate relaxes to a real-valued function of the probabilities a, b in [0, 1].
Every one of the 16 relaxations is linear in the monomials (1, a, b, a*b):

    g_i(a, b) = C[i, 0] + C[i, 1] * a + C[i, 2] * b + C[i, 3] * a * b

so a mixture sum_i w_i g_i(a, b) is again such a polynomial with coefficients
c = w @ C.  Both parametrizations in this package reduce to these 4 coefficients
per gate, and every kernel only ever sees the coefficients.

Gate ids follow difflogic:

    0 FALSE   1 AND      2 a&~b    3 a      4 ~a&b    5 b       6 XOR    7 OR
    8 NOR     9 XNOR    10 ~b     11 a|~b  12 ~a     13 ~a|b   14 NAND  15 TRUE

With the truth table written as bits t_ab (output for inputs a, b), the id is
``8*t00 + 4*t01 + 2*t10 + t11``.  The input-wise ("light") parametrization
(Rüttgers et al., "Light Differentiable Logic Gate Networks", 2025) learns the
four truth-table entries directly:

    f(p, q) = s00 (1-p)(1-q) + s01 (1-p) q + s10 p (1-q) + s11 p q
            = s00 + (s10 - s00) p + (s01 - s00) q + (s11 - s10 - s01 + s00) p q
"""

from __future__ import annotations

import numpy as np
import torch

GATE_NAMES: tuple[str, ...] = (
    "FALSE",
    "AND",
    "A_AND_NOT_B",
    "A",
    "NOT_A_AND_B",
    "B",
    "XOR",
    "OR",
    "NOR",
    "XNOR",
    "NOT_B",
    "A_OR_NOT_B",
    "NOT_A",
    "NOT_A_OR_B",
    "NAND",
    "TRUE",
)

# [16, 4]: coefficients of (1, a, b, ab) for each gate id.
GATE_COEFFS: tuple[tuple[int, int, int, int], ...] = (
    (0, 0, 0, 0),  # 0  FALSE
    (0, 0, 0, 1),  # 1  a & b
    (0, 1, 0, -1),  # 2  a & ~b
    (0, 1, 0, 0),  # 3  a
    (0, 0, 1, -1),  # 4  ~a & b
    (0, 0, 1, 0),  # 5  b
    (0, 1, 1, -2),  # 6  a ^ b
    (0, 1, 1, -1),  # 7  a | b
    (1, -1, -1, 1),  # 8  ~(a | b)
    (1, -1, -1, 2),  # 9  ~(a ^ b)
    (1, 0, -1, 0),  # 10 ~b
    (1, 0, -1, 1),  # 11 a | ~b
    (1, -1, 0, 0),  # 12 ~a
    (1, -1, 0, 1),  # 13 ~a | b
    (1, 0, 0, -1),  # 14 ~(a & b)
    (1, 0, 0, 0),  # 15 TRUE
)

# [4, 4]: light truth-table entries (s00, s01, s10, s11) -> coefficients (c0, c1, c2, c3).
LIGHT_TO_COEFFS: tuple[tuple[int, int, int, int], ...] = (
    (1, -1, -1, 1),  # s00
    (0, 0, 1, -1),  # s01
    (0, 1, 0, -1),  # s10
    (0, 0, 0, 1),  # s11
)

PASS_A = 3  # gate id of the pass-through "a" gate used by residual initialization
CONSTANT_GATES = (0, 15)
# Which inputs each gate's function actually depends on: [16] booleans.
DEPENDS_ON_A = np.array([0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0], dtype=bool)
DEPENDS_ON_B = np.array([0, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 0], dtype=bool)


def gate_coeff_matrix(dtype: torch.dtype = torch.float32, device=None) -> torch.Tensor:
    """Return the [16, 4] coefficient matrix C of the 16 gates."""
    return torch.tensor(GATE_COEFFS, dtype=dtype, device=device)


def light_coeff_matrix(dtype: torch.dtype = torch.float32, device=None) -> torch.Tensor:
    """Return the [4, 4] matrix M with coefficients = (s00, s01, s10, s11) @ M."""
    return torch.tensor(LIGHT_TO_COEFFS, dtype=dtype, device=device)


def truth_table(gate: int) -> tuple[int, int, int, int]:
    """Truth table (t00, t01, t10, t11) of a gate id, where t_ab is the output on inputs a, b."""
    if not 0 <= gate < 16:
        raise ValueError(f"gate id must be in 0..15, got {gate}")
    return ((gate >> 3) & 1, (gate >> 2) & 1, (gate >> 1) & 1, gate & 1)


def gate_id_from_truth_table(bits: torch.Tensor) -> torch.Tensor:
    """Map truth-table bits [..., 4] ordered (t00, t01, t10, t11) to difflogic gate ids [...]."""
    weights = torch.tensor([8, 4, 2, 1], dtype=torch.long, device=bits.device)
    return (bits.long() * weights).sum(-1)


def eval_gate_numpy(gate: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Evaluate gates on Boolean arrays by truth-table lookup.

    Args:
        gate: int array broadcastable against a and b, values in 0..15.
        a, b: bool arrays.

    Returns:
        bool array: bit ``3 - (2a + b)`` of the gate id.
    """
    shift = 3 - (2 * a.astype(np.int64) + b.astype(np.int64))
    return ((gate.astype(np.int64) >> shift) & 1).astype(bool)

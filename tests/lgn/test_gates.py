"""The 16-gate coefficient table, truth tables and the light (input-wise) mapping."""

import itertools

import numpy as np
import pytest
import torch

from circuitlab.lgn import gates

# Reference semantics of the difflogic numbering, written independently of the table.
REFERENCE = {
    0: lambda a, b: 0,
    1: lambda a, b: a & b,
    2: lambda a, b: a & (1 - b),
    3: lambda a, b: a,
    4: lambda a, b: (1 - a) & b,
    5: lambda a, b: b,
    6: lambda a, b: a ^ b,
    7: lambda a, b: a | b,
    8: lambda a, b: 1 - (a | b),
    9: lambda a, b: 1 - (a ^ b),
    10: lambda a, b: 1 - b,
    11: lambda a, b: a | (1 - b),
    12: lambda a, b: 1 - a,
    13: lambda a, b: (1 - a) | b,
    14: lambda a, b: 1 - (a & b),
    15: lambda a, b: 1,
}


@pytest.mark.parametrize("gate", range(16))
def test_coefficients_match_difflogic_numbering(gate):
    c = gates.GATE_COEFFS[gate]
    for a, b in itertools.product((0, 1), repeat=2):
        want = REFERENCE[gate](a, b)
        assert c[0] + c[1] * a + c[2] * b + c[3] * a * b == want
        assert gates.truth_table(gate)[2 * a + b] == want
        assert gates.eval_gate_numpy(np.array(gate), np.array(bool(a)), np.array(bool(b))) == want


def test_truth_table_round_trip_and_dependencies():
    bits = torch.tensor([gates.truth_table(g) for g in range(16)])
    assert gates.gate_id_from_truth_table(bits).tolist() == list(range(16))
    for g in range(16):
        t = gates.truth_table(g)  # (t00, t01, t10, t11)
        depends_a = t[0:2] != t[2:4]
        depends_b = (t[0], t[2]) != (t[1], t[3])
        assert gates.DEPENDS_ON_A[g] == depends_a
        assert gates.DEPENDS_ON_B[g] == depends_b
    with pytest.raises(ValueError, match="0..15"):
        gates.truth_table(16)


def test_relaxations_are_probabilities_of_the_gate():
    # Each relaxation equals P(gate(A, B) = 1) for independent A ~ Bern(p), B ~ Bern(q).
    p, q = torch.rand(100, dtype=torch.float64), torch.rand(100, dtype=torch.float64)
    c = gates.gate_coeff_matrix(torch.float64)
    for g in range(16):
        t = gates.truth_table(g)
        prob = t[0] * (1 - p) * (1 - q) + t[1] * (1 - p) * q + t[2] * p * (1 - q) + t[3] * p * q
        poly = c[g, 0] + c[g, 1] * p + c[g, 2] * q + c[g, 3] * p * q
        torch.testing.assert_close(poly, prob, rtol=0, atol=1e-12)


def test_light_mapping_is_the_input_wise_expectation():
    s = torch.rand(50, 4, dtype=torch.float64)  # (s00, s01, s10, s11)
    p, q = torch.rand(50, dtype=torch.float64), torch.rand(50, dtype=torch.float64)
    c = s @ gates.light_coeff_matrix(torch.float64)
    want = s[:, 0] * (1 - p) * (1 - q) + s[:, 1] * (1 - p) * q + s[:, 2] * p * (1 - q) + s[:, 3] * p * q
    got = c[:, 0] + c[:, 1] * p + c[:, 2] * q + c[:, 3] * p * q
    torch.testing.assert_close(got, want, rtol=0, atol=1e-12)
    # Hard truth tables map to exactly the table row of the matching gate id.
    tables = torch.tensor([gates.truth_table(g) for g in range(16)], dtype=torch.float64)
    torch.testing.assert_close(tables @ gates.light_coeff_matrix(torch.float64), gates.gate_coeff_matrix(torch.float64))

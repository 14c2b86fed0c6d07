"""circuitlab/witness.py: AIGER witnesses written and parsed back; malformed ones are one error."""

import pytest

from circuitlab.witness import Witness, WitnessFormatError, parse_witness, witness_for


def test_round_trip():
    w = witness_for([True, False, True], [2])
    assert w.text() == "1\nb2\n\n101\n.\n"
    assert parse_witness(w.text().encode()) == w
    multi = parse_witness(b"c comment\n1\nb0 b3\n01\n110\n011\n.\n")
    assert multi == Witness((0, 3), "01", ("110", "011"))


@pytest.mark.parametrize(
    "data, match",
    [
        (b"0\n.\n", "starts with the line 1"),
        (b"", "starts with the line 1"),
        (b"1\nb0\n", "truncated"),
        (b"1\nj0\n\n01\n.\n", "no bad-state property"),
        (b"1\nbx\n\n01\n.\n", "bad property list"),
        (b"1\nb0\n\n0a1\n.\n", "values must be 0, 1 or x"),
        (b"\xff\xfe", "not ASCII"),
    ],
)
def test_malformed(data, match):
    with pytest.raises(WitnessFormatError, match=match):
        parse_witness(data, "w.txt")

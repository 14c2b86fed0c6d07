"""Malformed AIGER: one typed error naming the file and line or byte offset; fuzzing."""

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from circuitlab.aiger import aiger_bytes, parse_aiger, read_aiger
from circuitlab.errors import AigerFormatError
from helpers import EXAMPLES, random_aig


def _truncated() -> bytes:
    data = aiger_bytes(random_aig(1, 6, 40, 2))
    return data[: data.index(b"i0 ") - 5]  # cut inside the binary AND section


GOOD_AAG = b"aag 3 2 0 1 1\n2\n4\n6\n6 4 2\ni0 x\ni1 y\no0 z\n"

CASES = {
    "empty": (b"", "empty file", "byte 0"),
    "truncated_binary": (_truncated(), "truncated", "byte"),
    "counts_lie_binary": (b"aig 5 2 0 1 1\n6\n\x02\x02", "header counts lie", ":1"),
    "counts_lie_ascii": (b"aag 2 2 0 1 1\n2\n4\n6\n6 4 2\n", "header counts lie", ":1"),
    "missing_lines": (b"aag 3 2 0 1 1\n2\n4\n", "unexpected end of file", "byte"),
    "literal_out_of_range": (b"aag 3 2 0 1 1\n2\n4\n9\n6 4 2\n", "out of range", ":4"),
    "and_fanin_out_of_range": (b"aag 3 2 0 1 1\n2\n4\n6\n6 40 2\n", "out of range", ":5"),
    "undefined_literal": (b"aag 4 2 0 1 1\n2\n4\n6\n6 8 2\n", "undefined literal 8", ":5"),
    "cycle": (b"aag 4 1 0 1 2\n2\n6\n6 8 2\n8 6 2\n", "cycle", ":"),
    "odd_definition": (b"aag 3 2 0 1 1\n2\n4\n6\n7 4 2\n", "odd literal", ":5"),
    "odd_input": (b"aag 3 2 0 1 1\n3\n4\n6\n6 4 2\n", "odd literal", ":2"),
    "defined_twice": (b"aag 3 2 0 1 1\n2\n2\n6\n6 4 2\n", "defined twice", ":3"),
    "non_utf8_symbol": (b"aag 3 2 0 1 1\n2\n4\n6\n6 4 2\ni0 \xff\xfe\n", "UTF-8", "byte"),
    "non_utf8_symbol_binary": (b"aig 3 2 0 1 1\n6\n\x02\x02i0 \xc3\x28\n", "UTF-8", "byte"),
    "bad_header": (b"agg 1 2 3\n", "not an AIGER file", ":1"),
    "non_numeric": (b"aag 3 2 0 1 1\n2\nx\n6\n6 4 2\n", "expected input literal", ":3"),
    "justice": (b"aag 1 1 0 0 0 0 0 1 0\n2\n1\n2\n", "justice", ":1"),
    "bad_delta": (b"aig 3 2 0 1 1\n6\n\x07\x00", "delta out of range", "byte 16"),
    "symbol_index": (b"aag 3 2 0 1 1\n2\n4\n6\n6 4 2\ni7 x\n", "out of range", ":6"),
    "bad_latch_init": (b"aag 2 1 1 1 0\n2\n4 2 7\n4\n", "init value", ":3"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_input_raises_typed_error(name, tmp_path):
    data, msg, where = CASES[name]
    path = tmp_path / f"{name}.aig"
    path.write_bytes(data)
    with pytest.raises(AigerFormatError) as e:
        read_aiger(path)
    text = str(e.value)
    assert str(path) in text and msg in text and where in text, text
    assert "\n" not in text


@pytest.mark.parametrize("name", ["empty", "truncated_binary", "cycle", "non_utf8_symbol"])
def test_cli_one_line_exit_2(name, tmp_path):
    path = tmp_path / f"{name}.aig"
    path.write_bytes(CASES[name][0])
    r = subprocess.run(
        [sys.executable, "-m", "circuitlab.cli", "info", str(path)], capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in r.stderr


def test_good_file_parses():
    aig = parse_aiger(GOOD_AAG)
    assert aig.input_names == ["x", "y"] and aig.output_names == ["z"]


SEEDS = [aiger_bytes(random_aig(s, 5, 25, 2, latches=s % 2), binary=b) for s in range(4) for b in (True, False)]
SEEDS.append((EXAMPLES / "ctrl.aig").read_bytes())


@settings(max_examples=400, deadline=None)
@given(
    base=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.sampled_from(["set", "del", "ins", "cut"])),
        min_size=1,
        max_size=4,
    ),
)
def test_fuzz_only_typed_errors(base, edits):
    data = bytearray(base)
    for pos, byte, op in edits:
        if not data:
            break
        p = pos % len(data)
        if op == "set":
            data[p] = byte
        elif op == "del":
            del data[p]
        elif op == "ins":
            data.insert(p, byte)
        else:
            del data[p:]
    try:
        aig = parse_aiger(bytes(data))
    except AigerFormatError:
        return
    aig.validate()  # anything accepted is a well-formed AIG
    assert aig.num_ands == len(aig.ands)
    np.testing.assert_array_less(aig.ands, 2 * (aig.max_var + 1))


# Headers that claim more than the file holds (found by fuzzing: a 26-byte file made the
# reader allocate 16 GiB).  Each is refused, or read, without allocating from the claim.
LYING_HEADERS = {
    b"aag 2147483648 1 0 1 0\n2\n2\n": "M=2147483648",  # literals would not fit in 32 bits
    b"aig 2000000000 2000000000 0 1 0\n2\n": "I=2000000000",  # binary inputs take no bytes
    b"aag 900000 1 0 1 800000\n2\n2\n": "A=800000",  # 800,000 AND lines in 5 bytes
    b"aig 0 0 0 3000000 0\n2\n": "O=3000000",
    b"aig 400000 0 0 1 400000\n0\n\x02\x02": "A=400000",  # 400,000 binary ANDs in 2 bytes
}


@pytest.mark.parametrize("data", list(LYING_HEADERS), ids=list(LYING_HEADERS.values()))
def test_lying_header_is_refused_before_allocating(data):
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(AigerFormatError, match=LYING_HEADERS[data]) as err:
            parse_aiger(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20
    assert ":1:" in str(err.value)  # the header line


def test_large_unused_ascii_m_is_read_without_allocating_by_m():
    import tracemalloc

    tracemalloc.start()
    try:
        aig = parse_aiger(b"aag 2147483647 1 0 1 0\n2\n2\n")  # legal: M may exceed I + L + A
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert aig.num_inputs == 1 and aig.outputs.tolist() == [2]
    assert peak < 8 << 20

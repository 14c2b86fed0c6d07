"""circuitlab/blif.py: BLIF written by circuitlab and by ABC reads back to an equal circuit."""

import numpy as np
import pytest

from circuitlab.aiger import read_aiger, write_aiger
from circuitlab.blif import BlifFormatError, parse_blif, read_blif
from circuitlab.export import to_blif
from circuitlab.sim import evaluate
from helpers import EXAMPLES, random_aig


@pytest.mark.parametrize("name", ["i2c", "cavlc", "bar"])
def test_own_and_abc_blif_read_back_equal(name, tmp_path, abc):
    src = EXAMPLES / f"{name}.aig"
    ref = read_aiger(src)
    (tmp_path / "own.blif").write_text(to_blif(ref))
    abc(f"read {src}; strash; write_blif {tmp_path / 'abc.blif'}")
    for kind in ("own", "abc"):
        aig = read_blif(tmp_path / f"{kind}.blif")
        assert aig.input_names == ref.input_names and aig.output_names == ref.output_names
        write_aiger(aig, tmp_path / f"{kind}.aig")
        assert "Networks are equivalent" in abc(f"cec {src} {tmp_path / f'{kind}.aig'}")


def test_random_circuits_round_trip():
    rng = np.random.default_rng(1)
    for seed in range(20):
        ref = random_aig(seed, n_in=7, n_and=40, n_out=4)
        got = parse_blif(to_blif(ref))
        rows = rng.integers(0, 2, (128, ref.num_inputs)).astype(bool)
        np.testing.assert_array_equal(evaluate(got, rows), evaluate(ref, rows))


def test_covers_constants_order_and_latches():
    text = """# any order, off-set covers, continuation lines, constants
.model t
.inputs a b \\
  c
.outputs y z one zero q
.names t1 c y
11 1
.names a b t1
00 0
.names a b c z
1-- 1
-11 1
.names one
1
.names zero
.latch y q 1
.end
"""
    aig = parse_blif(text)
    assert (aig.num_inputs, aig.num_latches, aig.num_outputs) == (3, 1, 5)
    assert aig.latches[0, 1] == 1 and aig.latch_names == ["q"]
    out = evaluate(aig.comb(), [[1, 0, 1, 0], [0, 0, 1, 0], [0, 1, 1, 1]])
    # y = (a|b)&c, z = a | (b&c), one, zero, q (the latch output, an input of comb)
    np.testing.assert_array_equal(np.asarray(out)[:, :5], [[1, 1, 1, 0, 0], [0, 0, 1, 0, 0], [1, 1, 1, 0, 1]])


@pytest.mark.parametrize(
    "text, match",
    [
        (".model m\n.inputs a\n.outputs y\n.names a b y\n11 1\n.end\n", "'b' is used but never driven"),
        (".model m\n.inputs a\n.outputs y\n.names a y\n1 1\n.names a y\n0 1\n", "driven twice"),
        (".model m\n.inputs a\n.outputs y\n.names a z y\n11 1\n.names y z\n1 1\n", "combinational loop"),
        (".model m\n.inputs a\n.outputs y\n.subckt foo a=a y=y\n", ".subckt is not supported"),
        (".model m\n.inputs a b\n.outputs y\n.names a b y\n11 1\n00 0\n", "mixes on-set"),
        (".model m\n.inputs a b\n.outputs y\n.names a b y\n1 1\n", "bad cover row"),
        (".model m\n.inputs a\n.outputs y\n.frobnicate\n", "unknown directive .frobnicate"),
        ("11 1\n", "outside a .names block"),
        (".model m\n.end\n.model n\n", "more than one .model"),
    ],
)
def test_errors_name_the_line(text, match):
    with pytest.raises(BlifFormatError, match=match):
        parse_blif(text, "x.blif")


def test_binary_garbage_is_one_error():
    with pytest.raises(BlifFormatError, match="not a text file"):
        parse_blif(b"\xff\xfe\x00junk", "x.blif")

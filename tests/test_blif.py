"""circuitlab/blif.py: BLIF written by circuitlab and by ABC reads back to an equal circuit."""

import numpy as np
import pytest

from circuitlab.blif import BlifFormatError, parse_blif
from circuitlab.sim import evaluate


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

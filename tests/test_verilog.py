"""circuitlab/verilog.py: structural Verilog natively (circuitlab's and ABC's), the rest through yosys."""

import pytest

import circuitlab.verilog as verilog
from circuitlab.sim import evaluate
from circuitlab.verilog import VerilogFormatError, VerilogUnsupportedError, parse_verilog, read_verilog


def test_gates_vectors_and_operators():
    text = """// gate primitives, ANSI ports, bit selects, precedence
module m(input [1:0] a, input b, output y, output z, output w);
  wire t, u;
  nand g1 (t, a[0], a[1], b);
  xnor (u, a[0], b);
  assign y = t ^ ~b & a[1], z = a[1] ? 1'b1 : (b | a[0]);
  assign w = !(u || a[0]) && 1;
endmodule
"""
    aig = parse_verilog(text)
    assert aig.input_names == ["a[0]", "a[1]", "b"] and aig.output_names == ["y", "z", "w"]
    for a0 in (0, 1):
        for a1 in (0, 1):
            for b in (0, 1):
                t = 1 - (a0 & a1 & b)
                u = 1 - (a0 ^ b)
                want = [t ^ ((1 - b) & a1), 1 if a1 else (b | a0), 1 - (u | a0)]
                assert list(evaluate(aig, [[a0, a1, b]])[0]) == [bool(v) for v in want]


@pytest.mark.parametrize(
    "text, match",
    [
        ("module m(a, y); input a; output y; assign y = a & q; endmodule", "'q' is undeclared"),
        ("module m(a, y); input a; output y; wire q; assign y = a & q; endmodule", "'q' is never driven"),
        ("module m(a, y); input a; output y; assign y = a; assign y = ~a; endmodule", "driven twice"),
        ("module m(a, y); input a; output y; wire p; assign p = y; assign y = p; endmodule", "loop"),
        ("module m(a, y); input a; output y; assign y = a", "expected"),
    ],
)
def test_malformed_files_are_one_error(text, match):
    with pytest.raises(VerilogFormatError, match=match):
        parse_verilog(text, "x.v")


BEHAVIOURAL = """module add2(input [1:0] a, input [1:0] b, output [2:0] s);
  assign s = a + b;
endmodule
"""


def test_general_verilog_goes_through_yosys(tmp_path, yosys):
    path = tmp_path / "add.v"
    path.write_text(BEHAVIOURAL)
    with pytest.raises(VerilogUnsupportedError):
        parse_verilog(BEHAVIOURAL)
    aig = read_verilog(path)
    assert aig.input_names == ["a[0]", "a[1]", "b[0]", "b[1]"]
    for a in range(4):
        for b in range(4):
            out = evaluate(aig, [[a & 1, a >> 1, b & 1, b >> 1]])[0]
            assert sum(int(v) << k for k, v in enumerate(out)) == a + b


def test_without_yosys_the_message_says_so(tmp_path, monkeypatch):
    path = tmp_path / "add.v"
    path.write_text(BEHAVIOURAL)
    monkeypatch.setattr(verilog, "yosys_binary", lambda: None)
    with pytest.raises(VerilogFormatError, match="needs yosys .*apt-get install yosys"):
        read_verilog(path)

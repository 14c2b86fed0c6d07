"""circuitlab/formats.py: format by flag, extension or content; stdout, pipes and missing folders."""

import pytest

from circuitlab.aiger import read_aiger
from circuitlab.formats import FormatError, check_output, format_of, read_circuit, sniff, write_circuit
from helpers import EXAMPLES


def test_sniff():
    assert sniff(b"aag 0 0 0 0 0\n") == "aag" and sniff(b"aig 1 1 0 0 0\n") == "aig"
    assert sniff(b"# ABC\n.model x\n") == "blif" and sniff(b"\n.inputs a\n") == "blif"
    assert sniff(b"// c\nmodule m();\nendmodule\n") == "verilog"
    assert sniff(b"hello") is None and sniff(b"") is None


def test_format_of():
    assert format_of("a.v", None, ("verilog",)) == "verilog" and format_of("x.BLIF", None, ("blif",)) == "blif"
    assert format_of("a.dot", None, ("aag",)) is None and format_of("-", "aag", ("aag",)) == "aag"
    with pytest.raises(FormatError, match="unknown format 'vhdl'"):
        format_of("a", "vhdl", ("aag",))


@pytest.mark.parametrize("ext", [".aag", ".aig", ".blif", ".v"])
def test_every_format_round_trips(ext, tmp_path):
    ref = read_aiger(EXAMPLES / "cavlc.aig")
    write_circuit(ref, tmp_path / f"c{ext}")
    got = read_circuit(tmp_path / f"c{ext}")
    assert got.input_names == ref.input_names and got.num_outputs == ref.num_outputs
    plain = tmp_path / "noext"
    plain.write_bytes((tmp_path / f"c{ext}").read_bytes())
    assert read_circuit(plain).num_inputs == ref.num_inputs  # from the content


def test_bad_paths(tmp_path):
    with pytest.raises(FormatError, match="folder .* does not exist"):
        check_output(tmp_path / "no" / "x.aig")
    with pytest.raises(FormatError, match="it is a folder"):
        check_output(tmp_path)
    with pytest.raises(FormatError, match="cannot read file"):
        read_circuit(tmp_path / "missing.aig")
    (tmp_path / "t.txt").write_text("hello\n")
    with pytest.raises(FormatError, match="unknown circuit format"):
        read_circuit(tmp_path / "t.txt")

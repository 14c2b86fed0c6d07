"""circuitlab/formats.py: format by flag, extension or content; stdout, pipes and missing folders."""

import numpy as np
import pytest

from circuitlab.aiger import read_aiger
from circuitlab.formats import (
    FormatError,
    check_output,
    circuit_bytes,
    format_of,
    parse_circuit,
    read_circuit,
    sniff,
    write_circuit,
)
from circuitlab.sim import evaluate
from helpers import EXAMPLES, random_aig


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


@pytest.mark.parametrize("name", ["i2c", "cavlc", "priority"])
@pytest.mark.parametrize("ext, abc_writer", [(".blif", "write_blif"), (".v", "write_verilog")])
def test_own_and_abc_files_read_back_equal(name, ext, abc_writer, tmp_path, abc):
    """BLIF and Verilog written by circuitlab and by ABC read back (natively: no yosys for
    these) to circuits that ABC's cec proves equal to the source."""
    src = EXAMPLES / f"{name}.aig"
    ref = read_aiger(src)
    write_circuit(ref, tmp_path / f"own{ext}")
    abc(f"read {src}; strash; {abc_writer} {tmp_path / f'abc{ext}'}")
    for kind in ("own", "abc"):
        aig = parse_circuit((tmp_path / f"{kind}{ext}").read_bytes(), path=tmp_path / f"{kind}{ext}")
        assert aig.input_names == ref.input_names and aig.output_names == ref.output_names
        write_circuit(aig, tmp_path / f"{kind}.aig")
        assert "Networks are equivalent" in abc(f"cec {src} {tmp_path / f'{kind}.aig'}")


@pytest.mark.parametrize("kind", ["blif", "verilog"])
def test_random_circuits_round_trip(kind):
    rng = np.random.default_rng(1)
    for seed in range(20):
        ref = random_aig(seed, n_in=7, n_and=40, n_out=4)
        got = parse_circuit(circuit_bytes(ref, kind), kind)
        rows = rng.integers(0, 2, (128, ref.num_inputs)).astype(bool)
        np.testing.assert_array_equal(evaluate(got, rows), evaluate(ref, rows))


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

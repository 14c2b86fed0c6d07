"""Verilog/BLIF read back by yosys and ABC, proved equal by ABC cec; DOT and networkx."""

import pytest

from circuitlab.aiger import read_aiger, write_aiger
from circuitlab.export import to_blif, to_dot, to_networkx, to_verilog
from helpers import EXAMPLES
from test_netlist import all_gates_netlist

CIRCUITS = ["ctrl", "int2float", "router", "i2c"]


@pytest.mark.parametrize("name", CIRCUITS)
def test_blif_and_verilog_cec(name, tmp_path, abc, yosys):
    src = EXAMPLES / f"{name}.aig"
    aig = read_aiger(src)
    (tmp_path / "c.blif").write_text(to_blif(aig))
    (tmp_path / "c.v").write_text(to_verilog(aig))
    out = abc(f"cec {src} c.blif", cwd=tmp_path)
    assert "Networks are equivalent" in out, out
    yosys(
        "read_verilog c.v; hierarchy -top top; proc; flatten; techmap; aigmap; opt_clean; write_aiger -symbols y.aig",
        cwd=tmp_path,
    )
    back = read_aiger(tmp_path / "y.aig")
    # yosys may reorder ports; names survive, and ABC's cec matches by name
    assert set(back.input_names) == set(aig.input_names)
    assert set(back.output_names) == set(aig.output_names)
    out = abc(f"cec {src} y.aig", cwd=tmp_path)
    assert "Networks are equivalent" in out, out


def test_netlist_with_every_gate_cec(tmp_path, abc, yosys):
    net = all_gates_netlist()
    write_aiger(net.to_aig(), tmp_path / "ref.aig")
    (tmp_path / "n.blif").write_text(to_blif(net))
    (tmp_path / "n.v").write_text(to_verilog(net))
    assert "Networks are equivalent" in abc("cec ref.aig n.blif", cwd=tmp_path)
    yosys(
        "read_verilog n.v; hierarchy -top top; proc; techmap; aigmap; opt_clean; write_aiger -symbols y.aig",
        cwd=tmp_path,
    )
    assert "Networks are equivalent" in abc("cec ref.aig y.aig", cwd=tmp_path)


def test_dot_and_networkx():
    aig = read_aiger(EXAMPLES / "ctrl.aig")
    dot = to_dot(aig)
    assert dot.startswith('digraph "circuit"') and dot.count("->") > aig.num_ands
    g = to_networkx(aig)
    kinds = [d["kind"] for _, d in g.nodes(data=True)]
    assert kinds.count("INPUT") == aig.num_inputs and kinds.count("OUTPUT") == aig.num_outputs
    import networkx as nx

    assert nx.is_directed_acyclic_graph(g)
    assert nx.dag_longest_path_length(g) >= aig.depth()

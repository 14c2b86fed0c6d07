"""Hierarchical Verilog of convolutional networks: flattened by yosys, it is the compiled AIG."""

import pytest

from circuitlab.aiger import write_aiger
from circuitlab.lgn.compile import compile_network
from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.model import LogicNetwork
from circuitlab.lgn.verilog import conv_network_verilog


@pytest.mark.parametrize("depth", [1, 3])
def test_flattened_hierarchy_equals_the_flat_circuit(tmp_path, abc, yosys, depth):
    model = LogicNetwork(
        14 * 14 * 2, 4, [64, 40], "light", init="random", seed=depth, image=(14, 14, 2), conv=[6, 5], conv_depth=depth
    ).eval()
    (tmp_path / "h.v").write_text(conv_network_verilog(model, module="net"))
    write_aiger(compile_network(model.discretize()), tmp_path / "flat.aig")
    yosys(
        "read_verilog h.v; hierarchy -top net; proc; flatten; techmap; aigmap; opt_clean; write_aiger -symbols y.aig",
        cwd=tmp_path,
    )
    assert "Networks are equivalent" in abc("cec flat.aig y.aig", cwd=tmp_path)


def test_a_dense_network_has_no_hierarchy():
    with pytest.raises(LGNConfigError, match="convolutional blocks"):
        conv_network_verilog(LogicNetwork(8, 2, [8]))

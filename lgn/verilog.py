"""Hierarchical Verilog of a convolutional logic gate network.

A flat export (``circuitlab.export.to_verilog`` of the compiled AIG) unrolls every
convolution kernel at every position.  Here each kernel keeps its shape:

* ``<top>_c<i>_k<k>``: kernel k of conv layer i, a module with the ``2^d`` leaves as
  input vector ``x`` and the tree root as output ``y``; one ``assign`` per gate;
* ``<top>_features``: one instance of each kernel per output position, and the 2 x 2
  OR pooling as ``assign`` statements; it maps the input bits to the features the
  dense layers read;
* ``<top>_head``: the dense layers, GroupSum popcounts and the argmax, flat (compiled
  through the same netlist as the flat export);
* ``<top>``: the same ports, in the same order and with the same names, as the flat
  export (``x[i]`` inputs, ``class[k]`` outputs), so either file can replace the other.

Instances connect by position.  Flattened (``yosys: hierarchy; flatten``) the module is
the same function as the compiled AIG; the tests prove it with ABC ``cec``.
"""

from __future__ import annotations

from circuitlab.export.common import verilog_id
from circuitlab.export.verilog import _EXPR, to_verilog

from .compile import compile_netlist
from .conv import LogicConv2d, OrPool2d
from .discrete import DiscreteNetwork
from .errors import LGNConfigError
from .layers import gate_ids_of


def _expr(gate: int, a: str, b: str) -> str:
    return _EXPR[gate].replace("A", "\0a").replace("B", "\0b").replace("\0a", a).replace("\0b", b)


def _kernel_module(name: str, gates: list[int], depth: int) -> list[str]:
    """One kernel tree: gates level by level, leaves first (``conv.py`` numbering)."""
    n_leaves = 2**depth
    lines = [
        f"module {name}(x, y);",
        f"  input [{n_leaves - 1}:0] x;",
        "  output y;",
        f"  wire [{len(gates) - 1}:0] g;",
    ]
    start, prev_start, n = 0, None, n_leaves // 2
    while n >= 1:
        for i in range(n):
            if prev_start is None:
                a, b = f"x[{2 * i}]", f"x[{2 * i + 1}]"
            else:
                a, b = f"g[{prev_start + 2 * i}]", f"g[{prev_start + 2 * i + 1}]"
            lines.append(f"  assign g[{start + i}] = {_expr(gates[start + i], a, b)};")
        prev_start, start, n = start, start + n, n // 2
    lines += [f"  assign y = g[{len(gates) - 1}];", "endmodule", ""]
    return lines


def _features_module(top: str, blocks: list, in_dim: int) -> list[str]:
    out_dim = blocks[-1].out_dim
    lines = [f"module {top}_features(x, f);", f"  input [{in_dim - 1}:0] x;", f"  output [{out_dim - 1}:0] f;"]
    src = "x"
    for i, block in enumerate(blocks):
        if isinstance(block, LogicConv2d):
            a, b = (t.numpy() for t in block.level_indices("cpu")[0])
            n0 = 2 ** (block.depth - 1)
            kernels, positions = block.kernels, block.out_hw[0] * block.out_hw[1]
            lines.append(f"  wire [{block.out_dim - 1}:0] s{i};")
            for p in range(positions):
                for k in range(kernels):
                    base = (p * kernels + k) * n0
                    leaves = [int(v) for j in range(n0) for v in (a[base + j], b[base + j])]
                    bus = ", ".join(f"{src}[{v}]" for v in reversed(leaves))  # MSB first
                    lines.append(f"  {top}_c{i}_k{k} u{i}_{p}_{k}({{{bus}}}, s{i}[{p * kernels + k}]);")
        else:
            assert isinstance(block, OrPool2d)
            lines.append(f"  wire [{block.out_dim - 1}:0] s{i};")
            for q, w in enumerate(block.window_indices().tolist()):
                lines.append(f"  assign s{i}[{q}] = {' | '.join(f'{src}[{v}]' for v in w)};")
        src = f"s{i}"
    lines += [f"  assign f = {src};", "endmodule", ""]
    return lines


def conv_network_verilog(model, module: str = "lgn") -> str:
    """Verilog of a convolutional ``LogicNetwork`` (see the module docstring).

    Args:
        model: a :class:`~.model.LogicNetwork` with convolutional blocks.
        module: name of the top module (kernel, feature and head modules take it as prefix).
    """
    blocks = model._feature_blocks()
    if not blocks:
        raise LGNConfigError("conv_network_verilog needs a network with convolutional blocks")
    top = verilog_id(module).strip()
    dn = model.discretize()
    n_levels = sum(len(block.discretize()) for block in blocks)
    feat_dim = blocks[-1].out_dim
    head = DiscreteNetwork(feat_dim, dn.num_classes, dn.tau, dn.layers[n_levels:])
    head_net = compile_netlist(head, [f"f{j}" for j in range(feat_dim)])
    lines: list[str] = [f"// {module}: convolutional logic gate network, one module per kernel", ""]
    for i, block in enumerate(blocks):
        if isinstance(block, LogicConv2d):
            ids = gate_ids_of(block.weight, block.parametrization).tolist()  # [K, 2^d - 1], leaves' level first
            for k, gates in enumerate(ids):
                lines += _kernel_module(f"{top}_c{i}_k{k}", gates, block.depth)
    lines += _features_module(top, blocks, model.in_dim)
    lines.append(to_verilog(head_net, module=f"{top}_head"))
    ins = [verilog_id(f"x[{i}]") for i in range(model.in_dim)]
    outs = [verilog_id(f"class[{k}]") for k in range(len(head_net.outputs))]
    lines.append(f"module {top}({', '.join(ins + outs)});")
    lines += [f"  input {x};" for x in ins] + [f"  output {y};" for y in outs]
    lines += [f"  wire [{model.in_dim - 1}:0] x_bus;", f"  wire [{feat_dim - 1}:0] feat;"]
    lines.append(f"  assign x_bus = {{{', '.join(reversed(ins))}}};")
    lines.append(f"  {top}_features u_features(x_bus, feat);")
    head_ports = [f"feat[{j}]" for j in range(feat_dim)] + outs
    lines.append(f"  {top}_head u_head({', '.join(head_ports)});")
    lines += ["endmodule", ""]
    return "\n".join(lines)

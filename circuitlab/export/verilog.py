"""Structural Verilog (``assign`` statements) for netlists and AIGs."""

from __future__ import annotations

from ..netlist import BUF, MUX, NOT
from .common import as_netlist, gate_nodes, signal_names, verilog_id

# two-input function k as a Verilog expression of operands A and B
_EXPR = [
    "1'b0",
    "A & B",
    "A & ~B",
    "A",
    "~A & B",
    "B",
    "A ^ B",
    "A | B",
    "~(A | B)",
    "~(A ^ B)",
    "~B",
    "A | ~B",
    "~A",
    "~A | B",
    "~(A & B)",
    "1'b1",
]


def to_verilog(circuit, module: str = "top") -> str:
    """Verilog text of ``circuit`` (a Netlist or an AIG) as one flat module."""
    net = as_netlist(circuit)
    node, outs = signal_names(net)
    node[0], node[1] = "1'b0", "1'b1"
    v = [verilog_id(x) for x in node[2:]]
    ident = ["1'b0", "1'b1"] + v
    ins = [ident[n] for n in net.inputs]
    out_ids = [verilog_id(o) for o in outs]
    lines = [f"module {verilog_id(module)}({', '.join(ins + out_ids)});"]
    lines += [f"  input {x};" for x in ins]
    lines += [f"  output {x};" for x in out_ids]
    gates = gate_nodes(net)
    lines += [f"  wire {ident[n]};" for n in gates]
    for n in gates:
        kind, f = net.kinds[n], net.fanins[n]
        if kind <= 15:
            expr = _EXPR[kind].replace("A", "\0a").replace("B", "\0b")
            expr = expr.replace("\0a", ident[f[0]]).replace("\0b", ident[f[1]])
        elif kind == NOT:
            expr = f"~{ident[f[0]]}"
        elif kind == BUF:
            expr = ident[f[0]]
        else:
            assert kind == MUX
            expr = f"{ident[f[0]]} ? {ident[f[1]]} : {ident[f[2]]}"
        lines.append(f"  assign {ident[n]} = {expr};")
    for o, n in zip(out_ids, net.outputs, strict=True):
        lines.append(f"  assign {o} = {ident[n]};")
    lines.append("endmodule")
    return "\n".join(lines) + "\n"

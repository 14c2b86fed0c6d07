"""Graphviz DOT for netlists and AIGs (inverted edges of AIG ANDs are folded into
gate functions, so every edge is plain)."""

from __future__ import annotations

from ..netlist import INPUT, KIND_NAMES
from .common import as_netlist, gate_nodes, signal_names


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(circuit, name: str = "circuit") -> str:
    """DOT text: inputs as triangles, gates as boxes labelled with their function."""
    net = as_netlist(circuit)
    node, outs = signal_names(net)
    lines = [f"digraph {_q(name)} {{", "  rankdir=BT;"]
    used = {f for n in gate_nodes(net) for f in net.fanins[n]} | set(net.outputs)
    for c in (0, 1):
        if c in used:
            lines.append(f"  c{c} [label={_q(str(c))}, shape=plaintext];")
    ident = {0: "c0", 1: "c1"}
    for n in range(2, len(net)):
        ident[n] = f"v{n}"
        if net.kinds[n] == INPUT:
            lines.append(f"  v{n} [label={_q(node[n])}, shape=triangle];")
        else:
            lines.append(f"  v{n} [label={_q(KIND_NAMES[net.kinds[n]])}, shape=box];")
    for n in gate_nodes(net):
        for f in net.fanins[n]:
            lines.append(f"  {ident[f]} -> v{n};")
    for k, (o, n) in enumerate(zip(outs, net.outputs, strict=True)):
        lines.append(f"  out{k} [label={_q(o)}, shape=invtriangle];")
        lines.append(f"  {ident[n]} -> out{k};")
    lines.append("}")
    return "\n".join(lines) + "\n"

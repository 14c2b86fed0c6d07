"""BLIF (Berkeley Logic Interchange Format) for netlists and AIGs."""

from __future__ import annotations

from ..netlist import BUF, MUX, NOT
from .common import as_netlist, gate_nodes, signal_names


def _cover(kind: int) -> list[str]:
    """On-set cover rows of a node kind (two-input function, NOT, BUF, MUX)."""
    if kind <= 15:
        return [f"{a}{b} 1" for a in (0, 1) for b in (0, 1) if (kind >> (3 - 2 * a - b)) & 1]
    return {NOT: ["0 1"], BUF: ["1 1"], MUX: ["11- 1", "0-1 1"]}[kind]


def to_blif(circuit, model: str = "top") -> str:
    """BLIF text of ``circuit`` (a Netlist or an AIG)."""
    net = as_netlist(circuit)
    node, outs = signal_names(net)
    node[0], node[1] = "$false", "$true"
    lines = [
        f".model {model}",
        ".inputs " + " ".join(node[n] for n in net.inputs),
        ".outputs " + " ".join(outs),
        ".names $false",
        ".names $true",
        "1",
    ]
    for n in gate_nodes(net):
        kind, f = net.kinds[n], net.fanins[n]
        if kind in (0, 15):  # constants ignore their fanins
            lines.append(f".names {node[n]}")
            lines += ["1"] if kind == 15 else []
            continue
        lines.append(".names " + " ".join(node[x] for x in f) + f" {node[n]}")
        lines += _cover(kind)
    for o, n in zip(outs, net.outputs, strict=True):
        lines += [f".names {node[n]} {o}", "1 1"]
    lines.append(".end")
    return "\n".join(lines) + "\n"

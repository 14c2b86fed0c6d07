"""networkx ``DiGraph`` view of netlists and AIGs."""

from __future__ import annotations

import networkx as nx

from ..netlist import INPUT, KIND_NAMES
from .common import as_netlist, gate_nodes, signal_names


def to_networkx(circuit) -> nx.DiGraph:
    """A DiGraph with node attributes ``kind`` (function name) and ``name``.

    Gate fanin edges carry ``pin`` (0, 1, 2); output nodes are ``("out", k)``.
    """
    net = as_netlist(circuit)
    node, outs = signal_names(net)
    g = nx.DiGraph()
    used = {f for n in gate_nodes(net) for f in net.fanins[n]} | set(net.outputs)
    for c in (0, 1):
        if c in used:
            g.add_node(c, kind=KIND_NAMES[15 * c], name=str(c))
    for n in range(2, len(net)):
        g.add_node(n, kind="INPUT" if net.kinds[n] == INPUT else KIND_NAMES[net.kinds[n]], name=node[n])
    for n in gate_nodes(net):
        for pin, f in enumerate(net.fanins[n]):
            g.add_edge(f, n, pin=pin)
    for k, (o, n) in enumerate(zip(outs, net.outputs, strict=True)):
        g.add_node(("out", k), kind="OUTPUT", name=o)
        g.add_edge(n, ("out", k), pin=0)
    return g

"""What the exporters share: the netlist view of a circuit and unique signal names."""

from __future__ import annotations

import re

from ..aig import AIG
from ..errors import CircuitError
from ..netlist import INPUT, Netlist


def as_netlist(circuit) -> Netlist:
    if isinstance(circuit, Netlist):
        return circuit
    if isinstance(circuit, AIG):
        return Netlist.from_aig(circuit)
    raise CircuitError(f"cannot export a {type(circuit).__name__}; give a Netlist or an AIG")


def signal_names(net: Netlist, legal=r"[A-Za-z_][A-Za-z0-9_$]*") -> tuple[list[str], list[str]]:
    """Unique names for every node and every output port.

    Inputs and outputs keep their names (``i<k>``/``o<k>`` when unnamed); internal
    nodes are ``n<id>``.  ``legal`` is only used by callers that must escape names.
    """
    used: set[str] = set()

    def unique(base: str) -> str:
        name, k = base, 1
        while name in used:
            name, k = f"{base}_{k}", k + 1
        used.add(name)
        return name

    node = [""] * len(net)
    for k, n in enumerate(net.inputs):
        name = net.names[n]
        node[n] = unique(name if name is not None else f"i{k}")
    outs = [unique(name if name is not None else f"o{k}") for k, name in enumerate(net.output_names)]
    for n in range(len(net)):
        if not node[n] and net.kinds[n] != INPUT:
            node[n] = unique(f"n{n}")
    return node, outs


def gate_nodes(net: Netlist):
    """Internal nodes (not inputs), in topological order, excluding the two constants."""
    return [n for n in range(2, len(net)) if net.kinds[n] != INPUT]


_SIMPLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*$")
VERILOG_KEYWORDS = frozenset(
    """always and assign automatic begin buf bufif0 bufif1 case casex casez cell cmos
config deassign default defparam design disable edge else end endcase endconfig endfunction endgenerate
endmodule endprimitive endspecify endtable endtask event for force forever fork function generate genvar
highz0 highz1 if ifnone incdir include initial inout input instance integer join large liblist library
localparam macromodule medium module nand negedge nmos nor noshowcancelled not notif0 notif1 or output
parameter pmos posedge primitive pull0 pull1 pulldown pullup pulsestyle_onevent pulsestyle_ondetect rcmos
real realtime reg release repeat rnmos rpmos rtran rtranif0 rtranif1 scalared showcancelled signed small
specify specparam strong0 strong1 supply0 supply1 table task time tran tranif0 tranif1 tri tri0 tri1
triand trior trireg unsigned use uwire vectored wait wand weak0 weak1 while wire wor xnor xor""".split()  # noqa: SIM905 - the keyword table reads better as text
)


def verilog_id(name: str) -> str:
    """A Verilog identifier: plain when legal, else an escaped identifier."""
    if _SIMPLE.match(name) and name not in VERILOG_KEYWORDS:
        return name
    return "\\" + name + " "

"""Netlist export: Verilog, BLIF, DOT and networkx, for netlists and AIGs alike.

Every writer accepts a :class:`~circuitlab.netlist.Netlist` or an
:class:`~circuitlab.aig.AIG` (converted with ``Netlist.from_aig``).
"""

from .blif import to_blif
from .dot import to_dot
from .nx import to_networkx
from .verilog import to_verilog

__all__ = ["to_verilog", "to_blif", "to_dot", "to_networkx"]

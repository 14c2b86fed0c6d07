"""AIG → PyTorch Geometric ``Data``: the DAG the CASCAD-style GNN propagates over.

Nodes (``N = (M + 1) + O + K``):

* ``0 .. M``: the AIG variables, node id = variable (constant, inputs, latches as
  free inputs, AND gates);
* ``M + 1 .. M + O``: one node per output, fed by the output literal;
* ``M + O + 1 ..``: one **virtual AND node** per pair ``(u, v, b)`` (CASCAD), fed by
  the literal "``u == b``" and by ``v``; its probability is the joint
  ``P(v = 1 ∧ u = b)``, and a virtual DIV by ``P(u = b)`` gives ``P(v = 1 | u = b)``.

Edges point from fanin to fanout.  Besides the circuit's own edges there are
DeepGate's *reconvergence skip edges*, one from the nearest reconvergence stem of each
AND gate whose fanin cones meet within ``skip_depth`` levels (:mod:`.reconv`):

    edge_index  [2, E]   (2 A AND fanins, O output edges, 2 K pair edges, S skip edges)
    edge_attr   [E, 2]   column 0: complement bit; column 1: 1 on skip edges
    x           [N, 5]   one-hot type: const, input, and, output, pair
    node_type   [N]      the same as an index 0..4
    level       [N]      topological level: 0 for const/inputs, 1 + max(fanin levels)
    cop         [N]      COP (independence) probability of each node (pairs: P_cop(u=b) P_cop(v))
    win         [N]      the window estimate of :func:`circuitlab.sim.window_probabilities`, exact
                         within ``window_depth`` fanin levels; pairs: the window estimate of the
                         virtual AND itself, so the joint of a pair whose halves share logic
                         near it (a gate and its fanin) is exact; ``cop`` when ``window_depth = 0``
    rel         [N, 4]   pair nodes only: u fanin of v, its complement, v fanin of u, its complement
    struct      [N, 3]   has a reconvergence stem, level span to it / skip_depth, log(1 + fanout) / 4
    pair_index  [3, K]   node ids of u, v and the virtual node of each pair
    pair_b      [K]      condition value b

Everything is vectorized numpy/torch: no Python loop per node (the levels come from
:meth:`AIG.levels`, the COP values from :func:`circuitlab.sim.cop_probabilities`, the window values from
:func:`circuitlab.sim.window_probabilities`).
Skip edges only ever point to a higher level, so the levels stay a valid schedule.
"""

from __future__ import annotations

import numpy as np
import torch
from torch_geometric.data import Data

from circuitlab.aig import AIG
from circuitlab.sim import cop_probabilities, window_probabilities

from .errors import CircuitGraphError, EmptyCircuitError
from .pairs import check_pairs, fanin_pairs, pair_relation
from .reconv import reconvergence

NODE_TYPES = ("const", "input", "and", "output", "pair")
CONST, INPUT, AND, OUTPUT, PAIR = range(5)


def check_graph(aig: AIG) -> None:
    """Raise a typed error unless ``aig`` is a non-empty DAG in canonical order.

    Raises:
        CircuitGraphError: a fanin literal at or after its own gate (a cycle or a
            non-topological order), or a literal out of range.
        EmptyCircuitError: no AND gates, or no outputs.  Such a circuit has nothing to
            propagate: every probability is a constant (0, 1) or an input's 1/2, and
            the reverse pass has no output to start from.
    """
    ands = np.asarray(aig.ands)
    if ands.ndim != 2 or ands.shape[1] != 2:
        raise CircuitGraphError(f"aig.ands must have shape [A, 2], got {list(ands.shape)}")
    if aig.num_ands == 0:
        raise EmptyCircuitError(
            "the AIG has no AND gates: nothing to propagate (probabilities are the constants and 1/2 for inputs)"
        )
    if aig.num_outputs == 0:
        raise EmptyCircuitError("the AIG has no outputs: nothing to condition the reverse pass on")
    own = np.arange(aig.first_and_var, aig.max_var + 1, dtype=np.int64)
    fan = ands >> 1
    bad = (fan >= own[:, None]).any(1) | (ands < 0).any(1)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise CircuitGraphError(
            f"AND gate {j} (variable {own[j]}) has fanin literals {ands[j].tolist()}: a fanin at or "
            "after its own gate means a cycle or a non-topological order"
        )
    outs = np.asarray(aig.outputs)
    if outs.min() < 0 or outs.max() > 2 * aig.max_var + 1:
        raise CircuitGraphError(f"output literal out of range 0..{2 * aig.max_var + 1}")


def _node_probabilities(aig: AIG, p: np.ndarray, p_pairs: np.ndarray) -> np.ndarray:
    """``[N]``: variable probabilities ``p``, the output literals' from them, then ``p_pairs``."""
    p_out = np.where(aig.outputs & 1, 1.0 - p[aig.outputs >> 1], p[aig.outputs >> 1])
    return np.concatenate([p, p_out, p_pairs])


def _cop_estimate(aig: AIG, u, v, b) -> np.ndarray:
    """``[N]`` COP estimates; a pair's joint is ``P_cop(u = b) P_cop(v)`` (independence)."""
    p = cop_probabilities(aig)
    return _node_probabilities(aig, p, np.where(b == 1, p[u], 1.0 - p[u]) * p[v])


def _window_estimate(aig: AIG, u, v, b, depth: int) -> np.ndarray:
    """``[N]`` window estimates; a pair's joint is the estimate of its virtual AND
    ``(u == b) AND v``, added to the circuit as a gate of its own."""
    n_var = aig.max_var + 1
    virtual = np.stack([2 * u + (1 - b), 2 * v], axis=1)  # literal "u == b", literal v
    aug = AIG(aig.num_inputs, np.concatenate([aig.ands, virtual]), aig.outputs, latches=aig.latches)
    w = window_probabilities(aug, depth)
    return _node_probabilities(aig, w[:n_var], w[n_var:])


def aig_to_data(aig: AIG, pairs=None, virtual_pairs: bool = False, skip_depth: int = 3, window_depth: int = 3) -> Data:
    """Convert ``aig`` to a PyG ``Data`` (see the module docstring for the fields).

    Args:
        aig: a combinational AIG (latches are treated as free inputs, as in simulation).
        pairs: ``[K, 3]`` pairs ``(u, v, b)``; each gets a virtual AND node.
        virtual_pairs: when True and ``pairs`` is None, use :func:`fanin_pairs` (every
            gate with each fanin, both directions, b in {0, 1}).
        skip_depth: search depth of reconvergence stems (0: no skip edges).
        window_depth: fanin levels of the window estimate ``win`` (0: ``win = cop``; at most 3).
    Returns:
        ``Data`` with ``num_nodes = M + 1 + O + K``.
    Raises:
        CircuitGraphError, EmptyCircuitError: see :func:`check_graph`; PairError for bad pairs.
    """
    check_graph(aig)
    if pairs is None and virtual_pairs:
        pairs = fanin_pairs(aig)
    pairs = check_pairs(pairs, aig.max_var + 1)
    n_var, n_out, n_pair = aig.max_var + 1, aig.num_outputs, len(pairs)
    n = n_var + n_out + n_pair
    first = aig.first_and_var
    gates = np.arange(first, n_var, dtype=np.int64)
    out_nodes = np.arange(n_var, n_var + n_out, dtype=np.int64)
    pair_nodes = np.arange(n_var + n_out, n, dtype=np.int64)
    u, v, b = pairs[:, 0], pairs[:, 1], pairs[:, 2]

    lev_var = aig.levels()
    if skip_depth > 0:
        stem, span = reconvergence(aig, lev_var, skip_depth)
    else:
        stem, span = np.full(aig.num_ands, -1, np.int64), np.zeros(aig.num_ands, np.int64)
    has = stem >= 0
    src = np.concatenate([aig.ands[:, 0] >> 1, aig.ands[:, 1] >> 1, aig.outputs >> 1, u, v, stem[has]])
    dst = np.concatenate([gates, gates, out_nodes, pair_nodes, pair_nodes, gates[has]])
    comp = np.concatenate(
        [aig.ands[:, 0] & 1, aig.ands[:, 1] & 1, aig.outputs & 1, 1 - b, np.zeros(n_pair + int(has.sum()), np.int64)]
    )
    skip = np.zeros(len(src), np.int64)
    skip[len(src) - int(has.sum()) :] = 1

    node_type = np.empty(n, dtype=np.int64)
    node_type[0] = CONST
    node_type[1:first] = INPUT
    node_type[first:n_var] = AND
    node_type[out_nodes] = OUTPUT
    node_type[pair_nodes] = PAIR

    level = np.concatenate([lev_var, lev_var[aig.outputs >> 1] + 1, np.maximum(lev_var[u], lev_var[v]) + 1])

    cop = _cop_estimate(aig, u, v, b)
    win = _window_estimate(aig, u, v, b, window_depth) if window_depth else cop

    rel = np.zeros((n, 4), dtype=np.float32)
    rel[pair_nodes] = pair_relation(aig, pairs)
    struct = np.zeros((n, 3), dtype=np.float32)
    struct[gates, 0] = has
    struct[gates, 1] = span / max(1, skip_depth)
    struct[:n_var, 2] = np.log1p(aig.fanout_counts()) / 4

    t = torch.from_numpy
    return Data(
        x=torch.nn.functional.one_hot(t(node_type), len(NODE_TYPES)).float(),
        edge_index=t(np.stack([src, dst])).long(),
        edge_attr=t(np.stack([comp, skip], 1).astype(np.float32)),
        node_type=t(node_type),
        level=t(level).long(),
        cop=t(cop.astype(np.float32)),
        win=t(win.astype(np.float32)),
        rel=t(rel),
        struct=t(struct),
        pair_index=t(np.stack([u, v, pair_nodes])).long(),
        pair_b=t(b).long(),
        num_nodes=n,
    )

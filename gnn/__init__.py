"""CASCAD-style GNN over AIGs: signal and conditional probabilities for solver guidance.

Modules (one concern each):

* :mod:`.data`      AIG → PyG ``Data`` (node types, complemented edges, levels, virtual pair nodes)
* :mod:`.pairs`     fanin pairs, miter candidate equivalences, structural relations
* :mod:`.reconv`    reconvergence stems (DeepGate skip edges)
* :mod:`.labels`    simulation labels with their standard errors
* :mod:`.schedule`  level-by-level forward / reverse / pair steps
* :mod:`.conv`      attention aggregation (PyG ``MessagePassing``)
* :mod:`.model`     the DAG GNN with GRU updates and virtual AND / DIV heads
* :mod:`.windows`, :mod:`.abc`, :mod:`.corpus`   the training corpus (circuits from :mod:`circuitlab.generators`)
* :mod:`.config`, :mod:`.metrics`, :mod:`.checkpoint`, :mod:`.train`    training
* :mod:`.inference` ``load_pretrained`` and ``predict`` for the solvers (also ``circuitlab.gnn.predict``)

Names are imported lazily, so ``import circuitlab.gnn.errors`` does not load torch.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "aig_to_data": "data",
    "NODE_TYPES": "data",
    "fanin_pairs": "pairs",
    "candidate_pairs": "pairs",
    "miter_halves": "pairs",
    "simulation_labels": "labels",
    "attach_labels": "labels",
    "CascadGNN": "model",
    "ModelConfig": "config",
    "TrainConfig": "config",
    "load_pretrained": "inference",
    "predict": "inference",
    "Prediction": "inference",
    "GnnError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Differentiable logic gate networks (``circuitlab.lgn``).

Petersen et al., "Deep Differentiable Logic Gate Networks" (NeurIPS 2022), with the
input-wise "light" parametrization (Rüttgers et al., 2025) and Gumbel straight-through
training (Yousefi et al., "Mind the Gap", 2025).

Modules: ``gates`` (the 16 functions as coefficients), ``connections`` (wiring),
``naive`` / ``cpu_kernel`` / ``c_kernel`` / ``triton_kernels`` / ``ops`` (the fused gate op),
``layers`` / ``groupsum`` / ``model`` (torch modules), ``discrete`` (the hard network as
flat arrays), ``data`` (bundled and generated datasets), ``config`` / ``train`` /
``checkpoint`` / ``plot`` / ``infer`` (training and loading), ``compile`` / ``export``
(the circuit, checked against the network), ``layered`` (fast bit-parallel inference).  The commands live in ``circuitlab.cli.lgn``.

Importing this package imports nothing heavy; the names below load on first use.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "LogicLayer": "layers",
    "GroupSum": "groupsum",
    "LogicNetwork": "model",
    "DiscreteNetwork": "discrete",
    "DiscreteLayer": "discrete",
    "TrainConfig": "config",
    "train": "train",
    "load_dataset": "data",
    "load_model": "infer",
    "load_discrete": "infer",
    "LayeredLGN": "layered",
    "logic_gates": "ops",
    "LGNError": "errors",
    "LGNConfigError": "errors",
    "UnknownDatasetError": "errors",
    "CheckpointError": "errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

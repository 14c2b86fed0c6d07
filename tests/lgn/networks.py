"""Random discretized networks for the inference tests (not a test module)."""

import numpy as np

from circuitlab.lgn.discrete import DiscreteLayer, DiscreteNetwork


def random_network(seed, in_dim=12, widths=(24, 16, 12), k=3, tau=1.0):
    """Uniform random wiring and gate ids (all 16) per layer; the last width must divide by k."""
    rng = np.random.default_rng(seed)
    layers, w = [], in_dim
    for out in widths:
        layers.append(
            DiscreteLayer(rng.integers(0, w, out), rng.integers(0, w, out), rng.integers(0, 16, out).astype(np.uint8))
        )
        w = out
    return DiscreteNetwork(in_dim, k, tau, tuple(layers))

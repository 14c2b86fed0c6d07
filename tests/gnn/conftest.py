"""Shared fixtures of the GNN tests: small circuits built with AIGBuilder and a tiny corpus."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest

os.environ.setdefault("OMP_NUM_THREADS", "1")
torch = pytest.importorskip("torch")
pytest.importorskip("torch_geometric")
torch.set_num_threads(1)

from circuitlab.aig import AIG, AIGBuilder  # noqa: E402

HAVE_ABC = shutil.which("berkeley-abc") is not None or shutil.which("abc") is not None
needs_abc = pytest.mark.skipif(not HAVE_ABC, reason="ABC (berkeley-abc) is not installed")


def small_circuit(seed: int = 0, n_in: int = 6, n_gates: int = 40, n_out: int = 3) -> AIG:
    """A random AIG with reconvergence and complemented edges."""
    rng = np.random.default_rng(seed)
    b = AIGBuilder()
    nodes = [b.input(f"x{i}") for i in range(n_in)]
    while b.num_ands < n_gates:
        i, j = rng.choice(len(nodes), 2, replace=False)
        lit = b.and_(nodes[i] ^ int(rng.integers(2)), nodes[j] ^ int(rng.integers(2)))
        if lit > 1:
            nodes.append(lit)
    for k in range(n_out):
        b.output(nodes[-1 - k] ^ (k & 1), f"y{k}")
    return b.build()


@pytest.fixture
def circuit() -> AIG:
    return small_circuit()


TINY_FAMILIES = ("random", "adder_ripple", "mult_array", "mult_dadda", "adder_cla")


@pytest.fixture(scope="session")
def tiny_corpus_path(tmp_path_factory):
    """A tiny corpus file: 3 train families, 1 val, 1 test (ABC variants when ABC exists)."""
    from circuitlab.gnn.corpus import CorpusConfig, build_corpus, save_corpus

    cfg = CorpusConfig(
        seed=0,
        adder_widths=(3, 4),
        mult_widths=(3,),
        num_random=4,
        min_ands=10,
        max_ands=120,
        families=TINY_FAMILIES,
        max_fanin_pairs=48,
        max_candidate_pairs=48,
        num_patterns=2048,
        abc_variants=HAVE_ABC,
    )
    path = tmp_path_factory.mktemp("corpus") / "tiny.pt"
    save_corpus(build_corpus(cfg), path)
    return path

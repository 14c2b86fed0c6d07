"""Test setup for circuitlab.lgn.

Triton kernels run on CPU in the Triton interpreter: TRITON_INTERPRET must be set
before the first kernel is decorated, so it is set here, before any test module (and
so ``circuitlab.lgn.triton_kernels``) is imported, whenever no CUDA device exists.
"""

import os

import pytest
import torch

if not torch.cuda.is_available():
    os.environ["TRITON_INTERPRET"] = "1"


@pytest.fixture
def one_thread():
    """Run a test with one intra-op thread (bitwise comparisons across processes)."""
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)

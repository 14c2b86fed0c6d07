"""Replay the fuzzers' corpora and every stored crash reproducer (no atheris needed).

``python -m benchmarks.fuzz_readers TARGET`` grows ``tests/fuzz/corpus/TARGET/`` and
saves crashes as ``tests/fuzz/reproducers/TARGET-*``; here each input must be read or
rejected with a typed error, without allocating far beyond its size.
"""

import tracemalloc
from pathlib import Path

import pytest

from circuitlab.benchmarks.fuzz_readers import TARGETS, check

FUZZ = Path(__file__).resolve().parent / "fuzz"


def inputs(target: str) -> list[Path]:
    files = sorted((FUZZ / "corpus" / target).glob("*")) + sorted((FUZZ / "reproducers").glob(f"{target}-*"))
    return [f for f in files if f.is_file()]


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_corpus_and_reproducers_are_read_or_typed_errors(target):
    files = inputs(target)
    assert files, f"no corpus for {target}"
    check(target, b"")  # imports (torch for the checkpoint loaders) are not the input's allocations
    for f in files:
        data = f.read_bytes()
        tracemalloc.start()
        try:
            check(target, data)  # raises on anything but a typed rejection
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 64 * max(len(data), 1 << 16), f"{f.name}: {peak} bytes for a {len(data)}-byte input"

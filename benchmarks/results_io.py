"""One way for benchmarks to save what they measured: ``NAME.json`` beside ``NAME.md``."""

from __future__ import annotations

import json
from pathlib import Path

from circuitlab.fileio import atomic_write

RESULTS = Path(__file__).resolve().parent / "results"


def write_results(out, data, markdown: str, echo: bool = True) -> None:
    """Write ``out.json`` (``data``) and ``out.md`` (``markdown``) atomically; print the table."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out.with_suffix(".json"), json.dumps(data, indent=1))
    atomic_write(out.with_suffix(".md"), markdown if markdown.endswith("\n") else markdown + "\n")
    if echo:
        print(markdown)

"""One way for benchmarks to save what they measured: ``NAME.json`` beside ``NAME.md``."""

from __future__ import annotations

import json
from pathlib import Path

from circuitlab.fileio import atomic_write

# the default output folder, under the current directory (the repository's own results
# folder when a benchmark runs from the repository root); never inside the installed package
RESULTS = Path("benchmarks") / "results"


def write_results(out, data, markdown: str, echo: bool = True) -> None:
    """Write ``out.json`` (``data``) and ``out.md`` (``markdown``) atomically; print the table."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out.with_suffix(".json"), json.dumps(data, indent=1))
    atomic_write(out.with_suffix(".md"), markdown if markdown.endswith("\n") else markdown + "\n")
    if echo:
        print(markdown)


def cactus_plot(series: dict[str, list[float]], title: str, path) -> None:
    """A cactus plot (solved instances against time, log scale) of ``{label: solved times}``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for label, times in series.items():
        ts = sorted(times)
        if ts:
            ax.step(range(1, len(ts) + 1), ts, where="post", label=f"{label} ({len(ts)} solved)")
    ax.set_xlabel("instances solved")
    ax.set_ylabel("wall time per check (s)")
    ax.set_yscale("log")
    ax.set_title(title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)

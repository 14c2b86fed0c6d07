"""Training-curve figure (matplotlib, Agg backend: no display needed)."""

from __future__ import annotations

import io
import os

from circuitlab.fileio import atomic_writer


def plot_history(history: list[dict], path: str | os.PathLike, title: str = "") -> None:
    """Write a PNG with the training loss and soft / discretized test accuracy per evaluation.

    Args:
        history: evaluation records with keys ``step``, ``train_loss``, ``soft_test_acc``,
            ``hard_test_acc`` and ``unused_gates``.
        path: output PNG (written atomically).
    """
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure

    steps = [r["step"] for r in history]
    fig = Figure(figsize=(10, 3.6))
    ax_loss, ax_acc, ax_gates = fig.subplots(1, 3)
    ax_loss.plot(steps, [r["train_loss"] for r in history], ".-", color="black")
    ax_loss.set(xlabel="step", ylabel="train loss", title="loss")
    ax_acc.plot(steps, [r["soft_test_acc"] for r in history], ".--", label="soft (relaxed)")
    ax_acc.plot(steps, [r["hard_test_acc"] for r in history], ".-", label="discretized")
    ax_acc.set(xlabel="step", ylabel="test accuracy", title="accuracy", ylim=(0, 1.01))
    ax_acc.legend(loc="lower right")
    ax_gates.plot(steps, [r["unused_gates"] for r in history], ".-", color="tab:red")
    ax_gates.set(xlabel="step", ylabel="gates", title="unused gates (discretized)")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    atomic_writer(path, lambda f: f.write(buf.getvalue()))

"""Training-curve PNG."""

from circuitlab.lgn.plot import plot_history


def test_plot_writes_png(tmp_path):
    hist = [
        {"step": s, "train_loss": 1.0 / s, "soft_test_acc": 0.5, "hard_test_acc": 0.4, "unused_gates": 3}
        for s in (10, 20, 30)
    ]
    plot_history(hist, tmp_path / "curve.png", "t")
    assert (tmp_path / "curve.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["curve.png"]

"""Compile a trained checkpoint and check the circuit against the network it came from.

The compiled circuit's predictions (bit-parallel, on the AIG) must equal the
discretized PyTorch model's on the checkpoint's test split, sample for sample; a
mismatch is a compiler bug (:class:`~.errors.CompileMismatchError`), never a user error.
"""

from __future__ import annotations


def check_against_model(loaded, compiled) -> dict:
    """Predictions of the eval-mode torch model, the numpy discretized network and the
    compiled circuit on the checkpoint's test split; they must agree everywhere."""
    import torch

    from .data import load_dataset

    cfg = loaded.config
    data = load_dataset(cfg.dataset, cfg.bits, cfg.encoding, cfg.seed)
    x = data.x_test
    loaded.model.eval()
    with torch.no_grad():
        torch_pred = loaded.model(x).argmax(-1).cpu().numpy()
    dn_pred = loaded.discretize().predict(x.numpy() > 0.5)
    circ_pred = compiled.predict(x.numpy() > 0.5)
    y = data.y_test.numpy()
    agree = bool((circ_pred == dn_pred).all() and (dn_pred == torch_pred).all())
    return {
        "samples": int(len(y)),
        "agree": agree,
        "mismatches": int((circ_pred != torch_pred).sum()),
        "accuracy_model": float((torch_pred == y).mean()),
        "accuracy_circuit": float((circ_pred == y).mean()),
    }

"""Losses and accuracy metrics against simulation labels, with the COP baseline.

Signal probability error is measured on AND gates (inputs and the constant are known
exactly; output nodes repeat a gate up to complement).  Conditional error is measured
on pairs whose condition has non-zero probability (``cond_valid``).  A pair is
*forced* when one fanin edge alone fixes the answer (:func:`forced_mask`); errors are
also reported without forced pairs, which no model should get wrong.

COP baselines: the COP signal probability, and for ``P(v | u = b)`` the independence
estimate ``P_cop(v)`` (so the joint is ``P_cop(u = b) P_cop(v)``).  The window
estimate (``data.win``, :func:`circuitlab.sim.window_probabilities`) is the second
baseline (``win_*``), what the model's prior alone achieves: its signal probability,
its joint (the window estimate of the virtual AND) and ``joint / P_win(u = b)``.
"""

from __future__ import annotations

import torch

from .data import AND, OUTPUT
from .model import CascadOutput, literal_prob


def forced_mask(data) -> torch.Tensor:
    """``[K]`` bool: the pair is decided by one fanin edge (see :func:`.pairs.forced_pairs`)."""
    u, v, pn = data.pair_index
    rel = data.rel[pn]  # [K, 4]
    b = data.pair_b
    lit_false = (b ^ rel[:, 1].long()) == 0
    return ((rel[:, 0] > 0) & lit_false) | ((rel[:, 2] > 0) & (b == 1))


def loss_terms(out: CascadOutput, data) -> dict[str, torch.Tensor]:
    """L1 terms: signal (AND and output nodes), joint (all pairs), conditional (valid pairs)."""
    mask = (data.node_type == AND) | (data.node_type == OUTPUT)
    zero = out.prob.sum() * 0
    terms = {"signal": (out.prob[mask] - data.y[mask]).abs().mean() if mask.any() else zero}
    pn = data.pair_index[2]
    if pn.numel():
        terms["joint"] = (out.joint - data.y[pn]).abs().mean()
        valid = data.cond_valid
        terms["cond"] = (out.cond[valid] - data.y_cond[valid]).abs().mean() if valid.any() else zero
    else:
        terms["joint"] = terms["cond"] = zero
    return terms


def cop_cond(data) -> torch.Tensor:
    """``[K]`` independence estimate of ``P(v | u = b)``: ``P_cop(v)``."""
    return data.cop[data.pair_index[1]]


def window_cond(data) -> torch.Tensor:
    """``[K]`` window estimate of ``P(v | u = b)``: ``P_win(v ∧ u = b) / P_win(u = b)`` in [0, 1]."""
    u, v, pn = data.pair_index
    pu = literal_prob(data.win, u, data.pair_b)
    return torch.where(pu > 0, data.win[pn] / pu.clamp_min(1e-12), data.win[v]).clamp(0, 1)


class ErrorAccumulator:
    """Sums of absolute errors and counts over many graphs (model, COP and window estimate
    side by side)."""

    KEYS = ("signal", "cond", "cond_unforced", "joint")
    WHO = ("gnn", "cop", "win")

    def __init__(self):
        self.sums = {f"{who}_{k}": 0.0 for who in self.WHO for k in self.KEYS}
        self.counts = dict.fromkeys(self.KEYS, 0)
        self.label_se = {"signal": 0.0, "cond": 0.0}

    def add(self, out: CascadOutput, data) -> None:
        gates = data.node_type == AND
        pn = data.pair_index[2]
        valid = data.cond_valid
        unforced = valid & ~forced_mask(data)
        labels = {
            "signal": data.y[gates],
            "cond": data.y_cond[valid],
            "cond_unforced": data.y_cond[unforced],
            "joint": data.y[pn],
        }
        # who -> (signal probabilities, conditionals, joints)
        estimates = {
            "gnn": (out.prob, out.cond, out.joint),
            "cop": (data.cop, cop_cond(data), data.cop[pn]),
            "win": (data.win, window_cond(data), data.win[pn]),
        }
        for who, (prob, cond, joint) in estimates.items():
            preds = {"signal": prob[gates], "cond": cond[valid], "cond_unforced": cond[unforced], "joint": joint}
            for k, p in preds.items():
                self.sums[f"{who}_{k}"] += float((p - labels[k]).abs().sum())
        for k, y in labels.items():
            self.counts[k] += int(y.numel())
        self.label_se["signal"] += float(data.y_se[gates].sum())
        self.label_se["cond"] += float(data.y_cond_se[valid].sum())

    def result(self) -> dict[str, float]:
        """Mean absolute errors ``gnn_*``/``cop_*``, counts ``n_*``, mean label std errors."""
        res = {}
        for key, total in self.sums.items():
            n = self.counts[key.split("_", 1)[1]]
            res[key + "_mae"] = total / n if n else float("nan")
        for k, n in self.counts.items():
            res[f"n_{k}"] = n
        res["label_se_signal"] = self.label_se["signal"] / max(1, self.counts["signal"])
        res["label_se_cond"] = self.label_se["cond"] / max(1, self.counts["cond"])
        return res

"""Tests for circuitlab/zoo/global_workspace.py."""

from __future__ import annotations

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from circuitlab.zoo import get
from circuitlab.zoo.global_workspace import GlobalWorkspaceRouter

N_OPERANDS = 10
HELD_OUT_SUMS = {4, 9, 13}


def test_registered():
    assert get("global_workspace") is GlobalWorkspaceRouter


def test_shapes():
    m = GlobalWorkspaceRouter(n_operands=6, d_workspace=8, hidden=16)
    a, b = torch.tensor([0, 5, 3]), torch.tensor([2, 1, 5])
    logp, pi = m(a, b)
    assert logp.shape == (3, 11) and pi.shape == (3, 6)
    torch.testing.assert_close(pi.sum(-1), torch.ones(3))  # a distribution over the Output step
    torch.testing.assert_close(logp.exp().sum(-1), torch.ones(3))
    hard = m.output_step_distribution(b, hard=True)
    assert ((hard == 0) | (hard == 1)).all() and (hard.sum(-1) == 1).all()


def test_gradients_reach_every_parameter():
    torch.manual_seed(0)
    m = GlobalWorkspaceRouter(n_operands=5, d_workspace=8, hidden=16)
    a, b = torch.randint(0, 5, (12,)), torch.randint(0, 5, (12,))
    (F.nll_loss(m(a, b)[0], a + b) + m.primitive_loss()).backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def _split_pairs():
    pairs = [(a, b) for a in range(N_OPERANDS) for b in range(N_OPERANDS)]
    train = torch.tensor([p for p in pairs if sum(p) not in HELD_OUT_SUMS])
    test = torch.tensor([p for p in pairs if sum(p) in HELD_OUT_SUMS])
    return train, test


def test_learns_addition_by_chaining_increment_and_generalizes_to_held_out_sums():
    torch.manual_seed(0)
    m = GlobalWorkspaceRouter(N_OPERANDS, d_workspace=32, hidden=64)
    modules = [*m.input_module.parameters(), *m.increment.parameters(), *m.output_module.parameters()]
    opt = torch.optim.Adam(modules, 1e-2)
    for _ in range(400):  # primitives, over every number 0..18
        loss = m.primitive_loss()
        opt.zero_grad()
        loss.backward()
        opt.step()
    for p in modules:
        p.requires_grad_(False)
    train, test = _split_pairs()
    opt = torch.optim.Adam(m.controller.parameters(), 1e-2)
    for _ in range(250):  # controller, on addition with the held-out sums removed
        loss = F.nll_loss(m(train[:, 0], train[:, 1])[0], train.sum(1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        held = (m(test[:, 0], test[:, 1], hard=True)[0].argmax(-1) == test.sum(1)).float().mean().item()
        seen = (m(train[:, 0], train[:, 1], hard=True)[0].argmax(-1) == train.sum(1)).float().mean().item()
    assert seen == 1.0, seen
    assert held == 1.0, held
    for b in range(N_OPERANDS):  # the learned program is Input, Increment x b, Output
        assert m.program(b) == ["input"] + ["increment"] * b + ["output"]
    # A monolithic MLP fits the training sums but never produces a held-out sum.
    mlp = nn.Sequential(nn.Linear(2 * N_OPERANDS, 64), nn.ReLU(), nn.Linear(64, 2 * N_OPERANDS - 1))
    opt = torch.optim.Adam(mlp.parameters(), 1e-2)

    def feats(p):
        return torch.cat([F.one_hot(p[:, 0], N_OPERANDS), F.one_hot(p[:, 1], N_OPERANDS)], 1).float()

    for _ in range(300):
        loss = F.cross_entropy(mlp(feats(train)), train.sum(1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        assert (mlp(feats(train)).argmax(-1) == train.sum(1)).float().mean() == 1.0
        assert (mlp(feats(test)).argmax(-1) == test.sum(1)).float().mean() == 0.0


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="n_operands"):
        GlobalWorkspaceRouter(n_operands=1)
    with pytest.raises(ValueError, match="max_steps"):
        GlobalWorkspaceRouter(n_operands=5, max_steps=4)
    with pytest.raises(ValueError, match="d_workspace"):
        GlobalWorkspaceRouter(d_workspace=0)
    with pytest.raises(ValueError, match="hidden"):
        GlobalWorkspaceRouter(hidden=-1)
    m = GlobalWorkspaceRouter(n_operands=5)
    with pytest.raises(ValueError, match="a must lie"):
        m(torch.tensor([5]), torch.tensor([1]))
    with pytest.raises(ValueError, match="b must lie"):
        m(torch.tensor([1]), torch.tensor([-1]))
    with pytest.raises(ValueError, match="a must be"):
        m(torch.tensor([1.0]), torch.tensor([1]))
    with pytest.raises(ValueError, match="b must have"):
        m(torch.tensor([1, 2]), torch.tensor([1]))

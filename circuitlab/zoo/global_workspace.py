"""Global Workspace router: a controller gates Input / Increment / Output modules.

Background: global workspace theory (B. J. Baars, "A Cognitive Theory of
Consciousness", 1988) as used for neural module coordination by A. Goyal et
al., "Coordination Among Neural Modules Through a Shared Global Workspace",
ICLR 2022 (arXiv:2103.01197): specialist modules communicate only through a
shared workspace, and a controller decides which module acts on it.  This is a
small algorithmic instance of that idea, not a re-implementation of Goyal et
al.'s attention-based model.

State: a workspace vector ``w in R^d``.  Modules (specialists that act on
the workspace only):

    Input:      w_0 = E[a]                        (writes the first operand)
    Increment:  w_{t+1} = w_t + f(w_t)            (maps the code of n to the code of n + 1)
    Output:     p_t = softmax(W_o w_t)            (reads a number out of the workspace)

The controller decides, after the Input step, which module gets the workspace
at each step ``t = 0 .. T-1``: Increment (continue) or Output (halt).  It sees
the second operand ``b`` and the step clock ``t``:

    h_t   = sigmoid(MLP([onehot(b), onehot(t)]))           (gate towards Output; h_{T-1} = 1)
    pi_t  = h_t prod_{s<t} (1 - h_s)                       (probability that Output acts at step t)
    p(y)  = sum_t pi_t p_t(y)

so the gradient of ``log p(a + b)`` reaches the gates without blending the
workspace (each ``w_t`` is a clean chain of ``t`` Increments).  With hard gates
the program is Input, Increment x k, Output where ``k`` is the first ``t`` with
``h_t > 1/2``.  Addition ``a + b`` needs ``k = b``.  The modules are trained on
their own primitive tasks (:meth:`primitive_loss`, over every number) and the
controller on addition examples.  Because a sum is only ever produced by
chaining Increment, sums never seen in addition training come out right; a
monolithic network cannot emit a class it was never trained on.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from .registry import register

__all__ = ["GlobalWorkspaceRouter"]


@register("global_workspace")
class GlobalWorkspaceRouter(nn.Module):
    """Controller-gated Input/Increment/Output modules over a shared workspace.

    Args:
        n_operands: operands are ``0 .. n_operands - 1``; numbers ``0 .. 2 n_operands - 2``.
        max_steps: controller steps ``T`` (default ``n_operands``: 0 .. n_operands - 1
            Increments before Output); must be ``>= n_operands``.
        d_workspace: workspace width ``d``.
        hidden: width of the Increment MLP and of the controller.

    Shapes: ``a, b`` ``[B]`` (long) -> log-probabilities ``[B, N]`` and the
    Output-step distribution ``pi`` ``[B, T]``.
    """

    def __init__(
        self, n_operands: int = 10, max_steps: int | None = None, d_workspace: int = 32, hidden: int = 64
    ) -> None:
        super().__init__()
        if n_operands < 2:
            raise ValueError(f"n_operands must be >= 2, got {n_operands}")
        max_steps = n_operands if max_steps is None else max_steps
        if max_steps < n_operands:
            raise ValueError(f"max_steps must be >= n_operands = {n_operands}, got {max_steps}")
        if d_workspace <= 0:
            raise ValueError(f"d_workspace must be > 0, got {d_workspace}")
        if hidden <= 0:
            raise ValueError(f"hidden must be > 0, got {hidden}")
        self.n_operands, self.max_steps = n_operands, max_steps
        self.n_numbers = 2 * n_operands - 1
        self.input_module = nn.Embedding(self.n_numbers, d_workspace)
        self.increment = nn.Sequential(nn.Linear(d_workspace, hidden), nn.ReLU(), nn.Linear(hidden, d_workspace))
        self.output_module = nn.Linear(d_workspace, self.n_numbers)
        self.controller = nn.Sequential(nn.Linear(n_operands + max_steps, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def _check(self, x: torch.Tensor, name: str) -> None:
        if x.dim() != 1 or x.dtype not in (torch.int32, torch.int64):
            raise ValueError(f"{name} must be a 1-D integer tensor, got {tuple(x.shape)} {x.dtype}")
        if x.numel() and (x.min() < 0 or x.max() >= self.n_operands):
            raise ValueError(f"{name} must lie in [0, {self.n_operands - 1}]")

    def step_increment(self, w: torch.Tensor) -> torch.Tensor:
        """Increment module: ``w + f(w)``, ``[B, d] -> [B, d]``."""
        return w + self.increment(w)

    def gates(self, b: torch.Tensor) -> torch.Tensor:
        """Output gates ``h`` ``[B, T]`` (the last one forced to 1)."""
        self._check(b, "b")
        steps = torch.arange(self.max_steps, device=b.device)
        feats = torch.cat(
            [
                F.one_hot(b.long(), self.n_operands)[:, None, :].expand(-1, self.max_steps, -1),
                F.one_hot(steps, self.max_steps)[None].expand(b.shape[0], -1, -1),
            ],
            dim=-1,
        ).float()  # [B, T, n_operands + T]
        h = torch.sigmoid(self.controller(feats)[..., 0])  # [B, T]
        return torch.cat([h[:, :-1], torch.ones_like(h[:, -1:])], dim=1)

    def output_step_distribution(self, b: torch.Tensor, hard: bool = False) -> torch.Tensor:
        """``pi`` ``[B, T]``: probability that Output acts at step ``t`` (one-hot if ``hard``)."""
        h = self.gates(b)
        if hard:
            first = (h > 0.5).float().argmax(-1)  # the last gate is 1, so one always fires
            return F.one_hot(first, self.max_steps).float()
        survive = torch.cumprod(torch.cat([torch.ones_like(h[:, :1]), 1 - h[:, :-1]], dim=1), dim=1)
        return h * survive

    def forward(self, a: torch.Tensor, b: torch.Tensor, hard: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        self._check(a, "a")
        if b.shape != a.shape:
            raise ValueError(f"b must have the shape of a {tuple(a.shape)}, got {tuple(b.shape)}")
        pi = self.output_step_distribution(b, hard)  # [B, T]
        w = self.input_module(a.long())  # [B, d]  Input
        logps = []
        for _ in range(self.max_steps):
            logps.append(self.output_module(w).log_softmax(-1))  # Output, if chosen now
            w = self.step_increment(w)  # Increment otherwise
        logp = torch.stack(logps, dim=1)  # [B, T, N]
        return torch.logsumexp(logp + pi.clamp_min(1e-30).log()[..., None], dim=1), pi

    def primitive_loss(self) -> torch.Tensor:
        """Module pre-training: Output(Input(n)) = n for all n; Increment maps code(n) to code(n + 1)."""
        n = torch.arange(self.n_numbers, device=self.output_module.weight.device)
        codes = self.input_module(n)  # [N, d]
        read = F.cross_entropy(self.output_module(codes), n)
        nxt = self.step_increment(codes[:-1])
        inc = F.cross_entropy(self.output_module(nxt), n[1:]) + (nxt - codes[1:].detach()).pow(2).sum(-1).mean()
        return read + inc

    def program(self, b: int) -> list[str]:
        """The hard module sequence run for operand ``b``: Input, Increment x k, Output."""
        pi = self.output_step_distribution(torch.tensor([b], device=self.output_module.weight.device), hard=True)
        k = int(pi[0].argmax())
        return ["input"] + ["increment"] * k + ["output"]

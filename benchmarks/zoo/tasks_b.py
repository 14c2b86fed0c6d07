"""Property tasks for the gating zoo, part B.

``run_tasks(quick)`` trains/evaluates small procedurally generated tasks for
Gated DeltaNet, GDKVM, the Global Workspace router, GSS, PGN, DSelect-k, Deep
Delta Learning, NALU/NAU/NMU and Gated Slot Attention and returns one row per
(module, task):

    {"module", "task", "metric", "ours", "baseline", "reproduced", "note"}

``baseline`` is the named peer in the same run (the note says which); it is
None where the property has no peer (an exactness check).  ``reproduced``
records whether the paper's claim held here; failures are reported, not
hidden.  Speed rows are ratios measured in the same process.  Nothing is
downloaded.  ``python -m circuitlab.benchmarks.zoo.tasks_b [--quick]`` prints
the rows as a markdown table.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from typing import Any

import torch
import torch.nn as nn
import torch.nn.functional as F

from circuitlab.zoo.deep_delta import DeltaResidualBlock, delta_operator
from circuitlab.zoo.dselect_k import DSelectKGate
from circuitlab.zoo.gated_deltanet import chunk_gated_delta_rule_ref, naive_recurrent_gated_delta_rule
from circuitlab.zoo.gated_slot_attention import GatedSlotAttention, chunk_gsa_ref, naive_recurrent_gsa
from circuitlab.zoo.gdkvm import GDKVMemory, gdkvm_recurrence, public_code_decay
from circuitlab.zoo.global_workspace import GlobalWorkspaceRouter
from circuitlab.zoo.gss import GSS, direct_causal_conv, fft_causal_conv
from circuitlab.zoo.nalu import NALU, NAU, NMU
from circuitlab.zoo.pgn import PGNForecaster

__all__ = ["run_tasks"]

Row = dict


def _row(module: str, task: str, metric: str, ours, baseline, reproduced: bool, note: str) -> Row:
    def clean(x):
        return float(f"{x:.6g}") if isinstance(x, float) else x

    return {
        "module": module,
        "task": task,
        "metric": metric,
        "ours": clean(ours),
        "baseline": clean(baseline),
        "reproduced": bool(reproduced),
        "note": note,
    }


def _timeit(fn: Callable[[], object], repeat: int = 3) -> float:
    fn()
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _adam_loop(
    params,
    loss_fn: Callable[[int], torch.Tensor],
    steps: int,
    lr: float,
    after_step: Callable[[], None] | None = None,
    lr_drop_at: float | None = None,
) -> float:
    opt = torch.optim.Adam(params, lr)
    loss = torch.tensor(float("nan"))
    for step in range(steps):
        if lr_drop_at is not None and step == int(lr_drop_at * steps):
            for group in opt.param_groups:
                group["lr"] = lr / 10
        loss = loss_fn(step)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if after_step is not None:
            after_step()
    return loss.item()


# ----------------------------------------------------------------------------- Gated DeltaNet
def _gated_deltanet(quick: bool) -> list[Row]:
    rows = []
    gen = torch.Generator().manual_seed(0)
    b, t, h, dk, dv = 2, (128 if quick else 512), 4, 32, 32
    q = torch.randn(b, t, h, dk, generator=gen)
    k = F.normalize(torch.randn(b, t, h, dk, generator=gen), dim=-1)
    v = torch.randn(b, t, h, dv, generator=gen)
    g = F.logsigmoid(torch.randn(b, t, h, generator=gen) + 3)
    beta = torch.rand(b, t, h, generator=gen)
    o_rec, s_rec = naive_recurrent_gated_delta_rule(q, k, v, g, beta)
    o_chk, s_chk = chunk_gated_delta_rule_ref(q, k, v, g, beta, chunk_size=64)
    diff = max((o_rec - o_chk).abs().max().item(), (s_rec - s_chk).abs().max().item())
    rows.append(
        _row(
            "gated_deltanet",
            f"chunked WY/UT form vs recurrence, fp32, T={t}",
            "max abs diff (o and S)",
            diff,
            None,
            diff < 1e-4,
            "chunk 64; no peer: exactness check",
        )
    )
    t_rec = _timeit(lambda: naive_recurrent_gated_delta_rule(q, k, v, g, beta), repeat=1 if quick else 3)
    t_chk = _timeit(lambda: chunk_gated_delta_rule_ref(q, k, v, g, beta, chunk_size=64), repeat=1 if quick else 3)
    rows.append(
        _row(
            "gated_deltanet",
            f"forward time, T={t}, CPU",
            "seconds (baseline = recurrence)",
            t_chk,
            t_rec,
            t_chk < t_rec,
            f"chunked is {t_rec / t_chk:.1f}x faster than step-by-step",
        )
    )
    # Exact overwrite (alpha = beta = 1, unit key) vs plain additive linear attention.
    key = F.normalize(torch.randn(dk, generator=gen), dim=0)
    v1, v2 = torch.randn(2, dv, generator=gen)
    keys = torch.stack([key, key])[None, :, None]
    vals = torch.stack([v1, v2])[None, :, None]
    _, s = chunk_gated_delta_rule_ref(keys, keys, vals, torch.zeros(1, 2, 1), torch.ones(1, 2, 1), scale=1.0)
    err = (s[0, 0].T @ key - v2).abs().max().item()
    additive = torch.outer(key, v1) + torch.outer(key, v2)  # S = sum k v^T (linear attention)
    err_lin = (additive.T @ key - v2).abs().max().item()
    rows.append(
        _row(
            "gated_deltanet",
            "overwrite a key (alpha=1, beta=1, unit key)",
            "max |S^T k - v_new|",
            err,
            err_lin,
            err < 1e-5,
            "baseline: additive linear attention (returns v_old + v_new)",
        )
    )
    return rows


# ----------------------------------------------------------------------------- GDKVM
def _public_code_memory(frames: int, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The public GDKVM update (model/gdkvm01.py) re-simulated on random frames.

    Keys: channel softmax per pixel, pixel *sums*; gates from the state through
    random ``a_proj``/``b_proj``; decay ``-exp(A_log) softplus(a + dt_bias)`` with
    A ~ U(0, 16), dt log-uniform in [1e-3, 1e-1] (their initialisation).
    Returns state norms ``[T]``, write norms ``||K^T V||`` ``[T]`` and every decay value used.
    """
    dk, dv, heads, pixels = 16, 32, 4, 64
    a_proj = nn.Linear(dv, heads, bias=False)
    b_proj = nn.Linear(dv, heads, bias=False)
    a_log = torch.empty(heads).uniform_(0, 16, generator=gen).log()
    dt = torch.exp(torch.rand(heads, generator=gen) * (math.log(0.1) - math.log(1e-3)) + math.log(1e-3))
    dt_bias = dt + torch.log(-torch.expm1(-dt))
    s = torch.zeros(dk, dv)
    norms, writes, decays = [], [], []
    with torch.no_grad():
        for _ in range(frames):
            key = torch.randn(pixels, dk, generator=gen).softmax(-1)  # [P, K]
            val = torch.randn(pixels, dv, generator=gen)  # [P, V]
            beta = b_proj(s).sigmoid().repeat_interleave(dv // heads, -1)  # [K, V]
            alpha = public_code_decay(a_proj(s), a_log, dt_bias).repeat_interleave(dv // heads, -1)
            write = key.T @ val
            s = alpha * (s - beta * (key.T @ (key @ s))) + beta * write
            norms.append(s.norm())
            writes.append(write.norm())
            decays.append(alpha.flatten())
    return torch.stack(norms), torch.stack(writes), torch.cat(decays)


def _gdkvm(quick: bool) -> list[Row]:
    rows = []
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    dk, dv, p = 8, 6, 16
    key = F.normalize(torch.randn(dk, generator=gen), dim=0)
    v1, v2 = torch.randn(2, dv, generator=gen)
    keys = key.expand(1, 3, p, dk)
    vals = torch.stack([v1, v2, torch.zeros(dv)])[None, :, None, :].expand(1, 3, p, dv)
    ones = torch.ones(1, 3, dv)
    read, _, _ = gdkvm_recurrence(keys, vals, ones, ones)
    err = (read[0, 2, 0] - v2).abs().max().item()
    err_add = ((v1 + v2) - v2).abs().max().item()  # additive memory S += K^T V / P reads v1 + v2
    rows.append(
        _row(
            "gdkvm",
            "overwrite a uniform region (alpha=beta=1)",
            "max |read - v_new|",
            err,
            err_add,
            err < 1e-5,
            "baseline: additive key-value memory (no delta rule)",
        )
    )
    frames = 100
    m = GDKVMemory(key_in=16, value_in=16, key_dim=16, value_dim=32, n_heads=4)
    with torch.no_grad():
        kf, vf = torch.randn(4, frames, 64, 16, generator=gen), torch.randn(4, frames, 64, 16, generator=gen)
        alpha, beta = m.gates(kf, vf)
        k = F.normalize(m.key_proj(kf), dim=-1)
        v = m.value_proj(vf)
        _, _, norms = gdkvm_recurrence(k, v, alpha, beta)
        writes = (k.transpose(-1, -2) @ v / k.shape[2]).flatten(2).norm(dim=-1)
    ours = (norms.max() / writes.max()).item()
    bound = (1 / (1 - alpha.max())).item()
    pub_norms, pub_writes, pub_decay = _public_code_memory(frames, gen)
    outside = ((alpha <= 0) | (alpha >= 1)).float().mean().item()
    pub_outside = ((pub_decay <= 0) | (pub_decay >= 1)).float().mean().item()
    rows.append(
        _row(
            "gdkvm",
            "decay multiplier over 100 random frames",
            "fraction of decay values outside (0, 1)",
            outside,
            pub_outside,
            outside == 0.0 and pub_outside > 0,
            f"ours: sigmoid, range [{alpha.min().item():.3f}, {alpha.max().item():.3f}]; "
            f"baseline: public-code formula -exp(A_log) softplus(.), range [{pub_decay.min().item():.3f}, "
            f"{pub_decay.max().item():.3f}] (negative: the memory flips sign every frame)",
        )
    )
    pub = (pub_norms.max() / pub_writes.max()).item()
    rows.append(
        _row(
            "gdkvm",
            f"state norm over {frames} random frames",
            "max_t ||S_t|| / max_t ||W_t||",
            ours,
            pub,
            ours <= bound + 1e-4,
            f"ours provably <= 1/(1 - max alpha) = {bound:.1f}; baseline: public-code update re-simulated "
            f"with random gate weights (pixel sums, channel-softmax keys); it did not diverge in this "
            f"simulation (final/max norm {pub_norms[-1].item():.2f}/{pub_norms.max().item():.2f})",
        )
    )
    return rows


# ----------------------------------------------------------------------------- Global Workspace
def _global_workspace_seed(seed: int, n_ops: int, train, test) -> tuple[float, float, bool]:
    """Held-out accuracy of the router and of a one-hot MLP, and whether every learned program is right."""
    torch.manual_seed(seed)
    m = GlobalWorkspaceRouter(n_ops)
    mods = [*m.input_module.parameters(), *m.increment.parameters(), *m.output_module.parameters()]
    _adam_loop(mods, lambda _: m.primitive_loss(), 500, 1e-2)
    for p in mods:
        p.requires_grad_(False)
    _adam_loop(m.controller.parameters(), lambda _: F.nll_loss(m(train[:, 0], train[:, 1])[0], train.sum(1)), 300, 1e-2)
    with torch.no_grad():
        ours = (m(test[:, 0], test[:, 1], hard=True)[0].argmax(-1) == test.sum(1)).float().mean().item()
        program_ok = all(m.program(b).count("increment") == b for b in range(n_ops))
    mlp = nn.Sequential(nn.Linear(2 * n_ops, 64), nn.ReLU(), nn.Linear(64, 2 * n_ops - 1))

    def feats(pr):
        return torch.cat([F.one_hot(pr[:, 0], n_ops), F.one_hot(pr[:, 1], n_ops)], 1).float()

    _adam_loop(mlp.parameters(), lambda _: F.cross_entropy(mlp(feats(train)), train.sum(1)), 500, 1e-2)
    with torch.no_grad():
        base = (mlp(feats(test)).argmax(-1) == test.sum(1)).float().mean().item()
    return ours, base, program_ok


def _global_workspace(quick: bool) -> list[Row]:
    n_ops, held_out = 10, {4, 9, 13}
    pairs = [(a, b) for a in range(n_ops) for b in range(n_ops)]
    train = torch.tensor([pr for pr in pairs if sum(pr) not in held_out])
    test = torch.tensor([pr for pr in pairs if sum(pr) in held_out])
    ours, base, programs_ok = [], [], 0
    seeds = 1 if quick else 3
    for seed in range(seeds):
        acc_seed, base_seed, program_ok = _global_workspace_seed(seed, n_ops, train, test)
        ours.append(acc_seed)
        base.append(base_seed)
        programs_ok += program_ok
    acc, acc_base = sum(ours) / seeds, sum(base) / seeds
    return [
        _row(
            "global_workspace",
            "addition a+b (0..9) with sums {4, 9, 13} held out",
            "held-out accuracy",
            acc,
            acc_base,
            acc > 0.95 and acc > acc_base,
            f"{seeds} seed(s); learned program = Input, Increment x b, Output in {programs_ok}/{seeds}; "
            "baseline: one-hot MLP on the same pairs",
        )
    ]


# ----------------------------------------------------------------------------- GSS
def _gss(quick: bool) -> list[Row]:
    rows = []
    gen = torch.Generator().manual_seed(0)
    u = torch.randn(4, 16, 512, generator=gen, dtype=torch.float64)
    kern = torch.randn(16, 512, generator=gen, dtype=torch.float64)
    diff = (fft_causal_conv(u, kern) - direct_causal_conv(u, kern)).abs().max().item()
    rows.append(
        _row(
            "gss",
            "FFT convolution vs direct convolution, L=512, fp64",
            "max abs diff",
            diff,
            None,
            diff < 1e-9,
            "no peer: exactness check",
        )
    )
    length = 1024 if quick else 4096
    u32 = torch.randn(2, 32, length, generator=gen)
    k32 = torch.randn(32, length, generator=gen)
    t_fft = _timeit(lambda: fft_causal_conv(u32, k32), repeat=1 if quick else 3)
    t_dir = _timeit(lambda: direct_causal_conv(u32, k32), repeat=1 if quick else 3)
    rows.append(
        _row(
            "gss",
            f"convolution time, L={length}, CPU",
            "seconds (baseline = direct conv)",
            t_fft,
            t_dir,
            t_fft < t_dir,
            f"FFT path is {t_dir / t_fft:.1f}x faster",
        )
    )
    vocab, seq, delay, steps = 8, 64, (8 if quick else 16), (200 if quick else 400)

    def accuracy(use_ssm: bool) -> float:
        torch.manual_seed(0)
        g = torch.Generator().manual_seed(0)
        emb, head = nn.Embedding(vocab, 32), nn.Linear(32, vocab)
        layer = GSS(32, d_ssm=32, expand=2, d_state=32, use_ssm=use_ssm)
        net = nn.Sequential(emb, layer, head)

        def loss(_):
            x = torch.randint(0, vocab, (32, seq), generator=g)
            return F.cross_entropy(net(x)[:, delay:].reshape(-1, vocab), x[:, :-delay].reshape(-1))

        _adam_loop(net.parameters(), loss, steps, 3e-3)
        x = torch.randint(0, vocab, (256, seq), generator=g)
        with torch.no_grad():
            return (net(x)[:, delay:].argmax(-1) == x[:, :-delay]).float().mean().item()

    acc, acc_base = accuracy(True), accuracy(False)
    rows.append(
        _row(
            "gss",
            f"delayed copy, vocab {vocab}, L={seq}, delay {delay}",
            "token accuracy",
            acc,
            acc_base,
            acc > 0.95,
            f"{steps} steps; baseline: same layer without the SSM (chance = 1/{vocab})",
        )
    )
    return rows


# ----------------------------------------------------------------------------- PGN
def _pgn(quick: bool) -> list[Row]:
    length, horizon = (48, 48) if quick else (96, 192)
    steps, seeds = (150, 1) if quick else (400, 2)
    width = 32
    gen = torch.Generator().manual_seed(0)
    t = torch.arange(10000, dtype=torch.float32)
    series = (
        torch.sin(2 * math.pi * t / 24)
        + 0.5 * torch.sin(2 * math.pi * t / 168)
        + 0.3 * torch.sign(torch.sin(2 * math.pi * t / 60))
        + 0.1 * torch.randn(10000, generator=gen)
    )
    n_train = 7000

    def windows(idx):
        w = torch.stack([series[i : i + length + horizon] for i in idx.tolist()])
        return w[:, :length, None], w[:, length:, None]

    class GRUForecaster(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.rnn, self.head = nn.GRU(1, width, batch_first=True), nn.Linear(width, horizon)

        def forward(self, x):
            return self.head(self.rnn(x)[0][:, -1])[..., None]

    def test_mse(make: Callable[[], nn.Module], seed: int) -> float:
        torch.manual_seed(seed)
        g = torch.Generator().manual_seed(seed)
        net = make()

        def loss(_):
            x, y = windows(torch.randint(0, n_train - length - horizon, (64,), generator=g))
            return (net(x) - y).pow(2).mean()

        _adam_loop(net.parameters(), loss, steps, 3e-3)
        x, y = windows(torch.arange(n_train, 10000 - length - horizon, 7))
        with torch.no_grad():
            return (net(x) - y).pow(2).mean().item()

    ours = sum(test_mse(lambda: PGNForecaster(length, horizon, width), s) for s in range(seeds)) / seeds
    base = sum(test_mse(GRUForecaster, s) for s in range(seeds)) / seeds
    return [
        _row(
            "pgn",
            f"periodic series (24/60/168 + noise 0.1), window {length} -> horizon {horizon}",
            "test MSE",
            ours,
            base,
            ours < base,
            f"{steps} steps x {seeds} seed(s); baseline: GRU of the same width {width} (last state -> linear); "
            "noise floor 0.01",
        )
    ]


# ----------------------------------------------------------------------------- DSelect-k
def _dselect_k_loss(gate, experts, chosen, coef, gen, steps: int) -> Callable[[int], torch.Tensor]:
    """Regression onto ``coef``-weighted ``chosen`` experts; the entropy penalty ramps in over 30%..60% of ``steps``."""

    def loss(step):
        gate.entropy_reg = 0.05 * min(1.0, max(0.0, (step - 0.3 * steps) / (0.3 * steps)))
        x = torch.randn(128, 6, generator=gen)
        outs = torch.einsum("bi,nio->bno", x, experts)
        y = (coef[None, :, None] * outs[:, chosen]).sum(1)
        return ((gate()[None, :, None] * outs).sum(1) - y).pow(2).mean() + gate.regularization()

    return loss


def _dselect_k(quick: bool) -> list[Row]:
    cases = [(8, 2), (6, 2), (12, 3)]
    seeds = 2 if quick else 5
    steps = 800
    exact, right, runs = 0, 0, 0
    for n, k in cases:
        for seed in range(seeds):
            torch.manual_seed(seed)
            gen = torch.Generator().manual_seed(seed)
            experts = torch.randn(n, 6, 3, generator=gen)
            chosen = torch.randperm(n, generator=gen)[:k]
            coef = torch.tensor([0.6, 0.4] if k == 2 else [0.5, 0.3, 0.2])
            gate = DSelectKGate(n, k, entropy_reg=0.0)
            _adam_loop(gate.parameters(), _dselect_k_loss(gate, experts, chosen, coef, gen, steps), steps, 2e-2)
            with torch.no_grad():
                q = gate()
            runs += 1
            exact += int((q != 0).sum()) == k
            right += sorted(torch.nonzero(q).flatten().tolist()) == sorted(chosen.tolist())
    return [
        _row(
            "dselect_k",
            "static gate, target = sparse mix of k fixed experts (n,k in (8,2),(6,2),(12,3))",
            "fraction of runs with exactly k non-zeros (exact zeros elsewhere)",
            exact / runs,
            0.0,
            exact / runs >= 0.5,
            f"{runs} runs, 800 Adam steps, entropy reg ramped to 0.05; baseline: softmax gate (always n non-zeros)",
        ),
        _row(
            "dselect_k",
            "same runs",
            "fraction selecting exactly the right experts",
            right / runs,
            None,
            right / runs >= 0.5,
            "failures are local minima (wrong experts, or selectors not yet binary)",
        ),
    ]


# ----------------------------------------------------------------------------- Deep Delta Learning
def _deep_delta(quick: bool) -> list[Row]:
    rows = []
    gen = torch.Generator().manual_seed(0)
    worst = 0.0
    for d in (2, 5, 16):
        for beta in (0.0, 0.5, 1.0, 1.7, 2.0):
            k = F.normalize(torch.randn(d, generator=gen, dtype=torch.float64), dim=0)
            eig = torch.linalg.eigvalsh(delta_operator(k, torch.tensor(beta, dtype=torch.float64)))
            want = torch.sort(torch.tensor([1 - beta] + [1.0] * (d - 1), dtype=torch.float64)).values
            worst = max(worst, (eig - want).abs().max().item())
    rows.append(
        _row(
            "deep_delta",
            "spectrum of I - beta k k^T (d in 2,5,16; beta in [0,2])",
            "max |eig - {1, 1-beta}|",
            worst,
            None,
            worst < 1e-10,
            "no peer: exactness check",
        )
    )
    d, steps = 8, (500 if quick else 1500)

    def fit(beta_max: float, use_value: bool) -> tuple[float, float]:
        torch.manual_seed(0)
        u = F.normalize(torch.randn(d), dim=0)
        house = torch.eye(d) - 2 * torch.outer(u, u)
        m = DeltaResidualBlock(d, beta_max=beta_max, data_dependent=True, use_value=use_value)

        def loss(_):
            x = torch.randn(256, d)
            return (m(x) - x @ house.T).pow(2).mean()

        _adam_loop(m.parameters(), loss, steps, 3e-2)
        x = torch.randn(4000, d)
        with torch.no_grad():
            return (m(x) - x @ house.T).pow(2).mean().item(), m.branches(x[..., None])[1].mean().item()

    mse, beta = fit(2.0, False)
    mse_1, beta_1 = fit(1.0, False)
    rows.append(
        _row(
            "deep_delta",
            "fit a Householder reflection x -> (I - 2uu^T)x, d=8",
            "test MSE",
            mse,
            mse_1,
            mse < 0.01 and beta > 1.8,
            f"operator only (no write); learned beta = {beta:.3f} (-> 2); baseline beta in (0,1): "
            f"beta = {beta_1:.3f}, MSE floor 1/8",
        )
    )
    mse_v, beta_v = fit(2.0, True)
    rows.append(
        _row(
            "deep_delta",
            "same, with the rank-1 write beta k v^T",
            "test MSE",
            mse_v,
            None,
            mse_v < 0.01 and beta_v > 1.8,
            f"learned beta = {beta_v:.3f}: the value branch can absorb the reflection "
            "(v = -k^T x at beta=1), so beta -> 2 is not forced here",
        )
    )
    return rows


# ----------------------------------------------------------------------------- NALU / NAU / NMU
def _nalu(quick: bool) -> list[Row]:
    rows = []
    seeds = 2 if quick else 5

    def train(build: Callable[[], list[nn.Module]], target, n_in: int, steps: int, seed: int) -> float:
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        layers = build()
        net = nn.Sequential(*layers)
        regs: list[Any] = [layer for layer in layers if hasattr(layer, "regularization")]  # NAU/NMU-like layers

        def loss(step):
            x = 1 + torch.rand(256, n_in, generator=gen)  # train on U[1, 2]
            out = (net(x)[:, 0] - target(x)).pow(2).mean()
            lam = min(1.0, max(0.0, (step - 0.3 * steps) / (0.3 * steps)))
            return out + lam * sum(r.regularization() for r in regs) if regs else out

        def project():
            for r in regs:
                r.project_()

        _adam_loop(net.parameters(), loss, steps, 3e-2, after_step=project, lr_drop_at=0.7)
        x = 2 + 4 * torch.rand(5000, n_in, generator=gen)  # extrapolate to U[2, 6]
        with torch.no_grad():
            y = target(x)
            err = ((net(x)[:, 0] - y).abs() / y.abs()).mean().item()
        return err if math.isfinite(err) else math.inf

    def success(build, target, n_in, steps) -> float:
        return sum(train(build, target, n_in, steps, s) < 1e-3 for s in range(seeds)) / seeds

    single = {"+": lambda x: x[:, 0] + x[:, 1], "*": lambda x: x[:, 0] * x[:, 1]}
    for op, fn in single.items():
        unit = NAU if op == "+" else NMU
        ours = success(lambda unit=unit: [unit(4, 1)], fn, 4, 1000)
        base = success(lambda: [NALU(4, 1)], fn, 4, 1000)
        rows.append(
            _row(
                unit.__name__.lower(),
                f"single layer, y = x0 {op} x1 of 4 inputs",
                "extrapolation success rate (U[1,2] -> U[2,6], mean rel. err < 1e-3)",
                ours,
                base,
                ours > base,
                f"{seeds} seeds, 1000 steps; baseline: NALU",
            )
        )
    if not quick:  # the two-layer arithmetic task of Madsen & Johansen (a, b overlapping subset sums)
        two = {
            "+": lambda x: (x[:, 0] + x[:, 1]) + (x[:, 1] + x[:, 2]),
            "*": lambda x: (x[:, 0] + x[:, 1]) * (x[:, 1] + x[:, 2]),
        }
        for op, fn in two.items():
            unit = NAU if op == "+" else NMU
            ours = success(lambda unit=unit: [NAU(4, 2), unit(2, 1)], fn, 4, 3000)
            base = success(lambda: [NALU(4, 2), NALU(2, 1)], fn, 4, 3000)
            rows.append(
                _row(
                    f"nau+{unit.__name__.lower()}",
                    f"two layers, y = (x0+x1) {op} (x1+x2), 4 inputs",
                    "extrapolation success rate (mean rel. err < 1e-3)",
                    ours,
                    base,
                    ours > base and ours >= 0.5,
                    f"{seeds} seeds, 3000 steps (the paper trains 5e6); baseline: two NALU layers",
                )
            )
    return rows


# ----------------------------------------------------------------------------- Gated Slot Attention
def _gsa(quick: bool) -> list[Row]:
    rows = []
    gen = torch.Generator().manual_seed(0)
    b, t, h, dk, dv, m = 2, (64 if quick else 256), 2, 16, 16, 8
    q, k = torch.randn(2, b, t, h, dk, generator=gen)
    v = torch.randn(b, t, h, dv, generator=gen)
    g = F.logsigmoid(torch.randn(b, t, h, m, generator=gen)) / 4
    o_rec, _ = naive_recurrent_gsa(q, k, v, g)
    o_chk, _ = chunk_gsa_ref(q, k, v, g, chunk_size=16)
    diff = (o_rec - o_chk).abs().max().item()
    rows.append(
        _row(
            "gated_slot_attention",
            f"chunked (two GLA passes) vs recurrence, T={t}",
            "max abs diff",
            diff,
            None,
            diff < 1e-4,
            "no peer: exactness check",
        )
    )
    layer = GatedSlotAttention(32, n_heads=2, n_slots=m)
    sizes = {}
    with torch.no_grad():
        for length in (64, 1024):
            _, (ks, vs) = layer(torch.randn(1, length, 32), return_state=True)
            sizes[length] = ks.numel() + vs.numel()
    kv_cache = 1024 * 2 * 2 * 16  # softmax attention keeps T (K + V) per head
    rows.append(
        _row(
            "gated_slot_attention",
            "state size at T=64 vs T=1024",
            "numbers in the state at T=1024",
            sizes[1024],
            kv_cache,
            sizes[64] == sizes[1024],
            f"ours is m*(d_k+d_v) per head = {sizes[64]} at both lengths; baseline: softmax-attention "
            "KV cache at T=1024",
        )
    )
    n_keys, pairs = 16, 4
    steps = 400 if quick else 1000

    def recall(slots: int) -> float:
        torch.manual_seed(0)
        g2 = torch.Generator().manual_seed(0)
        ek, ev, eq = nn.Embedding(n_keys, 64), nn.Embedding(n_keys, 64), nn.Embedding(n_keys, 64)
        mix = GatedSlotAttention(64, n_heads=1, n_slots=slots, gate_logit_normalizer=1.0, mode="recurrent")
        head = nn.Linear(64, n_keys)
        params = [*ek.parameters(), *ev.parameters(), *eq.parameters(), *mix.parameters(), *head.parameters()]

        def batch(n):
            keys = torch.stack([torch.randperm(n_keys, generator=g2)[:pairs] for _ in range(n)])
            vals = torch.randint(0, n_keys, (n, pairs), generator=g2)
            pick = torch.randint(0, pairs, (n,), generator=g2)
            rows_ = torch.arange(n)
            return keys, vals, keys[rows_, pick], vals[rows_, pick]

        def logits(keys, vals, query):
            x = torch.cat([ek(keys) + ev(vals), eq(query)[:, None]], 1)
            return head(mix(x)[:, -1])

        def loss(_):
            keys, vals, query, y = batch(64)
            return F.cross_entropy(logits(keys, vals, query), y)

        _adam_loop(params, loss, steps, 3e-3)
        keys, vals, query, y = batch(2000)
        with torch.no_grad():
            return (logits(keys, vals, query).argmax(-1) == y).float().mean().item()

    acc, acc_1 = recall(8), recall(1)
    rows.append(
        _row(
            "gated_slot_attention",
            f"associative recall, {pairs} pairs, 16 keys/values",
            "query accuracy",
            acc,
            acc_1,
            acc > 0.8,
            f"m=8 slots, {steps} steps; baseline: the same layer with m=1 slot (chance 1/16)",
        )
    )
    return rows


TASKS: dict[str, Callable[[bool], list[Row]]] = {
    "gated_deltanet": _gated_deltanet,
    "gdkvm": _gdkvm,
    "global_workspace": _global_workspace,
    "gss": _gss,
    "pgn": _pgn,
    "dselect_k": _dselect_k,
    "deep_delta": _deep_delta,
    "nalu": _nalu,
    "gated_slot_attention": _gsa,
}


def run_tasks(quick: bool) -> list[dict]:
    """Run every part-B task; ``quick`` shrinks steps, seeds and sizes.  Returns the result rows."""
    rows: list[dict] = []
    for task in TASKS.values():
        rows.extend(task(quick))
    return rows


def _markdown(rows: list[dict]) -> str:
    cols = ["module", "task", "metric", "ours", "baseline", "reproduced", "note"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join("" if r[c] is None else str(r[c]) for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    torch.set_num_threads(1)
    start = time.perf_counter()
    result = run_tasks(quick="--quick" in sys.argv)
    print(_markdown(result))
    print(f"\n{len(result)} rows in {time.perf_counter() - start:.0f} s")

"""Small-scale check of three LGN claims on bundled datasets (CPU, a few minutes).

Claims under test (each paper measured them at CIFAR scale; this is a toy-scale look):

* Light DLGN (Rüttgers et al., 2025): the input-wise parametrization needs 4 instead
  of 16 parameters per gate and converges in fewer training steps.
* Mind the Gap (Yousefi et al., 2025): Gumbel straight-through training shrinks the
  discretization gap (soft minus discretized accuracy) and the number of unused gates.

For each dataset x init (residual, random) x parametrization x {soft, gumbel} x seed, one run of ``train`` with
identical settings; the table reports parameters per gate, the first evaluated step
where the discretized test accuracy reaches a fixed target, the final discretized
accuracy, the final gap and the unused gates (outside the functional cone of influence
of the class scores, see ``circuitlab.lgn.discrete``), averaged over seeds.

Usage:
    python benchmarks/lgn_claims.py [--steps 1000] [--seeds 0] [--out benchmarks/results]

Writes ``lgn_claims.json`` (every run's history) and ``lgn_claims.md`` (the table).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from circuitlab.benchmarks.results_io import RESULTS

# Settings per dataset: architecture and the accuracy target for "steps to reach".
DATASETS: dict[str, dict[str, Any]] = {
    "digits": {"layers": 4, "width": 500, "target": 0.85},
    "breast_cancer": {"layers": 4, "width": 250, "target": 0.93},
}
# (parametrization, gumbel, init); "random" is difflogic's N(0, 1) init, the DLGN baseline of Mind the Gap.
VARIANTS = [(p, g, i) for i in ("residual", "random") for p in ("softmax16", "light") for g in (False, True)]


def run_all(steps: int, seeds: list[int], eval_interval: int, workdir: Path) -> list[dict]:
    import torch

    from circuitlab.lgn.config import TrainConfig
    from circuitlab.lgn.train import train

    torch.set_num_threads(1)
    runs = []
    for ds, spec in DATASETS.items():
        for param, gumbel, init in VARIANTS:
            for seed in seeds:
                cfg = TrainConfig(
                    dataset=ds,
                    layers=spec["layers"],
                    width=spec["width"],
                    parametrization=param,
                    gumbel=gumbel,
                    init=init,
                    steps=steps,
                    eval_interval=eval_interval,
                    checkpoint_interval=steps,
                    seed=seed,
                    out_dir=str(workdir / f"{ds}-{param}-{int(gumbel)}-{init}-{seed}"),
                    progress=False,
                )
                t0 = time.perf_counter()
                res = train(cfg)
                wall = time.perf_counter() - t0
                hist = res["history"]
                reach = next((r["step"] for r in hist if r["hard_test_acc"] >= spec["target"]), None)
                runs.append(
                    {
                        "dataset": ds,
                        "parametrization": param,
                        "gumbel": gumbel,
                        "init": init,
                        "seed": seed,
                        "params_per_gate": res["params_per_gate"],
                        "num_gates": res["num_gates"],
                        "target": spec["target"],
                        "steps_to_target": reach,
                        "wall_s": wall,
                        "final": res["final"],
                        "history": hist,
                    }
                )
                f = res["final"]
                print(
                    f"{ds:14s} {param:9s} gumbel={int(gumbel)} {init:8s} seed={seed}: hard {f['hard_test_acc']:.3f} "
                    f"gap {f['gap']:+.3f} unused {f['unused_gates']} reach {reach} ({wall:.1f}s)",
                    flush=True,
                )
    return runs


def _mean(xs):
    xs = [x for x in xs if x is not None]
    return statistics.fmean(xs) if xs else None


def summarize(runs: list[dict]) -> list[dict]:
    rows = []
    for ds in DATASETS:
        for param, gumbel, init in VARIANTS:
            group = [
                r
                for r in runs
                if r["dataset"] == ds and r["parametrization"] == param and r["gumbel"] == gumbel and r["init"] == init
            ]
            reached = [r["steps_to_target"] for r in group]
            rows.append(
                {
                    "dataset": ds,
                    "parametrization": param,
                    "gumbel": gumbel,
                    "init": init,
                    "params_per_gate": group[0]["params_per_gate"],
                    "num_gates": group[0]["num_gates"],
                    "target": group[0]["target"],
                    "steps_to_target_mean": _mean(reached),
                    "reached": f"{sum(s is not None for s in reached)}/{len(group)}",
                    "hard_test_acc": _mean([r["final"]["hard_test_acc"] for r in group]),
                    "soft_test_acc": _mean([r["final"]["soft_test_acc"] for r in group]),
                    "gap": _mean([r["final"]["gap"] for r in group]),
                    "unused_gates": _mean([r["final"]["unused_gates"] for r in group]),
                    "constant_gates": _mean([r["final"]["constant_gates"] for r in group]),
                    "wall_s": _mean([r["wall_s"] for r in group]),
                }
            )
    return rows


def to_markdown(rows: list[dict], steps: int, seeds: list[int]) -> str:
    def fmt(v, spec):
        return "n/a" if v is None else format(v, spec)

    lines = [
        "# LGN claims at toy scale",
        "",
        f"CPU, 1 thread; {steps} Adam steps (lr 0.01, batch 128), unique wiring, GroupSum tau 10, Gumbel tau 1; "
        f"seeds {seeds}; values are means over seeds. Accuracies are on the held-out test split. "
        "`reach` = first evaluated step whose discretized test accuracy >= target (mean over the seeds that "
        "reached it; `reached` counts them). `gap` = soft (noise-free relaxation) minus discretized accuracy. "
        "`unused` = gates outside the functional cone of influence of the class scores.",
        "",
        "| dataset | init | param | gumbel | params/gate | gates | target | reach (steps) | reached | discretized acc | soft acc | gap | unused gates | constant gates | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['init']} | {r['parametrization']} | {'yes' if r['gumbel'] else 'no'} | {r['params_per_gate']} | "
            f"{r['num_gates']} | {r['target']:.2f} | {fmt(r['steps_to_target_mean'], '.0f')} | {r['reached']} | "
            f"{fmt(r['hard_test_acc'], '.3f')} | {fmt(r['soft_test_acc'], '.3f')} | {fmt(r['gap'], '+.3f')} | "
            f"{fmt(r['unused_gates'], '.1f')} | {fmt(r['constant_gates'], '.1f')} | {fmt(r['wall_s'], '.1f')} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--eval-interval", type=int, default=50)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--out", default=str(RESULTS), help="results folder")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    with tempfile.TemporaryDirectory(prefix="lgn_claims_") as tmp:
        runs = run_all(args.steps, args.seeds, args.eval_interval, Path(tmp))
    rows = summarize(runs)
    from circuitlab.benchmarks.results_io import write_results

    payload = {"steps": args.steps, "seeds": args.seeds, "datasets": DATASETS, "summary": rows, "runs": runs}
    write_results(Path(args.out) / "lgn_claims", payload, to_markdown(rows, args.steps, args.seeds))
    return 0


if __name__ == "__main__":
    sys.exit(main())

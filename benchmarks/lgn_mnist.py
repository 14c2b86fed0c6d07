"""MNIST at a fixed CPU budget: a convolutional and a dense logic gate network of about
the same gate count, then the best one compiled and run as a circuit.

Phases (each a separate invocation, so the two trainings can run side by side, one
core each):

* ``--train NAME``: train configuration NAME (see ``CONFIGS``) for ``--budget`` seconds
  of wall time with one torch thread (``train-lgn --max-time``; the cosine schedule
  spans the step count the budget is expected to reach, measured on a short probe).
  The run folder is ``OUT/lgn_mnist/NAME``.
* ``--report``: read every finished run, compile the one with the best discretized
  test accuracy (netlist -> AIG), check the circuit against the network on all 10,000
  test images, let ABC read the AIGER file when ``berkeley-abc`` is installed, and time
  inference on one core: the compiled circuit on bit-packed inputs (and with packing
  included) beside a PyTorch eval of the same discretized network (``mode="hard"``,
  one thread, batch 10,000).

Peer figure (not rerun here): difflogic reports 98.47 % on MNIST (Petersen et al.,
NeurIPS 2022, their largest MNIST model) and over a million images per second on one
CPU core.

Usage:
    python benchmarks/lgn_mnist.py --train conv --budget 2400 &
    python benchmarks/lgn_mnist.py --train dense --budget 2400 &
    wait; python benchmarks/lgn_mnist.py --report

Writes ``lgn_mnist.json`` and ``lgn_mnist.md`` (and each run's ``curve.png``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from circuitlab.benchmarks.results_io import RESULTS, write_results

BITS = 2  # thermometer thresholds per pixel (1/3, 2/3): two input channels
# About the same number of gates (121,328 and 120,000).  GroupSum tau grows with the square
# root of the gates per class: 20 for a 4,000-wide last layer, 55 for 30,000.
CONFIGS: dict[str, dict[str, Any]] = {
    "conv": {"conv": "16,32", "layers": 2, "width": 4000, "tau": 20.0},  # 26x26x16 trees, pool, 11x11x32, pool
    "dense": {"layers": 4, "width": 30000, "tau": 55.0},
    # difflogic's MNIST depth (6 layers); tau ~ sqrt(gates per class) as above
    "deep": {"layers": 6, "width": 16000, "tau": 40.0},
    "small": {"layers": 6, "width": 8000, "tau": 28.0},
}
COMMON: dict[str, Any] = {
    "dataset": "mnist",
    "bits": BITS,
    "parametrization": "softmax16",
    "lr": 0.01,
    "lr_schedule": "cosine",
    "batch_size": 128,
    "eval_interval": 1000,
    "checkpoint_interval": 1000,
    "progress": False,
}


def _config(name: str, out: Path, steps: int, budget: float):
    from circuitlab.lgn.config import TrainConfig

    return TrainConfig(**COMMON, **CONFIGS[name], steps=steps, max_time=budget, out_dir=str(out / name))


def probe_step_time(cfg, steps: int = 8) -> float:
    """Seconds per training step of ``cfg``'s model on random inputs (one thread)."""
    import torch
    import torch.nn.functional as F

    from circuitlab.lgn.train import build_model

    model = build_model(cfg, 784 * BITS, 10)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    x = (torch.rand(cfg.batch_size, 784 * BITS) > 0.5).float()
    y = torch.randint(10, (cfg.batch_size,))
    for i in range(steps + 1):
        if i == 1:
            start = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return (time.perf_counter() - start) / steps


def run_training(name: str, out: Path, budget: float) -> None:
    import torch

    torch.set_num_threads(1)
    from circuitlab.lgn.train import keep_freed_memory, train

    keep_freed_memory()  # as train-lgn does; first, so that the probe times what training runs
    per_step = probe_step_time(_config(name, out, 1, budget))
    steps = max(100, int(budget / (per_step * 1.1)))  # evaluations cost time too
    cfg = _config(name, out, steps, budget)
    print(f"{name}: {per_step * 1000:.0f} ms/step, planning {steps} steps in {budget:.0f} s", flush=True)
    result = train(cfg)
    result["probe_ms_per_step"] = per_step * 1000
    (out / name / "result.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result["final"]), flush=True)


def inference(name: str, out: Path) -> dict:
    """Compile the run's network; check it on the test set; time compiled and PyTorch inference."""
    import numpy as np
    import torch

    from circuitlab.aiger import write_aiger
    from circuitlab.compiled import pack_bool
    from circuitlab.lgn.compile import CompiledLGN, compile_network
    from circuitlab.lgn.data import load_dataset
    from circuitlab.lgn.infer import load_model
    from circuitlab.lgn.layered import LayeredLGN

    torch.set_num_threads(1)
    model = load_model(out / name / "checkpoint.pt").model
    data = load_dataset("mnist", BITS)
    x = data.x_test.numpy().astype(bool)  # [10000, 1568]
    y = data.y_test.numpy()
    dn = model.discretize()
    t = time.perf_counter()
    aig = compile_network(dn)
    t_compile = time.perf_counter() - t
    comp = CompiledLGN(aig)
    net_pred = dn.predict(x)
    circ_pred = comp.predict(x)
    with torch.no_grad():
        torch_pred = model(data.x_test, mode="hard").argmax(-1).numpy()
    aig_path = out / name / "mnist_lgn.aig"
    write_aiger(aig, aig_path)
    abc_reads = None
    if shutil.which("berkeley-abc"):
        r = subprocess.run(
            ["berkeley-abc", "-q", f"read {aig_path}; print_stats"], capture_output=True, text=True, timeout=600
        )
        abc_reads = r.returncode == 0 and "and =" in r.stdout

    reps = 20  # time on 200,000 images: the 10,000 test images, 20 times
    xs = np.tile(x, (reps, 1))
    t = time.perf_counter()
    packed = pack_bool(xs)
    t_pack = time.perf_counter() - t
    comp.predict_packed(packed[:, :16])  # warm-up
    t_run = _best_time(lambda: comp.predict_packed(packed))
    lay = LayeredLGN(dn)
    lay_pred = lay.predict(x)
    lay.predict_packed(packed[:, :16])  # warm-up
    t_layered = _best_time(lambda: lay.predict_packed(packed))
    t_torch = float("inf")
    with torch.no_grad():
        model(data.x_test[:256], mode="hard")  # warm-up
        for _ in range(2):
            t = time.perf_counter()
            model(data.x_test, mode="hard")
            t_torch = min(t_torch, time.perf_counter() - t)
    st = dn.gate_stats()
    n = xs.shape[0]
    return {
        "run": name,
        "test_acc_network": float((net_pred == y).mean()),
        "test_acc_circuit": float((circ_pred == y).mean()),
        "test_acc_torch_hard": float((torch_pred == y).mean()),
        "circuit_mismatches": int((circ_pred != net_pred).sum()),
        "abc_reads_aiger": abc_reads,
        "network_gates": st["total_gates"],
        "used_gates": st["total_gates"] - st["unused_gates"],
        "aig_ands": int(aig.num_ands),
        "compile_s": t_compile,
        "images_per_s_packed": n / t_run,
        "images_per_s_with_packing": n / (t_run + t_pack),
        "images_per_s_torch_hard": 10000 / t_torch,
        "layered_mismatches": int((lay_pred != net_pred).sum()),
        "images_per_s_layered_packed": n / t_layered,
    }


def _best_time(fn, reps: int = 5) -> float:
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def layered(name: str, out: Path) -> dict:
    """The run's network under the layered kernel: agreement on the test set and images/s (one core)."""
    import numpy as np

    from circuitlab.compiled import pack_bool
    from circuitlab.lgn.data import load_dataset
    from circuitlab.lgn.infer import load_model
    from circuitlab.lgn.layered import LayeredLGN

    dn = load_model(out / name / "checkpoint.pt").model.discretize()
    data = load_dataset("mnist", BITS)
    x = data.x_test.numpy().astype(bool)  # [10000, 1568]
    lay = LayeredLGN(dn)
    pred = lay.predict(x)
    xs = np.tile(x, (20, 1))  # 200,000 images
    packed = pack_bool(xs)
    lay.predict_packed(packed[:, :16])  # warm-up
    t_run = _best_time(lambda: lay.predict_packed(packed))
    t_pack = _best_time(lambda: pack_bool(xs))
    return {
        "run": name,
        "test_acc": float((pred == data.y_test.numpy()).mean()),
        "mismatches_vs_network": int((pred != dn.predict(x)).sum()),
        "kernel_gates": lay.num_gates,
        "images_per_s_packed": len(xs) / t_run,
        "images_per_s_with_packing": len(xs) / (t_run + t_pack),
    }


def report(out: Path, results: Path) -> None:
    runs = {}
    for name in CONFIGS:
        path = out / name / "result.json"
        if path.is_file():
            runs[name] = json.loads(path.read_text())
    if not runs:
        sys.exit(f"no finished runs under {out}; run --train first")
    best = max(runs, key=lambda n: runs[n]["final"]["hard_test_acc"])
    inf = inference(best, out)
    fast = [layered(name, out) for name in runs]
    rows = []
    for name, r in runs.items():
        f = r["final"]
        rows.append(
            {
                "run": name,
                "architecture": CONFIGS[name],
                "gates": r["num_gates"],
                "steps": f["step"],
                "epochs": f["step"] * COMMON["batch_size"] / r["dataset"]["train_size"],
                "train_s": f["elapsed_s"],
                "soft_test_acc": f["soft_test_acc"],
                "hard_test_acc": f["hard_test_acc"],
                "gap": f["gap"],
                "unused_gates": f["unused_gates"],
            }
        )
    md = [
        "# MNIST logic gate networks at a fixed CPU budget",
        "",
        f"One torch thread per run, {COMMON['batch_size']}-image batches, Adam lr {COMMON['lr']} with cosine decay, "
        f"softmax16 gates, residual init, {BITS} thermometer thresholds per pixel. "
        "`hard` is the discretized network's accuracy on the 10,000 test images; gap = soft - hard. "
        "difflogic reports 98.47 % (its largest MNIST model).",
        "",
        "| run | architecture | gates | steps | epochs | train s | soft acc | hard acc | gap | unused gates |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        arch = r["architecture"]
        dense = f"{arch['layers']}x{arch['width']} dense, tau {arch['tau']:g}"
        desc = f"conv {arch['conv']} + {dense}" if "conv" in arch else dense
        md.append(
            f"| {r['run']} | {desc} | {r['gates']:,} | {r['steps']} | {r['epochs']:.1f} | {r['train_s']:.0f} | "
            f"{r['soft_test_acc']:.4f} | {r['hard_test_acc']:.4f} | {r['gap']:+.4f} | {r['unused_gates']:,} |"
        )
    md += [
        "",
        f"## Compiled inference of `{best}` (one core)",
        "",
        "Circuit: the AIG interpreter (`CompiledLGN`); layered: `LayeredLGN` on the same packed words "
        "(its mismatches against the network in brackets).",
        "",
        "| network acc | circuit acc | mismatches | ABC reads it | gates (used) | AIG ANDs | "
        "images/s circuit packed | images/s circuit with packing | images/s layered packed | "
        "images/s PyTorch hard eval |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {inf['test_acc_network']:.4f} | {inf['test_acc_circuit']:.4f} | {inf['circuit_mismatches']} | "
        f"{inf['abc_reads_aiger']} | {inf['network_gates']:,} ({inf['used_gates']:,}) | {inf['aig_ands']:,} | "
        f"{inf['images_per_s_packed'] / 1e6:.2f} M | {inf['images_per_s_with_packing'] / 1e6:.2f} M | "
        f"{inf['images_per_s_layered_packed'] / 1e6:.2f} M ({inf['layered_mismatches']}) | "
        f"{inf['images_per_s_torch_hard'] / 1e3:.1f} k |",
        "",
        "## Layered kernel, every run (one core)",
        "",
        "`circuitlab.lgn.layered`: the used gates that compute something (pass-through gates and inverters "
        "fold away), 256 images per AVX2 word op, GroupSum as bit-sliced carry-save popcounts over the last "
        "layer; checked against the network on all 10,000 test images. "
        "200,000 images (the test set 20 times), best of 5.",
        "",
        "| run | hard acc | mismatches | gates evaluated | images/s packed | images/s with packing |",
        "|---|---|---|---|---|---|",
    ]
    for f in fast:
        md.append(
            f"| {f['run']} | {f['test_acc']:.4f} | {f['mismatches_vs_network']} | {f['kernel_gates']:,} | "
            f"{f['images_per_s_packed'] / 1e6:.2f} M | {f['images_per_s_with_packing'] / 1e6:.2f} M |"
        )
    write_results(
        results / "lgn_mnist", {"runs": rows, "inference": inf, "layered": fast, "common": COMMON}, "\n".join(md)
    )


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--train", choices=sorted(CONFIGS), help="train this configuration")
    ap.add_argument("--budget", type=float, default=3600.0, help="wall-clock seconds of training per run")
    ap.add_argument("--report", action="store_true", help="compile the best finished run and write the tables")
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder (runs go to OUT/lgn_mnist/)")
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    runs = args.out / "lgn_mnist"
    if args.train:
        run_training(args.train, runs, args.budget)
    if args.report:
        report(runs, args.out)
    if not (args.train or args.report):
        ap.error("give --train NAME or --report")


if __name__ == "__main__":
    main()

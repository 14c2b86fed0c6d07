"""LGN speed, same run: CPU training step time against torchlogix, and compiled inference.

Run: ``python -m circuitlab.benchmarks.lgn_speed [--peer-python PY] [--quick]``.
Writes ``benchmarks/results/lgn_speed.json`` and ``.md``.

1. **Training step** (forward, cross-entropy, backward, Adam step) on one CPU thread, the
   same model size for both: ``in_dim`` Boolean inputs, ``layers`` x ``width`` gates,
   GroupSum over 10 classes, batch ``batch``.  circuitlab runs its ``impl="auto"`` path
   (on a CPU-only machine the fused C kernel, ``impl="c"``, when a C compiler exists) and,
   for comparison, the torch-op kernel ``impl="cpu"``; torchlogix (PyPI, Python 3.12, in a
   separate venv given by ``--peer-python``) runs ``LogicDense`` with the same
   parametrization (``raw`` = softmax over 16 gates, ``light`` = 4 parameters).  Each
   time is the median over ``repeat`` steps, as wall-clock time and as process CPU time
   (the second is less disturbed by other processes on a shared machine).
2. **Compiled inference**: a discretized network of MNIST shape (784 inputs, 10 classes)
   compiled to an AIG, evaluated bit-parallel by ``CompiledLGN`` on one core, in
   samples/s, with inputs already bit-packed and including packing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from circuitlab.benchmarks.results_io import RESULTS, write_results

PEER_SCRIPT = r"""
import json, sys, time, torch
torch.set_num_threads(1)
from torchlogix.layers import LogicDense, GroupSum
cfg = json.loads(sys.argv[1])
torch.manual_seed(0)
dims = [cfg["in_dim"]] + [cfg["width"]] * cfg["layers"]
par = {"softmax16": "raw", "light": "light"}[cfg["parametrization"]]
model = torch.nn.Sequential(*[LogicDense(dims[i], dims[i + 1], parametrization=par) for i in range(cfg["layers"])],
                            GroupSum(10, tau=10.0))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
x = (torch.rand(cfg["batch"], cfg["in_dim"]) < 0.5).float()
y = torch.randint(0, 10, (cfg["batch"],))
def step():
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
for _ in range(cfg["warmup"]):
    step()
times, cpu = [], []
for _ in range(cfg["repeat"]):
    t, c = time.perf_counter(), time.process_time(); step()
    times.append(time.perf_counter() - t); cpu.append(time.process_time() - c)
print(json.dumps({"step_s": sorted(times)[len(times) // 2], "cpu_s": sorted(cpu)[len(cpu) // 2],
                  "params": sum(p.numel() for p in model.parameters())}))
"""


def ours_step_time(cfg: dict, impl: str = "auto") -> dict:
    import torch

    from circuitlab.lgn.model import LogicNetwork

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = LogicNetwork(
        cfg["in_dim"], 10, [cfg["width"]] * cfg["layers"], parametrization=cfg["parametrization"], tau=10.0, impl=impl
    )
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    x = (torch.rand(cfg["batch"], cfg["in_dim"]) < 0.5).float()
    y = torch.randint(0, 10, (cfg["batch"],))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(cfg["warmup"]):
        step()
    times, cpu = [], []
    for _ in range(cfg["repeat"]):
        t, c = time.perf_counter(), time.process_time()
        step()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {
        "step_s": sorted(times)[len(times) // 2],
        "cpu_s": sorted(cpu)[len(cpu) // 2],
        "params": sum(p.numel() for p in model.parameters()),
    }


def peer_step_time(python: Path | None, cfg: dict) -> dict | None:
    if python is None or not python.exists():
        return None
    env = {**os.environ, "OMP_NUM_THREADS": "1", "CUDA_VISIBLE_DEVICES": ""}
    r = subprocess.run(
        [str(python), "-c", PEER_SCRIPT, json.dumps(cfg)], capture_output=True, text=True, env=env, timeout=1800
    )
    if r.returncode != 0:
        print(f"torchlogix run failed: {r.stderr.strip()[-400:]}", file=sys.stderr)
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def compiled_inference(width: int, layers: int, n_samples: int, seed: int = 0) -> dict:
    from circuitlab.compiled import pack_bool
    from circuitlab.lgn.compile import CompiledLGN, compile_network
    from circuitlab.lgn.discrete import DiscreteLayer, DiscreteNetwork
    from circuitlab.lgn.layered import LayeredLGN

    rng = np.random.default_rng(seed)
    dims, lay = [784] + [width] * layers, []
    for i in range(layers):  # random wiring and gates, no constant gates (they would fold away)
        gates = rng.choice([g for g in range(16) if g not in (0, 15)], dims[i + 1]).astype(np.uint8)
        lay.append(DiscreteLayer(rng.integers(0, dims[i], dims[i + 1]), rng.integers(0, dims[i], dims[i + 1]), gates))
    dn = DiscreteNetwork(784, 10, 1.0, tuple(lay))
    t = time.perf_counter()
    aig = compile_network(dn)
    t_compile = time.perf_counter() - t
    comp = CompiledLGN(aig)
    x = rng.random((n_samples, 784)) < 0.5
    pack_bool(x[:64])  # warm-up (and build of the C library)
    t = time.perf_counter()
    packed = pack_bool(x)
    t_pack = time.perf_counter() - t
    comp.predict_packed(packed[:, :16])  # warm-up
    t_run = float("inf")
    for _ in range(3):  # best of 3: the least disturbed by other processes
        t = time.perf_counter()
        comp.predict_packed(packed)
        t_run = min(t_run, time.perf_counter() - t)
    fast = LayeredLGN(dn)
    fast.predict_packed(packed[:, :16])  # warm-up
    t_layered = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        fast.predict_packed(packed)
        t_layered = min(t_layered, time.perf_counter() - t)
    # exactness on a slice: circuit == layered kernel == numpy network
    k = min(2000, n_samples)
    assert (comp.predict(x[:k]) == dn.predict(x[:k])).all()
    assert (fast.predict(x[:k]) == dn.predict(x[:k])).all()
    st = dn.gate_stats()
    return {
        "network_gates": st["total_gates"],
        "used_gates": st["total_gates"] - st["unused_gates"],
        "aig_ands": aig.num_ands,
        "instructions": comp.num_instructions,
        "xors": comp.num_xors,
        "compile_s": t_compile,
        "samples": n_samples,
        "pack_samples_per_s": n_samples / t_pack,
        "samples_per_s_packed": n_samples / t_run,
        "samples_per_s_with_packing": n_samples / (t_run + t_pack),
        "layered_samples_per_s_packed": n_samples / t_layered,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--peer-python",
        type=Path,
        default=None,
        help="python of a venv with torchlogix (made with pyenv 3.12.1); without it the peer is skipped",
    )
    ap.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument(
        "--inference-only",
        action="store_true",
        help="re-measure compiled inference only; keep the training rows of the last results file",
    )
    args = ap.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch

    from circuitlab.lgn.ops import resolve_impl

    sizes = [(400, 4, 2000, 256)] if args.quick else [(400, 4, 2000, 256), (784, 6, 8000, 256)]
    auto = resolve_impl("auto", torch.device("cpu"), torch.float32)  # "c" when a C compiler exists
    rows = []
    if args.inference_only:
        rows = json.loads((args.out / "lgn_speed.json").read_text())["training"]
        sizes = []
    for in_dim, layers, width, batch in sizes:
        for par in ("softmax16", "light"):
            cfg = {
                "in_dim": in_dim,
                "layers": layers,
                "width": width,
                "batch": batch,
                "parametrization": par,
                "warmup": 2,
                "repeat": 5 if args.quick else 9,
            }
            ours = ours_step_time(cfg, auto)
            torch_ops = ours_step_time(cfg, "cpu") if auto != "cpu" else ours
            peer = peer_step_time(args.peer_python, cfg)
            row = {
                **cfg,
                "ours_impl": auto,
                "ours_step_s": ours["step_s"],
                "ours_cpu_s": ours["cpu_s"],
                "ours_params": ours["params"],
                "torch_ops_step_s": torch_ops["step_s"],
                "torch_ops_cpu_s": torch_ops["cpu_s"],
                "torchlogix_step_s": peer and peer["step_s"],
                "torchlogix_cpu_s": peer and peer["cpu_s"],
                "torchlogix_params": peer and peer["params"],
                "speedup": peer and peer["step_s"] / ours["step_s"],
                "speedup_cpu_time": peer and peer["cpu_s"] / ours["cpu_s"],
                "torch_ops_speedup": peer and peer["step_s"] / torch_ops["step_s"],
            }
            print(json.dumps(row), flush=True)
            rows.append(row)
    inf = [
        compiled_inference(width, layers, 1 << (16 if args.quick else 20))
        for width, layers in ([(2000, 4)] if args.quick else [(2000, 4), (8000, 6)])
    ]
    for r in inf:
        print(json.dumps(r), flush=True)
    ms = lambda t: f"{t * 1e3:.1f} ms" if t else "n/a"  # noqa: E731
    fx = lambda r: f"{r:.1f}×" if r else "n/a"  # noqa: E731
    md = [
        f"| model (in × layers × width, batch) | parametrization | circuitlab `{auto}` | circuitlab `cpu` "
        f"(torch ops) | torchlogix | speed-up `{auto}` (wall / CPU time) | speed-up `cpu` (wall) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        md.append(
            f"| {r['in_dim']} × {r['layers']} × {r['width']}, {r['batch']} | {r['parametrization']} | "
            f"{ms(r['ours_step_s'])} | {ms(r['torch_ops_step_s'])} | {ms(r['torchlogix_step_s'])} | "
            f"{fx(r['speedup'])} / {fx(r['speedup_cpu_time'])} | {fx(r['torch_ops_speedup'])} |"
        )
    md += [
        "",
        "Training step (forward, loss, backward, Adam) on one thread: median wall-clock time of "
        f"{rows[0]['repeat']} steps after {rows[0]['warmup']} warm-up steps; the CPU-time speed-up uses "
        "the median process CPU time instead.",
    ]
    md += [
        "",
        "| network gates (used) | AIG ANDs | interpreter instructions (XORs) | samples/s, packed inputs "
        "| packing alone | samples/s incl. packing | layered kernel, packed inputs |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in inf:
        md.append(
            f"| {r['network_gates']} ({r['used_gates']}) | {r['aig_ands']} | {r['instructions']} ({r['xors']}) | "
            f"{r['samples_per_s_packed'] / 1e6:.2f} M | {r['pack_samples_per_s'] / 1e6:.2f} M | "
            f"{r['samples_per_s_with_packing'] / 1e6:.2f} M | "
            f"{r.get('layered_samples_per_s_packed', float('nan')) / 1e6:.2f} M |"
        )
    md += [
        "",
        f"Compiled inference on one core: a random discretized network of MNIST shape (784 Boolean inputs, "
        f"10 classes) compiled to its predicted-class AIG, {inf[0]['samples']:,} random samples; evaluation is "
        "the best of 3 runs of the C interpreter (`circuitlab.compiled.CompiledAIG`); packing is "
        "`circuitlab.compiled.pack_bool` from a `[N, 784]` bool array. The layered kernel "
        "(`circuitlab.lgn.layered.LayeredLGN`) evaluates the used gates layer by layer on the same packed words "
        "(best of 3); both agree with the numpy network on the first 2,000 samples.",
    ]
    write_results(args.out / "lgn_speed", {"training": rows, "inference": inf}, "\n".join(md))


if __name__ == "__main__":
    main()

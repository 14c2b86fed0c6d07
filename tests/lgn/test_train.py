"""Training: metrics and files, bitwise resume (also after kill -9), typed errors, DDP."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from circuitlab.lgn.checkpoint import load_checkpoint, save_checkpoint
from circuitlab.lgn.config import TrainConfig
from circuitlab.lgn.errors import CheckpointError, LGNConfigError, UnknownDatasetError
from circuitlab.lgn.train import train

REPO = Path(__file__).resolve().parents[2]


def _cfg(tmp_path, name="run", **kw):
    base = dict(
        dataset="iris",
        layers=2,
        width=24,
        steps=30,
        batch_size=32,
        eval_interval=10,
        checkpoint_interval=10,
        out_dir=str(tmp_path / name),
        progress=False,
        seed=4,
    )
    base.update(kw)
    return TrainConfig(**base)


def test_train_writes_metrics_curve_and_checkpoint(tmp_path, one_thread):
    cfg = _cfg(tmp_path, parametrization="light", gumbel=True)
    res = train(cfg)
    out = Path(cfg.out_dir)
    metrics = json.loads((out / "metrics.json").read_text())
    assert [r["step"] for r in metrics["history"]] == [10, 20, 30]
    rec = metrics["final"]
    for key in ("soft_test_acc", "hard_test_acc", "gap", "unused_gates", "constant_gates", "train_loss"):
        assert key in rec
    assert rec["gap"] == pytest.approx(rec["soft_test_acc"] - rec["hard_test_acc"])
    assert 0 <= rec["unused_gates"] <= 48 and metrics["params_per_gate"] == 4 and metrics["num_params"] == 48 * 4
    assert (out / "curve.png").read_bytes()[:4] == b"\x89PNG"
    ck = load_checkpoint(out / "checkpoint.pt")
    assert ck["step"] == 30 and "optimizer" in ck and len(ck["torch_rng"]) == 1
    assert res["weights_digest"] == metrics["weights_digest"]


def test_training_learns_monk1(tmp_path, one_thread):
    cfg = _cfg(
        tmp_path,
        dataset="monk1",
        layers=2,
        width=64,
        steps=300,
        batch_size=64,
        eval_interval=300,
        checkpoint_interval=300,
        lr=0.1,
        tau=1.0,
        parametrization="light",
    )
    final = train(cfg)["final"]
    assert final["hard_test_acc"] > 0.85  # on all 432 examples; the majority class is 50 %


@pytest.mark.parametrize("param,gumbel", [("softmax16", True), ("light", False)])
def test_resume_reaches_the_same_weights_bitwise(tmp_path, one_thread, param, gumbel):
    straight = train(_cfg(tmp_path, "straight", parametrization=param, gumbel=gumbel))
    train(_cfg(tmp_path, "split", parametrization=param, gumbel=gumbel, steps=20))
    resumed = train(_cfg(tmp_path, "split", parametrization=param, gumbel=gumbel, resume=True))
    assert resumed["weights_digest"] == straight["weights_digest"]
    strip = lambda h: [{k: v for k, v in r.items() if k != "elapsed_s"} for r in h]  # noqa: E731
    assert strip(resumed["history"]) == strip(straight["history"])


def test_resume_after_kill_9(tmp_path, one_thread):
    """A run killed with SIGKILL resumes from its last atomic checkpoint to the uninterrupted weights."""
    out = tmp_path / "killed"
    args = [
        "--dataset",
        "monk1",
        "--layers",
        "2",
        "--width",
        "24",
        "--batch-size",
        "32",
        "--eval-interval",
        "10",
        "--checkpoint-interval",
        "5",
        "--seed",
        "4",
        "--gumbel",
        "--steps",
        "1000000",
        "--out-dir",
        str(out),
        "--no-progress",
    ]
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "circuitlab.cli", "train-lgn", *args],
        env=env,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            ck = out / "checkpoint.pt"
            if ck.exists() and load_checkpoint(ck)["step"] >= 20:
                break
            assert proc.poll() is None, proc.stderr.read().decode()
            time.sleep(0.05)
        else:
            pytest.fail("no checkpoint appeared")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    killed_at = load_checkpoint(out / "checkpoint.pt")["step"]  # still a whole, loadable file
    final = killed_at + 12
    kw = dict(dataset="monk1", gumbel=True, checkpoint_interval=5)  # checkpoints also fall between evaluations
    resumed = train(_cfg(tmp_path, "killed", steps=final, resume=True, **kw))
    straight = train(_cfg(tmp_path, "straight", steps=final, **kw))
    assert resumed["weights_digest"] == straight["weights_digest"]
    strip = lambda h: [{k: v for k, v in r.items() if k != "elapsed_s"} for r in h]  # noqa: E731
    assert strip(resumed["history"]) == strip(straight["history"])
    assert not list(out.glob(".*.tmp"))  # temp files of the killed writer are cleaned up


def test_checkpoint_mismatch_is_a_typed_error(tmp_path, one_thread):
    train(_cfg(tmp_path, steps=10))
    with pytest.raises(CheckpointError, match="has width=24 but the config has width=48"):
        train(_cfg(tmp_path, steps=20, width=48, resume=True))
    # Wrong tensor shapes under a matching config (e.g. a hand-edited file) are typed errors too.
    path = tmp_path / "run" / "checkpoint.pt"
    ck = load_checkpoint(path)
    ck["model"]["layers.0.weight"] = torch.zeros(3, 16)
    save_checkpoint(ck, path)
    with pytest.raises(CheckpointError, match="does not fit the model"):
        train(_cfg(tmp_path, steps=20, resume=True))
    (tmp_path / "run" / "checkpoint.pt").write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="unreadable"):
        train(_cfg(tmp_path, steps=20, resume=True))


def test_bad_inputs_are_value_errors(tmp_path):
    with pytest.raises(UnknownDatasetError, match="unknown dataset 'imagenet'"):
        train(_cfg(tmp_path, dataset="imagenet"))
    with pytest.raises(LGNConfigError, match="width 25 must be divisible by num_classes=3"):
        train(_cfg(tmp_path, width=25))
    with pytest.raises(LGNConfigError, match=r"in_dim=90, out_dim=40"):  # breast_cancer: 30 features x 3 bits
        train(_cfg(tmp_path, dataset="breast_cancer", width=40))
    with pytest.raises(LGNConfigError, match="torchrun"):
        train(_cfg(tmp_path, distributed=True))


@pytest.mark.skipif(shutil.which("torchrun", path=os.path.dirname(sys.executable)) is None, reason="no torchrun")
def test_distributed_ranks_end_with_identical_weights(tmp_path):
    """DDP on a convolutional network (conv kernels, OR pooling, dense layers)."""
    out = tmp_path / "ddp"
    torchrun = os.path.join(os.path.dirname(sys.executable), "torchrun")
    cmd = [
        torchrun,
        "--standalone",
        "--nproc_per_node=2",
        "-m",
        "circuitlab.cli",
        "train-lgn",
        "--distributed",
        "--dataset",
        "digits",
        "--conv",
        "4",
        "--layers",
        "2",
        "--width",
        "40",
        "--steps",
        "12",
        "--batch-size",
        "32",
        "--eval-interval",
        "6",
        "--gumbel",
        "--out-dir",
        str(out),
        "--no-progress",
        "--json",
    ]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    res = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stderr[-3000:]
    metrics = json.loads(res.stdout[res.stdout.index("{") :])
    digests = metrics["rank_weight_digests"]
    assert metrics["world_size"] == 2 and len(digests) == 2 and digests[0] == digests[1]
    assert len(load_checkpoint(out / "checkpoint.pt")["torch_rng"]) == 2


def test_max_time_stops_with_a_resumable_checkpoint(tmp_path, one_thread):
    cfg = _cfg(tmp_path, steps=10**7, eval_interval=10**6, checkpoint_interval=10**6, max_time=0.5)
    t = time.perf_counter()
    res = train(cfg)
    assert time.perf_counter() - t < 30 and res["stopped"] == "time limit"
    ck = load_checkpoint(Path(cfg.out_dir) / "checkpoint.pt")
    assert 0 < ck["step"] < cfg.steps and res["final"]["step"] == ck["step"]
    more = train(TrainConfig(**{**cfg.__dict__, "resume": True, "steps": ck["step"] + 3, "max_time": 0.0}))
    assert more["stopped"] == "done" and more["final"]["step"] == ck["step"] + 3
    with pytest.raises(LGNConfigError, match="max_time"):
        TrainConfig(max_time=-1).validate()


def test_cosine_schedule_decays_to_one_percent(tmp_path, one_thread):
    from circuitlab.lgn.train import lr_at

    cfg = _cfg(tmp_path, lr=0.02, lr_schedule="cosine", steps=30)
    rates = [lr_at(cfg, s) for s in range(31)]
    assert rates[0] == pytest.approx(0.02) and rates[15] == pytest.approx(0.0101) and rates[30] == pytest.approx(2e-4)
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False))
    assert lr_at(_cfg(tmp_path, lr=0.02), 17) == 0.02
    train(cfg)
    opt = load_checkpoint(tmp_path / "run" / "checkpoint.pt")["optimizer"]
    assert opt["param_groups"][0]["lr"] == pytest.approx(2e-4)


def test_keep_freed_memory_sets_glibc_thresholds():
    # in a child: the setting is for the whole process and would leak into other tests
    import platform
    import subprocess
    import sys

    code = "from circuitlab.lgn.train import keep_freed_memory as k; print(k())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == str(platform.libc_ver()[0] == "glibc")

"""The LEC benchmark suite: manifest, local and Dask runners, resume, failures."""

import json
import os
import shutil
import signal
import threading
import time

import pytest

from circuitlab.benchmarks import suite
from circuitlab.benchmarks.lec_epfl import EQ, ERROR, NEQ
from helpers import EXAMPLES


def _suite(tmp_path, extra_lines=()):
    for name in ("i2c", "i2c_dc2", "i2c_bug"):
        shutil.copy(EXAMPLES / f"{name}.aig", tmp_path / f"{name}.aig")
    lines = [
        {"name": "i2c-dc2", "family": "epfl", "a": "i2c.aig", "b": "i2c_dc2.aig", "expected": EQ},
        {"name": "i2c-bug", "family": "epfl", "a": "i2c.aig", "b": "i2c_bug.aig", "expected": NEQ},
        *extra_lines,
    ]
    manifest = tmp_path / suite.MANIFEST
    manifest.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return manifest


def test_local_run_records_verdicts_failures_and_resumes(tmp_path):
    missing = {"name": "gone", "family": "epfl", "a": "i2c.aig", "b": "nowhere.aig", "expected": EQ}
    manifest = _suite(tmp_path, [missing, "{not json", json.dumps({"name": "x", "a": "i2c.aig"})])
    instances, bad = suite.read_manifest(manifest)
    assert [i.name for i in instances] == ["i2c-dc2", "i2c-bug", "gone"]
    assert len(bad) == 2 and all(r["verdict"] == ERROR and "manifest line" in r["error"] for r in bad)
    results = tmp_path / "results.jsonl"
    done = suite.run_suite(instances, ["engine", "sweep"], results, timeout=30, jobs=2)
    assert done["i2c-dc2", "sweep"]["verdict"] == EQ and done["i2c-bug", "engine"]["verdict"] == NEQ
    assert done["gone", "engine"]["verdict"] == ERROR and "missing file" in done["gone", "engine"]["error"]
    calls = []
    suite.run_suite(instances, ["engine", "sweep"], results, timeout=30, on_row=lambda *a: calls.append(a))
    assert calls == []  # everything is done: a rerun runs nothing
    suite.run_suite(instances, ["engine"], results, timeout=30, retry_errors=True, on_row=lambda *a: calls.append(a))
    assert len(calls) == 1  # only the recorded error is tried again
    md = suite.report(instances, ["engine", "sweep"], suite.load_results(results), 30, bad)
    assert "| engine | 2/3 |" in md and "missing file" in md and "malformed manifest line" in md


def test_cli_bench_lec(tmp_path):
    from click.testing import CliRunner

    from circuitlab.cli import cli

    _suite(tmp_path)
    r = CliRunner().invoke(cli, ["bench", "lec", "--suite", str(tmp_path), "--configs", "engine,engine+phases"])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "report.md").exists() and (tmp_path / "cactus.png").exists()
    assert "Ablation" in (tmp_path / "report.md").read_text()
    r = CliRunner().invoke(cli, ["bench", "lec", "--suite", str(tmp_path), "--configs", "nope"])
    assert r.exit_code == 2 and "unknown configuration" in r.output


@pytest.fixture
def cluster():
    distributed = pytest.importorskip("distributed")
    import dask

    with (
        dask.config.set({"distributed.scheduler.allowed-failures": 0}),
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c,
    ):
        yield c


@pytest.mark.slow
def test_dask_run_matches_local_and_survives_a_killed_worker(tmp_path, cluster):
    from circuitlab.generators import array_multiplier, wallace_multiplier

    manifest = _suite(tmp_path)
    instances, _ = suite.read_manifest(manifest)
    local = suite.run_suite(instances, ["engine"], tmp_path / "local.jsonl", timeout=30)
    remote = suite.run_suite(
        instances, ["engine"], tmp_path / "dask.jsonl", timeout=30, scheduler=cluster.scheduler_address
    )
    assert {k: r["verdict"] for k, r in local.items()} == {k: r["verdict"] for k, r in remote.items()}

    # a slow check (an 8-bit multiplier miter, plain CDCL) whose worker is killed mid-run
    from circuitlab.aiger import write_aiger

    write_aiger(array_multiplier(8), tmp_path / "m8a.aig")
    write_aiger(wallace_multiplier(8), tmp_path / "m8w.aig")
    slow = suite.Instance("mult8", "hard", str(tmp_path / "m8a.aig"), str(tmp_path / "m8w.aig"), EQ)
    results = tmp_path / "kill.jsonl"
    runner = threading.Thread(
        target=suite.run_suite,
        args=([*instances, slow], ["engine"], results, 60),
        kwargs={"scheduler": cluster.scheduler_address},
    )
    runner.start()
    time.sleep(4.0)  # the small checks are done; the multiplier is running
    import distributed

    with distributed.Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    runner.join(120)
    rows = suite.load_results(results)
    assert rows["mult8", "engine"]["verdict"] == ERROR
    assert rows["i2c-dc2", "engine"]["verdict"] == EQ and rows["i2c-bug", "engine"]["verdict"] == NEQ
    time.sleep(3.0)  # the nanny restarts the workers
    again = suite.run_suite(  # the multiplier takes about 12 s alone: a loaded CI machine needed over 60
        [*instances, slow], ["engine"], results, 300, scheduler=cluster.scheduler_address, retry_errors=True
    )
    assert again["mult8", "engine"]["verdict"] == EQ


def test_build_suite_families(tmp_path):
    from circuitlab.aiger import read_aiger
    from circuitlab.sim import evaluate

    instances, bad = suite.read_manifest(suite.build_suite(tmp_path, families=("arith",)))
    names = {i.name for i in instances}
    assert not bad and {"mult4-signed-array-vs-booth", "add32-cla-vs-kogge-stone", "add16-vs-bug"} <= names
    assert {i.family for i in instances} == {"arith"}
    mnist = read_aiger(suite.LGN_MNIST)  # the packaged compiled MNIST network of the lgn family
    assert (mnist.num_inputs, mnist.num_outputs, mnist.num_ands) == (1568, 4, 312376)
    small = suite.random_lgn(widths=(60, 30), in_dim=16, classes=3)
    assert small.num_inputs == 16 and evaluate(small, [[0] * 16]).shape == (1, small.num_outputs)


def test_the_proof_configuration_certifies_equivalent_answers_with_dratify(tmp_path):
    instances, _ = suite.read_manifest(_suite(tmp_path))
    done = suite.run_suite(instances, ["cadical195+proof"], tmp_path / "results.jsonl", timeout=60)
    eq, neq = done["i2c-dc2", "cadical195+proof"], done["i2c-bug", "cadical195+proof"]
    assert eq["verdict"] == EQ and eq["proof"]["verified"] is True and eq["proof"]["steps"] > 0
    assert neq["verdict"] == NEQ and "proof" not in neq  # a counterexample is simulated instead
    md = suite.report(instances, ["cadical195+proof"], done, 60, [])
    assert "DRAT proofs checked by dratify: 1 of 1 accepted" in md and "| i2c-dc2 | cadical195+proof |" in md

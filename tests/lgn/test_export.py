"""export-lgn end to end: train a tiny network, compile it, check it sample for sample,
read the files with ABC and yosys, and prove the AIG equal to an ABC-optimized copy."""

import json

import pytest

from circuitlab.aiger import read_aiger
from helpers import circuitlab, train_iris_lgn

cli = circuitlab


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    return train_iris_lgn(tmp_path_factory.mktemp("lgn"))


def test_export_check_and_interop(checkpoint, tmp_path, abc, yosys):
    aig, v, blif = tmp_path / "c.aig", tmp_path / "c.v", tmp_path / "c.blif"
    r = cli("export-lgn", checkpoint, "--aig", aig, "--verilog", v, "--blif", blif, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["check"]["agree"] and rep["check"]["mismatches"] == 0
    assert rep["check"]["accuracy_circuit"] == rep["check"]["accuracy_model"]
    circ = read_aiger(aig)
    assert circ.output_names == ["class[0]", "class[1]"]
    assert "Networks are equivalent" in abc(f"cec {aig} {blif}", cwd=tmp_path)
    yosys(
        "read_verilog c.v; hierarchy -top lgn; proc; flatten; techmap; aigmap; opt_clean; write_aiger -symbols y.aig",
        cwd=tmp_path,
    )
    assert "Networks are equivalent" in abc(f"cec {aig} y.aig", cwd=tmp_path)
    # our own solver proves the compiled AIG equal to its ABC-optimized version
    abc(
        f"read {aig}; strash; dc2; {'; '.join(['balance', 'rewrite', 'refactor', 'balance'])}; write_aiger -s opt.aig",
        cwd=tmp_path,
    )
    r = cli("lec", aig, tmp_path / "opt.aig", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    assert json.loads(r.stdout)["verdict"] == "EQUIVALENT"


def test_export_needs_an_output(checkpoint):
    for args in (["--no-check"], []):
        r = cli("export-lgn", checkpoint, *args)
        assert r.returncode == 2 and r.stderr.strip().count("\n") == 0 and "nothing to write" in r.stderr


def test_thresholds_json_reproduces_the_accuracy_on_raw_features(checkpoint, tmp_path):
    """export-lgn writes the binarization beside the circuit; `sim --features` applied to the
    raw test rows (not the binarized ones) gives the model's test accuracy, sample for sample."""
    import numpy as np
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    aig = tmp_path / "iris.aig"
    r = cli("export-lgn", checkpoint, "--aig", aig, "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    spec = json.loads((tmp_path / "iris.binarization.json").read_text())
    assert spec["encoding"] == "thermometer" and spec["features"] == 4 and spec["classes"] == 3
    raw = load_iris()
    # the split of lgn/data.py for seed 1 (the fixture's --seed)
    _, x_te, _, y_te = train_test_split(raw.data, raw.target, test_size=0.25, random_state=1, stratify=raw.target)
    rows = tmp_path / "rows.csv"
    np.savetxt(rows, x_te, delimiter=",")
    r = cli("sim", aig, "--features", rows, "--binarization", tmp_path / "iris.binarization.json", "--json")
    assert r.returncode == 0, r.stderr
    classes = np.asarray(json.loads(r.stdout)["classes"])
    assert len(classes) == rep["check"]["samples"]
    assert float((classes == y_te).mean()) == rep["check"]["accuracy_model"]


def test_export_bad_checkpoint(tmp_path):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    r = cli("export-lgn", bad, "--aig", tmp_path / "x.aig")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.aig").exists()

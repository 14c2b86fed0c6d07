"""The CLI end to end: info/convert/sim/cnf/miter/solve/lec, JSON, exit codes, errors."""

import json
import subprocess
import sys

import pytest

from circuitlab.aiger import read_aiger
from helpers import EPFL, EXAMPLES


def run(*args, timeout=120):
    r = subprocess.run(
        [sys.executable, "-m", "circuitlab.cli", *map(str, args)], capture_output=True, text=True, timeout=timeout
    )
    return r.returncode, r.stdout, r.stderr


def proc(*args, stdin=None, timeout=120):
    """The finished ``python -m circuitlab.cli ARGS`` process."""
    return subprocess.run(
        [sys.executable, "-m", "circuitlab.cli", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_info_json():
    rc, out, _ = run("info", EXAMPLES / "ctrl.aig", "--json")
    assert rc == 0 and json.loads(out)["ands"] == 174


@pytest.mark.parametrize("ext", [".aag", ".aig", ".v", ".blif", ".dot"])
def test_convert(ext, tmp_path):
    dst = tmp_path / f"out{ext}"
    rc, _, err = run("convert", EXAMPLES / "ctrl.aig", dst)
    assert rc == 0, err
    assert dst.stat().st_size > 0
    if ext in (".aag", ".aig"):
        assert read_aiger(dst).num_ands == 174


@pytest.mark.parametrize("name", ["bar", "i2c"])
def test_lec_equivalent_and_buggy(name):
    rc, out, err = run("lec", EXAMPLES / f"{name}.aig", EXAMPLES / f"{name}_dc2.aig", "--json")
    assert rc == 0, err
    assert json.loads(out)["verdict"] == "EQUIVALENT"
    rc, out, err = run("lec", EXAMPLES / f"{name}.aig", EXAMPLES / f"{name}_bug.aig", "--json")
    res = json.loads(out)
    assert rc == 1 and res["verdict"] == "NOT EQUIVALENT"
    # the counterexample really separates the circuits: re-check by simulation here
    import numpy as np

    from circuitlab.sim import evaluate

    a, b = read_aiger(EXAMPLES / f"{name}.aig"), read_aiger(EXAMPLES / f"{name}_bug.aig")
    vec = np.array([c == "1" for c in res["counterexample"]])
    assert (evaluate(a, vec) != evaluate(b, vec)).any()


def test_solve_exit_codes_and_miter(tmp_path):
    m = tmp_path / "m.aig"
    assert run("miter", EXAMPLES / "i2c.aig", EXAMPLES / "i2c_bug.aig", "-o", m)[0] == 0
    rc, out, _ = run("solve", m)
    assert rc == 10 and "verified by simulation" in out
    m2 = tmp_path / "m2.aig"
    run("miter", EXAMPLES / "i2c.aig", EXAMPLES / "i2c_dc2.aig", "-o", m2)
    assert run("solve", m2)[0] == 20
    cnf = tmp_path / "m2.cnf"
    assert run("cnf", m2, "-o", cnf, "--encoding", "pg")[0] == 0
    rc, out, _ = run("solve", cnf, "--json")
    assert rc == 20 and json.loads(out)["status"] == "UNSAT"


def test_sim_vectors():
    rc, out, _ = run("sim", EXAMPLES / "ctrl.aig", "-i", "0000000", "-i", "1111111")
    assert rc == 0 and len(out.strip().splitlines()) == 2
    rc, out, _ = run("sim", EXAMPLES / "ctrl.aig", "--json")
    assert rc == 0 and json.loads(out)["exact"] is True


@pytest.mark.parametrize(
    "args",
    [
        ["info", "/nonexistent.aig"],
        ["convert", str(EXAMPLES / "ctrl.aig"), "x.xyz"],
        ["solve", str(EXAMPLES / "ctrl.aig"), "--timeout", "-1"],
        ["sim", str(EXAMPLES / "ctrl.aig"), "-i", "01"],
        ["info", "--no-such-flag"],
        ["no-such-command"],
    ],
)
def test_errors_are_one_line_exit_2(args):
    rc, out, err = run(*args)
    assert rc == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_lec_interface_mismatch(tmp_path):
    rc, _, err = run("lec", EXAMPLES / "ctrl.aig", EXAMPLES / "i2c.aig")
    assert rc == 2 and "counts differ" in err


def test_max_memory_mb_gives_one_line_and_exit_2(tmp_path):
    import subprocess
    import sys

    hyp = EPFL / "hyp.aig"
    out = tmp_path / "hyp.v"  # Verilog text of 214k gates is built in memory (cnf streams: it fits)
    cmd = [sys.executable, "-m", "circuitlab.cli", "--max-memory-mb", "200", "convert", str(hyp), str(out)]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "out of memory" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert not out.exists() and not list(tmp_path.iterdir())  # nothing half-written


# ---------------------------------------------------------------------------- formats, stdin and stdout
@pytest.mark.parametrize("fmt", ["blif", "verilog"])
def test_formats_through_stdin_and_stdout(fmt, tmp_path, abc):
    src = EXAMPLES / "i2c.aig"
    text = proc("convert", src, "-", "--to", fmt)
    assert text.returncode == 0 and text.stdout.startswith(".model" if fmt == "blif" else "module")
    back = proc("convert", "-", tmp_path / "back.aig", stdin=text.stdout)
    assert back.returncode == 0, back.stderr
    assert "Networks are equivalent" in abc(f"cec {src} {tmp_path / 'back.aig'}")
    lec = proc("lec", EXAMPLES / "i2c_dc2.aig", "-", stdin=text.stdout)
    assert lec.returncode == 0 and lec.stdout.startswith("EQUIVALENT"), lec.stderr


def test_output_paths(tmp_path):
    src = EXAMPLES / "cavlc.aig"
    r = proc("convert", src, tmp_path / "missing" / "x.aag")
    assert r.returncode == 2 and "does not exist" in r.stderr and not (tmp_path / "missing").exists()
    r = proc("convert", src, "/dev/stdout", "--to", "aag")
    assert r.returncode == 0 and r.stdout.startswith("aag ")
    r = proc("convert", src, tmp_path / "x.unknown")
    assert r.returncode == 2 and "cannot tell the format" in r.stderr
    r = proc("cnf", src, "-o", "-")
    assert r.returncode == 0 and "p cnf" in r.stdout


# ---------------------------------------------------------------------------- latches
SEQ = "aag 3 1 1 1 1\n2\n4 6\n4\n6 2 4\ni0 x\nl0 q\no0 y\n"


@pytest.mark.parametrize("command", [["solve"], ["sim", "-i", "11"], ["lec", "SELF"], ["cnf", "-o", "OUT"]])
def test_latches_are_refused_or_reduced_with_comb(command, tmp_path):
    seq = tmp_path / "seq.aag"
    seq.write_text(SEQ)
    argv = [command[0], seq] + [seq if a == "SELF" else tmp_path / "o.cnf" if a == "OUT" else a for a in command[1:]]
    r = proc(*argv)
    assert r.returncode == 2 and "sequential (1 latches)" in r.stderr and "--comb" in r.stderr
    assert r.stderr.count("\n") == 1
    r = proc(*argv, "--comb")
    assert r.returncode in (0, 10), r.stderr


def test_comb_core_keeps_literals(tmp_path):
    seq = tmp_path / "seq.aag"
    seq.write_text(SEQ)
    core = read_aiger(seq).comb()
    assert core.input_names == ["x", "q"] and core.output_names == ["y", "q_next"] and core.num_latches == 0


# ---------------------------------------------------------------------------- witnesses
def test_solve_witness_is_replayed_by_sim(tmp_path):
    m = tmp_path / "m.aig"
    assert proc("miter", EXAMPLES / "i2c.aig", EXAMPLES / "i2c_bug.aig", "-o", m).returncode == 0
    wit = tmp_path / "cex.wit"
    r = proc("solve", m, "--cex", wit)
    assert r.returncode == 10 and "c inputs pi000=" in r.stdout
    lines = wit.read_text().splitlines()
    assert lines[0] == "1" and lines[1] == "b0" and lines[2] == "" and lines[-1] == "."
    r = proc("sim", m, "--witness", wit)
    assert r.returncode == 0 and "witness holds" in r.stdout
    same = tmp_path / "same.aig"  # the miter of equivalent circuits is never 1
    assert proc("miter", EXAMPLES / "i2c.aig", EXAMPLES / "i2c_dc2.aig", "-o", same).returncode == 0
    r = proc("sim", same, "--witness", wit)
    assert r.returncode == 1 and "does NOT hold" in r.stdout


def test_lec_witness_replays_on_the_miter(tmp_path):
    a, b = EXAMPLES / "bar.aig", EXAMPLES / "bar_bug.aig"
    wit = tmp_path / "cex.wit"
    r = proc("lec", a, b, "--cex", wit)
    assert r.returncode == 1 and "counterexample: " in r.stdout and "=" in r.stdout.split("counterexample: ")[1]
    m = tmp_path / "m.aig"
    proc("miter", a, b, "-o", m)
    r = proc("sim", m, "--witness", wit, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["holds"] is True
    bad = tmp_path / "bad.wit"
    bad.write_text("0\n.\n")
    r = proc("sim", m, "--witness", bad)
    assert r.returncode == 2 and r.stderr.count("\n") == 1

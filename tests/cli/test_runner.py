"""circuitlab/cli/runner.py: one error tree, one exit-code table."""

import subprocess
import sys
from pathlib import Path

import click
import pytest

from circuitlab.cli.runner import run_command
from circuitlab.errors import (
    EXIT_INTERNAL_ERROR,
    EXIT_USER_ERROR,
    AigerFormatError,
    CheckpointError,
    CircuitlabError,
    InternalError,
    UserError,
)
from circuitlab.gnn.errors import CheckpointError as GnnCheckpointError
from circuitlab.lgn.errors import CheckpointError as LgnCheckpointError
from circuitlab.lgn.errors import CompileMismatchError, LGNError
from circuitlab.native import NativeLibraryError
from circuitlab.solvers.errors import InternalSolverError, SolverOptionError


def test_one_tree():
    for user in (AigerFormatError, SolverOptionError, LGNError, GnnCheckpointError, LgnCheckpointError):
        assert issubclass(user, UserError) and issubclass(user, ValueError)
    for internal in (InternalSolverError, NativeLibraryError, CompileMismatchError):
        assert issubclass(internal, InternalError) and not issubclass(internal, UserError)
    assert issubclass(GnnCheckpointError, CheckpointError) and issubclass(LgnCheckpointError, CheckpointError)
    assert issubclass(UserError, CircuitlabError) and issubclass(InternalError, CircuitlabError)


def _group(exc):
    @click.group()
    def g():
        pass

    @g.command()
    def boom():
        raise exc

    return g


def test_user_error_is_one_line_and_exit_2(capsys):
    assert run_command(_group(SolverOptionError("bad flag")), ["boom"]) == EXIT_USER_ERROR
    assert capsys.readouterr().err == "circuitlab: error: bad flag\n"


@pytest.mark.parametrize("exc", [InternalSolverError("model fails"), ZeroDivisionError("oops"), KeyError("k")])
def test_internal_error_names_its_log(exc, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("CIRCUITLAB_TRACEBACK", raising=False)
    assert run_command(_group(exc), ["boom"]) == EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("circuitlab: internal error: ") and "Traceback" not in err
    log = Path(err.split("traceback in ")[1].split(";")[0])
    assert log.parent == tmp_path / "circuitlab" and "Traceback" in log.read_text()


def test_traceback_on_request(capsys, monkeypatch):
    monkeypatch.setenv("CIRCUITLAB_TRACEBACK", "1")
    assert run_command(_group(RuntimeError("x")), ["boom"]) == EXIT_INTERNAL_ERROR
    err = capsys.readouterr().err
    assert "Traceback" in err and "traceback above" in err


def test_process_exit_code_for_an_internal_error(tmp_path):
    # a real process: a solver answer that fails its certificate is exit 70, one line
    code = (
        "import sys, click; from circuitlab.cli.runner import run_command; "
        "from circuitlab.solvers.errors import InternalSolverError\n"
        "@click.command()\ndef c():\n    raise InternalSolverError('model does not satisfy clause 3')\n"
        "sys.exit(run_command(c, []))"
    )
    env = {"XDG_STATE_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 70 and r.stderr.count("\n") == 1, r.stderr


def test_a_signal_still_pending_when_the_command_ends_is_absorbed():
    """A SIGINT whose Python handler runs only after the command finished (seen under
    load: "interrupted", then the process died by SIGINT, exit -2) keeps the exit code."""

    code = (
        "import os, signal, sys\n"
        "import circuitlab.cli as cli\n"
        "def late(argv=None):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return 130\n"
        "cli.main = late\n"
        "sys.exit(cli.entry())\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 130 and "Traceback" not in r.stderr, (r.returncode, r.stderr)


def test_a_command_in_process_leaves_the_signal_handlers_as_it_found_them():
    """lec ignores signals once its verdict is decided; main() restores the handlers after."""
    import signal

    from circuitlab.benchmarks import LEC_INSTANCES
    from circuitlab.cli import main

    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    mult = LEC_INSTANCES / "multiplier.aig"
    assert main(["lec", str(mult), str(mult), "--json"]) == 0
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_lazy_command_table_matches_modules():
    import importlib

    from circuitlab.cli.app import COMMAND_MODULES

    listed = {}
    for module_name in {m for m, _ in COMMAND_MODULES.values()}:
        for command in importlib.import_module(f"circuitlab.cli.{module_name}").COMMANDS:
            listed[command.name] = (module_name, command)
    assert set(listed) == set(COMMAND_MODULES)
    for name, (module_name, attribute) in COMMAND_MODULES.items():
        module = importlib.import_module(f"circuitlab.cli.{module_name}")
        assert getattr(module, attribute) is listed[name][1]


def test_lec_imports_only_its_own_command(tmp_path):
    """Start-up counts on small equivalence checks: lec loads no torch and no other command module."""
    from circuitlab.aiger import write_aiger
    from circuitlab.generators import ripple_adder

    a = tmp_path / "a.aig"
    write_aiger(ripple_adder(4), a)
    code = (
        "import sys\n"
        "from circuitlab.cli import main\n"
        f"code = main(['lec', {str(a)!r}, {str(a)!r}])\n"
        "heavy = sorted(m for m in sys.modules if m == 'torch' or m.startswith(('circuitlab.cli.lgn', "
        "'circuitlab.cli.gnn', 'circuitlab.cli.bench', 'circuitlab.cli.circuits', 'circuitlab.verilog', 'circuitlab.blif')))\n"
        "print(code, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "0 []"


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_an_error_that_a_stop_signal_caused_is_an_interruption(sig, capsys):
    """A C extension importing when the signal lands turns the KeyboardInterrupt into its own
    error (scipy: ImportError "initialization failed"): that is Ctrl-C, not a bug."""
    import os
    import signal

    @click.group()
    def g():
        pass

    @g.command()
    def slow_import():
        try:
            os.kill(os.getpid(), getattr(signal, sig))
            for _ in range(1000):  # the Python-level handler runs between bytecodes
                pass
        except KeyboardInterrupt:
            raise ImportError("initialization failed") from None

    assert run_command(g, ["slow-import"]) == 130
    assert capsys.readouterr().err == "circuitlab: interrupted\n"
    assert run_command(_group(RuntimeError("x")), ["boom"]) == EXIT_INTERNAL_ERROR  # the next command: a bug again

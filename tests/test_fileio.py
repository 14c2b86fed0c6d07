"""Atomic writes: the old file or the whole new one, and never a temp file left over,
even when Ctrl-C lands while the temp file is being created."""

from __future__ import annotations

import os
import signal
import tempfile

import pytest

from circuitlab.fileio import atomic_path, atomic_write, deferred_signals


@pytest.fixture
def ctrl_c_inside_mkstemp(monkeypatch):
    """``mkstemp`` creates its file, then SIGINT reaches this process before it returns."""
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        out = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)
        return out

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def _names(d):
    return sorted(p.name for p in d.iterdir())


def test_ctrl_c_while_the_temp_file_is_created_leaves_nothing(tmp_path, ctrl_c_inside_mkstemp):
    (tmp_path / "out.aig").write_bytes(b"old")
    with pytest.raises(KeyboardInterrupt):
        atomic_write(tmp_path / "out.aig", b"new")
    assert _names(tmp_path) == ["out.aig"]
    assert (tmp_path / "out.aig").read_bytes() == b"old"


def test_ctrl_c_while_the_temp_path_is_created_leaves_nothing(tmp_path, ctrl_c_inside_mkstemp):
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "plot.png", suffix=".tmp.png") as tmp:
        tmp.write_bytes(b"never reached")
    assert _names(tmp_path) == []


def test_atomic_path_renames_on_success_and_cleans_up_on_error(tmp_path):
    path = tmp_path / "c.pt"
    with atomic_path(path) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".c.pt.") and tmp.name.endswith(".tmp")
        tmp.write_bytes(b"one")
    assert path.read_bytes() == b"one"
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask
    with pytest.raises(RuntimeError), atomic_path(path) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disk full")
    assert path.read_bytes() == b"one" and _names(tmp_path) == ["c.pt"]


def test_a_writer_that_removes_its_temp_file_is_an_error_not_a_leftover(tmp_path):
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "x") as tmp:
        tmp.unlink()
    assert _names(tmp_path) == []


def test_a_held_signal_fires_after_the_block_and_an_ignored_one_stays_ignored():
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        reached = []
        with pytest.raises(KeyboardInterrupt), deferred_signals():
            os.kill(os.getpid(), signal.SIGINT)
            reached.append("after the signal")
        assert reached == ["after the signal"]
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        with deferred_signals():
            os.kill(os.getpid(), signal.SIGINT)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, old)

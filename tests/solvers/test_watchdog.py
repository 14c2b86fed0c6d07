"""The watchdog: values come back, deadlines kill, errors and crashes surface."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from circuitlab.solvers import InternalSolverError
from circuitlab.solvers.watchdog import run_in_child


def test_value_comes_back():
    out = run_in_child(lambda: {"pid": os.getpid(), "x": [1, 2, 3]}, deadline=time.monotonic() + 30)
    assert out.reason == "" and out.value["x"] == [1, 2, 3]
    assert out.value["pid"] != os.getpid()  # it really ran in another process


def test_deadline_kills_a_busy_child():
    def spin():
        while True:
            pass

    start = time.monotonic()
    out = run_in_child(spin, deadline=start + 0.5)
    assert out.reason == "timeout" and out.value is None
    assert time.monotonic() - start < 2.0


def test_past_deadline_returns_at_once():
    start = time.monotonic()
    assert run_in_child(lambda: time.sleep(5), deadline=start - 1).reason == "timeout"
    assert time.monotonic() - start < 1.5


def test_exception_is_reraised_in_the_parent():
    def boom():
        raise KeyError("inside the child")

    with pytest.raises(KeyError, match="inside the child"):
        run_in_child(boom, deadline=time.monotonic() + 30)


def test_a_crash_is_an_internal_error():
    with pytest.raises(InternalSolverError, match="died"):
        run_in_child(lambda: os.kill(os.getpid(), signal.SIGKILL), deadline=time.monotonic() + 30)


def test_memory_limit_gives_memory():
    def hog():
        blocks = []
        for _ in range(64):
            blocks.append(bytearray(16 * 2**20))  # 1 GiB in all, well past the limit
        return len(blocks)

    out = run_in_child(hog, deadline=time.monotonic() + 30, memory_mb=64)
    assert out.reason == "memory"


def test_ctrl_c_while_waiting_kills_the_child_and_reports_interrupted():
    threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    start = time.monotonic()
    out = run_in_child(lambda: time.sleep(30), deadline=start + 20)
    assert out.reason == "interrupted"
    assert time.monotonic() - start < 5


def test_memory_limit_holds_after_a_large_free_heap():
    # a parent that keeps freed memory (train-lgn's keep_freed_memory) once let the child
    # reuse a GiB of free heap without touching the limit; run in a fresh interpreter
    code = """
import time
from circuitlab.lgn.train import keep_freed_memory
from circuitlab.solvers.watchdog import run_in_child
keep_freed_memory()
blocks = [bytearray(16 * 2**20) for _ in range(100)]
del blocks
def hog():
    return len([bytearray(16 * 2**20) for _ in range(64)])
print(run_in_child(hog, deadline=time.monotonic() + 30, memory_mb=64).reason)
"""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.strip() == "memory"

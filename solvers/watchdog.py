"""A watchdog: run a function in a forked child process, kill it at a deadline.

CaDiCaL and Kissat in pysat cannot be interrupted from another thread, so a
wall-clock limit on them needs a process boundary.  :func:`run_in_child` forks
(copy-on-write: a solver already loaded with clauses costs no copy), runs ``fn``
in the child, and waits for its pickled return value until the deadline; then it
kills the child with SIGKILL.  The parent keeps Ctrl-C: a ``KeyboardInterrupt``
while waiting kills the child and reports ``"interrupted"``.

A memory limit is an ``RLIMIT_AS`` on the child: the child's current address space
plus ``memory_mb``.  Running out shows as a ``MemoryError`` or as the child dying
(C++ ``bad_alloc`` aborts); both are reported as ``"memory"``.  Free heap the child
inherits is already mapped, so before measuring, the child hands the free top of its
heap back (glibc ``malloc_trim``); free chunks inside the heap stay mapped, so a
long-lived parent with a fragmented free heap still gives its children that much more
room than ``memory_mb`` (the CLI runs in a fresh process).
"""

from __future__ import annotations

import math
import os
import signal
import time
from dataclasses import dataclass
from typing import Any

from .errors import InternalSolverError

GRACE_S = 2.0  # the child kills itself this long after the deadline, should the parent die


@dataclass
class ChildOutcome:
    """How a child run ended.

    Attributes:
        value: ``fn()``'s return value when ``reason`` is ``""``.
        reason: ``""`` (returned), ``"timeout"``, ``"interrupted"`` or ``"memory"``.
        wall: seconds from fork to the end of the wait.
    """

    value: Any  # whatever fn() returned, unpickled: the caller knows its type
    reason: str
    wall: float


def _address_space() -> int:
    """Bytes of virtual address space this process maps now (Linux /proc)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (best effort)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass


def _trim_heap() -> None:
    """Return the free top of the heap to the OS (glibc; a no-op elsewhere)."""
    import contextlib
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def _child_main(fn, conn, deadline, memory_mb):
    """Body of the child: limit itself, run ``fn``, send ``(kind, payload)``."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent owns Ctrl-C and kills us
    _die_with_parent()
    if deadline is not None:  # self-destruct, should the parent be unable to kill us
        signal.alarm(max(1, math.ceil(deadline - time.monotonic() + GRACE_S)))
    if memory_mb is not None:
        import faulthandler
        import resource

        faulthandler.disable()  # an abort on bad_alloc is an expected outcome here: no dump,
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # no core file,
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)  # nor its "terminate called after std::bad_alloc" on the terminal
        os.close(devnull)
        _trim_heap()
        limit = _address_space() + int(memory_mb * 2**20)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        msg = ("ok", fn())
    except MemoryError:
        msg = ("memory", None)
    except BaseException as e:  # noqa: BLE001 - re-raised in the parent
        msg = ("error", e)
    try:
        conn.send(msg)
    except MemoryError:
        conn.send(("memory", None))
    except Exception as e:  # noqa: BLE001 - an unpicklable result or exception
        conn.send(("error", RuntimeError(f"watchdog child could not send its result: {e!r}")))
    conn.close()


def run_in_child(fn, deadline: float | None = None, memory_mb: float | None = None) -> ChildOutcome:
    """Run ``fn()`` in a forked child until ``deadline`` (``time.monotonic()`` seconds).

    Args:
        fn: a callable of no arguments; its return value must be picklable.
        deadline: absolute deadline, or ``None`` for none.
        memory_mb: extra address space the child may map, or ``None``.
    Returns:
        A :class:`ChildOutcome`.  An exception raised by ``fn`` is re-raised here.
    Raises:
        InternalSolverError: the child died without a result and without a memory
            limit to blame (a solver crash).
    """
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(fn, send, deadline, memory_mb), daemon=True)
    start = time.monotonic()
    try:
        proc.start()
        send.close()
        remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
        if not recv.poll(remaining):
            return ChildOutcome(None, "timeout", time.monotonic() - start)
        try:
            kind, payload = recv.recv()
        except EOFError:  # died without a word
            proc.join()
            if memory_mb is not None:
                return ChildOutcome(None, "memory", time.monotonic() - start)
            raise InternalSolverError(f"solver process died (exit code {proc.exitcode})") from None
        if kind == "error":
            raise payload
        if kind == "memory":
            return ChildOutcome(None, "memory", time.monotonic() - start)
        return ChildOutcome(payload, "", time.monotonic() - start)
    except KeyboardInterrupt:
        return ChildOutcome(None, "interrupted", time.monotonic() - start)
    finally:
        if proc.pid is not None:
            if proc.is_alive():
                proc.kill()
            proc.join()
        recv.close()
        send.close()

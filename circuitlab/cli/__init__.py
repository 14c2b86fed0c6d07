"""The ``circuitlab`` command line: the only package that imports click.

One module per command group: :mod:`.circuits` (info, convert, sim, cnf, miter),
:mod:`.solve` (solve, lec, engine-options, backends), :mod:`.lgn` (train-lgn,
export-lgn), :mod:`.gnn` (gnn-corpus, train-gnn) and :mod:`.bench` (bench lec).  Heavy
parts (torch, torch-geometric) are imported only by the commands that run them.

Errors follow one tree (:mod:`circuitlab.errors`) and one exit-code table:

====  =========================================================================
code  meaning
====  =========================================================================
0     success; ``lec`` EQUIVALENT; ``solve`` UNKNOWN (as SAT competitions do)
1     ``lec`` NOT EQUIVALENT
2     user error: a bad file, flag or option; one line on stderr
3     ``lec`` UNKNOWN (timeout, conflict limit, Ctrl-C)
10    ``solve`` SATISFIABLE
20    ``solve`` UNSATISFIABLE
70    internal error: one line on stderr naming the log file with the traceback
130   interrupted (Ctrl-C or SIGTERM) outside a search
====  =========================================================================
"""

from __future__ import annotations

import signal
import sys
from typing import Any


def _terminate(signum, frame):
    raise KeyboardInterrupt  # SIGTERM stops a command like Ctrl-C: partial results, documented exit code


def main(argv: list[str] | None = None) -> int:
    """Run ``circuitlab`` with ``argv`` (default: ``sys.argv[1:]``) and return its exit code.

    SIGTERM is routed like Ctrl-C before the commands (and numpy, click, torch) are
    imported, so a signal during start-up is an interruption too (exit 130).
    """
    old = signal.signal(signal.SIGTERM, _terminate)
    try:
        try:
            from .app import run
        except KeyboardInterrupt:
            print("circuitlab: interrupted", file=sys.stderr)
            return 130
        return run(argv)
    finally:
        signal.signal(signal.SIGTERM, old)


def entry() -> int:
    """The ``circuitlab`` program: :func:`main`, and then signals are ignored, so that one
    arriving while the interpreter shuts down cannot print a traceback or change the code.

    A signal can also be *pending* when :func:`main` returns: Python runs its handler at
    the next bytecode, and a KeyboardInterrupt escaping here would end the process by
    SIGINT (exit -2) after "interrupted" was printed.  Such a late signal is absorbed:
    the loop goes round until the handlers are ``SIG_IGN``, which drops pending ones.
    """
    code: int | None = None
    while True:
        try:
            if code is None:
                code = main()
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, signal.SIG_IGN)
            break
        except KeyboardInterrupt:
            if code is None:  # escaped main() itself: an interruption all the same
                code = 130
    if code == 130:
        _exit_interrupted()
    return code


def _exit_interrupted() -> None:
    """End an interrupted run with exit code 130, with signals ignored to the very end.

    Under load, interrupted torch commands (train-lgn, export-lgn) were seen ending by
    SIGINT (exit -2) after "interrupted" was printed, with no traceback: the process was
    killed by a signal's default action.  CPython's finalization restores the default
    actions before it tears down the modules (torch's take a while), so a signal
    arriving then kills the process.  An interrupted run therefore runs its atexit
    handlers (with SIGINT and SIGTERM still ignored), flushes its streams and leaves
    by ``os._exit``.  Finished runs exit normally.
    """
    import atexit
    import contextlib
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more to say
            stream.flush()
    os._exit(130)


def __getattr__(name: str) -> Any:
    if name == "cli":  # the click group (docs, tests)
        from .app import cli

        return cli
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["cli", "entry", "main"]

"""Running a command: typed errors to one line and an exit code (the table in ``__init__``).

A user error (:class:`~circuitlab.errors.UserError`, a click usage error, a file that
cannot be opened, the ``--max-memory-mb`` limit) is one line and exit 2.  Anything
else is a bug: one line naming the log file that holds the traceback, exit 70.  Set
``CIRCUITLAB_TRACEBACK=1`` to get the traceback on stderr instead.  SIGTERM stops a
command like Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

import click

from circuitlab.errors import EXIT_INTERNAL_ERROR, EXIT_INTERRUPTED, EXIT_USER_ERROR, CircuitlabError

_stop_seen: list[int] = []  # the stop signals received during the command


def _terminate(signum, frame):
    _stop_seen.append(signum)
    raise KeyboardInterrupt  # SIGTERM stops a command like Ctrl-C: partial results, documented exit code


def run_command(group: click.Group, argv: list[str] | None) -> int:
    """Run one command; SIGINT's handler (a command may ignore signals once its answer is
    decided) and SIGTERM's are restored afterwards, for callers that run several."""
    old_int = signal.getsignal(signal.SIGINT)
    old_term = signal.signal(signal.SIGTERM, _terminate)
    if old_int is signal.default_int_handler:  # not when started with SIGINT ignored
        signal.signal(signal.SIGINT, _terminate)
    _stop_seen.clear()
    try:
        return _run(group, argv)
    finally:
        signal.signal(signal.SIGTERM, old_term)
        if old_int is not None:
            signal.signal(signal.SIGINT, old_int)


_OUT_OF_MEMORY = b"circuitlab: error: out of memory (raise --max-memory-mb, or give the machine more)\n"
_reserve: list[bytearray] = []


def keep_memory_reserve(nbytes: int = 4 << 20) -> None:
    """Hold ``nbytes`` back (under ``--max-memory-mb``) so that reporting running out of
    memory never needs memory; :func:`_run` frees it before it reports."""
    _reserve[:] = [bytearray(nbytes)]


def _run(group: click.Group, argv: list[str] | None) -> int:
    try:
        return _run_guarded(group, argv)
    except MemoryError:
        pass  # leaving the except clause frees the traceback, and with it the frames that held the memory
    _reserve.clear()
    with contextlib.suppress(OSError):
        os.write(2, _OUT_OF_MEMORY)  # no allocation: a pre-encoded line straight to the descriptor
    return EXIT_USER_ERROR


def _run_guarded(group: click.Group, argv: list[str] | None) -> int:
    try:
        group.main(args=argv, prog_name="circuitlab", standalone_mode=False)
    except click.exceptions.Exit as e:
        return e.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("circuitlab: interrupted", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as e:
        click.echo(f"circuitlab: error: {e.format_message()}", err=True)
        return EXIT_USER_ERROR
    except CircuitlabError as e:
        if e.exit_code == EXIT_INTERNAL_ERROR:
            return _internal_error(e)
        click.echo(f"circuitlab: error: {e}", err=True)
        return e.exit_code
    except OSError as e:  # a file that cannot be read or written
        click.echo(f"circuitlab: error: {e}", err=True)
        return EXIT_USER_ERROR
    except MemoryError:
        raise  # reported by _run once the frames are gone
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 0
    except Exception as e:  # noqa: BLE001 - every other exception is a bug, reported as one
        if _stop_seen:  # a KeyboardInterrupt that a C extension turned into its own error
            click.echo("circuitlab: interrupted", err=True)  # (e.g. "initialization failed" mid-import)
            return EXIT_INTERRUPTED
        return _internal_error(e)
    return 0


def _internal_error(e: BaseException) -> int:
    import traceback  # only on the error path: start-up

    text = "".join(traceback.format_exception(e))
    if os.environ.get("CIRCUITLAB_TRACEBACK"):
        click.echo(text, err=True, nl=False)
        where = "traceback above"
    else:
        where = f"traceback in {_log(text)}"
    click.echo(f"circuitlab: internal error: {type(e).__name__}: {e} ({where}; please report it)", err=True)
    return EXIT_INTERNAL_ERROR


def _log(text: str) -> str:
    """Write ``text`` to a new file in the user's state folder (or the temp folder); its path."""
    import tempfile

    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "circuitlab"
    name = time.strftime("crash-%Y%m%d-%H%M%S-") + f"{os.getpid()}.log"
    for folder in (state, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError:
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        return str(folder / name)
    return "(nowhere: no writable folder)"

"""Atomic file writes, shared by every writer (circuits, exports, checkpoints, plots)."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM over a short stretch, then deliver a held one to its handler.

    Used where a KeyboardInterrupt must not land mid-step: between ``mkstemp`` creating
    a file and the caller recording its name (an orphan temp file no handler knows of),
    or inside torch's import (C++ code that cannot unwind it).  The Python handlers are
    swapped for a recorder, not the thread's signal mask: another thread (torch's pool,
    pytest-xdist's I/O) may take a process signal, but Python runs every handler in the
    main thread.  A held signal is re-raised once the real handlers are back, so a
    signal the caller ignores (``SIG_IGN``) stays ignored.  Off the main thread (which
    never sees KeyboardInterrupt) this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    seen: list[int] = []
    old: dict[int, Any] = {}
    try:
        for sig in (signal.SIGINT, signal.SIGTERM):
            if signal.getsignal(sig) is not signal.SIG_IGN:
                old[sig] = signal.signal(sig, lambda signum, frame: seen.append(signum))
        yield
    finally:
        todo = list(old.items())
        while todo:  # a signal taken by a handler already put back must not strand the rest
            try:
                while todo:
                    signal.signal(*todo[0])
                    del todo[0]
            except KeyboardInterrupt:
                seen.append(signal.SIGINT)
    if seen:
        signal.raise_signal(seen[0])


def _fsync_dir(path: Path) -> None:
    try:  # make the rename itself durable
        dfd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a fresh temp path beside ``path`` for a writer that takes a file name
    (``torch.save``, ``savefig``, ABC); on a clean exit it is renamed to ``path``.

    On any exception, Ctrl-C or SIGTERM included (even one arriving while the temp file
    is being created), the temp file is removed and ``path`` keeps its old content.
    ``suffix`` is the temp name's ending (a plotting library picks the format from it).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp: str | None = None
    try:
        with deferred_signals():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=suffix, dir=path.parent)
            os.close(fd)
        os.chmod(tmp, 0o666 & ~_umask())
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            with deferred_signals(), contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def atomic_writer(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(fileobj)`` on a temp file beside ``path``, fsync it, rename it to ``path``.

    A crash, ``kill -9``, Ctrl-C or exception never leaves a half-written file: ``path``
    holds either its old content or the complete new one, and the temp file is removed
    on error (see :func:`atomic_path`).  The file gets the usual permissions
    (``0666 & ~umask``), not mkstemp's 0600.
    """
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


def atomic_write(path: str | os.PathLike[str], data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8 encoded) to ``path`` atomically; see :func:`atomic_writer`."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    atomic_writer(path, lambda f: f.write(data))


def load_weights_file(
    path: str | os.PathLike[str], what: str, map_location: Any = "cpu", error: type[Exception] | None = None
) -> Any:
    """``torch.load`` with ``weights_only=True`` and nothing else, errors as one line.

    A checkpoint is data from someone else: circuitlab never unpickles arbitrary
    objects, so a file that needs that is refused (naming the file), never retried.

    Raises:
        CheckpointError: (or ``error``) missing, not a PyTorch file, or holding more
            than tensors and plain containers.
    """
    import pickle
    import warnings

    import torch

    from .errors import CheckpointError

    error = error or CheckpointError
    path = Path(path)
    if not path.is_file():
        raise error(f"{what} {path} does not exist")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # protocol notes from the restricted unpickler
            return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        if "Unsupported global" in str(e):  # a pickle of arbitrary objects: refused, never retried
            raise error(
                f"{path} is not a {what}: it holds objects other than tensors and plain data, "
                "and circuitlab loads only weights"
            ) from None
        raise error(f"{path} is not a {what} (unreadable: not a PyTorch file)") from None
    except Exception as e:  # noqa: BLE001 - truncated, not a torch file, zip errors ...
        raise error(f"{path} is not a {what} (unreadable: {type(e).__name__})") from None

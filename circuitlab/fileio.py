"""Atomic file writes, shared by every writer (circuits, exports, checkpoints, plots)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_writer(path: str | os.PathLike[str], write: Callable[[BinaryIO], object]) -> None:
    """Call ``write(fileobj)`` on a temp file beside ``path``, fsync it, rename it to ``path``.

    A crash, ``kill -9`` or exception never leaves a half-written file: ``path`` holds
    either its old content or the complete new one, and the temp file is removed on
    error.  The file gets the usual permissions (``0666 & ~umask``), not mkstemp's 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


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

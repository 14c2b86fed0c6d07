"""Small file helpers shared by every writer: atomic writes."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    A crash or an exception never leaves a half-written file, and an existing file
    at ``path`` is untouched until the new content is complete.
    """
    path = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise

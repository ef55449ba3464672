"""Write files so that a failure or Ctrl-C never leaves half of one behind.

Whether kg may write a path at all is :mod:`kg.outputs`'s question; this module only makes
each write all-or-nothing: the bytes go to a temporary file beside the target, which is
renamed over it once complete and removed if anything goes wrong.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def umask() -> int:
    """The process's file-creation mask (read without changing it for long)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def replacing(path: Path, mode: str = "wb", *, permissions: int | None = None, **options) -> Iterator[IO]:
    """A temporary file beside ``path``, opened with ``mode`` ("wb", or "w" with ``options``
    such as ``encoding``); it becomes ``path`` by one rename when the block succeeds and is
    removed if the block raises (KeyboardInterrupt included). ``permissions``: the file's
    mode bits (default: what a plain open() would give, 0o666 less the umask)."""
    import tempfile

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **options) as handle:
            # mkstemp creates the file 0600; give it the mode a plain open() would have.
            os.fchmod(handle.fileno(), 0o666 & ~umask() if permissions is None else permissions)
            yield handle
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    with replacing(path) as handle:
        handle.write(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))

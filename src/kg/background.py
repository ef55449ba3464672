"""One piece of a command's work in a forked process of its own, while the command goes on.

The build's steps after validation are mostly Python, which one process runs on one core at a
time (the GIL); the machine has more. A step that needs nothing of the others (the graph
pages, read from the store's published generation, written into the build's staging
directory) runs in a child forked here: it starts with every module the parent imported
(nothing to import again, unlike a spawned interpreter) and gives back a JSON value through
a pipe. The child opens what it reads itself (a store's files read-only); it never calls into
the parent's open stores, whose engine thread does not exist in the child.

Without ``os.fork`` (Windows), or asked to (``parallel=False``), the work runs in the calling
process when its result is asked for: the same work, the same output, only not alongside.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable

from kg.errors import KgError


class Background:
    """``work()`` (which returns a JSON value) running in a forked child from the moment this
    is made; :meth:`result` waits for it. Used as a context manager: leaving the block early
    (an error, Ctrl-C) kills the child and collects it. The child's failure is raised by
    :meth:`result` as a KgError carrying its message (a KgError's own, else the exception's
    type and message); a child that died without answering (killed, out of memory) likewise.
    ``seconds``: wall-clock seconds from the start to the answer, once :meth:`result` gave it."""

    def __init__(self, work: Callable[[], object], *, parallel: bool = True, what: str = "background work"):
        self.what = what
        self.seconds = 0.0
        self._work: Callable[[], object] | None = work
        self._started = time.perf_counter()
        self._pid: int | None = None
        self._read: int | None = None
        if parallel and hasattr(os, "fork"):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                _child(work, write)  # never returns
            os.close(write)
            self._pid, self._read, self._work = pid, read, None

    def result(self) -> object:
        """The work's value (waiting for the child); a KgError when it failed."""
        if self._work is not None:  # not forked: done here, now
            work, self._work = self._work, None
            value = work()
            self.seconds = time.perf_counter() - self._started
            return value
        try:
            data = _read_all(self._read)
        except BaseException:  # Ctrl-C while waiting: the child stopped now, not waited for
            self.kill()
            raise
        os.close(self._read)
        self._read = None
        _pid, status = os.waitpid(self._pid, 0)
        self._pid = None
        self.seconds = time.perf_counter() - self._started
        try:
            answer = json.loads(data)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not ("value" in answer or "error" in answer):
            raise KgError(f"{self.what} ended without an answer (exit status {status})")
        if "error" in answer:
            raise KgError(answer["error"])
        return answer["value"]

    def kill(self) -> None:
        """Stop the child now (SIGKILL) and collect it; nothing if it was collected already."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self._pid, 0)
            self._pid = None
        self._work = None

    def __enter__(self) -> Background:
        return self

    def __exit__(self, kind, *_exc) -> None:
        if kind is not None:
            self.kill()


def _read_all(fd: int) -> bytes:
    """Everything written to the pipe ``fd`` until the child closes it (by ending)."""
    chunks = []
    while chunk := os.read(fd, 1 << 16):
        chunks.append(chunk)
    return b"".join(chunks)


def _child(work: Callable[[], object], write: int) -> None:
    """In the forked child: the work, its value or its error written to the pipe as one JSON
    object, and an exit that runs none of the parent's clean-up (its atexit handlers, its
    stores' finalizers, its buffered output written twice)."""
    status = 0
    try:
        # The terminal's Ctrl-C reaches the whole process group: the parent, which kills this
        # child as it stops, decides; the default action here would only race it.
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        try:
            answer = {"value": work()}
        except KgError as exc:
            answer, status = {"error": str(exc)}, 1
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
            answer, status = {"error": f"{type(exc).__name__}: {exc}"}, 1
        data = json.dumps(answer).encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(write, view):]
    except BaseException:  # noqa: BLE001 - the parent sees no answer and says so
        status = 2
    finally:
        os._exit(status)

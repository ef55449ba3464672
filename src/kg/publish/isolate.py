"""Work in a process of its own, read back through a pipe, and stopped by killing it.

Oxigraph cannot be interrupted while it evaluates (pyoxigraph exposes neither a query timeout
nor a cancellation token: oxigraph issues #1926 and #1336), and one step of a query (a sort or
an aggregate over a huge join) can run for hours and take gigabytes. A server that stopped
such a query only by no longer reading it would keep a core busy and its memory growing. So
each query runs in a forked child: the store loaded in the server is shared with it
copy-on-write, and a query past its deadline, or whose client went away, or still running
when the server stops, ends at once with SIGKILL, its memory returned to the system.

The child writes frames to the pipe: a header (one JSON line), then data frames, then an end
frame saying whether the work finished or failed; a pipe that closes without the end frame
means the work died. Without ``os.fork`` (Windows) the work runs in a thread instead, and
stopping it only closes the pipe (the work stops at its next write).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import signal
import struct
import sys
import threading
from collections.abc import AsyncIterator, Callable

_DATA, _END, _FAILED = b"D", b"Z", b"E"
_LENGTH = struct.Struct(">I")


class WorkFailed(Exception):
    """The work reported an error after its header, or died without finishing."""


class FrameWriter(io.RawIOBase):
    """The child's end of the pipe: every write becomes one data frame."""

    def __init__(self, fd: int):
        self._fd = fd

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        data = bytes(data)
        if data:
            _write_all(self._fd, _DATA + _LENGTH.pack(len(data)) + data)
        return len(data)

    def header(self, header: dict) -> None:
        _write_all(self._fd, json.dumps(header).encode("utf-8") + b"\n")

    def end(self, error: str | None = None) -> None:
        if error is None:
            _write_all(self._fd, _END)
        else:
            message = error.encode("utf-8")
            _write_all(self._fd, _FAILED + _LENGTH.pack(len(message)) + message)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


Work = Callable[[FrameWriter], None]


class Isolated:
    """One piece of work in its own process (or thread); read with :meth:`header` and
    :meth:`frames`, stopped with :meth:`kill`."""

    def __init__(self, work: Work):
        read, write = os.pipe()
        self.pid: int | None = None
        if hasattr(os, "fork"):
            self.pid = os.fork()
            if self.pid == 0:
                _child(work, read, write)  # never returns
            os.close(write)
        else:
            threading.Thread(target=_run_in_thread, args=(work, write), daemon=True).start()
        self._read = read
        self._reader: asyncio.StreamReader | None = None
        self._transport = None

    async def _stream(self) -> asyncio.StreamReader:
        if self._reader is None:
            loop = asyncio.get_running_loop()
            self._reader = asyncio.StreamReader(limit=1 << 20)
            self._transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(self._reader), os.fdopen(self._read, "rb", buffering=0))
        return self._reader

    async def header(self) -> dict:
        """The work's header; WorkFailed if it died before writing one."""
        reader = await self._stream()
        line = await reader.readline()
        if not line.endswith(b"\n"):
            raise WorkFailed("the query process ended without an answer")
        return json.loads(line)

    async def frames(self) -> AsyncIterator[bytes]:
        """The work's data, frame by frame, up to its end; WorkFailed if it failed or died."""
        reader = await self._stream()
        try:
            while True:
                kind = await reader.readexactly(1)
                if kind == _END:
                    return
                length = _LENGTH.unpack(await reader.readexactly(_LENGTH.size))[0]
                data = await reader.readexactly(length)
                if kind == _FAILED:
                    raise WorkFailed(data.decode("utf-8", "replace"))
                yield data
        except asyncio.IncompleteReadError:
            raise WorkFailed("the query process ended before its answer did") from None

    def collect(self) -> tuple[dict, bytes]:
        """Without an event loop: wait for the work to end, then its header and its data
        joined (for a caller that has other work to do meanwhile, not a stream to relay).
        WorkFailed (its message) if it failed or died; the process is reaped either way."""
        with os.fdopen(self._read, "rb") as pipe:
            self._read = None
            body = pipe.read()
        if self.pid:
            _wait(self.pid)
            self.pid = None
        if body[:1] == _FAILED:
            raise WorkFailed(body[1 + _LENGTH.size:].decode("utf-8", "replace"))
        line, newline, rest = body.partition(b"\n")
        if not newline:
            raise WorkFailed("the process ended without an answer")
        data = []
        while rest:
            kind, rest = rest[:1], rest[1:]
            if kind == _END:
                return json.loads(line), b"".join(data)
            length = _LENGTH.unpack(rest[:_LENGTH.size])[0]
            chunk, rest = rest[_LENGTH.size:_LENGTH.size + length], rest[_LENGTH.size + length:]
            if kind == _FAILED:
                raise WorkFailed(chunk.decode("utf-8", "replace"))
            data.append(chunk)
        raise WorkFailed("the process ended before its answer did")

    def kill(self) -> None:
        """Stop the work now (SIGKILL), close the pipe and reap the process."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        elif self._read is not None and self._reader is None:
            os.close(self._read)
        self._read = None
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            _reap(self.pid)
            self.pid = None


def _wait(pid: int) -> None:
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _reap(pid: int) -> None:
    """Collect the exit status of a killed child: at once if it is gone, else a moment later
    (a SIGKILLed process ends within milliseconds), without ever blocking the server."""
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return
    if done == 0:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop (the server is stopping): wait here, it is dying
            os.waitpid(pid, 0)
            return
        # (through call_soon_threadsafe: a kill may come from the server's signal handler
        # (Ctrl-C), which runs between any two steps of the loop's own work, and a timer pushed
        # onto its heap from there broke the heap: "list changed size during iteration")
        loop.call_soon_threadsafe(loop.call_later, 0.05, _reap, pid)


def _child(work: Work, read: int, write: int) -> None:
    """In the forked child: forget the server (its signal handlers, its sockets: a client's
    connection must close when the server closes it, not when some query process ends), do
    the work, and leave without running any of the server's clean-up."""
    status = 0
    try:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_DFL)
        os.close(read)
        os.closerange(3, write)
        os.closerange(write + 1, _max_fd())
        writer = FrameWriter(write)
        try:
            work(writer)
        except BrokenPipeError:
            pass  # the server stopped reading
        except BaseException as exc:  # noqa: BLE001 - reported to the server as the work's failure
            try:
                writer.end(f"{type(exc).__name__}: {exc}")
            except OSError:
                pass
            status = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(status)


def _max_fd() -> int:
    try:
        return os.sysconf("SC_OPEN_MAX")
    except (ValueError, OSError):
        return 4096


def _run_in_thread(work: Work, write: int) -> None:
    writer = FrameWriter(write)
    try:
        work(writer)
    except OSError:
        pass
    except BaseException as exc:  # noqa: BLE001
        try:
            writer.end(f"{type(exc).__name__}: {exc}")
        except OSError:
            pass
    finally:
        os.close(write)

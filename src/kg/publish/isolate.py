"""Work in a process of its own, read back through a pipe, and stopped by killing it.

Oxigraph cannot be interrupted while it evaluates (pyoxigraph exposes neither a query timeout
nor a cancellation token: oxigraph issues #1926 and #1336), and one step of a query (a sort or
an aggregate over a huge join) can run for hours and take gigabytes. A server that stopped
such a query only by no longer reading it would keep a core busy and its memory growing. So
each query runs in a forked child: the store loaded in the server is shared with it
copy-on-write, and a query past its deadline, or whose client went away, or still running
when the server stops, ends at once with SIGKILL, its memory returned to the system.

The child writes frames to the pipe (:class:`FrameWriter`): a header (one JSON line), then
data frames, then an end frame saying whether the work finished or failed; a work that fails
before its header sends the failure frame alone. A pipe that closes without the end frame
means the work died. They are read in one place, :class:`FrameDecoder`, fed from the event
loop (:meth:`Isolated.header`, :meth:`Isolated.frames`: `kg serve`) or from blocking reads
(:meth:`Isolated.collect`: the build). Without ``os.fork`` (Windows) the work runs in a thread
instead, and stopping it only closes the pipe (the work stops at its next write).
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
_READ = 1 << 20  # the most read from the pipe at once (the writers' frames are up to 1 MiB)


class WorkFailed(Exception):
    """The work failed (its message, "ValueError: ...", whether it failed before or after its
    header), died before its end frame, or wrote what is not a frame."""


class FrameWriter(io.RawIOBase):
    """The child's end of the pipe: every write becomes one data frame; the frames' shapes are
    told, and read, in :class:`FrameDecoder`."""

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


class FrameDecoder:
    """What a work wrote to its pipe, decoded: fed the pipe's bytes as they arrive (in pieces
    of any size; ``b""`` once the pipe is closed), :meth:`next_event` gives what they complete,
    in order. The frames, as :class:`FrameWriter` writes them:

    - header: a JSON object on one line (``{...}\\n``), first;
    - data: ``D``, the length (4 bytes, big-endian), that many bytes;
    - end: ``Z``, last (what follows it is not read);
    - failure: ``E``, the length, the work's message in UTF-8 ("ValueError: ..."), in place of
      the end, or of the header if the work failed before writing it.

    ``name`` names the work's process in the messages of its death ("the query process")."""

    def __init__(self, name: str = "the process"):
        self._name = name
        self._buffer = bytearray()
        self._start = 0  # where the bytes not yet decoded begin in _buffer
        self._header = False  # the header was read
        self._ended = False  # the end frame, or a failure frame, was read
        self._closed = False  # the pipe was closed (fed b"")

    @property
    def finished(self) -> bool:
        """The end frame, or a failure frame, was read: no event comes any more."""
        return self._ended

    def feed(self, data: bytes) -> None:
        """Bytes read from the pipe; ``b""``: the pipe is closed, nothing more comes."""
        if not data:
            self._closed = True
        elif not self._ended:
            del self._buffer[:self._start]  # (cheap: a bytearray drops its front in place)
            self._start = 0
            self._buffer += data

    def next_event(self) -> tuple[str, object] | None:
        """The next event: ``("header", dict)``, then ``("data", bytes)`` for each data frame,
        then ``("end", None)``; after that, None for ever. None also when more bytes must be
        fed first. WorkFailed (the work's message) at a failure frame; WorkFailed "ended
        without an answer" or "ended before its answer did" if the pipe closed before the
        header or before the end."""
        if self._ended:
            return None
        buffer, start = self._buffer, self._start
        kind = buffer[start:start + 1]
        if kind and not self._header and kind != _FAILED:
            newline = buffer.find(b"\n", start)
            if newline >= 0:
                try:
                    header = json.loads(buffer[start:newline])
                except ValueError:
                    raise WorkFailed(f"{self._name} wrote a header that is not JSON: "
                                     f"{bytes(buffer[start:newline])[:80]!r}") from None
                self._header, self._start = True, newline + 1
                return "header", header
        elif kind == _END:
            self._ended, self._start = True, start + 1
            return "end", None
        elif kind in (_DATA, _FAILED):
            begin = start + 1 + _LENGTH.size
            stop = begin + _LENGTH.unpack_from(buffer, start + 1)[0] if len(buffer) >= begin else None
            if stop is not None and len(buffer) >= stop:
                payload, self._start = bytes(buffer[begin:stop]), stop
                if kind == _FAILED:
                    self._ended = True
                    raise WorkFailed(payload.decode("utf-8", "replace"))
                return "data", payload
        elif kind:
            raise WorkFailed(f"{self._name} wrote an unknown frame ({bytes(kind)!r})")
        if self._closed:
            raise WorkFailed(f"{self._name} ended before its answer did" if self._header
                             else f"{self._name} ended without an answer")
        return None


Work = Callable[[FrameWriter], None]


class Isolated:
    """One piece of work in its own process (or thread); read with :meth:`header` and
    :meth:`frames` in an event loop, or with :meth:`collect` without one; stopped with
    :meth:`kill`. ``name`` names its process in the messages of its death."""

    def __init__(self, work: Work, *, name: str = "the process"):
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
        self._decoder = FrameDecoder(name)
        self._reader: asyncio.StreamReader | None = None
        self._transport = None

    async def _next_event(self) -> tuple[str, object]:
        """The decoder's next event, reading the pipe through the event loop until it has one.
        A work killed before its pipe was first read (`kg serve` stopped between starting a
        query and reading its answer) has no pipe any more: it ended, and the decoder says how
        (WorkFailed), as for a pipe closed while it was read."""
        if self._reader is None and self._read is None:
            self._decoder.feed(b"")
        elif self._reader is None:
            loop = asyncio.get_running_loop()
            self._reader = asyncio.StreamReader(limit=_READ)
            self._transport, _ = await loop.connect_read_pipe(
                lambda: asyncio.StreamReaderProtocol(self._reader), os.fdopen(self._read, "rb", buffering=0))
        while (event := self._decoder.next_event()) is None:
            if self._decoder.finished:  # read to its end already: not a read that never ends
                return "end", None
            self._decoder.feed(await self._reader.read(_READ))
        return event

    async def header(self) -> dict:
        """The work's header (read first, once). WorkFailed with the work's message if it
        failed before writing one, or "... ended without an answer" if it died."""
        kind, header = await self._next_event()
        if kind != "header":  # (the decoder gives the header first: this one was read already)
            raise RuntimeError("the header is read once, before the frames")
        return header

    async def frames(self) -> AsyncIterator[bytes]:
        """The work's data, frame by frame, up to its end (after :meth:`header`); WorkFailed
        (its message) if it failed, or "... ended before its answer did" if it died."""
        while True:
            kind, data = await self._next_event()
            if kind == "end":
                return
            yield data

    def collect(self) -> tuple[dict, bytes]:
        """Without an event loop: wait for the work to end, then its header and its data
        joined (for a caller that has other work to do meanwhile, not a stream to relay).
        WorkFailed, as :meth:`header` and :meth:`frames` raise it, if it failed or died; the
        process is reaped either way, and killed first if the wait is interrupted (Ctrl-C:
        nobody would collect it)."""
        read, self._read = self._read, None
        header: dict = {}
        data: list[bytes] = []
        read_out = False
        try:
            while True:
                chunk = os.read(read, _READ)
                self._decoder.feed(chunk)
                while (event := self._decoder.next_event()) is not None:
                    kind, value = event
                    if kind == "header":
                        header = value
                    elif kind == "data":
                        data.append(value)
                if not chunk:  # closed, after the end frame (else next_event raised)
                    read_out = True
                    return header, b"".join(data)
        except WorkFailed:
            read_out = True  # (its process ends, or ends at its next write to the closed pipe)
            raise
        finally:
            os.close(read)
            if self.pid:
                if not read_out:
                    _kill(self.pid)
                _wait(self.pid)
                self.pid = None

    def kill(self) -> None:
        """Stop the work now (SIGKILL), close the pipe and reap the process."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None
        elif self._read is not None and self._reader is None:
            os.close(self._read)
        self._read = None
        if self.pid:
            _kill(self.pid)
            _reap(self.pid)
            self.pid = None


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


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

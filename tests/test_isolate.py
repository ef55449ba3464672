"""Work in a process of its own (kg.publish.isolate.Isolated), read as a stream (`kg serve`:
:meth:`header` and :meth:`frames`) and in one go (:meth:`collect`): both readings report the
same answers and the same failures."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from kg.publish import isolate


async def _streamed(work) -> tuple[dict, bytes]:
    """``work``'s header and data, read as `kg serve` reads them (within 30 s: a reading that
    hangs fails the test rather than the run)."""
    isolated = isolate.Isolated(work)
    try:
        async with asyncio.timeout(30):
            header = await isolated.header()
            return header, b"".join([chunk async for chunk in isolated.frames()])
    finally:
        isolated.kill()


def _both(work) -> list[tuple[dict, bytes] | isolate.WorkFailed]:
    """What the stream and :meth:`collect` make of ``work``: its answer or its WorkFailed."""
    results = []
    for read in (lambda: asyncio.run(_streamed(work)), lambda: isolate.Isolated(work).collect()):
        try:
            results.append(read())
        except isolate.WorkFailed as exc:
            results.append(exc)
    return results


def test_both_readings_give_the_header_and_the_data():
    def work(writer):
        writer.header({"n": 2})
        writer.write(b"one ")
        writer.write(b"")
        writer.write(bytes(range(256)) * 5000)  # more than one read of the pipe
        writer.end()

    streamed, collected = _both(work)
    assert streamed == collected == ({"n": 2}, b"one " + bytes(range(256)) * 5000)


@pytest.mark.parametrize("message", ["no such thing", "one line\nand another", "é" * 5])
def test_a_work_failing_before_its_header_fails_both_readings(message):
    """A work that raises before its header sends a failure frame where the header would be:
    the stream reports it as :meth:`collect` does (not a header line of garbage, nor a death
    without its reason)."""
    def fails(writer):
        raise ValueError(message)

    streamed, collected = _both(fails)
    assert isinstance(streamed, isolate.WorkFailed) and isinstance(collected, isolate.WorkFailed)
    assert str(streamed) == str(collected) == f"ValueError: {message}"


def test_a_work_failing_after_its_header_fails_both_readings():
    def fails(writer):
        writer.header({})
        writer.write(b"part")
        raise KeyError("gone")

    streamed, collected = _both(fails)
    assert isinstance(streamed, isolate.WorkFailed) and isinstance(collected, isolate.WorkFailed)
    assert str(streamed) == str(collected) == "KeyError: 'gone'"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="a work in a thread cannot die alone")
@pytest.mark.parametrize("header", [False, True])
def test_a_work_that_dies_fails_both_readings(header):
    def dies(writer):
        if header:
            writer.header({})
            writer.write(b"part")
        os._exit(3)

    for failure in _both(dies):
        assert isinstance(failure, isolate.WorkFailed)
        assert ("before its answer" if header else "without an answer") in str(failure)


def test_the_decoder_reads_the_frames_in_pieces_of_any_size():
    """The pipe's bytes arrive cut anywhere (a frame's length, the header line): fed a byte at
    a time, the decoder gives the same events as fed everything at once."""
    read, write = os.pipe()
    writer = isolate.FrameWriter(write)
    writer.header({"status": 200, "type": "text/csv"})
    writer.write(b"a,b\n")
    writer.write(b"\n" * 300)
    writer.end()
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        written = pipe.read()

    def events(pieces) -> list:
        decoder, found = isolate.FrameDecoder(), []
        for piece in [*pieces, b""]:
            decoder.feed(piece)
            while (event := decoder.next_event()) is not None:
                found.append(event)
        return found

    expected = [("header", {"status": 200, "type": "text/csv"}), ("data", b"a,b\n"),
                ("data", b"\n" * 300), ("end", None)]
    assert events([written]) == events([written[i:i + 1] for i in range(len(written))]) == expected
    with pytest.raises(isolate.WorkFailed, match="^the process ended before its answer did$"):
        events([written[:-1]])  # no end frame


def test_a_query_whose_store_cannot_be_opened_is_answered_with_the_reason():
    """`kg serve`: a query process that fails before its answer's header (its store cannot be
    opened there) is answered 500 with that failure, not with the process's death."""
    import urllib.parse

    from serving import app_in_thread, http

    from kg.errors import KgError
    from kg.publish.serve import Settings

    class Damaged:
        def open(self) -> None:
            pass

        def describe(self) -> str:
            return "a damaged store"

        def query_store(self):
            raise KgError("the store in /nowhere is damaged")

        page_store = query_store

    with app_in_thread(Damaged(), Settings(timeout=20)) as (url, _app):
        query = urllib.parse.urlencode({"query": "SELECT * WHERE { ?s ?p ?o }"})
        status, _, body = http(f"{url}/query?{query}", timeout=60)
    assert (status, body) == (500, "KgError: the store in /nowhere is damaged\n")


class _Interrupted(Exception):
    pass


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "setitimer"), reason="needs fork and timers")
def test_an_interrupted_collect_leaves_no_process():
    """Ctrl-C while the build waits for its exports: the work is killed and reaped, not left
    running with nobody to collect it, nor waited for to its end."""
    def slow(writer):
        writer.header({})
        time.sleep(60)

    def interrupt(signum, frame):
        raise _Interrupted

    work = isolate.Isolated(slow)
    pid = work.pid
    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        with pytest.raises(_Interrupted):
            work.collect()
        with pytest.raises(ChildProcessError):  # reaped already
            os.waitpid(pid, os.WNOHANG)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def test_a_work_killed_before_it_is_read_fails_as_ended():
    """`kg serve` stopped (Ctrl-C) between starting a query and reading its answer: the
    query's work is killed before its pipe was first read, and reading it then says it ended
    (WorkFailed), not a TypeError from a pipe that is gone (a traceback in the server's log)."""
    def slow(writer):
        time.sleep(5)
        writer.header({})
        writer.end()

    work = isolate.Isolated(slow)
    work.kill()

    async def read():
        return await work.header()

    with pytest.raises(isolate.WorkFailed, match="^the process ended without an answer$"):
        asyncio.run(read())


def test_a_signal_stops_the_queries_between_two_steps_of_the_event_loop():
    """uvicorn's signal handler runs between any two steps of the code it interrupts: killing
    the queries there closed a query's pipe while a coroutine was opening it (a traceback in
    `kg serve`'s log after Ctrl-C). With the loop running, the stopping waits for the loop's
    next step; before the loop runs, it is done at once."""
    import asyncio

    from kg.publish.serve import stop_from_signal

    done: list[str] = []

    class Stoppable:
        def __init__(self, name):
            self.name = name

        def stop(self):
            done.append(self.name)

        def stop_all(self):
            done.append(self.name)

    async def interrupted() -> list[str]:
        stop_from_signal(asyncio.get_running_loop(), Stoppable("site"), Stoppable("queries"))
        seen = list(done)  # (the rest of this step runs first)
        await asyncio.sleep(0)
        return seen

    assert asyncio.run(interrupted()) == [] and done == ["site", "queries"]
    done.clear()
    stop_from_signal(None, Stoppable("site"), Stoppable("queries"))
    assert done == ["site", "queries"]

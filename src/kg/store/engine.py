"""Calls into the engine that Ctrl-C stops at once.

A call into pyoxigraph (evaluating a query that counts, sorts or groups, a bulk load, writing
a store's files) runs in Rust, and Python runs a signal handler only between two steps of the
main thread: Ctrl-C during such a call was raised only when the call returned, which at a
million triples can be minutes. Here the main thread hands each such call to a thread of its
own (the engine thread, "kg-engine") and waits for the answer, and a wait is where Ctrl-C is
raised at once; the call goes on in the engine thread until the program ends (kg.cli.main
leaves a running engine without finalizing under it: :func:`engine_running`).

:class:`EngineStore` is the store every command reads and writes (kg.store.persistent opens
each generation as one). pyoxigraph's iterators (a query's solutions) must be used and freed
on the thread that made them, so the engine thread keeps them and hands their items over in
batches (:class:`EngineAnswer`). A lookup by pattern, made of short steps, stays in the
calling thread (:attr:`EngineStore.STEPS`). Called from another thread (a query's own thread,
kg.store.sparql; `kg serve`'s request threads; SHACL's worker threads), a method is the
store's own: only the main thread receives signals.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from itertools import chain, islice, repeat

import pyoxigraph as ox

#: The names of the threads an engine works in: the main thread's calls ("kg-engine") and
#: kg.store.sparql's query thread ("kg-query"). A program ending while one of them is inside
#: the engine ends without finalizing the interpreter under it (kg.cli.main).
ENGINE_THREADS = ("kg-query", "kg-engine")
#: Items of an answer handed over at once: the first batch small (one row is often all that is
#: wanted: a count, an ASK), the next ones larger, up to the last size.
BATCHES = (16, 256, 4096)
#: Seconds between two looks at the engine thread while waiting (a signal ends the wait at once
#: in any case; this bounds it if the platform's wait did not wake for one).
_POLL = 0.25


def without_traceback(exc: BaseException) -> BaseException:
    """``exc`` (and the exceptions it was raised from) without their tracebacks: the frames of
    a traceback raised in the engine thread hold the engine's iterator, which must be freed on
    that thread."""
    seen, current = set(), exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__context__ or current.__cause__
    return exc


class _Engine:
    """The engine thread: runs the main thread's calls one at a time, in order, started when
    first needed and then waiting for the next. ``held``: the iterators it made, by number,
    until they are exhausted or their :class:`EngineAnswer` is gone."""

    def __init__(self) -> None:
        self.requests: queue.SimpleQueue = queue.SimpleQueue()
        self.held: dict[int, object] = {}
        self.numbers = iter(range(1, 1 << 62))
        self.busy = False
        self.thread = threading.Thread(target=self._serve, name="kg-engine", daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            work, reply = self.requests.get()
            self.busy = True
            try:
                outcome = ("value", work(self))
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting thread, which raises it
                outcome = ("error", without_traceback(exc))
            finally:
                self.busy = False
            work = None  # nothing of the call (a store, an iterator) outlives it here
            if reply is not None:
                reply.put(outcome)
            outcome = None

    def call(self, work: Callable[[_Engine], object]) -> object:
        """``work(self)`` in the engine thread, this thread waiting: its value, or its
        exception raised here."""
        reply: queue.SimpleQueue = queue.SimpleQueue()
        self.requests.put((work, reply))
        while True:
            try:
                kind, value = reply.get(timeout=_POLL)
                break
            except queue.Empty:
                continue
        if kind == "error":
            raise value
        return value

    def forget(self, number: int) -> None:
        """Free an iterator the engine thread holds, without waiting (safe in a finalizer)."""
        self.requests.put((lambda engine: engine.held.pop(number, None), None))

    def keep(self, value) -> object:
        """``value`` as the main thread may have it: an iterator kept here, handed over as
        an :class:`EngineAnswer`; anything else as it is. Runs in the engine thread."""
        if not hasattr(value, "__next__"):
            return value
        number = next(self.numbers)
        self.held[number] = value
        return EngineAnswer(self, number, type(value), getattr(value, "variables", None))

    def take(self, number: int, count: int) -> list:
        """The next ``count`` items of a held iterator (fewer: it is exhausted and freed)."""
        iterator = self.held.get(number)
        if iterator is None:
            return []
        items = list(islice(iterator, count))
        if len(items) < count:
            del self.held[number]
        return items


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def _the_engine() -> _Engine:
    global _engine
    with _engine_lock:
        if _engine is None or not _engine.thread.is_alive():
            _engine = _Engine()
        return _engine


def in_engine(work: Callable[[], object]) -> object:
    """``work()`` (a call into the engine that cannot be interrupted) where Ctrl-C does not
    wait for it: from the main thread, in the engine thread while this one waits; from any
    other thread, here. Its value (an iterator kept in the engine thread as an
    :class:`EngineAnswer`), or its exception. After Ctrl-C the call goes on in the engine
    thread until the program ends."""
    if threading.current_thread() is not threading.main_thread():
        return work()
    return _the_engine().call(lambda engine: engine.keep(work()))


def engine_running() -> bool:
    """Whether the engine is still at work on a call of this program, or holds an iterator of
    one: the program then ends without finalizing the interpreter (kg.cli.main)."""
    if _engine is not None and _engine.thread.is_alive() and (_engine.busy or _engine.held):
        return True
    return any(t.name == "kg-query" and t.is_alive() for t in threading.enumerate())


class EngineAnswer:
    """An iterator the engine thread holds (a query's solutions or triples, a pattern's
    quads), read from the main thread: its items come over in batches; ``variables`` (of a
    SELECT's solutions) as pyoxigraph's; any method (``serialize``) runs there too. ``kind``:
    pyoxigraph's type of the iterator (:func:`answer_type`)."""

    def __init__(self, engine: _Engine, number: int, kind: type, variables):
        self._engine, self._number, self.kind, self.variables = engine, number, kind, variables
        self._items = _batches(_Held(engine, number))

    def __iter__(self):
        return self._items

    def __next__(self):
        return next(self._items)

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        number = self._number

        def method(*args, **kwargs):
            return self._engine.call(lambda engine: engine.keep(getattr(engine.held[number], name)(*args, **kwargs)))

        return method


class _Held:
    """The iterator ``number`` the engine thread holds, freed there when nothing here refers
    to it any more: neither its :class:`EngineAnswer` nor the generator of its items (which
    outlives the answer in ``next(iter(store.query(...)))``)."""

    def __init__(self, engine: _Engine, number: int):
        self.engine, self.number, self.done = engine, number, False

    def __del__(self) -> None:
        if not self.done:
            self.engine.forget(self.number)


def _batches(held: _Held):
    """The items of a held iterator, fetched in batches (the engine thread frees it once it is
    exhausted)."""
    for count in chain(BATCHES, repeat(BATCHES[-1])):
        items = held.engine.call(lambda engine, count=count: engine.take(held.number, count))
        if len(items) < count:
            held.done = True
        yield from items
        if held.done:
            return


class EngineStore:
    """A pyoxigraph store whose calls that may take long, called from the main thread, run in
    the engine thread (:func:`in_engine`): Ctrl-C stops the command at once, whatever the call.
    ``native``: the store itself (to hand to code that needs pyoxigraph's type).

    The calls made of short steps stay in the calling thread (:data:`STEPS`): a lookup by
    pattern reads one index entry per quad it gives, so Python's signal handling runs between
    any two. Handing each to the engine thread cost two thread switches a call, which on a busy
    machine is milliseconds: the label of every IRI of the catalog's answers is one lookup."""

    #: The store's calls whose every step is short (a pattern's quads read from an index).
    STEPS = frozenset({"quads_for_pattern", "named_graphs", "contains_named_graph", "add", "remove"})

    def __init__(self, native: ox.Store):
        self.native = native

    def __getattr__(self, name: str):
        value = getattr(self.native, name)
        if not callable(value) or name in self.STEPS:
            return value

        def method(*args, **kwargs):
            return in_engine(lambda: value(*args, **kwargs))

        method.__name__ = name
        return method

    def __len__(self) -> int:
        return in_engine(lambda: len(self.native))

    def __iter__(self):
        return iter(self.native)  # every quad, read step by step (STEPS)

    def __contains__(self, quad) -> bool:
        return quad in self.native

    def __str__(self) -> str:
        return in_engine(lambda: str(self.native))


def answer_type(answer) -> type:
    """pyoxigraph's type of a query's answer (ox.QuerySolutions, ox.QueryTriples,
    ox.QueryBoolean), whether the answer is pyoxigraph's or an :class:`EngineAnswer`."""
    return answer.kind if isinstance(answer, EngineAnswer) else type(answer)


def is_store(value) -> bool:
    """Whether ``value`` is a pyoxigraph store, as it is or as an :class:`EngineStore`."""
    return isinstance(value, (ox.Store, EngineStore))

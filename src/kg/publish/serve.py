"""``kg serve``: the graph over HTTP, read-only: a page for every resource at its IRI's path
with content negotiation (kg.publish.resources: the home page at /), the SPARQL 1.1 Protocol at
/query and a query editor (YASGUI, served from the package) at /editor.

A Starlette application run by uvicorn. It answers through the project's query layer
(kg.query.engines), so language tags, ``lang()`` and SERVICE deadlines are the same as in
`kg query`. Each query runs in a process of its own (kg.publish.isolate), stopped at its
deadline, when its client goes away, and when the server stops; the data come from a
:class:`kg.publish.source.DataSource`. :func:`create_app` takes more routes, so pages for
the graph's resources can be served on the same port.

Bound to loopback unless ``public``; updates and the Graph Store Protocol are refused.
A server others reach (``public``, or behind a proxy: ``base``) runs no federated query
unless its operator allows endpoints (:attr:`Settings.services`; kg.store.service says why
and what the field does); a loopback one, which only this machine's programs reach, calls
any endpoint, as `kg query` does.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import ipaddress
import logging
import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

from kg.errors import KgError
from kg.publish.source import DataSource

DEFAULT_PORT = 7878
DEFAULT_BIND = "127.0.0.1"
#: Seconds a query may run on the server (from its arrival to its last byte).
DEFAULT_TIMEOUT = 30.0
DEFAULT_SERVICE_TIMEOUT = 10.0
#: Grace after a query's own deadline (which its process reports as 503) before it is killed.
KILL_GRACE = 1.0

EXAMPLE_QUERY = """PREFIX ckg: <https://w3id.org/county-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?program ?label WHERE {
  ?program a ckg:Program ; rdfs:label ?label .
  FILTER (langMatches(lang(?label), "en"))
} LIMIT 10"""


@dataclass(frozen=True)
class Settings:
    """How the server answers: ``timeout`` seconds per query (None: none), ``service_timeout``
    per SERVICE call, at most ``concurrency`` queries at once (more wait their turn, within
    their timeout). ``services``: the URL prefixes of the endpoints a SERVICE clause may call
    (kg.store.service.endpoint_allowed); None: any, empty: none (a query naming one is
    refused with 400)."""

    timeout: float | None = DEFAULT_TIMEOUT
    service_timeout: float = DEFAULT_SERVICE_TIMEOUT
    services: tuple[str, ...] | None = None
    concurrency: int = max(2, os.cpu_count() or 2)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, public: bool) -> None:
    if not is_loopback(host) and not public:
        raise KgError(f"refusing to bind {host}: it is not a loopback address; pass --public to serve on the network")


def check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # uvicorn binds with SO_REUSEADDR, so connections of an earlier server still in
        # TIME_WAIT (for a minute after it stops) do not keep it from listening. Probe the
        # same way: only a live listener makes the port taken.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except socket.gaierror:
            # an unknown host name: no other port would help
            raise KgError(f"cannot listen on {host}:{port}: the address {host!r} cannot be used (no such host "
                          f"name or address here); give --bind an address of this machine") from None
        except OSError as exc:
            from kg.http import os_reason

            reason = os_reason(exc.strerror or str(exc))
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                # the port is taken (or reserved): another one may do
                raise KgError(f"cannot listen on {host}:{port}: {reason} "
                              f"(is another server running? choose another port with --port)") from None
            raise KgError(f"cannot listen on {host}:{port}: {reason}: the address cannot be used; give --bind "
                          f"an address of this machine") from None


def check_base(base: str | None) -> str | None:
    """``--base``: an absolute http(s) URL without query or fragment (None: not given)."""
    if base is None:
        return None
    from urllib.parse import urlsplit

    from kg import http

    refusal = KgError(f"--base {base!r}: give an absolute http or https URL such as https://example.org/county-kg/")
    try:
        http.check_url(base)  # an absolute http(s) URL Python can parse, its port a number
    except KgError:
        raise refusal from None
    parts = urlsplit(base)
    if parts.query or parts.fragment:
        raise refusal
    return base if base.endswith("/") else base + "/"


def url_of(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


# -- the application ------------------------------------------------------------------------------

class Queries:
    """The running queries: at most ``settings.concurrency`` at once, each in its own process,
    every one killed when the server stops."""

    def __init__(self, source: DataSource, settings: Settings):
        self.source, self.settings = source, settings
        self.running: set = set()
        self.stopping = False
        self._slots: asyncio.Semaphore | None = None

    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:  # made inside the server's event loop
            self._slots = asyncio.Semaphore(self.settings.concurrency)
        return self._slots

    def stop_all(self) -> None:
        self.stopping = True
        for work in list(self.running):
            work.kill()
        self.running.clear()


def create_app(source: DataSource, settings: Settings | None = None, routes: Sequence = (), *,
               pages: bool = True, base: str | None = None, freeze: bool = False):
    """The Starlette application: /query (SPARQL 1.1 Protocol, GET and POST), /editor (the query
    editor), /static (its assets), /update and /store refused; ``routes`` are added after
    these, then (``pages``) the pages of the graph's resources (kg.publish.resources), which
    answer every other path. ``base``: the URL the server is reached at when it is not its
    own (behind a proxy); everything is served under its path.

    With ``pages``, the pages' index of the graph is read when the application starts, in a
    process of its own (:meth:`_Site.read_index`): queries are answered at once, a page waits
    for the index. ``freeze``: once the index is in, freeze the server process's objects
    (gc.freeze), so that the query processes forked later do not copy them (`kg serve`)."""
    from contextlib import asynccontextmanager

    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse, Response, StreamingResponse
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles
    from starlette.templating import Jinja2Templates

    from kg.http import TIME_LIMIT_HEADER
    from kg.publish import isolate
    from kg.publish.protocol import ProtocolError, Request, answer, query_from

    settings = settings or Settings()
    queries = Queries(source, settings)
    package = files("kg.publish")
    templates = Jinja2Templates(directory=str(package / "templates"))

    def text(status: int, message: str) -> Response:
        return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status)

    async def editor(request):
        timeout = f"up to {settings.timeout:g} s" if settings.timeout else "without a time limit"
        return templates.TemplateResponse(request, "editor.html", {
            "static_url": "static", "endpoint_path": "/query", "timeout": timeout,
            "config": {"endpoint": "query", "example": EXAMPLE_QUERY},
        })

    async def query(request):
        try:
            body = await request.body() if request.method == "POST" else b""
            params: dict[str, list[str]] = {}
            for key, value in request.query_params.multi_items():
                params.setdefault(key, []).append(value)
            text_ = query_from(request.method, params, request.headers.get("content-type"), body)
        except ProtocolError as exc:
            return text(exc.status, str(exc))
        loop = asyncio.get_running_loop()
        deadline = None if settings.timeout is None else loop.time() + settings.timeout + KILL_GRACE
        job = Request(text_, request.headers.get("accept"), settings.timeout, settings.service_timeout,
                      settings.services)
        slots = queries.slots()
        try:
            async with asyncio.timeout_at(deadline):
                await slots.acquire()
        except TimeoutError:
            return text(503, f"the server is busy: no query could start within {settings.timeout:g} s")
        work = None
        try:
            work = isolate.Isolated(lambda writer: answer(source.query_store(), job, writer),
                                   name="the query process")
            queries.running.add(work)
            async with asyncio.timeout_at(deadline):
                header = await _unless_disconnected(request, work.header())
        except ClientGone:
            _finish(queries, work, slots)
            return text(499, "the client went away")
        except (TimeoutError, isolate.WorkFailed) as exc:
            _finish(queries, work, slots)
            if isinstance(exc, TimeoutError):
                return text(503, f"the query was stopped after {settings.timeout:g} s")
            return text(500, str(exc))
        except BaseException:
            _finish(queries, work, slots)
            raise
        if header["status"] != 200:
            _finish(queries, work, slots)
            return text(header["status"], header["message"])

        async def stream():
            try:
                frames = work.frames()
                while True:
                    try:
                        async with asyncio.timeout_at(deadline):
                            chunk = await anext(frames)
                    except StopAsyncIteration:
                        return
                    except isolate.WorkFailed:
                        if queries.stopping:
                            raise ServerStopping from None
                        raise
                    yield chunk
            except TimeoutError:
                # Past the deadline with the answer begun: the status is sent, so the only
                # way to say the answer is incomplete is to end the response without its end.
                raise isolate.WorkFailed(f"the query was stopped after {settings.timeout:g} s") from None
            finally:
                _finish(queries, work, slots)

        media = header["type"]
        if media.startswith("text/") or media.endswith(("json", "xml")):
            media += "; charset=utf-8"
        # The limit, told before the answer: past it, the answer can only end unfinished (the
        # status is sent), and a client that knows the limit can say why (kg.http).
        limit = {TIME_LIMIT_HEADER: f"{settings.timeout:g}"} if settings.timeout else None
        return StreamingResponse(stream(), media_type=media, headers=limit)

    async def read_only(request):
        return text(403, "this endpoint is read-only: updates and the Graph Store Protocol are refused")

    @asynccontextmanager
    async def lifespan(_app):
        if pages:
            # (in the event loop, before the server listens: the index process is forked
            # while the server runs no other thread)
            site.read_index(freeze=freeze)
        try:
            yield
        finally:
            site.stop()
            queries.stop_all()

    endpoint_routes = [
        Route("/editor", editor, methods=["GET"]),
        Route("/query", query, methods=["GET", "POST"]),
        Route("/sparql", query, methods=["GET", "POST"]),
        Route("/update", read_only, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        Route("/store", read_only, methods=["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"]),
        Mount("/static", app=StaticFiles(directory=str(package / "static")), name="static"),
        *routes,
    ]
    site = _Site(source)
    if pages:
        from kg.publish.resources import routes as page_routes

        endpoint_routes += page_routes(site.pages, ready=site.ready)
    prefix = _mount_path(base)
    app = Starlette(routes=[Mount(prefix, routes=endpoint_routes)] if prefix else endpoint_routes, lifespan=lifespan)
    app.state.queries = queries
    app.state.site = site
    return app


def _mount_path(base: str | None) -> str:
    from kg.publish.resources import mount_path

    return mount_path(base)


class _Site:
    """The pages of the served graph (kg.pages.publisher.Pages), made on first use from the
    source's page store, in the server process.

    Their index (kg.pages.reader.SiteIndex: every document, type and label; 14 s at the
    national table's size) is read beside the server (:meth:`read_index`) rather than before
    it listens, so the endpoint answers from the start. It is read in a process of its own,
    not a thread: the server forks a process for every query, and a fork while another thread
    is inside the store (holding its locks) can leave the query process waiting forever on a
    lock nobody will release. A page request waits for the index (:meth:`ready`): a client
    dereferencing an IRI gets its data a few seconds late rather than an error few clients
    would retry."""

    def __init__(self, source: DataSource):
        self.source = source
        self._pages = None
        self._lock = threading.Lock()
        self._index: asyncio.Future | None = None  # True: read (or left to the first page); False: stopping
        self._receiving: asyncio.Task | None = None
        self._work = None  # the index process (kg.publish.isolate.Isolated) while it runs
        self._stopping = False

    def read_index(self, *, freeze: bool = False) -> None:
        """Start reading the index in a process of its own; called in the server's event loop,
        which :meth:`stop` kills it from. If it fails, the failure is logged and the first page
        reads the index itself, in this process, as without a background read. ``freeze``: see
        :func:`create_app`."""
        from kg.publish import isolate

        self._work = work = isolate.Isolated(lambda writer: _write_index(self.source, writer),
                                             name="the index process")
        self._index = asyncio.get_running_loop().create_future()
        self._receiving = asyncio.ensure_future(self._receive(work, freeze))

    def stop(self) -> None:
        """The server is stopping: kill the index process if it still runs; pages waiting for
        the index end (ServerStopping)."""
        self._stopping = True
        if self._work is not None:
            self._work.kill()
            self._work = None

    async def _receive(self, work, freeze: bool) -> None:
        from kg.publish.isolate import WorkFailed

        try:
            try:
                header = await work.header()
                if header["status"] != 200:
                    raise WorkFailed(header["message"])
                data = b"".join([chunk async for chunk in work.frames()])
            finally:
                work.kill()
                self._work = None
            self.pages().reader.use_index(_unpickled(data, freeze))
        except Exception as exc:  # noqa: BLE001 - the pages still answer, reading it themselves
            if not self._stopping:
                logging.getLogger("uvicorn.error").warning(
                    "the pages' index could not be read beside the server (%s); the first page reads it", exc)
        finally:
            # pages wait for this: whatever happened, they go on (or stop with the server)
            self._index.set_result(not self._stopping)

    async def ready(self) -> None:
        """Return once the pages may be read: at once unless the index is being read (then
        when it is in); ServerStopping if the server stops first."""
        if self._index is None:
            return
        if not self._index.done():
            await asyncio.shield(self._index)  # (a waiter cancelled leaves the read going)
        if self._index.result() is False:
            raise ServerStopping

    def pages(self):
        with self._lock:
            if self._pages is None:
                from kg.pages.publisher import Pages

                self._pages = Pages(self.source.page_store(), static=False, editor=True)
            return self._pages


def _write_index(source: DataSource, writer) -> None:
    """In the index process: read the pages' index from the source's store (a handle of this
    process's own) and write it, pickled, to ``writer`` (kg.publish.isolate.FrameWriter);
    a failure is its header's message."""
    import pickle

    from kg.pages.reader import Reader

    try:
        data = pickle.dumps(Reader(source.query_store()).index(), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - reported to the server, which logs it
        writer.header({"status": 500, "message": f"{type(exc).__name__}: {exc}"})
        writer.end()
        return
    writer.header({"status": 200})
    view = memoryview(data)
    for start in range(0, len(view), 1 << 20):
        writer.write(view[start:start + (1 << 20)])
    writer.end()


def _unpickled(data: bytes, freeze: bool):
    """The index the index process wrote. Unpickled in one go (0.4 s at the national table's
    size) with the collector off, since it would otherwise walk the growing heap again and
    again (twice as long); then, with ``freeze``, every object frozen (gc.freeze)."""
    import pickle

    collecting = gc.isenabled()
    gc.disable()
    try:
        index = pickle.loads(data)
        if freeze:
            gc.freeze()
        return index
    finally:
        if collecting:
            gc.enable()


class ServerStopping(Exception):
    """An answer cut short because the server is stopping."""


class ClientGone(Exception):
    """The client closed its connection before the answer began."""


async def _unless_disconnected(request, awaitable):
    """``awaitable``'s result, unless the client disconnects first (then ClientGone): a query
    nobody waits for any more is stopped at once, not at its deadline."""
    async def disconnected() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    task = asyncio.ensure_future(awaitable)
    watch = asyncio.ensure_future(disconnected())
    try:
        done, _ = await asyncio.wait({task, watch}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for pending in (task, watch):
            if not pending.done():
                pending.cancel()
    if task in done:
        return task.result()
    raise ClientGone


def _finish(queries: Queries, work, slots: asyncio.Semaphore) -> None:
    if work is not None:
        work.kill()
        queries.running.discard(work)
    slots.release()


# -- running it ----------------------------------------------------------------------------------

def served_settings(settings: Settings, *, public: bool, base: str | None) -> Settings:
    """``settings`` as a server bound this way runs them: one that others reach (``public``,
    or behind a proxy at ``base``) allows no SERVICE endpoint unless ``settings.services``
    names some; each allowed prefix is checked (kg.store.service.check_allowed_prefix)."""
    from dataclasses import replace

    from kg.store.service import check_allowed_prefix

    if settings.services is None:
        return replace(settings, services=()) if public or base is not None else settings
    return replace(settings, services=tuple(check_allowed_prefix(prefix) for prefix in settings.services))


class Server:
    """`kg serve`: the application on ``host``:``port`` until Ctrl-C or SIGTERM."""

    def __init__(self, source: DataSource, host: str = DEFAULT_BIND, port: int = DEFAULT_PORT, *,
                 public: bool = False, settings: Settings | None = None, base: str | None = None):
        check_bind(host, public)
        self.source, self.host, self.port = source, host, port
        self.settings = served_settings(settings or Settings(), public=public, base=base)
        self.base = check_base(base)

    @property
    def url(self) -> str:
        """Where the server is reached: ``base`` when given, else its own address."""
        return self.base.rstrip("/") if self.base else url_of(self.host, self.port) + _mount_path(self.base)

    def open(self) -> None:
        """Check the port, then make the data ready (the slow part)."""
        check_port_free(self.host, self.port)
        self.source.open()
        # What the server holds now is shared by every query process: keep the collector from
        # touching (and so copying) those pages in each of them.
        gc.collect()
        gc.freeze()

    def run(self, started=None) -> None:
        """Serve until stopped. ``started``: called once the server listens."""
        import uvicorn

        _quiet_server_log()
        # The pages' index of the graph (its documents, types and labels) is read beside the
        # server as it starts (create_app), and kept out of the collector's way as the store
        # is (see open).
        app = create_app(self.source, self.settings, base=self.base, freeze=True)
        config = uvicorn.Config(app, host=self.host, port=self.port, log_config=None, log_level="warning",
                                access_log=False, lifespan="on", timeout_graceful_shutdown=0.5, server_header=False)
        queries: Queries = app.state.queries
        site: _Site = app.state.site

        class Uvicorn(uvicorn.Server):
            loop: asyncio.AbstractEventLoop | None = None

            def handle_exit(self, sig, frame) -> None:
                # Ctrl-C or SIGTERM: end every query (and the index's reading) now, so each
                # request finishes at once and the server's graceful shutdown has nothing to
                # wait for.
                stop_from_signal(self.loop, site, queries)
                super().handle_exit(sig, frame)

            async def startup(self, sockets=None) -> None:
                self.loop = asyncio.get_running_loop()
                await super().startup(sockets=sockets)
                if self.started and started is not None:
                    started()

        Uvicorn(config).run()


def stop_from_signal(loop: asyncio.AbstractEventLoop | None, site, queries: Queries) -> None:
    """Stop the index's reading and every query, from a signal handler (uvicorn's: Python runs
    it between any two steps of the code it interrupts, the event loop's coroutines included).
    The stopping is handed to ``loop`` when it runs, to be done between two steps of its
    coroutines: done in the handler, it closed a query's pipe while a coroutine was opening
    it, and the request failed with a traceback (TypeError: invalid fd type). Without a
    running loop (the server not started yet) it is done at once."""
    def stop() -> None:
        site.stop()
        queries.stop_all()

    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(stop)
    else:
        stop()


class _OneLine(logging.Filter):
    """The server's log in one line a message: an answer cut short (past its deadline, or its
    query process died) is said so, not shown as the traceback the ASGI server logs for an
    application error; requests ended because the server is stopping are not logged at all."""

    def filter(self, record: logging.LogRecord) -> bool:
        from kg.publish.isolate import WorkFailed

        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (asyncio.CancelledError, ServerStopping)) or "graceful shutdown" in record.getMessage():
            return False  # a request still open when the server stopped
        if isinstance(error, WorkFailed):
            record.msg, record.args = "an answer was cut short: %s", (error,)
            record.exc_info = record.exc_text = None
        return True


def _quiet_server_log() -> None:
    """uvicorn's own log: warnings and errors only, one line each, on standard error."""
    log = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _OneLine) for f in log.filters):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("kg serve: %(message)s"))
        log.addHandler(handler)
        log.addFilter(_OneLine())
        log.setLevel(logging.WARNING)
        log.propagate = False

"""The static site: every page of kg.pages.publisher written as files (``kg build`` writes it
to ``dist/site/``), usable from ``file://`` and from any static host.

Layout (every link relative):

- ``index.html`` (home), ``classes.html`` and ``classes/<class>.html``, ``catalog.html``,
  ``search.html`` with ``search-index.js``, ``article/<source>.html``, ``404.html``;
- a document's page at its IRI's path: ``id/place/530681.html``, with its data beside it,
  ``id/place/530681.ttl`` and ``id/place/530681.jsonld``; ``ontology.html`` for the ontology;
- ``assets/``: the stylesheet and scripts, and vis-network (from the copy pyvis ships).

The site is written into a directory the caller claimed (kg.outputs: ``kg build`` writes it
inside its staging directory, so a failed build leaves the previous site untouched); this
module only ever creates files there. A quote that cannot be anchored in its text fails the
writing (kg.pages.article.AnchorError).
"""

from __future__ import annotations

import gc
import os
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox

from kg.pages.describe import description
from kg.pages.iris import file_path, path_of
from kg.pages.publisher import ArticleSource, Pages
from kg.pages.render import ASSETS

#: Documents read together (kg.pages.reader.Reader.documents).
BATCH = 200
#: Processes writing the documents' pages (one per core, at most two: the machine's other work
#: and the disk limit what more would gain).
WORKERS = max(1, min(2, os.cpu_count() or 1))
#: The data files written beside each page.
DATA_FORMATS = ("ttl", "jsonld")


@dataclass
class SiteResult:
    """What was written: the directory, its files, pages by class and the seconds taken."""

    directory: Path
    files: list[Path] = field(default_factory=list)
    pages: int = 0
    by_class: Counter = field(default_factory=Counter)
    seconds: float = 0.0


def vis_network_assets() -> dict[str, str]:
    """vis-network's script and stylesheet, from pyvis's copy (kg.explore.viz)."""
    from kg.explore.viz import vis_assets

    script, style = vis_assets()
    return {"vis-network.min.js": script, "vis-network.css": style}


def asset_text(name: str) -> str:
    """An asset of the site: one of kg/pages/static, or vis-network's."""
    if name in ASSETS:
        return (files("kg.pages") / "static" / name).read_text(encoding="utf-8")
    vis = vis_network_assets()
    if name in vis:
        return vis[name]
    raise KeyError(name)


def asset_names() -> list[str]:
    return [*ASSETS, "vis-network.min.js", "vis-network.css"]


def write_site(store: ox.Store, directory: Path | str, *, sources: list[ArticleSource] | None = None,
               progress: Callable[[str], None] = lambda _m: None, workers: int | None = None,
               location: Path | str | None = None) -> SiteResult:
    """Write the static site of ``store`` into ``directory`` (made if absent; the caller
    claimed it). Returns what was written. ``location``: the directory of an on-disk store
    holding the same data; then the documents' pages are written by ``workers`` processes
    (default :data:`WORKERS`), each started afresh (never forked: a process that has an open
    store has its threads, and a fork copies their locks in whatever state they are) and
    opening the store read-only itself, each taking every n-th batch. Without it (an
    in-memory store) this process writes them. The files do not depend on who wrote them."""
    started = time.perf_counter()
    directory = Path(directory)
    pages = Pages(store, static=True, sources=sources)
    result = SiteResult(directory)

    def write(relative: str, content: str | bytes) -> None:
        target = directory / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        target.write_bytes(content)
        result.files.append(target)

    documents = pages.documents()
    progress(f"  {len(documents)} resource pages")
    batches = [documents[start:start + BATCH] for start in range(0, len(documents), BATCH)]
    count = workers if workers is not None else WORKERS
    with Writers(pages, directory, batches, count if location is not None else 1, location, sources) as running:
        # the site's own pages, while the workers write the documents'
        for name in asset_names():
            write(f"assets/{name}", asset_text(name))
        write("search-index.js", pages.search_index())
        for path in pages.site_pages():
            write(f"{path or 'index'}.html", pages.page_at(path))
            result.pages += 1
        write("404.html", pages.not_found("404", ""))
        for part in running.results():
            result.pages += part["pages"]
            result.by_class.update(part["by_class"])
            result.files += [directory / rel for rel in part["files"]]
    result.seconds = time.perf_counter() - started
    return result


def _write_documents(pages: Pages, directory: Path, batches: list[list[str]]) -> dict:
    """Each document of ``batches``: its page and its data files. Returns what was written."""
    written = {"pages": 0, "by_class": {}, "files": []}
    made: set[str] = set()
    for batch in batches:
        part = _write_batch(pages, directory, batch, made)
        written["pages"] += part["pages"]
        for key, count in part["by_class"].items():
            written["by_class"][key] = written["by_class"].get(key, 0) + count
        written["files"] += part["files"]
    return written


#: How a page's files are opened: created or truncated, then written whole. Plain os calls: the
#: project's site has 29,000 such files, and pathlib's own work on each was over a third of
#: the time spent writing them.
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def _write_batch(pages: Pages, directory: Path, batch: list[str], made: set[str]) -> dict:
    """The documents of ``batch`` (read together): their pages and data files. ``made``: the
    directories already made (each is made once)."""
    index = pages.reader.index()
    written = {"pages": 0, "by_class": {}, "files": []}
    root = str(directory)
    for data in pages.reader.documents(batch):
        target = file_path(path_of(data.iri))
        files = {f"{target}.html": pages.render_document(data).encode("utf-8")}
        for fmt in DATA_FORMATS:
            files[f"{target}.{fmt}"] = description(data, fmt)
        parent = os.path.join(root, os.path.dirname(target))
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        for relative, content in files.items():
            handle = os.open(os.path.join(root, relative), _FLAGS, 0o666)
            try:
                view = memoryview(content)
                while view:
                    view = view[os.write(handle, view):]
            finally:
                os.close(handle)
            written["files"].append(relative)
        written["pages"] += 1
        types = index.types.get(data.resources[0], [])
        key = types[0] if types else ""
        written["by_class"][key] = written["by_class"].get(key, 0) + 1
    return written


class Writers:
    """The documents' pages of ``batches`` written by ``workers`` processes of a
    :mod:`multiprocessing` pool (started by "spawn"), each with its own read-only handle on the
    store at ``location`` and the site's index as ``pages`` read it (sent, not read again),
    while the caller does its own work. The batches are handed out one at a time, to whichever
    process is free, so that both finish together however the machine shares its cores.
    :meth:`results` waits for them (in batch order). A failure in any is raised there as a
    KgError with its message; leaving the block early (an error, Ctrl-C) terminates them all.
    With one worker the work runs in :meth:`results` itself, on ``pages``."""

    def __init__(self, pages: Pages, directory: Path, batches: list, workers: int, location, sources):
        self.pages, self.directory, self.batches = pages, directory, batches
        self.workers = workers if len(batches) > 1 else 1
        self.location, self.sources = None if location is None else str(location), sources
        self.pool = self.pending = None

    def __enter__(self) -> Writers:
        if self.workers > 1:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            self.pool = context.Pool(self.workers, initializer=_start_worker,
                                     initargs=(self.location, self.sources, self.pages.reader.index(),
                                               str(self.directory)))
            self.pending = self.pool.imap(_write_share, self.batches, chunksize=1)
        return self

    def results(self) -> list[dict]:
        from kg.errors import KgError

        if self.pool is None:
            return [_write_documents(self.pages, self.directory, self.batches)]
        found = []
        for reply in self.pending:
            if "error" in reply:
                raise KgError(reply["error"])
            found.append(reply["ok"])
        return found

    def __exit__(self, kind, *_exc) -> None:
        if self.pool is None:
            return
        if kind is None:
            self.pool.close()
        else:  # still running: stopped (Ctrl-C, or something failed)
            self.pool.terminate()
        self.pool.join()
        # The pool's queues hold semaphores, released when the pool is collected: collected
        # now, since a command stopped while the engine still runs ends without finalizing
        # (kg.cli.main), and the semaphores left then made multiprocessing's resource tracker
        # print "There appear to be N leaked semaphore objects" after "kg: interrupted".
        self.pool = self.pending = None
        gc.collect()


#: The pages of a worker process (opened by its first batch, :func:`_worker_pages`), what
#: they are made from (:func:`_start_worker`), the site's directory and the directories it
#: has made there.
_WORKER_PAGES: Pages | None = None
_WORKER_START: tuple | None = None
_WORKER_DIRECTORY: Path | None = None
_WORKER_MADE: set[str] = set()


def _start_worker(location: str, sources: list[ArticleSource] | None, index, directory: str) -> None:
    """A worker's start: Ctrl-C is left to the parent, which terminates the pool (the
    terminal sends it to every process of the group); ``index`` (kg.pages.reader.SiteIndex)
    the parent's, so that it is not read again. The store is opened by the first batch, not
    here: an error in a pool's initializer is a traceback, and the pool starts the worker
    again, for ever."""
    global _WORKER_START, _WORKER_DIRECTORY
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER_START = (location, sources, index)
    _WORKER_DIRECTORY = Path(directory)


def _worker_pages() -> Pages:
    """The worker's pages, on the store opened read-only (kg.store.persistent.open_engine: a
    damaged store is a KgError naming it)."""
    global _WORKER_PAGES
    if _WORKER_PAGES is None:
        from kg.store.persistent import open_engine

        location, sources, index = _WORKER_START
        _WORKER_PAGES = Pages(open_engine(location), static=True, sources=sources)
        _WORKER_PAGES.reader.use_index(index)
    return _WORKER_PAGES


def _write_share(batch: list[str]) -> dict:
    """One batch written by a worker; {"ok": what was written} or {"error": message}."""
    from kg.errors import KgError

    try:
        return {"ok": _write_batch(_worker_pages(), _WORKER_DIRECTORY, batch, _WORKER_MADE)}
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which says it
        return {"error": str(exc) if isinstance(exc, KgError) else f"{type(exc).__name__}: {exc}"}

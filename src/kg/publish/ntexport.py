"""The exports of a large graph (county-kg.{nt,ttl,jsonld,trig}), written from the files'
N-Triples dump with pyoxigraph's serializers, optionally by a child process while the
parent validates.

pyoxigraph holds the GIL while it parses, loads, queries and serializes, so threads do not
run these steps side by side; a forked process does. The child starts before the parent
loads its store, so it shares only the dump; its results are used only if the graph conforms
(the build writes into a staging directory that is dropped otherwise).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.store import ntriples
from kg.store.syntax import oxigraph_input
from kg.store.fast import FastGraph
from kg.store.tags import restore_tag_case
from kg.validate.partitions import source_ntriples

Naming = Callable[[Path], str]


def write(files: Sequence[Path], text: bytes, directory: Path, naming: Naming) -> dict[str, tuple[Path, float]]:
    """county-kg.{nt,ttl,jsonld,trig} in ``directory``: {format: (path, seconds)}.

    ``text`` is :func:`kg.ntriples.dump` of ``files``; ``naming`` gives each file's named graph
    for TriG. Turtle and JSON-LD are written from the N-Triples export, not from a store, so
    they keep the files' terms."""
    from kg.namespaces import PREFIXES

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    written: dict[str, tuple[Path, float]] = {}

    def timed(fmt: str, path: Path, action: Callable[[Path], None]) -> None:
        started = time.perf_counter()
        action(path)
        written[fmt] = (path, time.perf_counter() - started)

    nt = directory / "county-kg.nt"
    # tags as written in the files, in registered case (as the rdflib export writes them)
    timed("nt", nt, lambda p: ntriples.canonical(restore_tag_case(text, "nt"), p))
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)):
        def serialize(path: Path, rdf=rdf, fmt=fmt) -> None:
            ox.serialize(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES), str(path), rdf, prefixes=prefixes)
            _restore_tags(path, fmt)
        timed(fmt, directory / f"county-kg.{fmt}", serialize)
    timed("trig", directory / "county-kg.trig", lambda p: _trig(files, p, naming, prefixes))
    return written


def _restore_tags(path: Path, fmt: str) -> None:
    """pyoxigraph's serializers lower-case language tags (BCP 47 ignores case): write every tag
    in its registered case, as the N-Triples export and the rdflib pipeline do."""
    path.write_bytes(restore_tag_case(path.read_bytes(), fmt))


def _trig(files: Sequence[Path], path: Path, naming: Naming, prefixes: dict[str, str]) -> None:
    """One graph block per file. A large plain N-Triples file is a valid block as it is (TriG
    reads N-Triples lines); other files go through pyoxigraph's parser, their blank nodes
    labelled in the order the file gives them (pyoxigraph's labels are random), distinct
    across files: the same bytes every build."""
    files = [Path(f) for f in files]
    plain = [f for f in files if f.suffix.lower() == ".nt" and f.stat().st_size > 1_000_000
             and ntriples.plain(f.read_bytes())]

    def quads():
        for source in files:
            if source in plain:
                continue
            name = ox.NamedNode(naming(source))
            label = _blank_labels(naming(source))
            for quad in ox.parse(**oxigraph_input(source), format=ntriples.rdf_format(source)):
                subject, value = quad.subject, quad.object
                if type(subject) is ox.BlankNode:
                    subject = label(subject)
                if type(value) is ox.BlankNode:
                    value = label(value)
                yield ox.Quad(subject, quad.predicate, value, name)

    ox.serialize(quads(), str(path), ox.RdfFormat.TRIG, prefixes=prefixes)
    _restore_tags(path, "trig")
    with open(path, "ab") as handle:
        for source in plain:
            handle.write(f"\n<{naming(source)}> {{\n".encode())
            handle.write(source.read_bytes())
            handle.write(b"}\n")


def _blank_labels(scope: str) -> Callable[[ox.BlankNode], ox.BlankNode]:
    """Blank nodes numbered as they first appear, prefixed by a hash of ``scope`` (a graph)."""
    prefix = "b" + hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8] + "n"
    labels: dict[str, ox.BlankNode] = {}

    def label(node: ox.BlankNode) -> ox.BlankNode:
        found = labels.get(node.value)
        if found is None:
            found = labels[node.value] = ox.BlankNode(f"{prefix}{len(labels)}")
        return found

    return label


@dataclass
class Done:
    written: dict[str, tuple[Path, float]]
    seconds: float
    peak_rss_mb: float  # the child's own peak (0 when written in this process)


def _child(connection, files, text, directory, names) -> None:
    started = time.perf_counter()
    try:
        written = write(files, text, directory, names.__getitem__)
        connection.send(("ok", {k: (str(p), s) for k, (p, s) in written.items()}, time.perf_counter() - started,
                         resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        connection.send(("error", f"{type(exc).__name__}: {exc}", 0.0, 0.0))
    finally:
        connection.close()


class Background:
    """:func:`write` in a forked child process; :meth:`result` waits for it."""

    def __init__(self, files: Sequence[Path], text: bytes, directory: Path, naming: Naming):
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        names = {Path(f): naming(Path(f)) for f in files}  # a plain dict: nothing to re-import
        self._process = context.Process(target=_child, args=(send, [Path(f) for f in files], text, directory, names),
                                        name="county-kg-exports", daemon=True)
        self._process.start()
        send.close()

    def result(self) -> Done:
        try:
            status, payload, seconds, rss = self._receive.recv()
        except EOFError:
            self._process.join()
            raise KgError(f"writing the exports failed: the exporting process ended with status "
                          f"{self._process.exitcode}") from None
        self._process.join()
        if status != "ok":
            raise KgError(f"writing the exports failed: {payload}")
        return Done({k: (Path(p), s) for k, (p, s) in payload.items()}, seconds, rss)

    def cancel(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()

def write_exports(graph: FastGraph, directory: Path, naming: Callable[[Path], str] | None = None
                  ) -> dict[str, tuple[Path, float]]:
    """county-kg.{ttl,nt,jsonld,trig} in this process (:func:`kg.fastexport.write`)."""
    from kg.publish import ntexport as fastexport

    return fastexport.write(graph.files, source_ntriples(graph), directory, naming or _graph_name)


def _graph_name(path: Path) -> str:
    from kg.store.load import graph_name

    return str(graph_name(path))

"""The exports of the graph (county-kg.{nt,ttl,jsonld,trig}), written from the store's cache
of every input as N-Triples (terms as the files write them) with pyoxigraph's serializers.

The N-Triples export is sorted and its blank nodes labelled from what is said about them
(kg.store.ntriples.canonical): byte for byte what the rdflib serializer gives for the same
files. Turtle and JSON-LD are written from it; TriG has one graph block per input, its blank
nodes numbered in the order the input gives them. The same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg.store import ntriples
from kg.store.graph import StoreGraph
from kg.store.tags import restore_tag_case


#: The exports, in the order one process writes them: Turtle and JSON-LD are written from the
#: N-Triples export, TriG from the inputs.
FORMATS = ("nt", "ttl", "jsonld", "trig")
#: The exports each background process writes (:class:`ExportsInBackground`): TriG on its own,
#: so that the two cores share the exports with what the build does meanwhile (at national
#: size N-Triples, Turtle and JSON-LD took 10.5 s, TriG 3.6 s, the build's questions 11 s).
GROUPS = (("nt", "ttl", "jsonld"), ("trig",))


def write_exports(graph: StoreGraph, directory: Path, formats: tuple[str, ...] = FORMATS) -> dict[str, tuple[Path, float]]:
    """county-kg.{nt,ttl,jsonld,trig} in ``directory`` (those of ``formats``: Turtle and
    JSON-LD only with N-Triples, from which they are written): {format: (path, seconds)}."""
    from kg.namespaces import PREFIXES

    if ({"ttl", "jsonld"} & set(formats)) and "nt" not in formats:
        raise ValueError("Turtle and JSON-LD are written from the N-Triples export: give nt with them")

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    written: dict[str, tuple[Path, float]] = {}

    def timed(fmt: str, path: Path, action: Callable[[Path], None]) -> None:
        started = time.perf_counter()
        action(path)
        written[fmt] = (path, time.perf_counter() - started)

    nt = directory / "county-kg.nt"
    if "nt" in formats:
        # tags as written in the files, in registered case (as the rdflib export writes them)
        timed("nt", nt, lambda p: ntriples.canonical(restore_tag_case(graph.source_ntriples, "nt"), p))
    for fmt, rdf in (("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD)):
        def serialize(path: Path, rdf=rdf, fmt=fmt) -> None:
            ox.serialize(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES), str(path), rdf, prefixes=prefixes)
            _restore_tags(path, fmt)
        if fmt in formats:
            timed(fmt, directory / f"county-kg.{fmt}", serialize)
    if "trig" in formats:
        timed("trig", directory / "county-kg.trig", lambda p: _trig(graph, p, prefixes))
    return written


class ExportsInBackground:
    """:func:`write_exports` in processes of their own (kg.publish.isolate: forked, or threads
    where there is no fork), one per group of :data:`GROUPS`, so that the build answers its
    summary and its catalog meanwhile and the two cores share all of it: the exports read only
    the store's cached N-Triples, never the Oxigraph store. :meth:`result` waits for them;
    :meth:`stop` ends them (the build failed or was interrupted)."""

    def __init__(self, graph: StoreGraph, directory: Path):
        from kg.publish.isolate import Isolated

        def work_of(formats: tuple[str, ...]):
            def work(writer) -> None:
                written = write_exports(graph, directory, formats)
                writer.header({fmt: [str(path), seconds] for fmt, (path, seconds) in written.items()})
                writer.end()
            return work

        self._works: list = []
        try:
            for formats in GROUPS:
                self._works.append(Isolated(work_of(formats)))
        except BaseException:
            self.stop()
            raise

    def result(self) -> dict[str, tuple[Path, float]]:
        """What :func:`write_exports` returns, once the files are written (in the order of
        :data:`FORMATS`). KgError (what went wrong) if they could not be; the others are
        stopped then."""
        from kg.errors import KgError
        from kg.publish.isolate import WorkFailed

        if not self._works:
            raise RuntimeError("the exports were stopped or already collected")
        found: dict[str, list] = {}
        try:
            while self._works:
                try:
                    header, _data = self._works[0].collect()
                except WorkFailed as exc:
                    raise KgError(f"the exports could not be written: {exc}") from None
                self._works.pop(0)
                found.update(header)
        finally:
            self.stop()
        return {fmt: (Path(found[fmt][0]), found[fmt][1]) for fmt in FORMATS if fmt in found}

    def stop(self) -> None:
        """End the exports now if they are still being written (nothing if collected)."""
        works, self._works = self._works, []
        for work in works:
            work.kill()


def write_export(graph: StoreGraph, fmt: str, path: Path) -> None:
    """One export (``fmt``: nt, ttl, jsonld or trig) at ``path``, as :func:`write_exports`
    writes it."""
    import tempfile

    from kg.namespaces import PREFIXES

    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    if fmt == "trig":
        _trig(graph, path, prefixes)
        return
    if fmt == "nt":
        ntriples.canonical(restore_tag_case(graph.source_ntriples, "nt"), path)
        return
    rdf = {"ttl": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    with tempfile.TemporaryDirectory(prefix="kg-export-") as scratch:
        nt = Path(scratch) / "county-kg.nt"
        ntriples.canonical(restore_tag_case(graph.source_ntriples, "nt"), nt)
        ox.serialize(ox.parse(path=str(nt), format=ox.RdfFormat.N_TRIPLES), str(path), rdf, prefixes=prefixes)
    _restore_tags(path, fmt)


def _restore_tags(path: Path, fmt: str) -> None:
    """pyoxigraph's serializers lower-case language tags (BCP 47 ignores case): write every tag
    in its registered case, as the N-Triples export and the rdflib pipeline do."""
    path.write_bytes(restore_tag_case(path.read_bytes(), fmt))


def _trig(graph: StoreGraph, path: Path, prefixes: dict[str, str]) -> None:
    """One graph block per input. A large input without blank nodes is a valid block as it is
    (TriG reads N-Triples lines); the others go through pyoxigraph's serializer, their blank
    nodes labelled in the order the input gives them, distinct across graphs.

    The others are handed to the serializer as one TriG text of their blocks (:func:`_block`),
    parsed in Rust: a national table's million triples made one by one in Python took seconds."""
    bodies = {e.graph: graph.paths[e.graph].read_bytes() for e in graph.entries}
    plain = [e for e in graph.entries if e.triples > 20_000 and ntriples.plain(bodies[e.graph])]
    text = b"".join(part for e in graph.entries if e not in plain for part in _block(bodies[e.graph], e.graph))
    ox.serialize(ox.parse(text, format=ox.RdfFormat.TRIG), str(path), ox.RdfFormat.TRIG, prefixes=prefixes)
    del text
    _restore_tags(path, "trig")
    with open(path, "ab") as handle:
        for entry in plain:
            handle.write(f"\n<{entry.graph}> {{\n".encode())
            handle.write(bodies[entry.graph])
            handle.write(b"}\n")


def _block(body: bytes, graph: str) -> list:
    """The N-Triples ``body`` as a TriG block of ``graph`` (parts to join: bytes and views of
    ``body``), its blank nodes labelled by :func:`_blank_labels` in the order the body gives
    them. TriG reads N-Triples lines as they are, so only the lines with "_:" (blank nodes
    are a few among a million) are parsed and written again, labelled; a body whose lines
    with "_:" do not read as one triple each (a comment) is parsed and written whole."""
    name = ox.NamedNode(graph)
    label = _blank_labels(graph)

    def relabelled(text) -> bytes:
        def triples():
            for triple in ox.parse(bytes(text), format=ox.RdfFormat.N_TRIPLES):
                subject, value = triple.subject, triple.object
                if type(subject) is ox.BlankNode:
                    subject = label(subject)
                if type(value) is ox.BlankNode:
                    value = label(value)
                yield ox.Triple(subject, triple.predicate, value)
        return ox.serialize(triples(), None, ox.RdfFormat.N_TRIPLES)

    opening, closing = f"{name} {{\n".encode(), b"}\n"
    if body and not body.endswith(b"\n"):
        body += b"\n"
    spans = []  # (start, end) of each line holding "_:", in order, newline included
    at = body.find(b"_:")
    while at >= 0:
        start, end = body.rfind(b"\n", 0, at) + 1, body.find(b"\n", at) + 1
        spans.append((start, end))
        at = body.find(b"_:", end)
    view = memoryview(body)
    if not spans:
        return [opening, view, closing]
    written = relabelled(b"".join(view[start:end] for start, end in spans)).splitlines(keepends=True)
    if len(written) != len(spans):
        return [opening, relabelled(body), closing]
    parts, done = [opening], 0
    for (start, end), line in zip(spans, written):
        parts += [view[done:start], line]
        done = end
    return parts + [view[done:], closing]


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

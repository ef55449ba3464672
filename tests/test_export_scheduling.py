"""The exports written in a process of their own while the build answers its questions
(kg.publish.ntexport.ExportsInBackground; its reading of the process, Isolated.collect, is
tests/test_isolate.py's), and the exports' own shortcuts: the same bytes as written in this
process."""

from __future__ import annotations

import os

import pytest

from stores import store_graph

from kg.errors import KgError
from kg.publish import ntexport

DATA = ('@prefix ex: <http://e/> .\n'
        'ex:a ex:l "x"@zh-hans , "y"@en-gb , "z\\"@zh-hans"@zh-hant , "plain" ; ex:b [ ex:c "d"@zh-Hans ] .\n'
        'ex:b ex:l "\\"@zh-Hans"@en .\n')


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def test_background_exports_are_the_exports_written_here(data, tmp_path):
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    with store_graph([data]) as graph:
        expected = ntexport.write_exports(graph, here)
        background = ntexport.ExportsInBackground(graph, there)
        written = background.result()
    assert sorted(written) == sorted(expected) == ["jsonld", "nt", "trig", "ttl"]
    for fmt, (path, seconds) in written.items():
        assert path == there / expected[fmt][0].name and seconds >= 0
        assert path.read_bytes() == expected[fmt][0].read_bytes(), fmt
    with pytest.raises(RuntimeError):
        background.result()  # collected once


def test_background_exports_that_fail_raise_a_kg_error(data, tmp_path):
    with store_graph([data]) as graph:
        background = ntexport.ExportsInBackground(graph, tmp_path / "missing")
        with pytest.raises(KgError, match="the exports could not be written: .*missing"):
            background.result()


def test_stopped_exports_leave_no_process(data, tmp_path):
    with store_graph([data]) as graph:
        background = ntexport.ExportsInBackground(graph, tmp_path)
        pids = [work.pid for work in background._works]
        assert len(pids) == len(ntexport.GROUPS)
        background.stop()
        background.stop()  # (twice: nothing)
    for pid in pids:
        if pid:
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reaped


def _watched(monkeypatch) -> list[tuple[str, object]]:
    """ntexport.ExportsInBackground replaced by one that notes, in order, ("started", it)
    when it is made and ("awaited", it) when its result is asked for."""
    seen: list[tuple[str, object]] = []

    class Watched(ntexport.ExportsInBackground):
        def __init__(self, *args):
            super().__init__(*args)
            seen.append(("started", self))

        def result(self):
            seen.append(("awaited", self))
            return super().result()

    monkeypatch.setattr(ntexport, "ExportsInBackground", Watched)
    return seen


def test_the_build_stops_the_exports_when_its_answers_fail(data, tmp_path, monkeypatch):
    from kg.build import pipeline

    seen = _watched(monkeypatch)

    def fails():
        raise KgError("the catalog failed")

    with store_graph([data]) as graph:
        with pytest.raises(KgError, match="the catalog failed"):
            pipeline._exports_meanwhile(graph, tmp_path, {}, fails)
        seconds: dict[str, float] = {}
        files, done = pipeline._exports_meanwhile(graph, tmp_path, seconds, lambda: "done")
    started = [exports for event, exports in seen if event == "started"]
    assert len(started) == 2 and started[0]._works == []  # stopped, its processes reaped
    assert sorted(p.name for p in files) == sorted(f"county-kg.{s}" for s in ("nt", "ttl", "jsonld", "trig"))
    assert done == "done"
    assert seconds["exports"] >= 0


def trig_one_quad_at_a_time(graph, path, prefixes):
    """The TriG export as it was written before the blocks were parsed as one text: every
    quad made in Python, its blank nodes labelled (the reference for the bytes)."""
    import pyoxigraph as ox

    plain = [e for e in graph.entries if e.triples > 20_000 and ntexport.ntriples.plain(graph.paths[e.graph].read_bytes())]

    def quads():
        for entry in graph.entries:
            if entry in plain:
                continue
            label = ntexport._blank_labels(entry.graph)
            for triple in ox.parse(path=str(graph.paths[entry.graph]), format=ox.RdfFormat.N_TRIPLES):
                subject, value = triple.subject, triple.object
                subject = label(subject) if type(subject) is ox.BlankNode else subject
                value = label(value) if type(value) is ox.BlankNode else value
                yield ox.Quad(subject, triple.predicate, value, ox.NamedNode(entry.graph))

    ox.serialize(quads(), str(path), ox.RdfFormat.TRIG, prefixes=prefixes)
    ntexport._restore_tags(path, "trig")


def test_trig_blocks_are_those_of_one_quad_at_a_time(data, tmp_path):
    """Two inputs with the same blank-node labels, "_:" inside literals and IRIs, tags to
    restore: the TriG written from the blocks' text is byte for byte the one written quad by
    quad."""
    from kg.namespaces import PREFIXES

    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    first.write_text('<http://e/s> <http://e/p> _:b0 .\n_:b0 <http://e/p> "text with _:b0 in it"@zh-hans .\n'
                     '<http://e/s> <http://e/p> "no blank node, _:x"@en-gb .\n<http://e/_:iri> <http://e/p> _:b1 .\n'
                     '_:b1 <http://e/p> _:b0 .\n<http://e/s> <http://e/q> "last" .\n', encoding="utf-8")
    second.write_text('_:b1 <http://e/p> "other"@zh-hant .\n_:b0 <http://e/p> _:b1 .\n', encoding="utf-8")
    prefixes = {p: str(ns) for p, ns in PREFIXES.items()}
    with store_graph([data, first, second]) as graph:
        ntexport._trig(graph, tmp_path / "blocks.trig", prefixes)
        trig_one_quad_at_a_time(graph, tmp_path / "reference.trig", prefixes)
    written = (tmp_path / "blocks.trig").read_bytes()
    assert written == (tmp_path / "reference.trig").read_bytes()
    assert b'in it"@zh-Hans' in written and b"<http://e/_:iri>" in written
    import pyoxigraph as ox

    blank = {term.value for quad in ox.parse(written, format=ox.RdfFormat.TRIG)
             for term in (quad.subject, quad.object) if isinstance(term, ox.BlankNode)}
    assert blank and not blank & {"b0", "b1"}


def test_a_block_whose_blank_lines_are_not_one_triple_each_is_parsed_whole():
    """A comment mentioning "_:" among the lines: the block is still the graph's triples, its
    blank nodes labelled in order."""
    import pyoxigraph as ox

    body = b'# about _:b0\n_:b0 <http://e/p> _:b1 .\n<http://e/s> <http://e/p> "x" .\n'
    text = b"".join(ntexport._block(body, "http://e/g"))
    quads = list(ox.parse(text, format=ox.RdfFormat.TRIG))
    label = ntexport._blank_labels("http://e/g")
    assert quads == [ox.Quad(label(ox.BlankNode("b0")), ox.NamedNode("http://e/p"), label(ox.BlankNode("b1")),
                             ox.NamedNode("http://e/g")),
                     ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("x"),
                             ox.NamedNode("http://e/g"))]


def test_the_build_draws_its_graph_pages_while_the_exports_are_written(data, tmp_path, monkeypatch):
    from kg.build import pipeline

    seen = _watched(monkeypatch)
    draw = pipeline._graph_pages
    monkeypatch.setattr(pipeline, "_graph_pages", lambda *args: (seen.append(("graph pages", None)), draw(*args))[1])
    result = pipeline.build(tmp_path / "dist", data=[data], docs=False, store=tmp_path / "store", site=False)
    assert [event for event, _exports in seen] == ["started", "graph pages", "awaited"]
    assert (tmp_path / "dist" / "graph.html").is_file() and (tmp_path / "dist" / "county-kg.trig").is_file()
    assert tmp_path / "dist" / "graph.html" in result.files


def test_the_build_starts_the_exports_before_the_store_loads(monkeypatch, tmp_path):
    """The exports read only the cached N-Triples of the inputs: a build that loads a new
    generation starts them before the load (a load keeps one core busy, the other idle),
    and uses them; the exports are the ones a build writes after it (tests/test_build.py
    checks the bytes)."""
    from kg.build import pipeline
    from kg.store import persistent

    seen = _watched(monkeypatch)
    real = persistent._ChunkedLoad.finish

    def finish(self):
        seen.append(("loaded", None))
        return real(self)

    monkeypatch.setattr(persistent._ChunkedLoad, "finish", finish)
    monkeypatch.setenv("KG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    result = pipeline.build(tmp_path / "dist", docs=False, site=False)
    events = [event for event, _exports in seen]
    assert events == ["started", "loaded", "awaited"]
    assert sorted(p.name for p in result.files if p.name.startswith("county-kg.")) == \
        sorted(f"county-kg.{s}" for s in ("nt", "ttl", "jsonld", "trig"))


def test_a_refused_generation_stops_the_exports_started_as_it_loaded(monkeypatch, tmp_path):
    from kg.build import pipeline
    from kg.build.outcome import BuildFailed

    seen = _watched(monkeypatch)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ckg: <https://w3id.org/county-kg/ontology#> .\n"
                   "<https://w3id.org/county-kg/id/program/x> a ckg:Program .\n", encoding="utf-8")
    monkeypatch.setenv("KG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    with pytest.raises(BuildFailed):
        pipeline.build(tmp_path / "dist", docs=False, site=False, add=[bad])
    started = [exports for event, exports in seen if event == "started"]
    assert len(started) == 1 and started[0]._works == []  # stopped, its processes reaped
    assert not (tmp_path / "dist").exists()


def test_the_graph_pages_are_drawn_while_the_generation_is_validated(monkeypatch, tmp_path):
    """The graph pages read the new generation from a thread of their own while it is
    validated (the validation leaves a core idle part of the time), and are the build's."""
    import threading

    from kg.build import pipeline
    from kg.validate import store as vstore

    events: list[str] = []
    real_pages, real_validate = pipeline._graph_pages, vstore.validate

    def pages(graph, staging, progress):
        events.append(f"pages in {threading.current_thread().name}")
        return real_pages(graph, staging, progress)

    def validate(graph, **options):
        events.append("validating")
        try:
            return real_validate(graph, **options)
        finally:
            events.append("validated")

    monkeypatch.setattr(pipeline, "_graph_pages", pages)
    monkeypatch.setattr(vstore, "validate", validate)
    monkeypatch.setenv("KG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    result = pipeline.build(tmp_path / "dist", docs=False, site=False)
    assert events.index("pages in kg-graph-pages") < events.index("validated")
    assert events.count("pages in kg-graph-pages") == 1 and len(events) == 3
    assert {p.name for p in result.files} >= {"graph.html", "graph-health.html"}
    assert (tmp_path / "dist" / "graph.html").stat().st_size > 10_000


def test_a_failure_drawing_the_graph_pages_fails_the_build_and_leaves_nothing(monkeypatch, tmp_path):
    from kg.build import pipeline
    from kg.errors import KgError

    def pages(graph, staging, progress):
        (staging / "graph.html").write_text("half a page", encoding="utf-8")
        raise KgError("the network could not be drawn")

    monkeypatch.setattr(pipeline, "_graph_pages", pages)
    monkeypatch.setenv("KG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    with pytest.raises(KgError, match="the network could not be drawn"):
        pipeline.build(tmp_path / "dist", docs=False, site=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]  # no output, no staging left

"""The exports written in a process of their own while the build answers its questions
(kg.publish.ntexport.ExportsInBackground, kg.publish.isolate.Isolated.collect), and the
exports' own shortcuts: the same bytes as written in this process."""

from __future__ import annotations

import os

import pytest

from stores import store_graph

from kg.errors import KgError
from kg.publish import isolate, ntexport

DATA = ('@prefix ex: <http://e/> .\n'
        'ex:a ex:l "x"@zh-hans , "y"@en-gb , "z\\"@zh-hans"@zh-hant , "plain" ; ex:b [ ex:c "d"@zh-Hans ] .\n'
        'ex:b ex:l "\\"@zh-Hans"@en .\n')


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def test_collect_gives_the_header_and_the_data_of_the_work():
    def work(writer):
        writer.header({"n": 2})
        writer.write(b"one ")
        writer.write(b"two\n")
        writer.end()

    assert isolate.Isolated(work).collect() == ({"n": 2}, b"one two\n")


def test_collect_reports_a_failure_and_a_death():
    def fails(writer):
        raise ValueError("no such thing")

    with pytest.raises(isolate.WorkFailed, match="ValueError: no such thing"):
        isolate.Isolated(fails).collect()

    def dies(writer):
        writer.header({})
        os._exit(3)

    if hasattr(os, "fork"):
        with pytest.raises(isolate.WorkFailed, match="before its answer"):
            isolate.Isolated(dies).collect()


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
        pid = background._work.pid
        background.stop()
        background.stop()  # (twice: nothing)
    if pid:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reaped


def test_the_build_stops_the_exports_when_its_answers_fail(data, tmp_path, monkeypatch):
    from kg.build import pipeline

    started = []
    real = ntexport.ExportsInBackground

    class Watched(real):
        def __init__(self, *args):
            super().__init__(*args)
            started.append(self)

    monkeypatch.setattr(ntexport, "ExportsInBackground", Watched)

    def fails():
        raise KgError("the catalog failed")

    with store_graph([data]) as graph:
        with pytest.raises(KgError, match="the catalog failed"):
            pipeline._exports_meanwhile(graph, tmp_path, {}, fails)
        seconds: dict[str, float] = {}
        files = pipeline._exports_meanwhile(graph, tmp_path, seconds, lambda: None)
    assert len(started) == 2 and started[0]._work is None  # stopped, its process reaped
    assert sorted(p.name for p in files) == sorted(f"county-kg.{s}" for s in ("nt", "ttl", "jsonld", "trig"))
    assert seconds["exports"] >= 0

"""Calls into the engine from the main thread run in the engine thread (kg.store.engine): the
answers are pyoxigraph's, and Ctrl-C during a call that would take hours stops the command at
once, with its one line and exit code, its staged output removed."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

import pyoxigraph as ox
import pytest

from kg.store import engine
from kg.store.engine import EngineStore, answer_type

EX = "http://example.org/"


@pytest.fixture(scope="module")
def stores():
    native = ox.Store()
    for i in range(600):  # more than one batch of answers
        native.add(ox.Quad(ox.NamedNode(f"{EX}s{i}"), ox.NamedNode(f"{EX}p"), ox.Literal(i),
                           ox.NamedNode(f"{EX}g{i % 2}")))
    return native, EngineStore(native)


def _settled() -> dict:
    """The iterators the engine thread still holds, once it has read the requests sent to it."""
    if engine._engine is None:
        return {}
    engine._engine.call(lambda _engine: None)  # requests are served in order: any "forget" is done
    return engine._engine.held


@pytest.mark.parametrize("query", [
    "SELECT ?s ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_answers_are_the_stores_own(stores, query):
    native, wrapped = stores
    mine, theirs = wrapped.query(query), native.query(query)
    assert answer_type(mine) is type(theirs)
    assert getattr(mine, "variables", None) == getattr(theirs, "variables", None)
    assert [str(item) for item in mine] == [str(item) for item in theirs]
    assert bool(wrapped.query("ASK { GRAPH ?g { ?s ?p 5 } }")) is True
    assert len(list(wrapped.quads_for_pattern(None, None, None, ox.NamedNode(f"{EX}g1")))) == 300
    assert wrapped.query(query).serialize(format=ox.QueryResultsFormat.JSON if "SELECT" in query
                                          else ox.RdfFormat.N_TRIPLES) == \
        native.query(query).serialize(format=ox.QueryResultsFormat.JSON if "SELECT" in query
                                      else ox.RdfFormat.N_TRIPLES)
    assert _settled() == {}


def test_an_abandoned_answer_is_freed_in_the_engine_thread(stores):
    _native, wrapped = stores
    first = next(iter(wrapped.quads_for_pattern(None, None, None, None)))
    assert isinstance(first, ox.Quad)
    for row in wrapped.query("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"):
        break
    del row
    assert _settled() == {}


def test_the_engines_errors_are_raised_where_the_call_was(stores):
    _native, wrapped = stores
    with pytest.raises(SyntaxError):
        wrapped.query("SELECT WHERE")
    assert _settled() == {} and not engine.engine_running()


CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # hours on the project


def test_ctrl_c_during_a_long_store_call_stops_the_command_at_once(tmp_path):
    """A command reading the project's store in its main thread (as `kg build` writing the
    static site of a million triples does for minutes: the documents' index, the search index,
    the catalog page), stopped by Ctrl-C in the middle of one call: it ends at once with "kg:
    interrupted" and exit code 130, the output it was writing gone, the previous one kept.
    The bound is "does not hang", not a speed target: the call would take hours."""
    output = tmp_path / "out"
    script = tmp_path / "long_read.py"
    script.write_text(textwrap.dedent(f"""
        import sys
        import click
        from kg.cli.signals import handle_stop_signals

        handle_stop_signals()

        from kg import outputs
        from kg.cli import main, run
        from kg.store import project
        from kg.store.persistent import GraphStore

        @main.command("long-read")
        @click.argument("text")
        def long_read(text):
            with outputs.replaced_directory({str(output)!r}) as staging:
                (staging / "part.txt").write_text(text, encoding="utf-8")
                if text == "previous":
                    return
                with GraphStore(project.location()).reader() as view:
                    print("reading", flush=True)
                    print(next(iter(view.store.query({CROSS_JOIN_COUNT!r}))))

        sys.argv = ["kg", "long-read", sys.argv[1]]
        run()
    """), encoding="utf-8")
    subprocess.run([sys.executable, str(script), "previous"], check=True, timeout=120)
    process = subprocess.Popen([sys.executable, str(script), "half"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        assert process.stdout.readline() == "reading\n", process.stderr.read()
        time.sleep(0.5)  # inside the call
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.stderr.read() == "kg: interrupted\n"
    assert process.returncode == 130
    assert took < 10, f"{took:.1f} s to stop"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long_read.py", "out"]
    assert sorted(p.name for p in output.iterdir()) == [".county-kg-manifest.json", "part.txt"]
    assert (output / "part.txt").read_text(encoding="utf-8") == "previous"

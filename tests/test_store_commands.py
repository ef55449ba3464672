"""Every command reads the project's store: imports go into it as named graphs that GRAPH patterns
see on both engines and on `kg serve`; a removed import leaves it (and `kg serve` after a
restart) without the store growing; `kg query` answers while `kg serve` holds the store; an
import killed with SIGKILL half-way leaves store and workspace answering as before; two imports
at once: the second waits for the first."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from serving import http, kg_serve

from kg.cli import main
from kg.store.persistent import GraphStore

FIXTURES = Path(__file__).parent / "fixtures" / "linking"
TABLE = FIXTURES / "zhaotong-2022.csv"
MAPPING = FIXTURES / "zhaotong-2022.toml"
IMPORTS = "https://w3id.org/county-kg/graph/import/"
PER_GRAPH = ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
             f'FILTER(STRSTARTS(STR(?g), "{IMPORTS}")) }} GROUP BY ?g ORDER BY ?g')


def small_table(path: Path, counties: int, seed: int, years: int = 1) -> Path:
    """A table of its own years (seed 1: 2001, seed 2: 2003 ...): no two tables of a test
    give two values for one indicator, place and period (that conflict is refused)."""
    from kg.synth import table

    table.write(path, counties, seed, indicators=2, years=years, first_year=1999 + 2 * seed)
    return path


@pytest.fixture
def space(tmp_path, monkeypatch):
    """A store and a workspace of this test's own ($KG_STORE, $KG_WORKSPACE)."""
    monkeypatch.setenv("KG_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    return tmp_path


def kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", *args], capture_output=True, text=True, timeout=600)


def per_graph(output: str) -> dict[str, int]:
    rows = list(csv.reader(io.StringIO(output)))
    return {row[0].removeprefix(IMPORTS): int(row[1]) for row in rows[1:]}


def served_per_graph(url: str) -> dict[str, int]:
    status, _headers, body = http(f"{url}/query?query={urllib.parse.quote(PER_GRAPH)}",
                                  headers={"Accept": "application/sparql-results+json"})
    assert status == 200, body
    return {b["g"]["value"].removeprefix(IMPORTS): int(b["n"]["value"]) for b in json.loads(body)["results"]["bindings"]}


def quads(store_dir: Path) -> int:
    store = GraphStore(store_dir)
    with store.reader() as view:
        return len(view.store)


def test_graph_patterns_see_each_import_on_both_engines_and_on_kg_serve(space):
    first = kg("import", str(TABLE), "--mapping", str(MAPPING), "-q")
    assert first.returncode == 3, first.stderr  # (a partial import: four rows cannot be read)
    second = kg("import", str(small_table(space / "county-table.csv", 3, 1)), "-q")
    assert second.returncode == 0, second.stderr
    # 272: the 2022 row naming 水富县 530630 keeps it as ckg:reportedPlace beside refArea 530681
    expected = {"zhaotong-2022": 272, "county-table": None}
    oxigraph = kg("query", "--sparql", PER_GRAPH, "--format", "csv")
    assert oxigraph.returncode == 0, oxigraph.stderr
    counts = per_graph(oxigraph.stdout)
    assert set(counts) == set(expected) and counts["zhaotong-2022"] == expected["zhaotong-2022"]
    # (no time limit: rdflib reads the whole store first, which took over 30 s on a loaded machine)
    reference = kg("query", "--engine", "rdflib", "--timeout", "0", "--sparql", PER_GRAPH, "--format", "csv")
    assert reference.returncode == 0, reference.stderr
    assert per_graph(reference.stdout) == counts
    # a triple stated in one named graph is once in the default graph (the union), on both engines
    union = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert kg("query", "--sparql", union, "--format", "csv").stdout == \
        kg("query", "--engine", "rdflib", "--timeout", "0", "--sparql", union, "--format", "csv").stdout
    with kg_serve() as served:
        assert served.process.poll() is None, served.stderr()
        assert served_per_graph(served.url) == counts
        # kg query answers from the same store while kg serve holds it
        again = kg("query", "--sparql", PER_GRAPH, "--format", "csv")
        assert again.returncode == 0 and per_graph(again.stdout) == counts, again.stderr


def test_a_removed_import_leaves_kg_serve_after_a_restart_and_the_store_does_not_grow(space):
    store = space / "store"
    assert kg("import", str(small_table(space / "first.csv", 3, 1)), "-q").returncode == 0
    with kg_serve() as served:
        before = served_per_graph(served.url)
    size_with_one = quads(store)
    assert kg("import", str(small_table(space / "second.csv", 4, 2)), "-q").returncode == 0
    with kg_serve() as served:
        assert set(served_per_graph(served.url)) == {"first", "second"}
    (space / "ws" / "imports" / "second.ttl").unlink()
    with kg_serve() as served:
        assert "not current (removed: second)" in served.stderr()
        assert served_per_graph(served.url) == before
    assert quads(store) == size_with_one
    for _round in range(2):  # in and out again: the same size, one generation, no cache left behind
        assert kg("import", str(space / "second.csv"), "-q").returncode == 0
        (space / "ws" / "imports" / "second.ttl").unlink()
        with kg_serve() as served:
            assert served_per_graph(served.url) == before
    assert quads(store) == size_with_one
    assert len([p for p in store.iterdir() if p.name.startswith("gen-")]) == 1
    manifest = GraphStore(store).manifest()
    kept = {e.sha256 for e in manifest.entries.values()}
    from kg.link import placeindex

    names = sorted(p.name for p in (store / "cache").iterdir())
    # the place resolver's index (one, made again when its inputs change) belongs to no input
    indexes = [n for n in names if n.startswith(placeindex.PREFIX) and n.endswith(placeindex.SUFFIX)]
    assert len(indexes) <= 1, indexes
    names = [n for n in names if n not in indexes]
    assert sorted(n.removesuffix(".nt") for n in names if n.endswith(".nt")) == sorted(kept)
    # what is kept beside a cache file (its ill-formed literals) goes with it
    assert {n.split(".", 1)[0] for n in names} == kept, names


def test_a_first_store_is_made_in_one_line_naming_where(space):
    """No store yet: the command says where it makes one (the user did not choose the place)."""
    result = kg("query", "--sparql", "ASK {}", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stderr == f"kg: making the store in {space / 'store'} (there is none yet)\n"


def test_a_store_kg_may_not_write_is_refused_before_any_line_about_making_it(space, monkeypatch):
    mine = space / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    monkeypatch.setenv("KG_STORE", str(mine))
    result = kg("query", "--sparql", "ASK {}", "--format", "csv")
    assert result.returncode == 2 and result.stderr == f"kg: error: {mine}: not a county-kg store and not empty; " \
        "give a new or empty directory for the store (kg writes only into a store it made)\n", result.stderr
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]
    monkeypatch.setenv("KG_STORE", str(mine / "notes.txt"))
    result = kg("query", "--sparql", "ASK {}", "--format", "csv")
    assert result.returncode == 2 and result.stderr.startswith(
        f"kg: error: {mine / 'notes.txt'}: not a directory (it, or a folder above it, is a file)"), result.stderr


def test_a_stale_store_is_brought_up_to_date_in_one_line_and_never_answers_stale(space):
    assert kg("import", str(small_table(space / "first.csv", 2, 1)), "-q").returncode == 0
    (space / "ws" / "imports" / "first.ttl").unlink()
    result = kg("query", "--sparql", PER_GRAPH, "--format", "csv")
    assert result.returncode == 0 and per_graph(result.stdout) == {}
    assert result.stderr.count("\n") == 1 and "not current (removed: first); updating it" in result.stderr
    quiet = kg("query", "--sparql", PER_GRAPH, "--format", "csv")
    assert quiet.stderr == ""


def _import_process(space: Path, table: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kg", "import", str(table)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


@pytest.mark.parametrize("moment", ["writing the workspace file", "storing the new generation"])
def test_an_import_killed_half_way_leaves_store_and_workspace_as_before(space, moment):
    store = space / "store"
    assert kg("import", str(small_table(space / "first.csv", 3, 1)), "-q").returncode == 0
    with GraphStore(store).reader() as view:
        before = sorted(str(q) for q in view.store)
    workspace = _snapshot(space / "ws")
    table = small_table(space / "big.csv", 400, 3, years=2)
    process = _import_process(space, table)
    deadline = time.monotonic() + 300

    def reached() -> bool:
        if moment == "writing the workspace file":
            return any(p.name.endswith(".part.ttl") for p in (space / "ws" / "imports").iterdir())
        return len([p for p in store.iterdir() if p.name.startswith("gen-")]) > 1

    try:
        while not reached():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never reached the moment"
            time.sleep(0.01)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    with GraphStore(store).reader() as view:
        assert sorted(str(q) for q in view.store) == before
    assert _snapshot(space / "ws") == workspace
    result = kg("query", "--sparql", PER_GRAPH, "--format", "csv")
    assert per_graph(result.stdout) == {"first": per_graph(result.stdout)["first"]} and result.stderr == ""
    # the next import goes through, and what the killed one left is gone
    assert kg("import", str(small_table(space / "second.csv", 2, 4)), "-q").returncode == 0
    assert not [p for p in (space / "ws" / "imports").iterdir() if p.name.endswith(".part.ttl")]
    assert len([p for p in store.iterdir() if p.name.startswith("gen-")]) == 1


def test_two_imports_at_once_the_second_waits_for_the_first(space):
    assert kg("import", str(small_table(space / "first.csv", 2, 1)), "-q").returncode == 0
    import fcntl

    one = _import_process(space, small_table(space / "one.csv", 300, 5, years=2))
    deadline = time.monotonic() + 120
    with open(space / "store" / ".lock", "a+b") as lock:  # until the first holds the writer's lock
        while True:
            assert one.poll() is None and time.monotonic() < deadline, one.communicate()
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                break
            fcntl.flock(lock, fcntl.LOCK_UN)
            time.sleep(0.01)
    two = _import_process(space, small_table(space / "two.csv", 3, 6))
    out_one, err_one = one.communicate(timeout=600)
    out_two, err_two = two.communicate(timeout=600)
    assert one.returncode == 0, err_one
    assert two.returncode == 0, err_two
    assert "waiting for another kg command to finish writing" in err_two
    result = kg("query", "--sparql", PER_GRAPH, "--format", "csv")
    assert set(per_graph(result.stdout)) == {"first", "one", "two"}
    assert sorted(p.name for p in (space / "ws" / "imports").glob("*.ttl")) == ["first.ttl", "one.ttl", "two.ttl"]


def test_kg_validate_reuses_the_recorded_report(space):
    assert kg("import", str(small_table(space / "first.csv", 2, 1)), "-q").returncode == 0
    first = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert first.exit_code == 0, first.output
    store = GraphStore(space / "store")
    with store.reader() as view:
        assert view.record("validation.json") is not None
        generation = view.generation
    again = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert again.output == first.output
    with store.reader() as view:
        assert view.generation == generation  # nothing written: the record was reused
    assert ox is not None


def test_a_file_in_the_workspace_that_is_no_graph_of_it_is_named_once_not_dropped_silently(tmp_path, caplog):
    """imports/ and links/ hold kg's Turtle files (and its reports and review tables); an
    .nt, a .jsonld or a folder put there by hand was left out by every command without a word."""
    import logging

    from kg.store import files

    ws = tmp_path / "ws"
    for name in ("imports/a.ttl", "imports/a.report.csv", "imports/mine.nt", "imports/.a.part.ttl",
                 "links/l.ttl", "links/l.review.csv", "links/x.jsonld"):
        (ws / name).parent.mkdir(parents=True, exist_ok=True)
        (ws / name).write_text("", encoding="utf-8")
    (ws / "links" / "old").mkdir()
    files._NOTED.clear()
    with caplog.at_level(logging.WARNING, logger="kg.store"):
        assert files.workspace_files(ws, note=False) == [ws / "imports" / "a.ttl", ws / "links" / "l.ttl"]
        assert not caplog.records
        for _ in range(2):  # the store and the import both list the workspace: one line
            assert files.workspace_files(ws) == [ws / "imports" / "a.ttl", ws / "links" / "l.ttl"]
    (record,) = caplog.records
    assert record.getMessage().startswith(f"{ws}: imports/mine.nt, links/old/, links/x.jsonld not loaded (")
    assert "kg build --add FILE" in record.getMessage()

"""The persistent store (kg.store.persistent): named graphs per input with their union as the
default graph, incremental updates, generations that readers keep, and a writer killed
half-way leaving the store as it was."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from kg.store.load import data_files, graph_name, ontology_files
from kg.store.persistent import GraphStore, Input

EX = "http://example.org/"


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def inputs_of(*paths: Path) -> list[Input]:
    return [Input(p, f"{EX}graph/{p.stem}", "data") for p in paths]


def count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


@pytest.fixture
def files(tmp_path):
    a = write(tmp_path / "a.ttl", f"""\
        @prefix ex: <{EX}> .
        ex:x ex:p "one" ; ex:q ex:y .
        ex:shared ex:p "both" .
        ex:x ex:r [ ex:p "blank in a" ] .
        """)
    b = write(tmp_path / "b.nt", f"""\
        <{EX}z> <{EX}p> "two" .
        <{EX}shared> <{EX}p> "both" .
        _:b1 <{EX}p> "blank in b" .
        <{EX}z> <{EX}r> _:b1 .
        """)
    c = write(tmp_path / "c.nt", f"""\
        _:b1 <{EX}p> "blank in c" .
        <{EX}w> <{EX}r> _:b1 .
        """)
    return a, b, c


def test_default_graph_is_the_union_as_a_set_and_graph_patterns_see_each_file(tmp_path, files):
    store = GraphStore(tmp_path / "store")
    manifest, changes = store.update(inputs_of(*files))
    assert changes.rebuild
    reference = Dataset(default_union=True)
    for given in inputs_of(*files):
        reference.graph(given.graph).parse(given.path)
    union = len(set(reference.triples((None, None, None))))
    with store.reader() as view:
        assert count(view.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == union == manifest.triples
        graphs = {row["g"].value: int(row["n"].value) for row in view.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
        assert graphs == {f"{EX}graph/a": 5, f"{EX}graph/b": 4, f"{EX}graph/c": 2}
        # the shared triple is in two named graphs and once in the union
        assert count(view.store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}shared> ?p ?o }}") == 1
        # _:b1 of b.nt and _:b1 of c.nt are different nodes
        assert count(view.store, f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ ?s <{EX}r> ?b }}") == 3
        # blank nodes are the same nodes in a named graph and in the union
        assert count(view.store, f"""SELECT (COUNT(*) AS ?n) WHERE {{
            GRAPH <{EX}graph/b> {{ ?s <{EX}r> ?b }} ?b <{EX}p> ?label }}""") == 1


def test_unchanged_inputs_write_nothing_and_a_touched_file_with_the_same_bytes_is_current(tmp_path, files):
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(*files))
    before = sorted(p.name for p in store.directory.iterdir())
    manifest, changes = store.update(inputs_of(*files))
    assert changes.current and sorted(p.name for p in store.directory.iterdir()) == before
    os.utime(files[0], ns=(1, 1))
    assert store.changes(inputs_of(*files)).current
    files[0].write_text(files[0].read_text() + f'<{EX}x> <{EX}p> "more" .\n')
    changes = store.changes(inputs_of(*files))
    assert [i.path for i in changes.changed] == [files[0]] and "changed: a.ttl" in changes.describe()


def test_a_removed_input_leaves_the_union_and_the_store_does_not_grow(tmp_path, files):
    store = GraphStore(tmp_path / "store")
    full, _ = store.update(inputs_of(*files))
    without_b, changes = store.update(inputs_of(files[0], files[2]))
    assert changes.removed == [f"{EX}graph/b"]
    with store.reader() as view:
        assert count(view.store, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "two" }') == 0
        assert count(view.store, f"SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}shared> ?p ?o }}") == 1  # still in a
        assert count(view.store, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "blank in b" }') == 0
        quads_without = len(view.store)
    again, _ = store.update(inputs_of(*files))
    with store.reader() as view:
        assert again.triples == full.triples
        quads_again = len(view.store)
    store.update(inputs_of(files[0], files[2]))
    store.update(inputs_of(*files))
    with store.reader() as view:
        assert len(view.store) == quads_again  # add and remove repeatedly: no growth
    assert quads_without < quads_again


def test_a_reader_keeps_its_generation_while_a_writer_publishes_the_next(tmp_path, files):
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(*files))
    with store.reader() as old:
        store.update(inputs_of(files[0]))
        assert count(old.store, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "two" }') == 1
        assert old.generation.is_dir()
        with store.reader() as new:
            assert count(new.store, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "two" }') == 0
        held = old.generation
    store.update(inputs_of(*files))  # the next writer removes generations nobody reads
    assert not held.exists()


def _writer_script(directory: Path, files: list[Path], pause_file: Path) -> str:
    return textwrap.dedent(f"""
        import time
        from pathlib import Path
        from kg.store.persistent import GraphStore, Input
        files = [Path(p) for p in {[str(f) for f in files]!r}]
        inputs = [Input(p, "{EX}graph/" + p.stem, "data") for p in files]
        def hold(draft):
            Path({str(pause_file)!r}).write_text("staged")
            time.sleep(60)
        GraphStore({str(directory)!r}).update(inputs, before_publish=hold,
                                               progress=lambda m: print(m, flush=True))
        """)


def _wait_for(path: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_a_writer_killed_half_way_leaves_the_store_answering_as_before(tmp_path, files):
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(files[0]))
    with store.reader() as view:
        before = sorted(str(q) for q in view.store)
    pause = tmp_path / "staged"
    process = subprocess.Popen([sys.executable, "-c", _writer_script(store.directory, list(files), pause)])
    try:
        _wait_for(pause)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    with store.reader() as view:
        assert sorted(str(q) for q in view.store) == before
    assert not store.changes(inputs_of(files[0])).rebuild
    store.update(inputs_of(*files))  # the next writer removes what the killed one left
    generations = [p.name for p in store.directory.iterdir() if p.name.startswith("gen-")]
    assert len(generations) == 1


def test_a_second_writer_waits_for_the_first(tmp_path, files):
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(files[0]))
    pause = tmp_path / "staged"
    process = subprocess.Popen([sys.executable, "-c", _writer_script(store.directory, list(files), pause)])
    try:
        _wait_for(pause)
        said = []
        import threading

        done = threading.Event()

        def second():
            store.update(inputs_of(files[0], files[1]), progress=said.append)
            done.set()

        thread = threading.Thread(target=second, daemon=True)
        thread.start()
        time.sleep(1.0)
        assert not done.is_set()
        assert any("waiting for another kg command" in m for m in said)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        assert done.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    with store.reader() as view:
        assert count(view.store, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "two" }') == 1
        assert count(view.store, 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p "blank in c" }') == 0


def test_the_same_file_always_gives_the_same_cache_file(tmp_path, files):
    """A file's cache file is named by the file's SHA-256, and every manifest records its
    own SHA-256: the parser's random labels of anonymous blank nodes ([ ], collections) are
    numbered, so a cache file written again (damaged, removed) is the same bytes."""
    from kg.store.persistent import sha256_of

    a, _b, _c = files
    digests = []
    for run in range(2):
        store = GraphStore(tmp_path / f"store{run}")
        manifest, _changes = store.update(inputs_of(a))
        entry = manifest.entries[f"{EX}graph/a"]
        digests.append(entry.cache_sha256)
        assert sha256_of(store.cache_path(entry.sha256)) == entry.cache_sha256
    assert digests[0] == digests[1]


def test_the_cache_keeps_terms_as_written(tmp_path):
    source = write(tmp_path / "typed.ttl", f"""\
        @prefix ex: <{EX}> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:n "5"^^xsd:positiveInteger ; ex:d 29.0 ; ex:l "x"@zh-Hant .
        """)
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(source))
    with store.reader() as view:
        text = view.ntriples().decode("utf-8")
    assert '"5"^^<http://www.w3.org/2001/XMLSchema#positiveInteger>' in text
    assert '"29.0"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text
    assert '"x"@zh-Hant' in text


def test_the_projects_store_holds_the_same_graph_as_the_rdflib_load(tmp_path):
    from kg.store.load import load

    given = [Input(p, str(graph_name(p)), "ontology") for p in ontology_files()] + \
            [Input(p, str(graph_name(p)), "data") for p in data_files()]
    store = GraphStore(tmp_path / "store")
    manifest, _ = store.update(given)
    union = load(workspace=False).union()
    assert manifest.triples == len(union)
    with store.reader() as view:
        from_cache = Graph().parse(data=view.ntriples().decode("utf-8"), format="nt")
    assert len(from_cache) == len(union)


def test_an_input_read_from_its_source_is_changed_when_the_source_differs(tmp_path, files):
    """A new import is read from a hidden file (``source``) while its old file is still at
    ``path``: the store compares the source's bytes, or a replaced import would leave the old
    graph in place and its validation would see no change at all."""
    a, b, _c = files
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(a, b))
    replacement = write(tmp_path / ".a.part.ttl", f"""\
        @prefix ex: <{EX}> .
        ex:x ex:p "replaced" .
        """)
    given = [Input(a, f"{EX}graph/a", "data", source=replacement), *inputs_of(b)]
    changes = store.changes(given)
    assert [i.graph for i in changes.changed] == [f"{EX}graph/a"]
    _manifest, _changes = store.update(given)
    with store.reader() as view:
        assert count(view.store, f'SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}x> <{EX}p> "replaced" }}') == 1
        assert count(view.store, f'SELECT (COUNT(*) AS ?n) WHERE {{ <{EX}x> <{EX}p> "one" }}') == 0


def test_a_current_that_is_no_generation_name_is_repaired_by_the_next_writer(tmp_path, files):
    """`printf '\x00\xff' > STORE/CURRENT` gave a 72-line UnicodeDecodeError traceback: bytes
    that are no name are no published generation, as a bogus name is, and the next writer
    publishes one again."""
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(*files))
    (tmp_path / "store" / "CURRENT").write_bytes(b"\x00\xff")
    assert store.manifest() is None and store.changes(inputs_of(*files)).rebuild
    store.update(inputs_of(*files))
    with store.reader() as view:
        assert count(view.store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") > 0


def test_a_store_whose_files_are_damaged_is_one_error_naming_it(tmp_path, files):
    """Overwritten table files gave `RuntimeError: Corruption: Sst file size mismatch` with
    a traceback: one KgError naming the store's directory and how to make it anew."""
    from kg.errors import KgError

    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files))
    tables = list((tmp_path / "store" / f"gen-{manifest.generation:06d}" / "oxigraph").glob("*.sst"))
    assert tables
    for table in tables:
        table.write_bytes(b"garbage")
    with pytest.raises(KgError, match=r"store: the store's files cannot be opened \(Corruption.*remove .*kg build"):
        with store.reader():
            pass
    a, b, c = files
    b.write_text(b.read_text(encoding="utf-8") + f"<{EX}new> <{EX}p> \"new\" .\n", encoding="utf-8")
    with pytest.raises(KgError, match="the store's files cannot be opened"):  # a writer reads it too
        store.update(inputs_of(*files))


def test_every_opening_of_a_damaged_store_is_one_error_naming_it(tmp_path, files, monkeypatch):
    """kg serve's query processes and the site's writer processes opened a generation's files
    themselves: a damaged store was `RuntimeError: Corruption` with a traceback there (and the
    site's pool started its failing workers again for ever). Both open it as GraphStore does
    (kg.store.persistent.open_engine)."""
    from kg.errors import KgError
    from kg.pages import site
    from kg.publish.source import StoreDirectory

    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files))
    served = StoreDirectory(tmp_path / "store", refresh=False)
    served.open()  # (the server opens the store before it is damaged; its query processes after)
    engine = tmp_path / "store" / f"gen-{manifest.generation:06d}" / "oxigraph"
    for table in engine.glob("*.sst"):
        table.write_bytes(b"garbage")
    message = rf"^{tmp_path / 'store'}: the store's files cannot be opened \(Corruption.*remove .*kg build"
    for opening in (served.query_store, served.page_store):
        with pytest.raises(KgError, match=message):
            opening()
    served.close()
    monkeypatch.setattr(signal, "signal", lambda *_args: None)  # (a worker ignores Ctrl-C; this process must not)
    monkeypatch.setattr(site, "_WORKER_PAGES", None)
    site._start_worker(str(engine), None, None, str(tmp_path / "site"))
    reply = site._write_share(["http://example.org/x"])
    assert list(reply) == ["error"] and re.match(message, reply["error"]), reply


@pytest.mark.parametrize("command", [["serve", "--port", "1"], ["query", "--sparql", "ASK {}"], ["viz", "-o"]],
                         ids=lambda command: command[0])
def test_commands_on_a_damaged_store_say_one_line(command, project_store_copy, tmp_path, monkeypatch):
    """The project's store, its engine files overwritten: every command that reads it says so in
    one line naming it, exit 2 (kg serve binds no port first: port 1 would be refused)."""
    from click.testing import CliRunner

    from kg.cli import main

    damaged = project_store_copy
    for table in damaged.glob("gen-*/oxigraph/*.sst"):
        table.write_bytes(b"garbage")
    monkeypatch.setenv("KG_STORE", str(damaged))
    result = CliRunner().invoke(main, command + [str(tmp_path / "x.html")] * (command[0] == "viz"))
    lines = [line for line in result.stderr.splitlines() if not line.startswith("opening the store")]
    assert result.exit_code == 2 and len(lines) == 1, result.output
    assert lines[0].startswith(f"kg: error: {damaged}: the store's files cannot be opened"), result.output


def test_no_module_opens_a_store_on_disk_but_through_open_engine():
    """The kind of fault above: an on-disk Oxigraph store opened anywhere else than
    kg.store.persistent.open_engine escapes its one-line error. In-memory stores (``ox.Store()``)
    are free."""
    import ast

    import kg

    package = Path(kg.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                name = ast.unparse(node.func)
                opens = name.endswith(("Store.read_only", "Store.secondary")) or (name.endswith("Store")
                                                                                 and (node.args or node.keywords))
                if opens:
                    found.append(f"{path.relative_to(package)}:{node.lineno}: {ast.unparse(node)}")
    assert [entry.split(":")[0] for entry in found] == ["store/persistent.py"] * 2, found  # (open_engine's two)


@pytest.fixture
def read_only_media(tmp_path):
    """A function making a tmpfs under ``tmp_path`` and, after ``fill(place)``, remounting it
    read-only; unmounted afterwards. Skipped where nothing can be mounted."""
    mounted = []

    def make(fill) -> Path:
        place = tmp_path / "media"
        place.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(place)],
                          capture_output=True).returncode:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(place)
        fill(place)
        subprocess.run(["mount", "-o", "remount,ro", str(place)], check=True)
        return place

    yield make
    for place in mounted:
        subprocess.run(["umount", "--lazy", str(place)], check=False)  # (lazy: a failed test may hold a file open)


def test_a_current_store_on_read_only_media_is_read(files, read_only_media):
    """An up-to-date store on read-only media could not be queried ("gen-000023/.readers: the
    file system is read-only"): a reader takes its shared lock on the file opened for reading;
    a writer is refused naming the store's directory, not a temporary file."""
    from kg.errors import KgError

    def fill(place: Path) -> None:
        GraphStore(place / "store").update(inputs_of(*files))
        (place / "empty").mkdir()

    media = read_only_media(fill)
    store = GraphStore(media / "store")
    assert store.changes(inputs_of(*files)).current
    with store.reader() as view:
        assert count(view.store, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }") == sum(
            e.triples for e in view.manifest.entries.values()) > 0
    files[0].write_text(files[0].read_text(encoding="utf-8") + f"<{EX}new> <{EX}p> \"new\" .\n", encoding="utf-8")
    with pytest.raises(KgError) as refused:
        store.update(inputs_of(*files))
    assert str(refused.value).startswith(f"{media / 'store'}: the store cannot be written there (")
    assert "KG_STORE" in str(refused.value) and ".tmp" not in str(refused.value)
    with pytest.raises(KgError, match=r"media/empty: the store cannot be written there \(Read-only file system\)"):
        GraphStore(media / "empty").update(inputs_of(*files))


def _damage(store_dir: Path, entry, how: str) -> Path:
    cache = store_dir / "cache" / f"{entry.sha256}.nt"
    data = cache.read_bytes()
    if how == "truncated mid-line":
        cache.write_bytes(data[:len(data) // 2 + 3])
    elif how == "a line appended":
        cache.write_bytes(data + f"<{EX}intruder> <{EX}p> \"not in any file\" .\n".encode())
    elif how == "same size, other bytes":
        cache.write_bytes(data.replace(b"one", b"eno"))
    elif how == "removed":
        cache.unlink()
    elif how == "cache directory removed":
        import shutil

        shutil.rmtree(store_dir / "cache")
    return cache


DAMAGES = ["truncated mid-line", "a line appended", "same size, other bytes", "removed", "cache directory removed"]


@pytest.mark.parametrize("how", DAMAGES)
def test_a_damaged_cache_file_is_made_again_by_the_next_update(tmp_path, files, how):
    """`head -n 10000 cache/<sha>.nt > x && cat x > cache/<sha>.nt` made `kg export` write
    19,173 of 119,931 triples and `kg validate` blame the project's files, exit 0 or 1: the
    manifest records each cache file's SHA-256, and an unchanged input whose cache file no
    longer matches it is changed (as a damaged CURRENT makes the store again)."""
    store = GraphStore(tmp_path / "store")
    given = inputs_of(*files)
    manifest, _changes = store.update(given)
    with store.reader() as view:
        before = view.ntriples()
    entry = manifest.entries[f"{EX}graph/a"]
    _damage(tmp_path / "store", entry, how)
    changes = store.changes(given)
    damaged = [f"{EX}graph/a"] if how != "cache directory removed" else sorted(i.graph for i in given)
    assert sorted(changes.damaged) == damaged and not changes.current
    assert "damaged cache of: a.ttl" in changes.describe()
    # the same bytes as before (a.ttl's anonymous blank node included): a validation of the
    # change reads the previous generation's cache of the graph it replaces, and finds it intact
    store.update(given, before_publish=lambda draft: draft.previous.ntriples_path(f"{EX}graph/a"))
    assert store.changes(given).current
    with store.reader() as view:
        assert view.ntriples() == before


@pytest.mark.parametrize("how", DAMAGES)
def test_a_cache_file_damaged_under_a_reader_is_one_error_naming_it(tmp_path, files, how):
    """Every read of a cache file (the exports, validation, the rdflib engine, the summary:
    Reader.ntriples_path, StoreGraph) checks it against the manifest: what is left of a
    damaged file is never read as the graph."""
    from kg.errors import KgError
    from kg.store.graph import StoreGraph
    from kg.store.persistent import CacheDamaged

    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files))
    cache = _damage(tmp_path / "store", manifest.entries[f"{EX}graph/a"], how)
    what = "is missing" if "removed" in how else "does not match its checksum"
    message = (rf"^the store at {re.escape(str(tmp_path / 'store'))} is damaged \(cache file "
               rf"{re.escape(str(cache))} {what}\): remove {re.escape(str(cache))} and run the command again")
    with store.reader() as view:
        for reading in (lambda: view.ntriples(), lambda: view.ntriples_path(f"{EX}graph/a"),
                        lambda: StoreGraph.of(view)):
            with pytest.raises(CacheDamaged, match=message) as refused:
                reading()
            assert isinstance(refused.value, KgError) and refused.value.exit_code == 2
        if how != "cache directory removed":
            assert view.ntriples([f"{EX}graph/b"])  # the intact ones are read


def test_a_cache_file_damaged_with_its_size_and_time_kept_is_refused_and_made_again_once_removed(tmp_path, files):
    """The store is compared with its inputs by the size and time of its cache files (as of
    its input files), so bytes changed with both kept pass there; every read checks the
    SHA-256, and the way out its message gives (remove the file) makes it again."""
    from kg.store.persistent import CacheDamaged

    store = GraphStore(tmp_path / "store")
    given = inputs_of(*files)
    manifest, _changes = store.update(given)
    cache = tmp_path / "store" / "cache" / f"{manifest.entries[f'{EX}graph/a'].sha256}.nt"
    with store.reader() as view:
        intact = view.ntriples()  # (read once before: what this process remembers of it is no answer after)
    before = cache.stat()
    cache.write_bytes(cache.read_bytes().replace(b"one", b"eno"))
    os.utime(cache, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert store.changes(given).current
    with store.reader() as view, pytest.raises(CacheDamaged, match=f"remove {re.escape(str(cache))} and run"):
        view.ntriples()
    cache.unlink()
    assert store.changes(given).damaged == [f"{EX}graph/a"]
    store.update(given)
    with store.reader() as view:
        assert view.ntriples() == intact


def test_a_load_the_store_refuses_names_the_input_not_its_own_load_file(tmp_path, files):
    """`kg validate 'my data.ttl'` said "the store could not load its inputs: Parser error at
    line 3201 ... (.load.nq, line 3201)": the line of the store's own load file is mapped back
    to the input whose triples it holds (here a graph name no IRI, as a file name was)."""
    from kg.errors import KgError

    a, b, c = files
    given = [Input(a, f"{EX}graph/a", "data"), Input(b, f"{EX}graph/b and more", "data"), Input(c, f"{EX}c", "data")]
    with pytest.raises(KgError) as refused:
        GraphStore(tmp_path / "store").update(given)
    message = str(refused.value)
    assert message.startswith(f"{b}: the store could not load the triples read from this file ("), message
    assert ".load.nq" not in message and "line" not in message, message


def test_made_up_blank_node_labels_are_numbered_whatever_their_length():
    """pyoxigraph writes its random 128-bit labels without leading zeros: one in sixteen has
    fewer than 32 digits (a cache file written again differed then). A file's own labels
    are kept."""
    from kg.store.persistent import _unique_blank_nodes

    text = (b"_:abc <http://e.org/p> _:b2ecdfb1091370902e21b297916fb989 .\n"
            b"_:b2ecdfb1091370902e21b297916fb989 <http://e.org/p> _:2ecdfb1091370902e21b297916fb98 .\n"
            b"_:2ecdfb1091370902e21b297916fb98 <http://e.org/p> \"x\" .")
    assert _unique_blank_nodes(text, "0123456789ab") == (
        b"_:0123456789abxabc <http://e.org/p> _:0123456789abx-1 .\n"
        b"_:0123456789abx-1 <http://e.org/p> _:0123456789abx-2 .\n"
        b"_:0123456789abx-2 <http://e.org/p> \"x\" .")


def test_values_the_engine_cannot_compute_with_are_said_when_the_store_takes_them(tmp_path, files):
    """An ill-formed or out-of-range number or date loaded into the store drops out of sums,
    comparisons and filters (kg query answered without a word): the update names it."""
    from kg.store.project import uncomputable_note

    bad = write(tmp_path / "bad.ttl", f"""\
        @prefix ex: <{EX}> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:a ex:v "5.8e8"^^xsd:decimal , "12.5"^^xsd:decimal , "2023-02-28"^^xsd:date .
        ex:b ex:v "1000000000000000000000"^^xsd:decimal , "2023-02-30"^^xsd:date , "yes"^^xsd:boolean .
        """)
    store = GraphStore(tmp_path / "store")
    store.update(inputs_of(files[0], bad))
    with store.reader() as view:
        assert uncomputable_note(view, inputs_of(files[0])) is None
        note = uncomputable_note(view, inputs_of(bad))
    assert note.startswith("kg: warning: 4 values in the data the store cannot compute with")
    assert str(bad) in note and "`kg validate` names each" in note and "\n" not in note


def test_a_reading_command_warns_of_such_values_in_what_it_brings_into_the_store(project_store_copy, tmp_path,
                                                                                 monkeypatch):
    from click.testing import CliRunner

    from kg.cli import main

    store = project_store_copy
    monkeypatch.setenv("KG_STORE", str(store))
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path / "ws"))
    imports = tmp_path / "ws" / "imports"
    imports.mkdir(parents=True)
    write(imports / "t.ttl", """\
        <https://example.org/o> <http://purl.org/linked-data/sdmx/2009/measure#obsValue>
            "5.8e8"^^<http://www.w3.org/2001/XMLSchema#decimal> .
        """)
    done = CliRunner().invoke(main, ["query", "19", "--format", "csv"])
    assert done.exit_code == 0, done.output
    warnings = [line for line in done.stderr.splitlines() if line.startswith("kg: warning: ")]
    assert len(warnings) == 1 and '"5.8e8"^^<http://www.w3.org/2001/XMLSchema#decimal>' in warnings[0]
    assert str(imports / "t.ttl") in warnings[0]


def test_a_store_of_an_earlier_format_is_made_anew_not_a_traceback(project_store_copy, monkeypatch):
    """A store written by an earlier county-kg (format 1: entries without their cache file's
    SHA-256): a reading command makes it anew, the build validates without it, and reading it
    as it is (no update) is one line naming it."""
    from click.testing import CliRunner

    from kg.cli import main
    from kg.errors import KgError

    store = project_store_copy
    generation = store / (store / "CURRENT").read_text(encoding="utf-8").strip()
    manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
    manifest["format"] = 1
    for entry in manifest["entries"]:
        for key in ("cache_sha256", "cache_size", "cache_mtime_ns"):
            entry.pop(key)
    (generation / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(KgError, match=r"a store manifest of another format \(1\).*remove .* and run `kg build`"):
        with GraphStore(store).reader():
            pass
    monkeypatch.setenv("KG_STORE", str(store))
    result = CliRunner().invoke(main, ["validate", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith(f"kg: the store in {store} is not current (the store is of another format); "
                                    "updating it"), result.stderr
    assert GraphStore(store).manifest() is not None


def test_each_entry_records_its_blank_subjects_and_validation_finds_exactly_the_stores(tmp_path, files):
    """The manifest says how many lines of each graph's cache have a blank subject (0: none),
    and kg.validate.store.blank_subjects finds, from those graphs' caches alone, exactly the
    blank subjects a query over the whole store finds (a literal as the store keeps it, a node
    whose only triples point at blank nodes); a manifest that does not say (-1) is read too."""
    from kg.store.graph import StoreGraph
    from kg.validate.store import blank_subjects

    d = write(tmp_path / "d.nt", f"""\
        _:n1 <{EX}v> "1e0"^^<http://www.w3.org/2001/XMLSchema#double> .
        _:n2 <{EX}next> _:n3 .
        _:n3 <{EX}next> _:n2 .
        <{EX}u> <{EX}r> _:n1 .
        """)
    e = write(tmp_path / "e.nt", f"<{EX}plain> <{EX}p> <{EX}q> .\n")
    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files, d, e))
    counts = {Path(entry.path).name: entry.blank_subjects for entry in manifest.entries.values()}
    assert counts == {"a.ttl": 1, "b.nt": 1, "c.nt": 1, "d.nt": 3, "e.nt": 0}
    with store.reader() as view:
        graph = StoreGraph.of(view)
        every = {row[0] for row in view.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isBlank(?s)) }")}
        assert len(every) == 6
        assert set(blank_subjects(graph)) == every and len(blank_subjects(graph)) == 6
        for entry in graph.entries:
            entry.blank_subjects = -1  # (a manifest written before the count was)
        assert set(blank_subjects(graph)) == every


def test_each_entry_keeps_its_few_blank_subject_lines_and_validation_reads_no_cache_file_for_them(
        tmp_path, files, monkeypatch):
    """A national import holds one blank node (its checksum) in a 200 MB cache file, which the
    search for the store's blank subjects read whole (0.4 s) for its three lines: the manifest
    keeps those lines (Entry.blank_lines), exactly the cache file's, and the search finds the
    same blank subjects from them with no cache file there to read; a graph with more than
    BLANK_LINES_AT_MOST bytes of them is read as before (None)."""
    from kg.store import persistent
    from kg.store.graph import StoreGraph
    from kg.validate.store import blank_subjects

    d = write(tmp_path / "d.nt", f"""\
        _:n1 <{EX}v> "1e0"^^<http://www.w3.org/2001/XMLSchema#double> .
        _:n2 <{EX}next> _:n3 .
        <{EX}u> <{EX}r> _:n1 .
        _:n3 <{EX}label> "多 \\\\ \\"quoted\\"" .
        """)
    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files, d))
    for entry in manifest.entries.values():
        cache = store.cache_path(entry.sha256).read_bytes().decode("utf-8")
        assert entry.blank_lines == "".join(line + "\n" for line in cache.split("\n") if line.startswith("_:"))
        assert entry.blank_lines.count("\n") == entry.blank_subjects
    assert manifest.entries[f"{EX}graph/d"].blank_subjects == 3
    with store.reader() as view:
        graph = StoreGraph.of(view)
        every = {row[0] for row in view.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isBlank(?s)) }")}
        assert len(every) == 6
        graph.paths = {name: tmp_path / "no such file" for name in graph.paths}  # (nothing to read)
        assert set(blank_subjects(graph)) == every and len(blank_subjects(graph)) == 6
    monkeypatch.setattr(persistent, "BLANK_LINES_AT_MOST", 60)
    e = write(tmp_path / "e.nt", f"_:x <{EX}p> \"a long enough literal to pass sixty bytes\" .\n")
    manifest, _changes = store.update(inputs_of(*files, d, e))
    assert manifest.entries[f"{EX}graph/e"].blank_lines is None
    assert manifest.entries[f"{EX}graph/c"].blank_lines is not None  # (kept from before, and small)
    with store.reader() as view:
        graph = StoreGraph.of(view)
        every = {row[0] for row in view.store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isBlank(?s)) }")}
        assert set(blank_subjects(graph)) == every and len(every) == 7


def test_blank_subject_lines_are_found_across_the_blocks_a_large_cache_file_is_read_in(tmp_path):
    """The cache file is read a megabyte at a time: a blank-subject line cut by a block's end
    is counted and kept whole, once."""
    from kg.store.persistent import _count_lines

    filler = f"<{EX}s> <{EX}p> \"{'y' * 200}\" .\n"
    head = filler * ((1 << 20) // len(filler))
    cut = (1 << 20) - len(head)  # bytes of the first block left for the next line
    blank = f"_:edge <{EX}p> <{EX}o{'x' * cut}> .\n"  # starts in the first block, ends in the second
    text = "_:first <{0}p> <{0}o> .\n".format(EX) + head + blank + filler * 10 + f"_:last <{EX}p> <{EX}o> ."
    path = tmp_path / "big.nt"
    path.write_text(text, encoding="utf-8")
    lines, found, kept = _count_lines(path)
    assert (lines, found) == (text.count("\n"), 3)
    assert kept == "".join(line + "\n" for line in text.split("\n") if line.startswith("_:"))


def _older_than_now(path: Path, probe: Path) -> None:
    """Wait until a file written now gets a later change time than ``path`` has (file times
    advance in ticks): an edit of ``path`` from then on changes its change time."""
    while True:
        probe.write_bytes(b"")
        if probe.stat().st_ctime_ns > path.stat().st_ctime_ns:
            return
        time.sleep(0.001)


def test_a_cache_file_as_recorded_is_read_without_hashing_and_an_edited_one_is_hashed(tmp_path, files, monkeypatch):
    """Every command that opens the store checked every cache file by its SHA-256: 0.3 s for a
    national table's 200 MB. A cache file whose size, modification and change times and inode
    are those recorded is read as it is; an edit of the same size is noticed when its
    modification time changes, and when it is set back (the change time moves, and no one can
    set it back); a copy of the store (other inodes) is hashed."""
    import shutil

    from kg.store import persistent
    from kg.store.persistent import CacheDamaged

    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files))
    entry = manifest.entries[f"{EX}graph/a"]
    cache = store.cache_path(entry.sha256)
    _older_than_now(cache, tmp_path / "probe")
    stat = cache.stat()
    entry.cache_size, entry.cache_mtime_ns, entry.cache_ctime_ns, entry.cache_inode = \
        stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino
    hashed = []
    real_sha256_of = persistent.sha256_of
    monkeypatch.setattr(persistent, "sha256_of", lambda path: hashed.append(Path(path)) or real_sha256_of(path))
    persistent._CHECKED.clear()
    assert store.cache_intact(entry) and hashed == []
    intact = cache.read_bytes()
    # the same size, another modification time
    cache.write_bytes(intact.replace(b"one", b"eno"))
    assert cache.stat().st_size == entry.cache_size and cache.stat().st_mtime_ns != entry.cache_mtime_ns
    assert not store.cache_intact(entry) and hashed == [cache]
    with pytest.raises(CacheDamaged):
        store.cache_file(entry)
    # the same size and modification time: the change time tells
    cache.write_bytes(intact)
    _older_than_now(cache, tmp_path / "probe")
    stat = cache.stat()
    entry.cache_mtime_ns, entry.cache_ctime_ns, entry.cache_inode = stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino
    hashed.clear()
    assert store.cache_intact(entry) and hashed == []
    cache.write_bytes(intact.replace(b"one", b"eno"))
    os.utime(cache, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (cache.stat().st_size, cache.stat().st_mtime_ns) == (entry.cache_size, entry.cache_mtime_ns)
    assert not store.cache_intact(entry) and hashed == [cache]
    # a copy: other inodes, hashed (and intact)
    cache.write_bytes(intact)
    shutil.copytree(tmp_path / "store", tmp_path / "copy", copy_function=shutil.copy2)
    copy = GraphStore(tmp_path / "copy")
    hashed.clear()
    assert copy.cache_intact(entry) and hashed == [copy.cache_path(entry.sha256)]


def test_a_cache_file_recorded_in_the_tick_it_was_written_in_is_hashed_when_read(tmp_path):
    """File times advance in ticks: a cache file written again in the tick its state was
    recorded in would keep its change time. An entry whose change time is not before that of a
    file written after the cache files (the generation's .readers) is not taken as recorded
    (-1: hashed when read), as git does its "racily clean" entries."""
    from kg.store.persistent import Entry, _settle

    probe = tmp_path / ".readers"
    probe.touch()
    now = probe.stat().st_ctime_ns

    def entry(ctime: int) -> Entry:
        return Entry("g", "p", "data", "0" * 64, 1, 1, 1, "0" * 64, 1, 1, cache_ctime_ns=ctime, cache_inode=7)

    before, same, after = entry(now - 1), entry(now), entry(now + 1)
    _settle([before, same, after], probe)
    assert (before.cache_ctime_ns, before.cache_inode) == (now - 1, 7)
    assert (same.cache_ctime_ns, same.cache_inode) == (after.cache_ctime_ns, after.cache_inode) == (-1, -1)


@pytest.mark.parametrize("chunk", [1, 3, 250_000])
def test_a_load_in_chunks_is_the_load_in_one_document(tmp_path, files, monkeypatch, chunk):
    """Oxigraph's bulk loader is given at most LOAD_CHUNK lines at a time (its memory grows
    with what one call is given), the lines naming blank nodes together in one document: each
    file's blank node is one node in its named graph and in the union, whatever the chunks."""
    from kg.store import persistent

    monkeypatch.setattr(persistent, "LOAD_CHUNK", chunk)
    calls = []
    real = persistent._ChunkedLoad._load
    monkeypatch.setattr(persistent._ChunkedLoad, "_load", lambda self, lines, numbers: (
        calls.append(len(lines)) if lines else None, real(self, lines, numbers))[1])
    store = GraphStore(tmp_path / "store")
    manifest, _changes = store.update(inputs_of(*files))
    reference = ox.Store()
    for given in inputs_of(*files):  # one document per file: its blank nodes its own
        quads = [ox.Quad(t.subject, t.predicate, t.object, g) for t in ox.parse(
            path=str(store.cache_path(manifest.entries[given.graph].sha256)), format=ox.RdfFormat.N_TRIPLES)
                 for g in (ox.NamedNode(given.graph), ox.DefaultGraph())]
        reference.extend(quads)
    with store.reader() as view:
        def shapes(store):  # (the loader labels blank nodes afresh)
            return sorted(re.sub(r"_:[\w-]+", "_:b", str(q)) for q in store)

        assert shapes(view.store) == shapes(reference)
        # each blank node is the same node in its named graph and in the union: 3 of them
        assert count(view.store, f"SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE {{ GRAPH ?g {{ ?b <{EX}p> ?v }} "
                                 f"?b <{EX}p> ?v . ?s <{EX}r> ?b FILTER isBlank(?b) }}") == 3
    blank_lines = 2 * 6  # the six triples naming a blank node, each in its graph and the union
    assert calls[-1] == blank_lines and sum(calls) == 2 * 11
    assert max(calls[:-1]) <= chunk


def test_a_refused_line_in_a_later_chunk_names_its_input(tmp_path, files, monkeypatch):
    from kg.errors import KgError
    from kg.store import persistent

    monkeypatch.setattr(persistent, "LOAD_CHUNK", 2)
    a, b, c = files
    given = [Input(a, f"{EX}graph/a", "data"), Input(c, f"{EX}c", "data"), Input(b, f"{EX}graph/b and more", "data")]
    with pytest.raises(KgError) as refused:
        GraphStore(tmp_path / "store").update(given)
    assert str(refused.value).startswith(f"{b}: the store could not load the triples read from this file ("), \
        str(refused.value)
    # and the line number counted over every line given, not within the chunk
    load = persistent._ChunkedLoad(ox.Store())
    for i in range(5):
        load.add(f"<{EX}s{i}> <{EX}p> <{EX}o> .\n".encode())
    with pytest.raises(SyntaxError) as bad:  # (the chunk of lines 5 and 6, loaded as line 6 is added)
        load.add(f"<{EX}s> <{EX}p> <not an iri> .\n".encode())
    assert bad.value.lineno == 6


@pytest.mark.parametrize("text", [
    b'<http://e/a> <http://e/p> "x"@zh-hans .\n<http://e/a> <http://e/p> "29"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
    b'<http://e/a> <http://e/p> "x \\"@zh-hant .\\n"@zh-hant .\n<http://e/a> <http://e/p> "y"@en .\n',
    b'<http://e/a> <http://e/p> "1234567890123456789012"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
    b'<http://e/a> <http://e/p> "-7"^^<http://www.w3.org/2001/XMLSchema#decimal> .',
    b'<http://e/a> <http://e/p> "x"@zh-hans .',
    b'<http://e/a> <http://e/p> "7.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
])
def test_the_text_as_written_is_each_line_as_written(text):
    from kg.store import ntriples

    assert ntriples._text_as_written(text) == b"\n".join(ntriples._as_written(line) for line in text.split(b"\n"))

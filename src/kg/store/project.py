"""The project's store: which files make the graph, where its store is, and the store opened
current by every command that reads the graph.

The inputs are the ontology, the curated data (or the files a build was given instead), the
files ``kg build --add`` gave, and the default workspace's imports and link sets, each its own
named graph (:func:`inputs`). The store lives in ``$KG_STORE``, else ``dist/store`` (inside
the build output, ``<output>/store`` for ``kg build -o OUTPUT``). A reading command opens it
with :func:`opened`: when the inputs changed since the store was written it says so in one
line and brings the store up to date first (only the changed graphs), so no command ever
answers from files that are no longer what the store holds.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from kg.store.files import (
    _workspace_for,
    data_files,
    graph_iri,
    one_graph_per_file,
    ontology_files,
    workspace_files,
    workspace_graph_iri,
)
from kg.store import persistent
from kg.store.persistent import Changes, GraphStore, Input, Reader
from kg.store.syntax import rdf_file

STORE_ENV = persistent.STORE_ENV
Progress = Callable[[str], None]


def location(output: Path | str | None = None) -> Path:
    """Where the store is: ``$KG_STORE``; else ``<output>/store`` for a build into
    ``output``; else ``dist/store`` under the current directory."""
    if os.environ.get(STORE_ENV):
        return Path(os.environ[STORE_ENV])
    return Path(output if output is not None else Path.cwd() / "dist") / "store"


def inputs(data: Sequence[Path | str] | None = None, add: Sequence[Path | str] = (),
           workspace: Path | str | bool | None = None) -> list[Input]:
    """The graph's files, each with its named graph and role: the ontology; the project's
    data (or ``data`` instead: then no workspace unless ``workspace`` names one); ``add``;
    the workspace's imports and link sets (default: $KG_WORKSPACE or ./county-kg-data).

    Raises KgError for a file that is missing or unreadable, or two files that would be the
    same named graph."""
    given: list[Input] = [Input(Path(p), graph_iri(p), "ontology") for p in ontology_files()]
    base = data_files() if data is None else [Path(p) for p in data]
    given += [Input(rdf_file(p), graph_iri(p), "data") for p in base]
    given += [Input(rdf_file(p), graph_iri(p), "added") for p in add]
    space = _workspace_for(data, workspace)
    if space is not None:
        given += [Input(p, workspace_graph_iri(p), "workspace") for p in workspace_files(space)]
    seen: dict[str, Path] = {}
    for item in given:
        one_graph_per_file(item.graph, item.path, seen)
        seen.setdefault(item.graph, item.path)
    return given


def recipe(data: Sequence[Path | str] | None = None, add: Sequence[Path | str] = ()) -> dict:
    """What :func:`inputs` was given, for the manifest: a reading command rebuilds the same
    list of inputs from it (:func:`recorded_inputs`), with the default workspace as it is."""
    return {"data": None if data is None else [str(Path(p).resolve()) for p in data],
            "added": [str(Path(p).resolve()) for p in add]}


def recorded_inputs(store: GraphStore, workspace: Path | str | None = None) -> tuple[list[Input], dict]:
    """The inputs as the store's last writer defined them (its recipe), as the files are
    now, with the default workspace (or ``workspace``): a new import in it is added, a file
    removed since is left out."""
    manifest = store.manifest()
    made = manifest.recipe if manifest is not None else {}
    data = made.get("data")
    added = [p for p in made.get("added", []) if Path(p).is_file()]
    if data is not None:
        data = [p for p in data if Path(p).is_file()]
    return inputs(data, added, workspace), recipe(data, added)


def stale(store: GraphStore) -> Changes:
    """What makes the store differ from its inputs (nothing: ``.current``)."""
    given, _made = recorded_inputs(store)
    return store.changes(given)


#: The file in the store's directory naming the workspace whose imports and link sets the
#: store last held (written by each command that brought the store up to date).
WORKSPACE_RECORD = "WORKSPACE"


def followed_workspace(store: GraphStore) -> Path | None:
    """The workspace whose imports and link sets the store last held (None: not known)."""
    try:
        text = (store.directory / WORKSPACE_RECORD).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return Path(text) if text else None


def record_workspace(store: GraphStore, workspace: Path | str | None) -> None:
    from kg.store.files import default_workspace

    used = str(Path(workspace if workspace is not None else default_workspace()).resolve())
    if store.directory.is_dir() and str(followed_workspace(store) or "") != used:
        from kg.store.persistent import _write_atomic

        try:
            _write_atomic(store.directory / WORKSPACE_RECORD, (used + "\n").encode("utf-8"))
        except OSError:
            pass  # a store on read-only media: the note is for a later update, which cannot happen there


def workspace_note(store: GraphStore, changes: Changes, workspace: Path | str | None) -> str:
    """Which workspace the update follows, said when imports or link sets leave the store or
    the store held another workspace's: a command without --workspace reads $KG_WORKSPACE,
    else ./county-kg-data."""
    from kg.store.files import WORKSPACE_ENV, default_workspace

    used = Path(workspace if workspace is not None else default_workspace()).resolve()
    before = followed_workspace(store)
    leaving = any("/graph/import/" in g or "/graph/links/" in g for g in changes.removed)
    if before is not None and before != used and before.is_dir() and workspace_files(before, note=False):
        return (f"; it held the workspace {before}, this command reads {used} (set {WORKSPACE_ENV}={before} "
                f"to keep reading it)")
    if leaving:
        return f" (from the workspace {used}; {WORKSPACE_ENV} chooses another)"
    return ""


def refresh(store: GraphStore, *, say: Progress, progress: Progress = lambda _m: None,
            workspace: Path | str | None = None, before_publish=None) -> Changes:
    """Bring the store up to date with its recorded inputs (with the default workspace, or
    ``workspace``), saying so in one line when it was not, with the workspace it follows when
    that is not the one it held or imports leave it (the graphs are not validated here:
    ``kg build`` and ``kg validate`` do that, and record it)."""
    given, made = recorded_inputs(store, workspace)
    changes = store.changes(given)
    if not changes.current:
        # the writer's lock first: a directory kg may not write the store into is refused before
        # the line announcing the update (the update takes the same lock, held here)
        with store.writing(progress):
            # a first store is made, not "updated": the line says where, as the user did not choose it
            said = (f"kg: making the store in {store.directory} (there is none yet)" if changes.first
                    else f"kg: the store in {store.directory} is not current ({changes.describe()}); updating it")
            say(said + workspace_note(store, changes, workspace))
            _manifest, changes = store.update(given, recipe=made, progress=progress, before_publish=before_publish)
        new = changes.added + changes.changed
        if new:
            with store.reader() as view:
                warning = uncomputable_note(view, new)
            if warning:
                say(warning)
    record_workspace(store, workspace)
    return changes


#: The values the store's engine cannot compute with, found by the engine itself: a number it
#: cannot add 0 to, a date or year whose year it cannot read, a boolean it cannot negate
#: (ill-formed, such as "5.8e8"^^xsd:decimal, or beyond its range, such as a decimal of 1e21).
#: SPARQL leaves such a value out of sums, comparisons and filters without a word.
_UNCOMPUTABLE = """PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?g ?s ?p ?o WHERE {
  VALUES ?g { %s }
  GRAPH ?g { ?s ?p ?o }
  FILTER (isLiteral(?o))
  BIND (datatype(?o) AS ?d)
  BIND (IF(?d IN (xsd:decimal, xsd:integer, xsd:double, xsd:float, xsd:long, xsd:int, xsd:short, xsd:byte,
                  xsd:nonNegativeInteger, xsd:positiveInteger, xsd:nonPositiveInteger, xsd:negativeInteger,
                  xsd:unsignedLong, xsd:unsignedInt, xsd:unsignedShort, xsd:unsignedByte), ?o + 0,
        IF(?d IN (xsd:date, xsd:dateTime, xsd:dateTimeStamp, xsd:gYear, xsd:gYearMonth), YEAR(?o),
        IF(?d = xsd:boolean, !?o || ?o, 1))) AS ?n)
  FILTER (!BOUND(?n))
} LIMIT 1001"""


def uncomputable_note(view: Reader, inputs: Sequence[Input]) -> str | None:
    """A one-line warning when the graphs of ``inputs`` (just loaded into ``view``) hold values
    the store's engine cannot compute with (:data:`_UNCOMPUTABLE`), naming the first with its
    file; None when they hold none. The store keeps them as written: ``kg validate`` reports
    each as a violation, and a reading command says this much before it answers."""
    files = {given.graph: given.path for given in inputs}
    graphs = " ".join(f"<{graph}>" for graph in files)
    found = list(view.store.query(_UNCOMPUTABLE % graphs))
    if not found:
        return None
    first = found[0]
    count = f"{len(found) - 1}+" if len(found) > 1000 else str(len(found))
    return (f"kg: warning: {count} value{'' if len(found) == 1 else 's'} in the data the store cannot compute with "
            f"(ill-formed, or beyond its range), first {first['o']} of {first['s']} {first['p']} in "
            f"{files.get(first['g'].value, first['g'].value)}: sums, comparisons and filters leave "
            f"{'it' if len(found) == 1 else 'them'} out; `kg validate` names each")


@contextmanager
def opened(directory: Path | str | None = None, *, say: Progress, progress: Progress = lambda _m: None,
           workspace: Path | str | None = None) -> Iterator[Reader]:
    """The store (default: :func:`location`), brought up to date (:func:`refresh`, with the
    default workspace or ``workspace``) and open for reading until the block ends (its
    generation held: a writer publishing meanwhile does not change what this block reads)."""
    store = GraphStore(directory if directory is not None else location())
    refresh(store, say=say, progress=progress, workspace=workspace)
    with store.reader() as view:
        yield view


@contextmanager
def temporary(files: Sequence[Path | str]) -> Iterator[Reader]:
    """A store of the project's ontology and ``files`` (instead of its data), in a temporary
    directory removed when the block ends: for validating files that are not the project's."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kg-store-") as scratch:
        store = GraphStore(Path(scratch) / "store")
        store.update(inputs(files), recipe=recipe(files))
        with store.reader() as view:
            yield view

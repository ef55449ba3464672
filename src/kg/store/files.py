"""Which files make the project's graph, and the named graph each becomes: the ontology, the
shapes, the curated data and the workspace's imports and link sets. Nothing here reads RDF
(kg.store.load does, into rdflib; kg.store.persistent into the store), so a command that
only opens the store needs no RDF library to know whether the store is current.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg import paths
from kg.errors import KgError
from kg.prefixes import BASE

#: The namespace of the named graphs (kg.namespaces.GRAPH).
GRAPH_NS = BASE + "graph/"


def ontology_files() -> list[Path]:
    return [paths.ontology_file()]


def shape_files() -> list[Path]:
    return sorted(paths.shapes_dir().glob("*.ttl"))


def data_files() -> list[Path]:
    """The curated data, in a stable order: shared resources, the gazetteer (generated from the
    division codes by `kg gazetteer`) and the units imported tables use, the sources'
    descriptions (the first article's in data/sources/, each added document's in its folder),
    the themes, then the facts accepted from added documents' reviews (``facts.ttl``)."""
    data = paths.data_dir()
    return [
        *sorted((data / "core").glob("*.ttl")),
        *sorted((data / "gazetteer").glob("*.ttl")),
        *sorted((data / "linking").glob("*.ttl")),
        *sorted((data / "sources").glob("*.ttl")),
        *sorted((data / "sources").glob("*/source.ttl")),
        *sorted((data / "themes").glob("*.ttl")),
        *sorted((data / "sources").glob("*/facts.ttl")),
    ]


#: RFC 3987's ucschar: the characters beyond ASCII an IRI's path holds as they are
_UCSCHAR = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF),
            *((plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 14)), (0xE1000, 0xEFFFD))
#: ASCII an IRI's path segment holds as it is (RFC 3987 ipchar: unreserved, sub-delims, ":", "@")
_PATH_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@")


def iri_path(text: str) -> str:
    """``text`` (a file's path, segments separated by "/") as the path of an IRI (RFC 3987):
    every character an IRI's path does not hold as it is percent-encoded as its UTF-8 bytes
    (a space as %20, ">" as %3E, "#" as %23, "%" as %25); letters of any script are kept,
    as an IRI holds them (data/水富.ttl -> .../data/水富). The same text always gives the same
    IRI, and two texts never the same one."""
    out = []
    for char in text:
        code = ord(char)
        if char in _PATH_ASCII or char == "/" or any(low <= code <= high for low, high in _UCSCHAR):
            out.append(char)
        else:
            out.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8", "surrogatepass")))
    return "".join(out)


def graph_iri(path: Path) -> str:
    """The IRI of the named graph a file is loaded into: stable, derived from its place in the
    project (a file outside it: from its name), as an IRI path (:func:`iri_path`: `kg validate
    'my data.ttl'` made the graph <.../file/my data>, which no store loads)."""
    path = Path(path).resolve()
    try:
        relative = path.relative_to(paths.root().resolve())
    except ValueError:
        return GRAPH_NS + "file/" + iri_path(path.stem)
    return GRAPH_NS + iri_path(str(relative.with_suffix("")).replace("\\", "/"))


# -- the workspace: imported tables and link sets, outside the project's own files ----------

WORKSPACE_ENV = "KG_WORKSPACE"
WORKSPACE_DEFAULT = "county-kg-data"
#: workspace subdirectory -> named-graph path segment (imports/x.ttl -> graph/import/x)
WORKSPACE_KINDS = {"imports": "import", "links": "links"}


def default_workspace() -> Path:
    """Where `kg import` and `kg link` keep their graphs: $KG_WORKSPACE, else ./county-kg-data.
    Raises OutputRefused for KG_WORKSPACE=- (standard output holds no directory), as for
    ``--workspace -`` (kg.outputs.refuse_standard_output)."""
    from kg.outputs import refuse_standard_output

    value = os.environ.get(WORKSPACE_ENV)
    if value:
        refuse_standard_output(value, f"the workspace (${WORKSPACE_ENV})")
    return Path(value or Path.cwd() / WORKSPACE_DEFAULT)


#: What kg writes beside the graphs in a workspace directory: an import's report, a link
#: set's review table (kg.link.importer, kg.link.discover). Not graphs, and not the user's.
WORKSPACE_COMPANIONS = {"imports": (".report.csv",), "links": (".review.csv",)}
_NOTED: set[tuple[Path, tuple[str, ...]]] = set()


def workspace_files(workspace: Path, *, note: bool = True) -> list[Path]:
    """The workspace's graphs: one Turtle file per import and per link set, in a stable order
    (a hidden file is none: an import being written, see kg.link.importer).

    ``imports/`` and ``links/`` hold what ``kg import`` and ``kg link`` write, Turtle only;
    anything else found there (an ``.nt`` or ``.jsonld`` put there by hand, a subdirectory) is
    no graph of the workspace. It is named in one warning on kg's log (on the terminal by
    default), once per command for the same files, instead of being left out without a word;
    RDF of one's own goes in with ``kg build --add``. ``note=False``: no warning (a workspace
    only looked at, not read)."""
    workspace = Path(workspace)
    found: list[Path] = []
    other: list[str] = []
    for kind in WORKSPACE_KINDS:
        directory = workspace / kind
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            if path.name.startswith("."):
                continue
            if path.suffix == ".ttl" and path.is_file():
                found.append(path)
            elif not (path.is_file() and path.name.endswith(WORKSPACE_COMPANIONS[kind])):
                other.append(f"{kind}/{path.name}" + ("/" if path.is_dir() else ""))
    if other and note:
        _note_not_loaded(workspace, other)
    return found


def _note_not_loaded(workspace: Path, names: list[str]) -> None:
    import logging

    key = (workspace.resolve(), tuple(names))
    if key in _NOTED:
        return  # once a command: the store and the import list the workspace more than once
    _NOTED.add(key)
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    logging.getLogger("kg.store").warning(
        "%s: %s not loaded (the workspace's imports/ and links/ hold only the Turtle files kg import "
        "and kg link write; add RDF of your own with kg build --add FILE)", workspace, shown)


def workspace_graph_iri(path: Path) -> str:
    """imports/<slug>.ttl -> graph/import/<slug>; links/<slug>.ttl -> graph/links/<slug> (the IRI)."""
    path = Path(path)
    kind = WORKSPACE_KINDS.get(path.parent.name)
    if kind is None:
        raise KgError(f"{path}: not in a workspace's imports/ or links/ directory")
    return f"{GRAPH_NS}{kind}/{iri_path(path.stem)}"


def _workspace_for(data, workspace) -> Path | None:
    if workspace is False:
        return None
    if workspace is None or workspace is True:
        if data is not None and workspace is None:
            return None  # explicit data files: the workspace only when asked for
        workspace = default_workspace()
    workspace = Path(workspace)
    if workspace.exists() and not workspace.is_dir():
        raise KgError(f"{workspace}: the workspace is not a directory (see --workspace and ${WORKSPACE_ENV})")
    return workspace if workspace.is_dir() else None


def one_graph_per_file(name: str, path: Path, registry: dict) -> None:
    """A KgError when ``path`` would go to the named graph ``name`` that another file of the
    same load already went to (``registry``: name -> file). A file outside the project is
    named by its file name (:func:`graph_name`): `--add a/x.ttl --add b/x.ttl` merged the two
    into one graph <.../graph/file/x> without a word."""
    other = registry.get(name)
    if other is not None and Path(other).resolve() != Path(path).resolve():
        raise KgError(f"{path}: would be the named graph <{name}>, as {other} is (a file outside the project "
                      f"is named by its file name): rename one of them")

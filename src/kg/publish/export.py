"""Serialise the merged graph: Turtle, N-Triples, JSON-LD (one graph) or TriG (named graphs).

Every export is byte for byte the same for the same graph, whatever the run or the Python
hash seed: blank nodes are labelled from their content (rdflib.compare), named graphs are
written in the order of their names, JSON-LD nodes in the order of their @id.
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
from pathlib import Path

from rdflib import BNode, Dataset, Graph
from rdflib.plugins.serializers.trig import TrigSerializer

from kg import outputs
from kg.errors import KgError
from kg.store.blanknodes import canonical_blank_triples
from kg.namespaces import GRAPH, PREFIXES, bind_prefixes
from kg.publish.literals import as_written
from kg.store.load import Loaded
from kg.store.tags import registered_graph, registered_term

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
EXTENSIONS = {"ttl": ".ttl", "nt": ".nt", "jsonld": ".jsonld", "trig": ".trig"}


def jsonld_context() -> dict[str, str]:
    return {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def canonical_blank_nodes(graph: Graph, scope: str = "") -> Graph:
    """``graph`` with its blank nodes relabelled from what is said about them, in place.

    rdflib labels blank nodes at random when it parses, and its serializers order and name
    them by label. Only the triples that hold a blank node (a few hundred here) are
    canonicalised (kg.store.blanknodes). ``scope`` (a named graph's name)
    makes labels unique across the graphs of one TriG document."""
    blank = [t for t in graph if isinstance(t[0], BNode) or isinstance(t[2], BNode)]
    if not blank:
        return graph
    prefix = hashlib.sha256(scope.encode("utf-8")).hexdigest()[:8] if scope else ""
    sub = Graph()
    for triple in blank:
        graph.remove(triple)
        sub.add(triple)
    relabel = (lambda node: BNode(prefix + node) if isinstance(node, BNode) else node) if prefix else (lambda n: n)
    for s, p, o in canonical_blank_triples(sub):
        graph.add((relabel(s), p, relabel(o)))
    return graph


def _named_graphs(loaded: Loaded) -> Dataset:
    """Ontology and data files as named graphs (shapes are not part of the knowledge graph)."""
    dataset = bind_prefixes(Dataset(default_union=False))
    for name, path in loaded.files.items():
        if str(name).startswith(str(GRAPH["ontology/shapes/"])):
            continue
        target = dataset.graph(name)
        for s, p, o in loaded.dataset.graph(name):
            target.add((s, p, registered_term(o)))
        canonical_blank_nodes(target, str(name))
    return dataset


def _trig(dataset: Dataset) -> bytes:
    """rdflib's TriG, with the named graphs in the order of their names (rdflib writes them
    in the order of a set)."""
    serializer = TrigSerializer(dataset)
    serializer.contexts.sort(key=lambda graph: str(graph.identifier))
    stream = io.BytesIO()
    serializer.serialize(stream, encoding="utf-8")
    return stream.getvalue()


def _sorted_jsonld(text: bytes) -> bytes:
    """rdflib's JSON-LD with its nodes, keys and values in a stable order (it writes them in
    the order of sets). Values of a property form a set in JSON-LD; only @list keeps order."""

    def stable(value, ordered: bool = False):
        if isinstance(value, dict):
            return {key: stable(item, key == "@list") for key, item in value.items()}
        if isinstance(value, list):
            items = [stable(item) for item in value]
            return items if ordered else sorted(items, key=lambda item: json.dumps(item, sort_keys=True,
                                                                                   ensure_ascii=False))
        return value

    document = stable(json.loads(text))
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"


def serialize(loaded: Loaded, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")
    if fmt == "trig":
        return _trig(as_written(_named_graphs(loaded)))
    # tags in registered case, as every output; blank nodes labelled from what is said of them
    graph: Graph = canonical_blank_nodes(registered_graph(loaded.union()))
    if fmt == "jsonld":
        return _sorted_jsonld(graph.serialize(format="json-ld", context=jsonld_context(), encoding="utf-8",
                                              ensure_ascii=False))
    if fmt == "nt":
        # N-Triples one triple a line, sorted
        lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    return as_written(graph).serialize(format=FORMATS[fmt], encoding="utf-8")


#: The record a build leaves beside the store's generation: where it wrote the exports of that
#: generation, so that ``kg export`` copies them instead of writing them again.
EXPORTS_RECORD = "exports.json"


def built_exports(view) -> dict[str, Path]:
    """The exports a build wrote of this generation (a kg.store.persistent Reader) and that
    are still as it wrote them (size and modification time, else SHA-256): {format: path}."""
    import hashlib

    data = view.record(EXPORTS_RECORD)
    if data is None:
        return {}
    found = {}
    for fmt, item in json.loads(data).items():
        path = Path(item["path"])
        try:
            stat = path.stat()
        except OSError:
            continue
        if stat.st_size != item["size"]:
            continue
        if stat.st_mtime_ns != item["mtime_ns"]:
            with open(path, "rb") as handle:
                if hashlib.file_digest(handle, "sha256").hexdigest() != item["sha256"]:
                    continue
        found[fmt] = path
    return found


def exports_record(files: dict[str, Path]) -> bytes:
    """The :data:`EXPORTS_RECORD` of exports just written: {format: path, size, time, SHA-256}."""
    import hashlib

    record = {}
    for fmt, path in files.items():
        stat = path.stat()
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        record[fmt] = {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                       "sha256": digest}
    return json.dumps(record, indent=1, sort_keys=True).encode("utf-8")


def export(fmt: str, output: str | Path, loaded: Loaded | None = None, *, force: bool = False,
           say=None) -> int:
    """Write the graph to ``output`` ("-" for stdout); returns the number of bytes.

    From the project's store (brought up to date first, kg.store.project.opened): the file the
    last build wrote of the same generation is copied as it is; otherwise the export is
    written from the store's cache (kg.publish.ntexport). ``loaded``: an rdflib graph to
    serialize instead (the reference serializer, :func:`serialize`).

    A file is claimed before the graph is read (kg.outputs.claim_file: an existing file is
    replaced only if it carries kg's generator mark, or with ``force``); Turtle, TriG and
    N-Triples open with that mark (JSON-LD has no comments, so it carries none)."""
    import shutil
    import tempfile

    if fmt not in FORMATS:
        raise KgError(f"unknown export format {fmt!r} (expected {', '.join(FORMATS)})")
    from kg.store.syntax import check_output_name

    check_output_name(output, f".{fmt}", FORMATS)
    target = None if str(output) == "-" else outputs.claim_file(output, force=force)
    head = b"" if fmt == "jsonld" else outputs.generator_comment("kg export").encode("utf-8")
    if loaded is not None:
        data = head + serialize(loaded, fmt)
        if target is None:
            _write_all(sys.stdout.buffer, data)
        else:
            target.write_bytes(data)
        return len(data)
    from kg.publish.ntexport import write_export
    from kg.store.graph import StoreGraph
    from kg.store.project import opened

    with opened(say=say or (lambda m: print(m, file=sys.stderr, flush=True))) as view, \
            tempfile.TemporaryDirectory(prefix="kg-export-") as scratch:
        source = built_exports(view).get(fmt)
        if source is None:
            source = Path(scratch) / f"county-kg{EXTENSIONS[fmt]}"
            write_export(StoreGraph.of(view), fmt, source)
        size = len(head) + source.stat().st_size
        if target is None:
            _write_all(sys.stdout.buffer, head)
            with open(source, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    _write_all(sys.stdout.buffer, chunk)
        else:
            with target.open("wb") as out, open(source, "rb") as handle:
                out.write(head)
                shutil.copyfileobj(handle, out, 1 << 20)
    return size


def _write_all(stream, data: bytes) -> None:
    """Write every byte of ``data`` to ``stream``. A buffered stream may take only part of a
    large write (a pipe whose reader left takes what fits, and the write returns its size):
    the rest is written again, so a closed pipe ends in BrokenPipeError (kg exits 141), never
    in an output silently cut short."""
    view = memoryview(data)
    while view:
        written = stream.write(view)
        view = view[len(view) if written is None else written:]
    stream.flush()

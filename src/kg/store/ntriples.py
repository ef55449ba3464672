"""N-Triples with the terms exactly as the files write them, and its canonical sorted form.

Validation and the exports of large graphs both start from one dump of every file as
N-Triples (:func:`dump`). It is not read back from the Oxigraph store: the store keeps values,
not lexical forms (it writes ``"5"^^xsd:positiveInteger`` back as ``"5"^^xsd:integer`` and
``29.0`` as ``29``), which ``sh:datatype`` or a lexical constraint could tell apart.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from kg.errors import KgError
from kg.languages import LANGUAGES
from kg.store.representable import unrepresentable
from kg.store.syntax import (BOM, holds_quads, note_graphs_read_as_one, note_nothing_read, oxigraph_input, rdf_file,
                             rdf_format, syntax_error, triples_of)

__all__ = ["rdf_format", "plain", "dump", "canonical"]


def plain(body: bytes) -> bool:
    """Whether an N-Triples text can be used as it is: one triple a line ending in " .",
    single spaces between terms, no tabs, carriage returns, comments, \\u escapes or blank
    nodes (their labels are the file's own: two files may both say _:b0 for different nodes).

    Checked at C speed without a loop over lines. Single-byte searches are ~20x faster than
    longer ones here, so the rarer ones gate the others (a million triples: ~0.4 s)."""
    if not body:
        return True
    if not body.endswith(b"\n"):
        body += b"\n"
    if b"\t" in body or b"\r" in body or body.startswith((b"#", BOM)) or b"_:" in body:
        return False
    if b"<<" in body or b"--ltr " in body or b"--rtl " in body:
        return False  # RDF 1.2 perhaps (a triple term, a base direction): parsed, and refused there
    if b"\\" in body and (b"\\u" in body or b"\\U" in body):
        return False
    # Every line ends with " ." (so there is no empty line and no line of another shape)
    if body.count(b"\n") != body.count(b" .\n"):
        return False
    # (a literal with two spaces also takes the parser's way: still exact)
    return b"  " not in body and b"\n#" not in body


def dump(files: Sequence[Path]) -> bytes:
    """Every file as N-Triples with its terms as written. Plain N-Triples files (as kg synth
    writes them, below the comment lines that open them) are used as they are; other files go through pyoxigraph's parser and
    serializer, which keep terms unchanged but for the case of language tags, restored here.
    A file that gives no triple is said (kg.store.syntax.note_nothing_read)."""
    parts = []
    for path in files:
        path = rdf_file(path)
        if path.suffix.lower() == ".nt":
            body = path.read_bytes()
            while body.startswith(b"#"):  # leading comments (kg's generator mark) state no triple
                body = body.partition(b"\n")[2]
            if plain(body):
                if not body:
                    note_nothing_read(path)
                parts.append(body if body.endswith(b"\n") or not body else body + b"\n")
                continue
        try:
            parsed = ox.parse(**oxigraph_input(path), format=rdf_format(path))
            names: set = set()
            if holds_quads(path):  # a file is one graph (kg.store.syntax.QUAD_SUFFIXES)
                parsed = triples_of(parsed, names)
            text = ox.serialize(_rdf_11(parsed, path), None, ox.RdfFormat.N_TRIPLES)
            note_graphs_read_as_one(path, names)
        except (SyntaxError, OSError) as exc:
            raise syntax_error(path, exc) from None
        if not text.strip():
            note_nothing_read(path)
        parts.append(_text_as_written(text))
    return b"".join(parts)


def _rdf_11(triples, path: Path):
    """``triples`` as they come, refusing RDF 1.2 (a KgError naming ``path``): pyoxigraph
    reads triple terms and literals with a base direction, which the SHACL engines and rdflib
    do not (validation failed with a traceback from its parser). The project's data is RDF 1.1."""
    for triple in triples:
        obj = triple.object
        if isinstance(obj, ox.Triple) or isinstance(triple.subject, ox.Triple):
            raise KgError(f"{path}: RDF 1.2 not read: a triple term ({triple}); county-kg reads RDF 1.1 "
                          f"(write the statement with rdf:Statement instead)")
        if isinstance(obj, ox.Literal) and getattr(obj, "direction", None):
            raise KgError(f"{path}: RDF 1.2 not read: a literal with a base direction ({obj}); county-kg reads "
                          f"RDF 1.1 (give the language tag alone)")
        yield triple


_XSD_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"
_BLANK_OBJECT = re.compile(rb" _:[A-Za-z0-9_\-.]+ \.$")
_DECIMAL = re.compile(rb'"(-?[0-9]+)"(\^\^<http://www\.w3\.org/2001/XMLSchema#decimal> \.)$')
_TAGS = [(f'"@{tag.lower()} .'.encode(), f'"@{tag} .'.encode()) for tag in LANGUAGES if tag.lower() != tag]


def _as_written(line: bytes) -> bytes:
    """Undo what pyoxigraph's parser changes in a term's lexical form: it lower-cases
    language tags (BCP 47 ignores case). Write the project's tags (zh-Hans, zh-Hant), and
    integral xsd:decimal values as the curated files and the rdflib export do (``"29.0"``)."""
    if line.endswith(b"#decimal> ."):
        # (a decimal the store cannot represent is kept as written: kg.validate.lexical.unrepresentable)
        return _DECIMAL.sub(lambda m: m.group(0) if len(m.group(1)) > 18 and unrepresentable(
            m.group(1).decode(), _XSD_DECIMAL) else b'"' + m.group(1) + b'.0"' + m.group(2), line)
    for lower, proper in _TAGS:
        if line.endswith(lower):
            return line[: -len(lower)] + proper
    return line


_DECIMAL_LINES = re.compile(_DECIMAL.pattern, re.MULTILINE)


def _text_as_written(text: bytes) -> bytes:
    """:func:`_as_written` of every line of N-Triples ``text``, on the whole text at once (a
    national graph's million lines: 0.4 s against 0.9 s line by line; the same bytes, tested).
    A line's end is the only place a newline follows a term (N-Triples escapes it in a
    literal), so a tag or a decimal followed by one ends its line."""
    for lower, proper in _TAGS:
        text = text.replace(lower + b"\n", proper + b"\n")
        if text.endswith(lower):
            text = text[:-len(lower)] + proper
    if b"#decimal> ." in text:
        text = _DECIMAL_LINES.sub(lambda m: m.group(0) if len(m.group(1)) > 18 and unrepresentable(
            m.group(1).decode(), _XSD_DECIMAL) else b'"' + m.group(1) + b'.0"' + m.group(2), text)
    return text


def _lines_with(text: bytes, needle: bytes) -> set[bytes]:
    """The lines of ``text`` containing ``needle``, found without a loop over every line
    (blank nodes are a few hundred lines among a million)."""
    found = set()
    at = text.find(needle)
    while at >= 0:
        start = text.rfind(b"\n", 0, at) + 1
        end = text.find(b"\n", at)
        end = len(text) if end < 0 else end
        found.add(text[start:end])
        at = text.find(needle, end)
    return found


def canonical(text: bytes, path: Path | None = None) -> bytes | None:
    """Sorted, de-duplicated N-Triples with canonical blank-node labels, byte for byte what
    ``kg export --format nt`` writes for the same files. Works on bytes (UTF-8 sorts as code
    points do); the few triples with blank nodes are canonicalised (kg.store.blanknodes). Writes to
    ``path`` if given, else returns the bytes."""
    from rdflib import Graph

    from kg.store.blanknodes import canonical_blank_triples

    lines = set(text.split(b"\n"))
    lines.discard(b"")
    blank = [line for line in _lines_with(text, b"_:")
             if line.startswith(b"_:") or _BLANK_OBJECT.search(line)]
    lines.difference_update(blank)
    plain_lines = list(lines)
    del lines
    if blank:
        sub = Graph().parse(data=b"\n".join(blank).decode("utf-8"), format="nt")
        canonical = Graph()
        for triple in canonical_blank_triples(sub):
            canonical.add(triple)
        canon = canonical.serialize(format="nt", encoding="utf-8")
        plain_lines += [_as_written(line) for line in canon.split(b"\n") if line.strip()]
    plain_lines.sort()
    if path is None:
        return b"\n".join(plain_lines) + b"\n"
    with open(path, "wb") as handle:
        for start in range(0, len(plain_lines), 100_000):
            handle.write(b"\n".join(plain_lines[start:start + 100_000]) + b"\n")
    return None

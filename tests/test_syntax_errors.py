"""Malformed RDF of every format the project reads, below and above the large-file threshold
and through every reader (rdflib, pyoxigraph, the large build's N-Triples dump and store):
``FILE:LINE:COL: <syntax> syntax error: <what>``, the offending line, a caret under the
column, exit 2; never a Python repr, an rdflib internal or a Rust debug form."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError
from kg.store import load, ntriples, oxigraph
from kg.store.load import data_files, parse_file
from kg.store.syntax import RdfSyntaxError

#: name -> (file text, expected message after "FILE:", the offending line, its caret line)
MALFORMED = {
    "bad.ttl": (
        '@prefix ex: <http://example.org/> .\n\nex:a ex:label "水富市"@zh-Hans , 水 .\n',
        "3:31: Turtle syntax error: '水' is not a valid RDF object",
        'ex:a ex:label "水富市"@zh-Hans , 水 .',
        # 水富市 is three characters but six terminal columns wide
        "                                 ^"),
    "bad.nt": (
        '<http://example.org/a> <http://example.org/b> "x" .\n'
        "<http://example.org/a> <http://example.org/b> <http://example.org/c>\n"
        '<http://example.org/a> <http://example.org/b> "y" .\n',
        "2:69: N-Triples syntax error: the statement must end with ' .'",
        "<http://example.org/a> <http://example.org/b> <http://example.org/c>",
        " " * 68 + "^"),
    "bad.nq": (
        '<http://example.org/a> <http://example.org/b> "x" <http://example.org/g> .\n'
        "<http://example.org/a> <http://example.org/b> c <http://example.org/g> .\n",
        "2:47: N-Quads syntax error: the object of a triple must be an IRI, a blank node or a literal",
        "<http://example.org/a> <http://example.org/b> c <http://example.org/g> .",
        " " * 46 + "^"),
    "bad.trig": (
        "@prefix ex: <http://example.org/> .\nex:g {\n  ex:a ex:b ex:c .\n  ex:a ex:b ex:c ex:d .\n}\n",
        "4:18: TriG syntax error: a '}' or a '.' is expected at the end of a graph block",
        "  ex:a ex:b ex:c ex:d .",
        " " * 17 + "^"),
    "bad.rdf": (
        '<?xml version="1.0"?>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
        '  <rdf:Description rdf:about="http://example.org/a">\n'
        "    <ex:b>text</ex:c>\n"
        "  </rdf:Description>\n</rdf:RDF>\n",
        "4:17: RDF/XML syntax error: expected '</ex:b>' but found '</ex:c>'",
        "    <ex:b>text</ex:c>",
        " " * 16 + "^"),
    "bad.jsonld": (
        '{\n  "@id": "http://example.org/a",\n  "http://example.org/b": "x",\n}\n',
        "4:1: JSON-LD syntax error: trailing commas are not allowed",
        "}",
        "^"),
}


def write(directory: Path, name: str) -> Path:
    path = directory / name
    path.write_text(MALFORMED[name][0], encoding="utf-8")
    return path


def expected(path: Path) -> list[str]:
    _text, message, line, caret = MALFORMED[path.name]
    return [f"{path}:{message}", "    " + line, "    " + caret]


def shown(error: KgError) -> list[str]:
    return error.for_terminal().splitlines()


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("size", ["small", "large"])
def test_parse_errors_name_file_line_column_with_a_caret(tmp_path, monkeypatch, name, size):
    if size == "large":  # Turtle and N-Triples go through pyoxigraph's parser instead of rdflib's
        monkeypatch.setattr(load, "LARGE_FILE_BYTES", 0)
    path = write(tmp_path, name)
    with pytest.raises(RdfSyntaxError) as raised:
        parse_file(path)
    assert shown(raised.value) == expected(path)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_the_large_builds_readers_say_the_same(tmp_path, name):
    """The store reads files as N-Triples (kg.store.ntriples.dump, its cache) and a file can be
    loaded into an Oxigraph store (kg.store.oxigraph.load_file): the same message for the same file."""
    path = write(tmp_path, name)
    for read in (lambda: ntriples.dump([path]), lambda: oxigraph.load_file(ox.Store(), path)):
        with pytest.raises(RdfSyntaxError) as raised:
            read()
        assert shown(raised.value) == expected(path)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_kg_validate_prints_the_error_and_exits_2(tmp_path, name):
    path = write(tmp_path, name)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == expected(path)


def test_kg_build_add_stops_at_the_syntax_error(tmp_path):
    path = write(tmp_path, "bad.nq")
    out = tmp_path / "dist"
    result = CliRunner().invoke(main, ["build", "-q", "--no-docs", "--no-site", "--add", str(path),
                                       "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines()[-3:] == expected(path)
    assert not out.exists()


def test_kg_link_reports_the_syntax_error(tmp_path):
    path = write(tmp_path, "bad.rdf")
    for extra in ([], ["--format", "xml"]):
        result = CliRunner().invoke(main, ["link", str(path), "--workspace", str(tmp_path / "ws"), *extra])
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines() == expected(path)


def test_a_malformed_workspace_file_is_reported(tmp_path, monkeypatch):
    (tmp_path / "imports").mkdir()
    path = tmp_path / "imports" / "bad.ttl"
    path.write_text(MALFORMED["bad.ttl"][0], encoding="utf-8")
    monkeypatch.setenv("KG_WORKSPACE", str(tmp_path))
    with pytest.raises(RdfSyntaxError) as raised:
        load.load()
    assert shown(raised.value) == expected(path)


def test_an_error_only_rdflib_sees_is_told_the_same_way(tmp_path):
    """pyoxigraph reads an RDF/XML file that never closes its root element; rdflib (expat)
    refuses it: its error gets the same form, placed at the end of the file."""
    path = tmp_path / "unclosed.rdf"
    path.write_text(MALFORMED["bad.rdf"][0].replace("</ex:c>", "</ex:b>").replace("</rdf:RDF>\n", ""),
                    encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as raised:
        parse_file(path)
    assert shown(raised.value) == [
        f"{path}:5:21: RDF/XML syntax error: the file ends before the XML document does (an element is never closed)",
        "      </rdf:Description>",
        "                        ^"]


def test_a_long_line_is_shown_around_the_column(tmp_path):
    path = tmp_path / "long.nt"
    path.write_text(f'<http://example.org/a> <http://example.org/b> "{"x" * 300}" <oops> .\n', encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as raised:
        parse_file(path)
    first, line, caret = shown(raised.value)
    assert first.startswith(f"{path}:1:350: N-Triples syntax error: IRI <oops> has no scheme")
    assert line.startswith("    …") and line.endswith("<oops> .") and len(line) < 120
    assert line[len(caret) - 1:].startswith("<oops>")


def test_relative_iris_without_a_base_are_errors_at_every_size(tmp_path, monkeypatch):
    """rdflib resolved them against the file's own location (file:///home/…), an IRI no one
    else can use; pyoxigraph refused them in large files. Both refuse them now."""
    path = tmp_path / "relative.ttl"
    path.write_text("<a> <http://example.org/b> <http://example.org/c> .\n", encoding="utf-8")
    for threshold in (load.LARGE_FILE_BYTES, 0):
        monkeypatch.setattr(load, "LARGE_FILE_BYTES", threshold)
        with pytest.raises(RdfSyntaxError, match=r"relative\.ttl:1:1: Turtle syntax error: IRI <a> has no scheme"):
            parse_file(path)


@pytest.mark.parametrize("document, written", [
    ('{"@context": {"ex": "http://example.org/"}, "@id": "rel", "ex:b": "x"}', "rel"),
    ('{"@context": {"ex": "http://example.org/"},\n "@id": "ex:a",\n "ex:b": {"@id": "../other"}}', "../other"),
    ('{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "@type": "Thing"}', "Thing"),
])
def test_a_relative_iri_in_json_ld_is_refused_by_every_reader(tmp_path, document, written):
    """`kg validate relid.jsonld` said Conforms and `kg build --add` loaded nothing: pyoxigraph
    drops a node with a relative @id, rdflib resolved it against the file's location."""
    path = tmp_path / "relid.jsonld"
    path.write_text(document, encoding="utf-8")
    at = document.index(f'"{written}"')
    place = f"{document.count(chr(10), 0, at) + 1}:{at - document.rfind(chr(10), 0, at)}"  # the string's opening quote
    message = f"{path}:{place}: JSON-LD syntax error: the IRI \"{written}\" is relative and there is no base to " \
              f"resolve it against"
    for read in (lambda: parse_file(path), lambda: ntriples.dump([path]), lambda: oxigraph.load_file(ox.Store(), path)):
        with pytest.raises(KgError) as raised:
            read()
        assert str(raised.value).startswith(message), raised.value
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and result.stderr.splitlines() == shown(raised.value), result.output


_EX = '{"@context": {"ex": "http://example.org/"},\n "@id": "ex:a",\n '


@pytest.mark.parametrize("document, written, what", [
    (_EX + '"ex:b": "kept",\n "colour": "red"}', "colour",
     'the key "colour" of the node <http://example.org/a> expands to no IRI'),
    (_EX + '"ex:b": {"size": 3}}', "size", 'the key "size" expands to no IRI'),
    ('[{"@context": {"ex": "http://example.org/"}, "@id": "ex:a", "colour": "red"}]', "colour",
     'the key "colour" of the node <http://example.org/a> expands to no IRI'),
    (_EX + '"@colour": "red"}', "@colour", 'the key "@colour" is no JSON-LD keyword'),
    (_EX + '"ex:b": {"@id": "undeclared:x"}}', "undeclared:x",
     "the prefix 'undeclared' of \"undeclared:x\" is not declared in the @context (declared: ex)"),
    (_EX + '"@type": "undeclared:T"}', "undeclared:T", "the prefix 'undeclared' of \"undeclared:T\""),
    (_EX + '"undeclared:p": 1}', "undeclared:p", "the prefix 'undeclared' of \"undeclared:p\""),
    (_EX + '"ex:b": {"@id": "ex:c d"}}', "ex:c d", '"ex:c d" makes <http://example.org/c d>, which is no valid'),
    ('{"@context": {"ex": "http://example.org/", "@vocab": "http://example.org/v/"},\n "@id": "ex:a",\n "my key": 1}',
     "my key", '"my key" makes <http://example.org/v/my key>, which is no valid'),
    (_EX + '"ex:p": {"@value": "x", "@language": "not a tag!"}}', "not a tag!",
     '"not a tag!" is no language tag (BCP 47'),
    ('{"@context": {"ex": "http://example.org/", "@language": "english language"},\n "@id": "ex:a",\n "ex:p": "x"}',
     "english language", '"english language" is no language tag'),
])
def test_what_json_ld_would_drop_or_change_silently_is_refused_by_every_reader(tmp_path, document, written, what):
    """A key no @context defines, an unknown keyword, an IRI with a space: the JSON-LD
    algorithm drops them without a word (`kg validate` said Conforms of a file whose
    properties were gone); "undeclared:x" became an IRI of the scheme "undeclared:"."""
    path = tmp_path / "dropped.jsonld"
    path.write_text(document, encoding="utf-8")
    at = re.search(re.escape(f'"{written}"') + (r"\s*:" if what.startswith("the key") else ""), document).start()
    place = f"{document.count(chr(10), 0, at) + 1}:{at - document.rfind(chr(10), 0, at)}"
    for read in (lambda: parse_file(path), lambda: ntriples.dump([path]), lambda: oxigraph.load_file(ox.Store(), path)):
        with pytest.raises(RdfSyntaxError) as raised:
            read()
        first, line, caret = shown(raised.value)
        assert first.startswith(f"{path}:{place}: JSON-LD syntax error: {what}"), first
        assert line == "    " + document.splitlines()[int(place.split(":")[0]) - 1] and line[len(caret) - 1] == '"'
    for command in (["validate", str(path)],
                    ["build", "-q", "--no-docs", "--no-site", "--add", str(path), "-o", str(tmp_path / "out")]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2 and result.stderr.splitlines() == shown(raised.value), result.output
    # read under another name, with rdflib's format name (`kg link --format json-ld`)
    other = path.rename(tmp_path / "dropped.json")
    with pytest.raises(KgError, match=re.escape(what)):
        load.parse_into(load.Graph(), other, "json-ld")


@pytest.mark.parametrize("document, place, what", [
    ('"just a string"\n', "1:1", 'the document\'s top level is a string ("just a string"), not a node object'),
    ("[1, 2, 3]", "1:2", "an item of the document's top-level array is a number (1), not a node object"),
    ('[{"@id": "http://example.org/a", "http://example.org/p": "x"},\n null]', "2:2",
     "an item of the document's top-level array is null, not a node object"),
    ('[[{"@id": "http://example.org/a", "http://example.org/p": "x"}], true]', "1:66",
     "an item of the document's top-level array is true, not a node object"),
    ("42", "1:1", "the document's top level is a number (42), not a node object"),
])
def test_json_ld_whose_top_level_is_no_node_object_is_refused(tmp_path, document, place, what):
    """`"just a string"` and `[1,2,3]` were read as no triples and kg validate said Conforms,
    exit 0: a JSON-LD document is a node object or an array of node objects."""
    path = tmp_path / "scalar.jsonld"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as raised:
        parse_file(path)
    first, _line, _caret = shown(raised.value)
    assert first.startswith(f"{path}:{place}: JSON-LD syntax error: {what}"), first
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2 and result.stderr.splitlines() == shown(raised.value), result.output


def test_json_ld_with_every_key_defined_is_read(tmp_path):
    path = tmp_path / "defined.jsonld"
    path.write_text('{"@context": {"ex": "http://example.org/", "colour": "ex:colour", "@vocab": "http://example.org/v/"},'
                    ' "@id": "ex:a", "colour": "red", "size": 3, "ex:b": {"@id": "mailto:a@example.org"}}',
                    encoding="utf-8")
    assert {str(p) for p in parse_file(path).predicates()} == {"http://example.org/colour",
                                                               "http://example.org/v/size", "http://example.org/b"}


def test_json_ld_with_a_base_or_absolute_iris_is_read(tmp_path):
    path = tmp_path / "based.jsonld"
    path.write_text('{"@context": {"@base": "http://example.org/", "ex": "http://example.org/"}, "@id": "rel", '
                    '"ex:b": {"@id": "ex:c"}}', encoding="utf-8")
    assert {str(s) for s in parse_file(path).subjects()} == {"http://example.org/rel"}


# -- every message, for many broken files --------------------------------------------------

_SYNTAX = {".ttl": "Turtle", ".nt": "N-Triples", ".nq": "N-Quads", ".trig": "TriG", ".rdf": "RDF/XML",
           ".jsonld": "JSON-LD"}
_NOISE = re.compile(r"(?<!['\w])b'|\bof <>|\\x[0-9a-fA-F]{2}|`|\b[A-Z]\w*\(\"|\{ \w+: |Traceback")


def valid_texts() -> dict[str, str]:
    """A part of the curated data in every format."""
    from rdflib import Dataset, Graph, URIRef

    turtle = next(p for p in data_files() if p.name == "health.ttl").read_text(encoding="utf-8")
    turtle = turtle[:5000].rsplit("\n\n", 1)[0] + "\n"
    graph = Graph().parse(data=turtle, format="turtle")
    dataset = Dataset()
    named = dataset.graph(URIRef("http://example.org/g"))
    for triple in graph:
        named.add(triple)
    nt = graph.serialize(format="nt")
    return {".ttl": turtle, ".nt": nt, ".rdf": graph.serialize(format="xml"),
            ".jsonld": graph.serialize(format="json-ld"), ".trig": dataset.serialize(format="trig"),
            ".nq": dataset.serialize(format="nquads")}


@pytest.mark.parametrize("size", ["small", "large"])
def test_every_error_of_many_broken_files_is_told_plainly(tmp_path, monkeypatch, size):
    """Each format's valid text, broken 60 times at random (a character deleted, inserted or
    replaced): every error is a KgError with the form above, in plain words."""
    if size == "large":
        monkeypatch.setattr(load, "LARGE_FILE_BYTES", 0)
    rng = random.Random(11)
    characters = list("<>\"'.;,@:_^#{}[]()\\ \nab1é水\t")
    located = told = 0
    for suffix, text in valid_texts().items():
        path = tmp_path / f"x{suffix}"
        path.write_text(text, encoding="utf-8")
        parse_file(path)  # valid as it is
        for _ in range(60):
            chars, at, how = list(text), rng.randrange(len(text)), rng.random()
            if how < 0.4:
                del chars[at]
            elif how < 0.8:
                chars.insert(at, rng.choice(characters))
            else:
                chars[at] = rng.choice(characters)
            path.write_text("".join(chars), encoding="utf-8")
            try:
                parse_file(path)
            except KgError as error:
                lines = shown(error)
                assert re.fullmatch(rf"{re.escape(str(path))}(:\d+:\d+)?: {re.escape(_SYNTAX[suffix])} "
                                    r"syntax error: \S.*", lines[0]), lines
                assert not _NOISE.search(lines[0].split(" syntax error: ", 1)[1]), lines[0]
                told += 1
                if isinstance(error, RdfSyntaxError) and error.line:
                    located += 1
                    assert len(lines) == 3 and lines[2].strip() == "^", lines
    assert told > 100 and located / told > 0.95, (located, told)


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_byte_order_mark_is_no_syntax_error(tmp_path, monkeypatch, name):
    """Windows editors start UTF-8 files with a byte order mark: every reader skips it, and
    a position on the first line is counted after it."""
    valid = {".ttl": "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\n",
             ".nt": "<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n",
             ".nq": "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g> .\n",
             ".trig": "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c . }\n",
             ".rdf": MALFORMED["bad.rdf"][0].replace("</ex:c>", "</ex:b>"),
             ".jsonld": '{"@id": "http://example.org/a", "http://example.org/b": {"@id": "http://example.org/c"}}\n'}
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + valid[path.suffix].encode("utf-8"))
    for threshold in (load.LARGE_FILE_BYTES, 0):
        monkeypatch.setattr(load, "LARGE_FILE_BYTES", threshold)
        assert len(parse_file(path)) == 1
    assert ntriples.dump([path]).count(b" .\n") == 1
    store = ox.Store()
    oxigraph.load_file(store, path)
    assert len(store) == 1
    broken = tmp_path / "broken.ttl"
    broken.write_bytes(b"\xef\xbb\xbfex:a ex:b ex:c .\n")
    with pytest.raises(RdfSyntaxError) as raised:
        parse_file(broken)
    assert shown(raised.value) == [f"{broken}:1:1: Turtle syntax error: the prefix ex: has not been declared",
                                   "    ex:a ex:b ex:c .", "    ^"]


@pytest.mark.parametrize("suffix", [".nq", ".trig"])
def test_every_graph_of_a_dataset_file_is_read(tmp_path, suffix):
    """An N-Quads or TriG file is read as one graph, its triples from all the graphs it names:
    rdflib used to put them in graphs of their own, so `kg validate x.nq` checked nothing and
    `kg build --add x.nq` left the file's data out, without a word."""
    text = {".nq": "<http://example.org/a> <http://example.org/b> <http://example.org/c> <http://example.org/g> .\n"
                   "<http://example.org/d> <http://example.org/b> <http://example.org/c> .\n",
            ".trig": "@prefix ex: <http://example.org/> .\nex:g { ex:a ex:b ex:c . }\nex:d ex:b ex:c .\n"}[suffix]
    path = tmp_path / f"county{suffix}"
    path.write_text(text, encoding="utf-8")
    assert len(load.load(data=[path], workspace=False).data) == 2
    store = ox.Store()
    oxigraph.load_file(store, path)
    assert len(store) == 2 and {quad.graph_name for quad in store} == {ox.DefaultGraph()}
    assert ntriples.dump([path]).count(b" .\n") == 2


# -- what no parser is given: XML entities, nesting deeper than the parsers follow -------------------

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
          + "".join(f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10))
          + ']>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="http://example.org/">\n'
          '<rdf:Description rdf:about="http://example.org/a"><ex:p>&lol9;</ex:p></rdf:Description>\n</rdf:RDF>\n')


def nested(name: str, depth: int) -> str:
    """A valid file of syntax ``name`` whose nodes nest ``depth`` levels deep."""
    if name == "rdf":
        return ('<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
                'xmlns:ex="http://example.org/">\n<rdf:Description rdf:about="http://example.org/a">'
                + "<ex:p><rdf:Description>" * depth + "<ex:q>x</ex:q>" + "</rdf:Description></ex:p>" * depth
                + "</rdf:Description>\n</rdf:RDF>\n")
    if name == "jsonld":
        return '{"@id": "http://example.org/a", ' + '"http://example.org/p": {' * depth + '"@id": "http://example.org/b"' + "}" * depth + "}\n"
    return ('@prefix ex: <http://example.org/> .\n'
            + ("ex:g {\n" if name == "trig" else "")
            + 'ex:a ex:p "[(" , """\n((""" ; ex:q ' + "[ ex:p " * depth + "ex:b" + " ]" * depth + " . # [[[\n"
            + ("}\n" if name == "trig" else ""))


PROTEGE = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n    <!ENTITY owl "http://www.w3.org/2002/07/owl#" >\n'
           '    <!ENTITY ex "http://example.org/" >\n]>\n'
           '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
           'xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
           '  <rdf:Description rdf:about="&ex;a">\n    <rdf:type rdf:resource="&owl;Class"/>\n'
           '    <rdfs:label>A &amp; B, &ex;</rdfs:label>\n  </rdf:Description>\n</rdf:RDF>\n')


@pytest.mark.parametrize("size", ["small", "large"])
def test_xml_entities_for_namespaces_are_read_as_ontology_editors_write_them(tmp_path, monkeypatch, size):
    """Protege declares an entity per namespace in every RDF/XML file it saves: read, with
    every use expanded, by each reader."""
    if size == "large":
        monkeypatch.setattr(load, "LARGE_FILE_BYTES", 0)
    path = tmp_path / "protege.owl.rdf"
    path.write_text(PROTEGE, encoding="utf-8")
    expected = {"<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
                "<http://www.w3.org/2002/07/owl#Class> .",
                '<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "A & B, http://example.org/" .'}
    assert set(ntriples.dump([path]).decode("utf-8").splitlines()) == expected
    assert len(parse_file(path)) == 2
    store = ox.Store()
    oxigraph.load_file(store, path)
    assert len(store) == 2


@pytest.mark.parametrize("declaration, why", [
    ('<!ENTITY % p "x">', "the document declares the XML parameter entity 'p'"),
    ('<!ENTITY e SYSTEM "file:///etc/passwd">', "the document declares the XML external entity 'e'"),
    ('<!ENTITY e "' + "x" * 2049 + '">', "the XML entity 'e' stands for over 2048 characters"),
])
def test_xml_entities_that_could_stand_for_more_are_refused(tmp_path, declaration, why):
    path = tmp_path / "e.rdf"
    path.write_text(PROTEGE.replace('<!ENTITY ex "http://example.org/" >', declaration), encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as raised:
        ntriples.dump([path])
    assert f"RDF/XML not read: {why}" in str(raised.value).splitlines()[0]


def test_xml_entity_uses_adding_more_than_the_limit_are_refused(tmp_path, monkeypatch):
    from kg.store import syntax

    monkeypatch.setattr(syntax, "MAX_ENTITY_EXPANSION", 1000)
    path = tmp_path / "many.rdf"
    path.write_text(PROTEGE.replace("A &amp; B, &ex;", "&ex;" * 400), encoding="utf-8")
    with pytest.raises(RdfSyntaxError) as raised:
        ntriples.dump([path])
    assert "the uses of the XML entity" in str(raised.value).splitlines()[0]


@pytest.mark.parametrize("size", ["small", "large"])
def test_xml_entities_are_refused_not_expanded(tmp_path, monkeypatch, size):
    """787 bytes of nested entities ("billion laughs") grew `kg validate` to 18 GB."""
    if size == "large":
        monkeypatch.setattr(load, "LARGE_FILE_BYTES", 0)
    path = tmp_path / "lol.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    for read in (lambda: parse_file(path), lambda: ntriples.dump([path]), lambda: oxigraph.load_file(ox.Store(), path)):
        with pytest.raises(RdfSyntaxError) as raised:
            read()
        first = str(raised.value).splitlines()[0]
        assert first == (f"{path}:4:16: RDF/XML not read: the XML entity 'lol1' refers to other entities; entities "
                         f"are read only when they stand for a short text of their own, since nested ones can stand "
                         f"for gigabytes: write the text out instead")


def test_kg_validate_refuses_entities_at_once_within_little_memory(tmp_path):
    import resource
    import subprocess
    import sys

    path = tmp_path / "lol.rdf"
    path.write_text(LAUGHS, encoding="utf-8")
    limit = lambda: resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # noqa: E731
    done = subprocess.run([str(Path(sys.executable).with_name("kg")), "validate", str(path)], capture_output=True,
                          text=True, timeout=60, preexec_fn=limit)
    assert done.returncode == 2, done.stderr
    assert "RDF/XML not read: the XML entity 'lol1' refers to other entities" in done.stderr


@pytest.mark.parametrize("name", ["ttl", "trig", "jsonld", "rdf"])
def test_nesting_deeper_than_the_parsers_follow_is_refused_with_its_place(tmp_path, name):
    """150 nested blank nodes: "syntax error: maximum recursion depth exceeded", no line;
    100,000 nested RDF/XML elements: minutes, Ctrl-C ignored. The bracket or element that
    goes too deep is named; what nests as deep as allowed is read."""
    from kg.store.syntax import MAX_NESTING

    allowed, deep = tmp_path / f"allowed.{name}", tmp_path / f"deep.{name}"
    allowed.write_text(nested(name, MAX_NESTING - 1), encoding="utf-8")
    deep.write_text(nested(name, 20_000 if name == "rdf" else 150), encoding="utf-8")
    assert len(parse_file(allowed)) >= MAX_NESTING - 1
    with pytest.raises(RdfSyntaxError) as raised:
        parse_file(deep)
    first, text, caret = str(raised.value).splitlines()
    assert re.fullmatch(rf"{re.escape(str(deep))}:\d+:\d+: \S+ not read: .*nested more than \d+ .*deep.*", first), first
    assert "recursion" not in first and caret.strip() == "^"
    assert text[caret.index("^")] in "[{<(", (text, caret)


@pytest.mark.parametrize("suffix", [".rdf", ".owl"])
def test_an_empty_rdf_xml_file_is_refused_by_every_command(tmp_path, suffix):
    """An empty .rdf was an empty graph to kg validate and kg build --add (pyoxigraph) and a
    syntax error to kg link (rdflib): the same file is the same error everywhere."""
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    line = f"{path}:1:1: RDF/XML syntax error: the file ends before the XML document does (an element is never closed)"
    for args in (["validate", str(path)], ["link", str(path), "--workspace", str(tmp_path / "ws")]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines()[0] == line, result.output


def test_a_plain_n_triples_file_with_an_error_is_reported_by_line(tmp_path):
    """A plain N-Triples file goes to the store's bulk load without a parse of its own (for
    speed); an error in it was a traceback from the load's temporary file, exit 1."""
    path = tmp_path / "syn.nt"
    path.write_text("<http://example.org/a> <http://example.org/p> <http://example.org/b> .\n"
                    "<http://example.org/a> <http://example.org/p> bad .\n", encoding="utf-8")
    for args in (["validate", str(path)], ["build", "-o", str(tmp_path / "out"), "--no-docs", "--no-site", "--add",
                                           str(path)]):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert (f"{path}:2:47: N-Triples syntax error: the object of a triple must be an IRI, a blank node or a "
                f"literal") in result.stderr.splitlines(), result.output
        assert "Traceback" not in result.output


def test_json_ld_nested_ten_thousand_deep_is_refused_not_a_crash(tmp_path):
    """kg validate and kg link of it ended in a segmentation fault (exit 139, no message):
    pyoxigraph's JSON-LD reader recursed once per level before the nesting was checked. Run
    as the program, since a crash would take the test's own process with it."""
    import subprocess
    import sys

    path = tmp_path / "deep.jsonld"
    path.write_text(nested("jsonld", 10_000), encoding="utf-8")
    kg = str(Path(sys.executable).with_name("kg"))
    for args in (["validate", str(path)], ["link", str(path), "--workspace", str(tmp_path / "ws")]):
        done = subprocess.run([kg, *args], capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 2, (args, done.returncode, done.stderr)
        assert done.stderr.startswith(f"{path}:1:") and "JSON-LD not read" in done.stderr.splitlines()[0], done.stderr


@pytest.mark.parametrize("name, text, what", [
    ("dir.ttl", '@prefix ex: <http://ex.org/> .\nex:a ex:p "x"@ar--rtl .\n', "a literal with a base direction"),
    ("dir.nt", '<http://ex.org/a> <http://ex.org/p> "x"@ar--rtl .\n', "a literal with a base direction"),
    ("triple.ttl", "@prefix ex: <http://ex.org/> .\nex:b ex:q <<( ex:b ex:c ex:d )>> .\n", "a triple term"),
])
def test_rdf_1_2_is_refused_in_one_line_not_a_traceback(tmp_path, name, text, what):
    """pyoxigraph read RDF 1.2, the SHACL engine's parser did not: kg validate and kg build
    --add ended in a traceback ("Literal base direction are only allowed in RDF 1.2"), exit 1."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"kg: error: {path}: RDF 1.2 not read: {what}") and result.output.count("\n") == 1


def test_an_empty_json_ld_language_is_refused_not_dropped(tmp_path):
    """"@language": "" dropped its value without a word ("Conforms")."""
    path = tmp_path / "el.jsonld"
    path.write_text('{"@context": {"ex": "http://ex.org/"}, "@id": "ex:n1", "ex:q": "keep", '
                    '"ex:p": {"@value": "x", "@language": ""}}', encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"{path}:1:") and '"" is no language tag' in result.output.splitlines()[0]

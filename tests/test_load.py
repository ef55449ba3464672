"""Loading: named graphs per file, errors naming file and line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.errors import KgError
from kg.store.load import graph_name, parse_file


def test_every_file_has_its_named_graph(project):
    assert len(project.files) == len(set(project.files.values()))
    for name, path in project.files.items():
        assert name == graph_name(path)
        assert len(project.dataset.graph(name)) > 0, path


def test_malformed_turtle_names_the_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c .\nex:d ex:e .\n", encoding="utf-8")
    with pytest.raises(KgError) as raised:
        parse_file(bad)
    assert str(raised.value).splitlines() == [
        f"{bad}:4:11: Turtle syntax error: '.' is not a valid RDF object", "    ex:d ex:e .", "              ^"]


def test_unknown_file_type_is_an_error(tmp_path):
    odd = tmp_path / "data.xlsx"
    odd.write_bytes(b"")
    with pytest.raises(KgError, match="unknown RDF file type"):
        parse_file(odd)


def test_large_files_parse_to_the_same_graph_as_rdflib(tmp_path, monkeypatch):
    """Above LARGE_FILE_BYTES, Turtle and N-Triples go through pyoxigraph's parser: the same
    graph as rdflib's parser (isomorphic: literals, datatypes, language tags, blank nodes)."""
    from rdflib import Graph, Literal
    from rdflib.compare import isomorphic

    from kg.store import load
    from kg import synth
    from kg.store.load import data_files

    text = """@prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:n "05"^^xsd:positiveInteger , "1.50"^^xsd:decimal , "y" ;
     ex:label "水富"@zh-Hans , "水富"@zh-Hant , "Shuifu"@en-GB ;
     ex:part [ ex:n 1 ] , [ ex:n 1 ] .
"""
    small = tmp_path / "small.ttl"
    small.write_text(text, encoding="utf-8")
    synthetic = tmp_path / "synthetic.ttl"
    synth.write(synthetic, 3, 42, 0, base=data_files())
    for path in (small, synthetic):
        expected = Graph().parse(path)
        got = load.parse_with_oxigraph(Graph(), path)
        assert len(got) == len(expected) and isomorphic(got, expected), path.name
    tags = {o.language for o in load.parse_with_oxigraph(Graph(), small).objects() if getattr(o, "language", None)}
    assert tags == {"zh-Hans", "zh-Hant", "en-GB"}  # as written, though pyoxigraph lower-cases them

    # RDF 1.1: "x"^^xsd:string is the plain literal "x" (pyoxigraph cannot tell them apart;
    # rdflib keeps the two forms as different terms)
    typed = tmp_path / "typed.ttl"
    typed.write_text('<urn:a> <urn:b> "x"^^<http://www.w3.org/2001/XMLSchema#string> .\n', encoding="utf-8")
    assert set(load.parse_with_oxigraph(Graph(), typed).objects()) == {Literal("x")}

    monkeypatch.setattr(load, "LARGE_FILE_BYTES", 0)  # parse_into takes the pyoxigraph path
    broken = tmp_path / "broken.ttl"
    broken.write_text(text + "ex:b ex:n .\n", encoding="utf-8")
    with pytest.raises(KgError, match=r"broken\.ttl:6:11: Turtle syntax error: '\.' is not a valid RDF object"):
        parse_file(broken)
    assert isomorphic(parse_file(small), Graph().parse(small))


@pytest.mark.parametrize(("read", "written"), [
    ("zh-hans", "zh-Hans"), ("zh-hant-tw", "zh-Hant-TW"), ("en", "en"), ("en-gb", "en-GB"),
    ("es-419", "es-419"), ("de-ch-x-phonebk", "de-CH-x-phonebk"), ("en-a-bbb-cc", "en-a-bbb-cc"),
    ("x-abcd", "x-abcd"),
])
def test_language_tags_get_their_conventional_case(read, written):
    from kg.store.load import language_tag

    assert language_tag(read) == written


def test_the_named_graphs_of_a_dataset_file_are_said_to_be_read_as_one(tmp_path, caplog):
    """`kg build --add x.trig` read the file's named graphs into the file's one graph without
    a word: each reader (rdflib, Oxigraph's store, the N-Triples dump of the large-graph
    pipeline) says so, once a file, naming the graphs; a file without named graphs says nothing."""
    import logging

    import pyoxigraph as ox
    from rdflib import Graph

    from kg.store import ntriples, syntax
    from kg.store.load import parse_into
    from kg.store.oxigraph import load_file

    trig = tmp_path / "g.trig"
    trig.write_text('@prefix ex: <http://example.org/> .\nex:a ex:p "0" .\nex:g1 { ex:a ex:p "1" . }\n'
                    'ex:g2 { ex:a ex:p "2" . }\n', encoding="utf-8")
    plain = tmp_path / "plain.nq"
    plain.write_text('<http://example.org/a> <http://example.org/p> "0" .\n', encoding="utf-8")
    note = (f"{trig}: its named graphs <http://example.org/g1>, <http://example.org/g2> are read as one graph, "
            f"the file's (kg keeps one named graph per file)")
    for read in (lambda path: parse_into(Graph(), path), lambda path: load_file(ox.Store(), path),
                 lambda path: ntriples.dump([path])):
        getattr(syntax, "_NOTED", set()).clear()
        with caplog.at_level(logging.WARNING, logger="kg.store"):
            caplog.clear()
            read(trig)
            read(trig)
            read(plain)
        assert [r.getMessage() for r in caplog.records if r.name == "kg.store"] == [note]
    assert len(parse_into(Graph(), trig)) == 3


JSON_LD_GRAPHS = {
    "named": ('{"@context":{"ex":"http://ex.org/"},"@id":"http://ex.org/G1",'
              '"@graph":[{"@id":"ex:n1","ex:p":"x"}]}', "<http://ex.org/G1> is"),
    "graph container": ('{"@context":{"ex":"http://ex.org/","ex:g":{"@container":"@graph"}},'
                        '"@id":"ex:a","ex:g":{"@id":"ex:n1","ex:p":"x"}}', "_:"),
}


@pytest.mark.parametrize("kind", sorted(JSON_LD_GRAPHS))
def test_the_named_graphs_of_a_json_ld_file_are_read_as_one_as_trigs_are(tmp_path, caplog, kind):
    """`kg validate ng.jsonld` (an "@id" beside "@graph", or a "@container": "@graph" value)
    ended in "ValueError: The N-Triples format does not support named graphs", exit 1:
    JSON-LD is a dataset syntax as TriG and N-Quads are (kg.store.syntax.QUAD_SUFFIXES, from
    pyoxigraph's RdfFormat.supports_datasets), read by each reader as the file's one graph,
    said once."""
    import logging

    import pyoxigraph as ox
    from rdflib import Graph, Literal, URIRef

    from kg.store import ntriples, syntax
    from kg.store.load import parse_into
    from kg.store.oxigraph import load_file

    document, named = JSON_LD_GRAPHS[kind]
    path = tmp_path / "ng.jsonld"
    path.write_text(document, encoding="utf-8")
    fact = (URIRef("http://ex.org/n1"), URIRef("http://ex.org/p"), Literal("x"))
    rdflib_read = lambda p: parse_into(Graph(), p)  # noqa: E731
    for read in (rdflib_read, lambda p: load_file(ox.Store(), p), lambda p: ntriples.dump([p])):
        getattr(syntax, "_NOTED", set()).clear()
        with caplog.at_level(logging.WARNING, logger="kg.store"):
            caplog.clear()
            got = read(path)
        notes = [r.getMessage() for r in caplog.records if r.name == "kg.store"]
        if isinstance(got, bytes):
            assert b'<http://ex.org/n1> <http://ex.org/p> "x" .' in got
        elif isinstance(got, Graph):
            assert fact in got
        if read is not rdflib_read or kind == "named":  # (rdflib reads a graph container into the default graph)
            assert len(notes) == 1 and notes[0].startswith(f"{path}: its named graph {named}"), notes
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and "Conforms" in result.output, result.output


@pytest.mark.parametrize("name, text", [("empty.ttl", ""), ("prefixes.ttl", "@prefix ex: <http://ex.org/> .\n"),
                                        ("empty.jsonld", "{}\n"), ("empty.nt", ""),
                                        ("comment.nt", "# nothing\n")])
def test_a_file_that_gives_no_triple_is_said(tmp_path, caplog, name, text):
    """An empty JSON-LD object, an empty .ttl: `kg validate` said "Conforms" without noting that
    nothing was read. A warning naming the file (an empty file is valid RDF: no error, the exit
    status unchanged), from each reader. (A JSON-LD document that is no node object, such as
    "just a string", is a syntax error: tests/test_syntax_errors.py.)"""
    import logging

    from rdflib import Graph

    from kg.store import ntriples, syntax
    from kg.store.load import parse_into

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    for read in (lambda: parse_into(Graph(), path), lambda: ntriples.dump([path])):
        syntax._EMPTY.clear()
        with caplog.at_level(logging.WARNING, logger="kg.store"):
            caplog.clear()
            read()
        assert [r.getMessage() for r in caplog.records if r.name == "kg.store"] == [
            f"{path}: no triples read (the file states no triple)"]
    syntax._EMPTY.clear()
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0 and "Conforms" in result.output, result.output
    assert f"kg: {path}: no triples read" in result.stderr, result.output

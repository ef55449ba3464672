"""kg.validate.checkscope.Changes.of_ntriples: the changes of a new graph read from its
N-Triples text equal those of its triples parsed (Changes.of), on the synthetic S graph and
on lines that a plain split could misread (escapes, literals holding " . ", blank nodes, an
rdf:type of a blank node, comments and blank lines)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import synth
from kg.validate.checkscope import Changes

FIELDS = ("subjects", "objects", "predicates", "typed", "classes", "blank")
EX = "http://example.org/"
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _same(text: bytes) -> Changes:
    parsed = Changes.of(set(ox.parse(text, format=ox.RdfFormat.N_TRIPLES)))
    read = Changes.of_ntriples(text)
    for name in FIELDS:
        assert getattr(read, name) == getattr(parsed, name), name
    assert set(read.triples) == set(parsed.triples)
    return read


def test_the_synthetic_graph(tmp_path):
    path = tmp_path / "s.nt"
    synth.write(path, 3, 42, 5, base=synth.curated_files())
    read = _same(path.read_bytes())
    assert len(read.subjects) > 100 and read.typed


def test_the_projects_files_as_the_store_caches_them():
    from kg.store import ntriples
    from kg.store.load import data_files, ontology_files

    read = _same(ntriples.dump([*ontology_files(), *data_files()]))
    assert len(read.subjects) > 5_000 and read.blank  # (the ontology's lists and restrictions)


@pytest.mark.parametrize("line", [
    f'<{EX}a> <{EX}p> "one . two" .',
    f'<{EX}a> <{EX}p> "a \\"quoted\\" . <{EX}x> word"@en .',
    f'<{EX}a> <{EX}p> "12"^^<http://www.w3.org/2001/XMLSchema#integer> .',
    f'<{EX}caf\\u00E9> <{EX}p> <{EX}b> .',
    f'<{EX}a> <{EX}p> <{EX}caf\\u00E9> .',
    f'_:b1 {TYPE} <{EX}C> .',
    f'<{EX}a> {TYPE} _:b2 .',
    f'<{EX}a> <{EX}q> _:b2 .',
    f'<{EX}a> <{EX}p> "_:not a blank node" .',
    f'<{EX}a> <{EX}p> "trailing"   .   ',
])
def test_lines_a_plain_split_could_misread(line):
    text = f"# a comment\n\n{line}\n<{EX}z> {TYPE} <{EX}C> .\n".encode()
    _same(text)


def test_an_escaped_iri_is_the_parsed_one():
    read = Changes.of_ntriples(f"<{EX}caf\\u00E9> <{EX}p> <{EX}b> .\n".encode())
    assert read.subjects == {f"{EX}café"}

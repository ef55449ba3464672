"""Query text at the token level: rewrites touch calls and endpoints, never strings, IRIs,
comments, variables or prefixed names that merely look like them."""

from __future__ import annotations

import pytest

from kg.errors import KgError
from kg.store.sparqltext import query_form, rename_calls, service_calls, where_group

F = "urn:f"


@pytest.mark.parametrize("text, expected", [
    ('FILTER(lang(?l) = "en")', 'FILTER(<urn:f>(?l) = "en")'),
    ("FILTER(LANG (?l))", "FILTER(<urn:f> (?l))"),
    ('FILTER(?l = "lang(?x)")', 'FILTER(?l = "lang(?x)")'),
    ("# lang(?x) in a comment\n?s ?p ?lang", "# lang(?x) in a comment\n?s ?p ?lang"),
    ("?s ex:lang(?o) <http://e/lang(> ?x", "?s ex:lang(?o) <http://e/lang(> ?x"),
    ('FILTER(langMatches(lang(?l), "en"))', 'FILTER(langMatches(<urn:f>(?l), "en"))'),
    ("'''lang(''' lang(?a)", "''' lang(''' <urn:f>(?a)".replace("''' lang", "'''lang")),
    ('SERVICE <http://x> { FILTER(lang(?a)) { FILTER(lang(?b)) } } FILTER(lang(?c))',
     'SERVICE <http://x> { FILTER(lang(?a)) { FILTER(lang(?b)) } } FILTER(<urn:f>(?c))'),
])
def test_rename_calls(text, expected):
    assert rename_calls(text, "LANG", F) == expected


@pytest.mark.parametrize("text, expected", [
    ('FILTER(langMatches(lang(?l), "en"))', 'FILTER(langMatches(lang(?l), "en"))'),
    ('FILTER(LANGMATCHES ( # the tag\n LANG(?l), "en"))', 'FILTER(LANGMATCHES ( # the tag\n LANG(?l), "en"))'),
    ('FILTER(langMatches(STR(lang(?l)), "en"))', 'FILTER(langMatches(STR(<urn:f>(?l)), "en"))'),
    ('FILTER(langMatches(lang(?l), "en") && lang(?l) = "en")',
     'FILTER(langMatches(lang(?l), "en") && <urn:f>(?l) = "en")'),
    ('FILTER(ex:langMatches(lang(?l)))', 'FILTER(ex:langMatches(<urn:f>(?l)))'),
])
def test_a_call_read_by_another_built_in_is_kept(text, expected):
    """LANGMATCHES compares tags without regard to case: the engine's own LANG answers the
    same there, and only there (not inside another call, nor in a comparison)."""
    assert rename_calls(text, "LANG", F, first_argument_of=("LANGMATCHES",)) == expected


def test_service_endpoints_are_found_as_written():
    text = ('BASE <http://h/a/> PREFIX e: <b/> SELECT * { SERVICE SILENT e:q {} SERVICE ?ep {} SERVICE <c> {} '
            '?s ?p "SERVICE <http://no/>" }')
    calls = service_calls(text)
    assert [(c.iri, c.var) for c in calls] == [("http://h/a/b/q", None), (None, "ep"), ("http://h/a/c", None)]
    assert [text[c.start:c.end] for c in calls] == ["e:q", "?ep", "<c>"]
    with pytest.raises(KgError, match="'nope' is not declared"):
        service_calls("SELECT * { SERVICE nope:x {} }")


def test_where_group_and_query_form():
    text = 'PREFIX ex: <http://e/where> # WHERE {\nSELECT ?where { ?s ex:p "WHERE {" }'
    assert text[where_group(text) - 1] == "{" and text[where_group(text):].startswith(' ?s ex:p')
    assert query_form(text) == "SELECT"
    assert query_form("PREFIX a: <x> INSERT DATA {}") is None
    assert query_form("# c\nconstruct where {}") == "CONSTRUCT"

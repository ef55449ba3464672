"""The SPARQL checks after a change (kg.validate.store.checks_after_change, scoped by
kg.validate.checkscope) give exactly the entries the whole checks give on the new generation:
for each check's fixture, added whole to the ontology, and split between a generation and a
file joining it (so that a row's two nodes, a conflict's two observations or a record and the
triple it records, are in different files)."""

from __future__ import annotations

import pytest
from conftest import FIXTURES
from rdflib import Graph
from stores import validated_after_adding

from kg.validate import checkscope
from kg.validate.report import check_queries

CHECKS = sorted((FIXTURES / "checks").glob("*.ttl"))


def _checks(validated) -> list:
    return sorted(map(repr, (e for e in validated.extra if str(e[4]).endswith("-violation"))))


def _write(path, triples) -> None:
    path.write_text("".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples), encoding="utf-8")


@pytest.mark.parametrize("fixture", CHECKS, ids=lambda p: p.stem)
def test_checks_after_adding_a_file_equal_the_whole_checks(fixture, tmp_path):
    _before, after, scratch = validated_after_adding(tmp_path / "store", [], fixture, quotes=False)
    assert not after.full
    assert _checks(scratch)  # (the fixture plants problems)
    assert _checks(after) == _checks(scratch)


@pytest.mark.parametrize("fixture", CHECKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("half", [0, 1])
def test_checks_after_adding_half_a_fixture_equal_the_whole_checks(fixture, half, tmp_path):
    graph = Graph().parse(fixture)
    subjects = sorted({s for s in graph.subjects() if not s.startswith("_:")}, key=str)
    joining = set(subjects[half::2])
    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    _write(first, [t for t in graph if t[0] not in joining])
    _write(second, [t for t in graph if t[0] in joining])
    before, after, scratch = validated_after_adding(tmp_path / "store", [first], second, quotes=False)
    assert _checks(after) == _checks(scratch)


def test_every_check_has_a_scope_that_binds_its_text():
    """A check edited so that its anchors no longer occur would run whole, silently slower:
    each check's text holds its anchors as SCOPES says."""
    for query in check_queries():
        scope = checkscope.SCOPES[query.stem]
        assert checkscope.restricted(query.read_text(encoding="utf-8"), scope, ["urn:x:a"]) is not None, query.stem


def test_every_scope_was_written_for_its_check_as_it_is():
    """A scope encodes what its check reads: when a check is edited, this fails until its
    scope in kg.validate.checkscope.SCOPES is reviewed and its digest written again."""
    for query in check_queries():
        text = query.read_text(encoding="utf-8")
        assert checkscope.scope_for(query.stem, text) is not None, (
            f"{query.name} changed: review its scope in kg.validate.checkscope.SCOPES, then write the first "
            f"16 hex digits of its SHA-256 into _WRITTEN_FOR")


def test_an_edited_check_is_not_scoped_by_the_rule_of_its_earlier_text():
    for query in check_queries():
        text = query.read_text(encoding="utf-8")
        assert checkscope.scope_for(query.stem, text.replace("WHERE {", "WHERE {\n", 1)) is None, query.stem
    assert checkscope.scope_for("a-new-check-violation", "SELECT ?focus WHERE { }") is None


def test_a_validation_record_names_each_term_once_and_a_record_of_before_is_still_read(tmp_path):
    """The record (kg.validate.store.to_record) writes each distinct term and list of files
    once and refers to them by index; read again, it is the same validation, report included.
    A record of the form before (each term in place) gives the same validation too."""
    import json

    from stores import store_graph

    from kg import synth
    from kg.validate import store as vstore

    synthetic = tmp_path / "s.nt"
    synth.write(synthetic, 2, 42, 6, base=synth.curated_files())
    with store_graph([*synth.curated_files(), synthetic]) as graph:
        validated = vstore.validate(graph, quotes=False)
        assert len(validated.report.results) > 6
        data = vstore.to_record(validated, "k")
        record = json.loads(data)
        assert len(record["terms"]) < 3 * len(record["rows"])  # (shapes, components, severities once)
        assert all(isinstance(i, int) for row in record["rows"] for i in (row[0], row[2], row[3], row[5], row[6]))
        terms = record["terms"] + [None]
        before = dict(record, rows=[[terms[r[0]], r[1], terms[r[2]], terms[r[3]], r[4], terms[r[5]], terms[r[6]]]
                                    for r in record["rows"]],
                      extra=[[terms[e[0]], terms[e[1]], terms[e[2]], e[3], terms[e[4]], terms[e[5]]]
                             for e in record["extra"]],
                      shown=[[s[0], record["files"][s[1]], s[2], s[3]] for s in record["shown"]])
        del before["terms"], before["files"]
        for form in (data, json.dumps(before).encode("utf-8")):
            again = vstore.from_record(graph, form, "k")
            assert again.shacl.rows == validated.shacl.rows and again.extra == validated.extra
            assert [r.as_dict() for r in again.report.results] == [r.as_dict() for r in validated.report.results]
        assert vstore.from_record(graph, data, "another key") is None

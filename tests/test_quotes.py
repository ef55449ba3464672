"""Provenance: every quote in the graph is exactly the cleaned text at its offsets, and every
fact-bearing resource points to one."""

from __future__ import annotations

from rdflib.namespace import RDF

from kg.namespaces import CKG, OA
from kg.sources.clean import cleaned_text
from kg.validate.report import check_quotes


def test_every_quote_is_the_text_at_its_offsets(project_union):
    text = cleaned_text()
    quotes = set(project_union.subjects(RDF.type, CKG.Quote))
    assert len(quotes) >= 100
    checked = 0
    for quote in quotes:
        selectors = list(project_union.objects(quote, OA.hasSelector))
        exact = next(project_union.value(s, OA.exact) for s in selectors if project_union.value(s, OA.exact) is not None)
        start = next(int(project_union.value(s, OA.start)) for s in selectors if project_union.value(s, OA.start) is not None)
        end = next(int(project_union.value(s, OA.end)) for s in selectors if project_union.value(s, OA.end) is not None)
        assert text[start:end] == str(exact), quote
        assert str(quote).endswith(f"/{start}-{end}")
        checked += 1
    assert checked == len(quotes)
    assert check_quotes(project_union) == []


def test_quote_check_catches_a_shifted_offset(project_union):
    from rdflib import Graph, Literal

    graph = Graph()
    for triple in project_union:
        graph.add(triple)
    selector = next(graph.subjects(RDF.type, OA.TextPositionSelector))
    start = int(graph.value(selector, OA.start))
    graph.set((selector, OA.start, Literal(start + 1)))
    problems = check_quotes(graph)
    assert len(problems) == 1 and "is '" in problems[0][2]


def test_every_fact_bearing_resource_has_evidence(project):
    """Everything the curated theme files describe points to a quote (shared core resources
    from the gazetteer may cite their dataset instead). Recorded statements (their quotes are
    checked by the shapes and tests/test_fidelity.py) and thresholds (part of their indicator)
    are not resources of their own."""
    data = project.data
    themed = set()
    for name, path in project.files.items():
        if path.parent.name == "themes":
            themed |= set(project.dataset.graph(name).subjects(RDF.type))
    non_quotes = {s for s in themed if (s, RDF.type, CKG.Quote) not in data
                  and not set(data.objects(s, RDF.type)) & {OA.TextQuoteSelector, OA.TextPositionSelector,
                                                           RDF.Statement, CKG.Threshold}}
    missing = sorted(str(s) for s in non_quotes if (s, CKG.evidence, None) not in data)
    assert len(non_quotes) > 200
    assert missing == []

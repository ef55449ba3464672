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


def _split(fixture, tmp_path, half: int = 0):
    """The fixture in two N-Triples files: its named subjects taken alternately (from
    ``half``) join in the second, the rest (blank subjects included) stay in the first."""
    graph = Graph().parse(fixture)
    subjects = sorted({s for s in graph.subjects() if not s.startswith("_:")}, key=str)
    joining = set(subjects[half::2])
    first, second = tmp_path / "first.nt", tmp_path / "second.nt"
    _write(first, [t for t in graph if t[0] not in joining])
    _write(second, [t for t in graph if t[0] in joining])
    return first, second


@pytest.mark.parametrize("fixture", CHECKS, ids=lambda p: p.stem)
def test_checks_after_adding_a_file_equal_the_whole_checks(fixture, tmp_path):
    _before, after, scratch = validated_after_adding(tmp_path / "store", [], fixture, quotes=False)
    assert not after.full
    assert _checks(scratch)  # (the fixture plants problems)
    assert _checks(after) == _checks(scratch)


@pytest.mark.parametrize("fixture", CHECKS, ids=lambda p: p.stem)
def test_a_whole_validation_binds_its_checks_and_equals_the_checks_as_written(fixture, tmp_path):
    """A whole validation runs each check on the nodes that can have a row (the graph as a
    change from an empty one): the same entries as each check's query on every triple."""
    from kg.store import project
    from kg.store.graph import StoreGraph
    from kg.store.persistent import GraphStore
    from kg.validate import store as vstore

    store = GraphStore(tmp_path / "store")
    store.update(project.inputs([fixture]))
    with store.reader() as view:
        bound = vstore.validate(StoreGraph.of(view), quotes=False)
        reference = vstore.validate(StoreGraph.of(view), quotes=False, reference_checks=True)
    assert _checks(reference)  # (the fixture plants problems)
    assert _checks(bound) == _checks(reference)


@pytest.mark.parametrize("fixture", CHECKS, ids=lambda p: p.stem)
@pytest.mark.parametrize("half", [0, 1])
def test_checks_after_adding_half_a_fixture_equal_the_whole_checks(fixture, half, tmp_path):
    first, second = _split(fixture, tmp_path, half)
    before, after, scratch = validated_after_adding(tmp_path / "store", [first], second, quotes=False)
    assert _checks(after) == _checks(scratch)


#: The scopes whose focus starts from each changed subject (Scope.looks_up).
LOOK_UPS = {"conflicting-observation-violation", "division-code-violation", "period-order-violation",
            "statement-record-violation", "unsupported-statement-violation", "validity-order-violation"}


def _asked(monkeypatch) -> list[str]:
    """The names of the scopes whose focus function is called from now on, in order."""
    from dataclasses import replace

    asked: list[str] = []
    for name, scope in checkscope.SCOPES.items():
        def focus(store, changes, name=name, inner=scope.focus):
            asked.append(name)
            return inner(store, changes)

        monkeypatch.setitem(checkscope.SCOPES, name, replace(scope, focus=focus))
    return asked


def _run_whole(monkeypatch) -> list[set[str]]:
    """The checks each later kg.validate.store.run_checks call runs whole (not bound to a focus)."""
    from kg.validate import store as vstore

    whole: list[set[str]] = []
    run_checks = vstore.run_checks

    def spy(graph, **options):
        only = options.get("only")
        whole.append(({q.stem for q in check_queries()} if only is None else set(only)) - set(options.get("focus") or ()))
        return run_checks(graph, **options)

    monkeypatch.setattr(vstore, "run_checks", spy)
    return whole


def test_the_scopes_that_look_up_partners_are_those_of_the_checks_that_start_from_each_subject():
    assert {name for name, scope in checkscope.SCOPES.items() if scope.looks_up} == LOOK_UPS


@pytest.mark.parametrize("fixture", CHECKS, ids=lambda p: p.stem)
def test_checks_after_a_change_of_many_subjects_equal_the_whole_checks(fixture, tmp_path, monkeypatch):
    """More changed subjects than a check is scoped for (scoped_at_most of the graph's
    triples; here 1): the scopes that look up each subject's partners are not asked (nothing
    is looked up in the store for them) and their checks run whole, which is exact and
    cheaper than the look-ups; the others are still asked. The checks equal the whole checks."""
    monkeypatch.setattr(checkscope, "SCOPED_AT_LEAST", 1)
    monkeypatch.setattr(checkscope, "TRIPLES_PER_SCOPED_NODE", 10**9)
    first, second = _split(fixture, tmp_path)
    with second.open("a", encoding="utf-8") as out:  # (two changed subjects at least: over the limit)
        out.write('<https://example.org/another> <https://example.org/p> "x" .\n')
    asked, whole = _asked(monkeypatch), _run_whole(monkeypatch)
    _before, after, scratch = validated_after_adding(tmp_path / "store", [first], second, quotes=False)
    assert _checks(after) == _checks(scratch)
    assert not set(asked) & LOOK_UPS
    assert "dangling-reference-violation" in asked
    assert LOOK_UPS <= whole[1]  # (the change's; 0: `before`, 2: the reference)


def test_a_change_over_the_scoped_limit_is_not_looked_up_below_twenty_thousand_subjects(tmp_path, monkeypatch):
    """A change of more subjects than scoped_at_most(len(graph)) (1,000 in a small store) and
    fewer than WHOLE_ABOVE (a regional table beside the project: 6,500 subjects, a limit of
    2,111): the look-ups would find a focus over the limit, thrown away; the checks whose
    scopes look up partners run whole without them, and equal the whole checks."""
    from kg.validate import store as vstore

    fixture = next(p for p in CHECKS if p.stem.startswith("conflicting-observation"))
    first, second = _split(fixture, tmp_path)
    with second.open("a", encoding="utf-8") as out:
        out.writelines(f'<https://example.org/n{i}> <https://example.org/p> "{i}" .\n' for i in range(1_100))
    seen = []
    checks_after_change = vstore.checks_after_change

    def spy(graph, previous, changed):
        start = len(asked)
        try:
            return checks_after_change(graph, previous, changed)
        finally:  # (the scopes asked for this change, not for the whole validations)
            seen.append((len(changed.subjects), checkscope.scoped_at_most(len(graph)), asked[start:]))

    monkeypatch.setattr(vstore, "checks_after_change", spy)
    asked, whole = _asked(monkeypatch), _run_whole(monkeypatch)
    _before, after, scratch = validated_after_adding(tmp_path / "store", [first], second, quotes=False)
    # (`before`, validated whole, is the graph as a change from an empty one; then the change)
    assert len(seen) == 2
    subjects, at_most, asked_for_it = seen[-1]
    assert at_most < subjects < checkscope.WHOLE_ABOVE
    assert not set(asked_for_it) & LOOK_UPS and asked_for_it
    assert LOOK_UPS <= whole[1]  # (the change's; 0: `before`, 2: the reference)
    assert _checks(after) == _checks(scratch)
    assert any("conflicting-observation" in line for line in _checks(after))


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


def _form_1_record(validated, key: str) -> bytes:
    """A record as county-kg wrote it before JSON Lines: one JSON document, each term in place."""
    import json

    from kg.validate import store as vstore

    shown = [[r.focus_label, [str(f) for f in r.files], r.node, r.value] for r in validated.report.results]
    return json.dumps({"key": key, "lang": validated.lang,
                       "rows": [[vstore._term_json(r[0]), r[1], vstore._term_json(r[2]), vstore._term_json(r[3]), r[4],
                                 vstore._term_json(r[5]), vstore._term_json(r[6])] for r in validated.shacl.rows],
                       "extra": [[vstore._term_json(e[0]), vstore._term_json(e[1]), vstore._term_json(e[2]), e[3],
                                  vstore._term_json(e[4]), vstore._term_json(e[5])] for e in validated.extra],
                       "shown": shown}, ensure_ascii=False).encode("utf-8")


def test_a_validation_record_names_each_term_once_and_a_record_of_before_is_still_read(tmp_path):
    """The record (kg.validate.store.to_record) is a header and one line per SHACL row, the
    repeated values (shapes, components, severities, messages, files) once in the header's
    table, named by index; read again, it is the same validation, report included, and its
    violations are those of the report. A record of the form before (one JSON document, each
    term in place) gives the same validation too; a record cut short or of another key is
    none (made again), never an error."""
    import json

    from stores import store_graph

    from kg import synth
    from kg.validate import store as vstore

    synthetic = tmp_path / "s.nt"
    synth.write(synthetic, 2, 42, 6, base=synth.curated_files())
    with store_graph([*synth.curated_files(), synthetic]) as graph:
        validated = vstore.validate(graph, quotes=False)
        assert len(validated.report.results) > 6 and validated.report.violations
        data = vstore.to_record(validated, "k")
        head, *lines = data.split(b"\n")
        header = json.loads(head)
        assert header["form"] == vstore.LINES_FORM and header["rows"] == len(lines) == len(validated.shacl.rows)
        table = [json.dumps(v, sort_keys=True) for v in header["table"]]
        assert len(set(table)) == len(table)  # each value once (a severity, a shape named by many rows)
        assert all(b"shacl#" not in line for line in lines)
        assert all(isinstance(i, int) for line in lines for i in json.loads(line.split(b"\t", 2)[2])[1:5])
        for form in (data, _form_1_record(validated, "k")):
            again = vstore.from_record(graph, form, "k")
            assert [r.as_dict() for r in again.violations()] == [r.as_dict() for r in validated.report.violations]
            assert again.shacl.rows == validated.shacl.rows and again.extra == validated.extra
            assert [r.as_dict() for r in again.report.results] == [r.as_dict() for r in validated.report.results]
        assert vstore.to_record(vstore.from_record(graph, data, "k"), "k") == data  # (lines kept as they are)
        assert vstore.from_record(graph, data, "another key") is None
        assert vstore.from_record(graph, data.rsplit(b"\n", 1)[0], "k") is None  # a line short
        assert vstore.from_record(graph, data[:len(data) // 2], "k") is None
        assert vstore.from_record(graph, b"not json", "k") is None
        assert vstore.from_record(graph, b'{"key": "k", "rows": [[0, 1, 2]], "extra": []}', "k") is None


def test_ill_formed_literals_are_kept_beside_each_cached_file(tmp_path):
    """The ill-formed literals of the graph are those of its files as written, each file's
    found once and kept beside its cached N-Triples (an import beside a national table reads
    its own file only); a kept file that cannot be read is made again."""
    from stores import store_graph

    from kg.validate import lexical, partitions

    bad = tmp_path / "bad.nt"
    bad.write_text('<https://example.org/a> <https://example.org/p> "1,5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
                   '_:b <https://example.org/p> "x"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', encoding="utf-8")
    with store_graph([bad]) as graph:
        expected = lexical.mark_ntriples(graph.source_ntriples)[1].items
        assert len(expected) == 2
        assert partitions.lexical_marks(graph).items == expected
        entry = next(e for e in graph.entries if graph.paths[e.graph].read_bytes().count(b"\"1,5\""))
        kept = graph.paths[entry.graph].with_name(f"{entry.sha256}.lexical.json")
        text = kept.read_text(encoding="utf-8")
        assert "1,5" in text
        kept.write_text(text.replace("1,5", "2,5"), encoding="utf-8")  # read, not found again
        assert "2,5" in [str(m.literal) for m in partitions._file_marks(graph.paths[entry.graph], entry.sha256)]
        kept.write_text("{", encoding="utf-8")
        assert partitions._file_marks(graph.paths[entry.graph], entry.sha256) == expected


def test_a_whole_validation_keeps_each_files_ill_formed_literals(tmp_path):
    """The whole validation marks the graph file by file: the marked text and the marks equal
    the whole text's, and each file's record is kept, so the next import beside a national
    table does not mark the national file again; a file whose record holds no mark is read as
    it is."""
    from stores import store_graph

    from kg.validate import lexical, partitions

    bad = tmp_path / "bad.nt"
    bad.write_text('<https://example.org/a> <https://example.org/p> "1,5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n'
                   '<https://example.org/b> <https://example.org/p> "7"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
                   encoding="utf-8")
    good = tmp_path / "good.nt"
    good.write_text('<https://example.org/c> <https://example.org/p> "2.5"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n',
                    encoding="utf-8")
    with store_graph([bad, good]) as graph:
        kept = [graph.paths[e.graph].with_name(f"{e.sha256}.lexical.json") for e in graph.entries]
        for path in kept:
            path.unlink(missing_ok=True)
        whole_text, whole_marks = lexical.mark_ntriples(graph.source_ntriples)
        text, marks = partitions._marked_files(graph)
        assert text == whole_text and marks.items == whole_marks.items and len(marks.items) == 1
        assert all(path.exists() for path in kept)
        # a record saying "no marks" is trusted: the file is read as it is, not marked
        clean = next(e for e in graph.entries if b'"1,5"' in graph.paths[e.graph].read_bytes())
        path = graph.paths[clean.graph].with_name(f"{clean.sha256}.lexical.json")
        path.write_text(path.read_text(encoding="utf-8").replace('"marks": [[', '"marks": [], "was": [['),
                        encoding="utf-8")
        text, marks = partitions._marked_files(graph)
        assert marks.items == [] and b'"1,5"^^<http://www.w3.org/2001/XMLSchema#decimal>' in text


def test_a_check_bound_to_many_nodes_of_its_store_runs_whole(tmp_path, monkeypatch):
    """A scoped check costs about a millisecond a focus node, the whole check microseconds a
    triple: bound to more than one node per TRIPLES_PER_SCOPED_NODE triples (and more than
    SCOPED_AT_LEAST) it runs whole; the checks equal the whole checks either way."""
    from kg.validate import store as vstore

    assert checkscope.scoped_at_most(100) == checkscope.SCOPED_AT_LEAST
    assert checkscope.scoped_at_most(211_108) == 2_111  # (a regional table beside the project)
    assert checkscope.scoped_at_most(10**9) == checkscope.WHOLE_ABOVE
    fixture = next(p for p in CHECKS if p.stem.startswith("conflicting-observation"))
    first, second = _split(fixture, tmp_path)
    calls = []
    run_checks = vstore.run_checks

    def spy(graph, **options):
        calls.append((set(options.get("only") or ()), set(options.get("focus") or {})))
        return run_checks(graph, **options)

    monkeypatch.setattr(vstore, "run_checks", spy)
    monkeypatch.setattr(checkscope, "SCOPED_AT_LEAST", 0)
    monkeypatch.setattr(checkscope, "TRIPLES_PER_SCOPED_NODE", 10**9)  # (at most 0 nodes: every check whole)
    _before, after, scratch = validated_after_adding(tmp_path / "store", [first], second, quotes=False)
    assert _checks(after) == _checks(scratch)
    ran = [(only, focus) for only, focus in calls if "conflicting-observation-violation" in only]
    assert ran and all("conflicting-observation-violation" not in focus for _only, focus in ran)

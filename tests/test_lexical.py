"""Ill-formed lexical forms (kg.validate.lexical): a literal whose lexical form is outside its
XSD datatype's lexical space is a violation naming the node and the value, on every engine
and every validation path.

tests/fixtures/lexical/<family>-valid.ttl and <family>-invalid.ttl hold, per datatype family
(decimal, integer and its subtypes, float/double/boolean, date, dateTime/time, the Gregorian
fragments, durations, language tags), well-formed and ill-formed forms, on predicates the
shapes constrain (the result is on the property shape declaring sh:datatype) and on one they
do not (ex:notes: the result is ckgsh:LexicalFormCheck). Each ``# expect:`` line of an invalid
fixture is one violation: focus | path | component | value. The valid fixtures conform.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import XSD as _XSD

XSD = Namespace(str(_XSD))  # (a plain Namespace: pytest probes module globals, which a ClosedNamespace warns about)

from kg.namespaces import PREFIXES, SH
import tempfile

from stores import store_graph, validated_after_adding
from kg.store.load import load
from kg.validate import engines, lexical, partitions
from kg.validate.report import validate_files

FIXTURES = Path(__file__).parent / "fixtures" / "lexical"
SUPPORT = Path(__file__).parent / "fixtures" / "shapes" / "_support.ttl"
FAMILIES = sorted({p.name.rsplit("-", 1)[0] for p in FIXTURES.glob("*.ttl")})
NAMES = {**{p: str(ns) for p, ns in PREFIXES.items()}, "ex": "https://example.org/lexical#"}


def expand(text: str | None) -> str | None:
    if text is None:
        return None
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    prefix, _sep, local = text.partition(":")
    return NAMES[prefix] + local if prefix in NAMES else text


def literal(text: str) -> Literal:
    turtle = f"@prefix xsd: <{XSD}> . <urn:s> <urn:p> {text} ."
    return next(iter(Graph().parse(data=turtle, format="turtle").objects()))


def expected(family: str) -> set[tuple]:
    found = set()
    for line in (FIXTURES / f"{family}-invalid.ttl").read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect: "):
            focus, path, component, value = (part.strip() for part in line[len("# expect: "):].split(" | "))
            found.add((expand(focus), expand(path), expand(component), literal(value)))
    assert found, f"{family}-invalid.ttl names no expected result"
    return found


def violations(rows) -> set[tuple]:
    """(focus, path IRI, component, value) of the violations among engine rows."""
    return {(str(focus), expand(path), str(component), value)
            for focus, path, component, severity, _message, value, _shape in rows if severity == SH.Violation}


def files(family: str, kind: str) -> list[Path]:
    return [SUPPORT, FIXTURES / f"{family}-{kind}.ttl"]


def paths_of(fixture_files: list[Path]) -> dict[str, set[tuple]]:
    """The violations each validation path finds for these files."""
    loaded = load(fixture_files)
    found = {}
    for engine in ("pyshacl", "turbo"):
        run = engines.validate(loaded.data, loaded.shapes, engine, ontology=loaded.ontology)
        found[engine] = violations(run.rows)
    with store_graph(fixture_files) as graph:
        found["text, whole"] = violations(partitions.validate_shacl(graph, partitioned=False).rows)
        found["text, partitioned"] = violations(
            partitions.validate_shacl(graph, partitioned=True, partition_size=20, workers=2).rows)
        subjects = sorted({str(s) for s in loaded.data.subjects() if isinstance(s, URIRef)})
        found["store"] = violations(partitions.validate_focus(graph, subjects).rows)
    with tempfile.TemporaryDirectory() as scratch:
        _before, after, _whole = validated_after_adding(Path(scratch) / "store", [SUPPORT], fixture_files[-1],
                                                        checks=False, quotes=False)
    found["incremental import"] = violations(after.shacl.rows)
    return found


@pytest.mark.parametrize("family", FAMILIES)
def test_valid_forms_conform_on_every_path(family):
    found = paths_of(files(family, "valid"))
    assert found == {name: set() for name in found}


@pytest.mark.parametrize("family", FAMILIES)
def test_ill_formed_forms_are_violations_on_every_path(family):
    want = expected(family)
    found = paths_of(files(family, "invalid"))
    for name, rows in found.items():
        assert rows == want, f"{name}: missing {want - rows}, unexpected {rows - want}"


def test_the_report_names_node_value_and_shape():
    report = validate_files(files("decimal", "invalid"), checks=False, quotes=False)
    assert not report.conforms
    [result] = [r for r in report.violations if r.component == "sh:DatatypeConstraintComponent"]
    assert str(result.focus).endswith("/observation/fixture-output-value-2022")
    assert (result.path, result.value, result.source) == (
        "sdmx-measure:obsValue", '"5.8e8"^^xsd:decimal', "ckgsh:Observation-obsValue")
    text = report.to_text()
    assert 'value:      "5.8e8"^^xsd:decimal' in text
    assert lexical.MARK not in text and lexical.MARK not in report.to_json() and lexical.MARK not in report.to_turtle()
    unconstrained = [r for r in report.violations if r.component == "ckgsh:LexicalFormCheck"]
    beyond = {'"170141183460469231731.687303715884105728"^^xsd:decimal', '"1000000000000000000000"^^xsd:decimal',
              '"0.1234567890123456789"^^xsd:decimal'}
    assert {r.value for r in unconstrained} - beyond == {'"1,234.5"^^xsd:decimal', '" 12.5"^^xsd:decimal',
                                                        '"１２"^^xsd:decimal', '"INF"^^xsd:decimal', '"."^^xsd:decimal'}
    assert all("is ill-formed, not in the lexical space of xsd:decimal" in r.message and "XSD 1.1 Part 2" in r.message
               for r in unconstrained if r.value not in beyond)
    assert {r.value for r in unconstrained if "beyond what the store's engine (Oxigraph) computes with" in r.message
            and "drop out of sums" in r.message} == beyond


def test_the_literal_is_read_as_written():
    """rdflib would read "5.8e8"^^xsd:decimal as "580000000" (its default normalisation through
    Decimal): county-kg keeps the form the file holds, so validation sees it."""
    loaded = load(files("decimal", "invalid"))
    values = {str(o) for o in loaded.data.objects(None, URIRef(PREFIXES["sdmx-measure"] + "obsValue"))}
    assert values == {"5.8e8"}


def test_why_rdflib_ill_typed_is_not_enough():
    """rdflib decides ill_typed with Python's converters, which read forms XSD does not allow,
    and has none for the Gregorian fragments; the XSD lexical spaces decide here."""
    cases = [("5.8e8", XSD.decimal), (" 12", XSD.integer), ("１２", XSD.integer), ("INF", XSD.decimal)]
    for text, datatype in cases:
        assert Literal(text, datatype=datatype).ill_typed is False
        assert lexical.ill_formed(text, str(datatype)) is not None
    assert Literal("97", datatype=XSD.gYear).ill_typed is None
    assert lexical.ill_formed("97", str(XSD.gYear)) is not None
    # and the other way round: the end of a day, valid in XSD 1.1, is ill-typed for rdflib
    assert Literal("2023-01-01T24:00:00", datatype=XSD.dateTime).ill_typed is True
    assert lexical.ill_formed("2023-01-01T24:00:00", str(XSD.dateTime)) is None


@pytest.mark.parametrize("text, datatype, reason", [
    ("5.8e8", "decimal", "no exponent"),
    ("2023-02-29", "date", "day 29 does not exist in month 02 of 2023"),
    ("--02-30", "gMonthDay", "day 30 does not exist in month 02"),
    ("128", "byte", "outside -128..127"),
    ("0", "positiveInteger", "outside 1.."),
    ("-5", "nonNegativeInteger", "outside 0.."),
])
def test_reasons_say_what_is_wrong(text, datatype, reason):
    assert reason in lexical.ill_formed(text, str(XSD) + datatype)


def test_datatypes_outside_xsd_are_not_decided_here():
    assert lexical.ill_formed("anything", "https://w3id.org/county-kg/ontology#DivisionCode") is None
    assert lexical.ill_formed("x", str(XSD.string)) is None


def test_a_huge_integer_is_decided_without_converting_it():
    digits = "9" * 100_000
    assert lexical.ill_formed(digits, str(XSD.integer)) is None
    assert lexical.ill_formed(digits, str(XSD.nonNegativeInteger)) is None
    assert "outside" in lexical.ill_formed(digits, str(XSD.long))
    assert "outside" in lexical.ill_formed("-" + digits, str(XSD.nonNegativeInteger))
    assert lexical.ill_formed("-000", str(XSD.nonNegativeInteger)) is None


def test_ntriples_marking_reads_escapes_exactly():
    """A lexical form with an escape is decided on the parsed term; a typed literal inside a
    string's text is not one."""
    text = ('<urn:a> <urn:p> "1\\u0032"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '<urn:a> <urn:p> "see \\"5.8e8\\"^^<http://www.w3.org/2001/XMLSchema#decimal> here" .\n'
            '<urn:a> <urn:p> "1\\"2"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
            '_:b1 <urn:p> "5.8e8"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n')
    for given in (text, text.encode("utf-8")):
        marked, marks = lexical.mark_ntriples(given)
        assert type(marked) is type(given)
        assert sorted(str(m.literal) for m in marks.items) == ['1"2', "5.8e8"]
        lines = (marked.decode() if isinstance(marked, bytes) else marked).splitlines()
        assert lines[0] == text.splitlines()[0] and lines[1] == text.splitlines()[1]
        assert lines[2].endswith(f'"1\\"2"^^<{lexical.MARK}http://www.w3.org/2001/XMLSchema#integer> .')
        assert lines[3].startswith("_:b1 ")
    unchanged, none = lexical.mark_ntriples(text.splitlines()[0] + "\n")
    assert not none and unchanged == text.splitlines()[0] + "\n"


def test_the_input_graph_is_not_changed():
    loaded = load(files("decimal", "invalid"))
    before = set(loaded.data)
    engines.validate(loaded.data, loaded.shapes, "turbo", ontology=loaded.ontology)
    assert set(loaded.data) == before
    assert Literal("5.8e8", datatype=XSD.decimal) in set(loaded.data.objects())


@pytest.mark.parametrize("family", FAMILIES)
def test_exports_keep_every_form_as_written(family):
    """Well-formed but non-canonical forms ("+1276000000."^^xsd:decimal, "0001"^^xsd:positiveInteger,
    "0"^^xsd:boolean, "1."^^xsd:float) leave Turtle, TriG and N-Triples as the file writes them:
    rdflib's short forms would turn "1"^^xsd:boolean into an xsd:integer and "1." into no Turtle."""
    import pyoxigraph as ox

    from kg.publish.export import serialize

    loaded = load(files(family, "valid"))
    written = {(str(s), str(p), str(o), str(o.datatype)) for s, p, o in loaded.data
               if isinstance(o, Literal) and o.datatype is not None}
    for fmt, parse_as in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("trig", ox.RdfFormat.TRIG)):
        read = {(q.subject.value, q.predicate.value, q.object.value, q.object.datatype.value)
                for q in ox.parse(input=serialize(loaded, fmt), format=parse_as)
                if isinstance(q.object, ox.Literal) and not q.object.language and isinstance(q.subject, ox.NamedNode)}
        missing = {w for w in written if w[0].startswith("http") and w not in read}
        assert not missing, (fmt, sorted(missing)[:5])


# -- representable in the store (kg.validate.lexical.unrepresentable) ----------------------------

BOUNDARY = [  # (lexical form, datatype): on each side of Oxigraph's limits
    ("170141183460469231731.687303715884105727", "decimal"), ("170141183460469231731.687303715884105728", "decimal"),
    ("-170141183460469231731.687303715884105728", "decimal"), ("-170141183460469231731.687303715884105729", "decimal"),
    ("170141183460469231732", "decimal"), ("1000000000000000000000", "decimal"),
    ("0.123456789012345678", "decimal"), ("0.1234567890123456789", "decimal"), ("0.12345678901234567800000", "decimal"),
    ("0.0000000000000000001", "decimal"), ("-0000000000000000000000000001.5", "decimal"), ("1" + "0" * 400, "decimal"),
    ("9223372036854775807", "integer"), ("9223372036854775808", "integer"), ("-9223372036854775808", "integer"),
    ("-9223372036854775809", "integer"), ("+0009223372036854775807", "integer"), ("18446744073709551615", "unsignedLong"),
    ("9223372036854775808", "nonNegativeInteger"), ("123456789012345678901234567890", "integer"),
]


@pytest.mark.parametrize("text,datatype", BOUNDARY)
def test_representable_is_what_the_store_computes_with(text, datatype):
    """The rule is checked against the engine itself: a value is representable exactly when
    Oxigraph can add 0 to it (an unrepresentable one is an error there: the sum is unbound)."""
    import pyoxigraph as ox

    iri = str(XSD) + datatype
    (row,) = ox.Store().query(f'SELECT (?x + 0 AS ?y) WHERE {{ BIND("{text}"^^<{iri}> AS ?x) }}')
    assert lexical.ill_formed(text, iri) is None
    assert (lexical.unrepresentable(text, iri) is None) == (row["y"] is not None), text
    assert (lexical.fault(text, iri) is None) == (row["y"] is not None)


@pytest.mark.parametrize("written,why", [
    ("123456789012345678901234", "an xsd:decimal whose integer part (24 digits) is beyond about +-1.7e20"),
    ("0.1234567890123456789", "an xsd:decimal with more than 18 fractional digits (19)"),
    ("5.8e8", "not in the lexical space of xsd:decimal"),
])
def test_a_value_the_shape_refuses_for_its_fault_is_reported_with_the_fault(tmp_path, written, why):
    """An observation's value too large for the store was reported with the shape's message,
    "an xsd:decimal in base units written with a decimal point", which it is: the result of a
    value that fails for its fault says what is wrong with it."""
    data = tmp_path / "observation.ttl"
    data.write_text((FIXTURES / "decimal-valid.ttl").read_text(encoding="utf-8").replace(
        '"+1276000000."^^xsd:decimal', f'"{written}"^^xsd:decimal'), encoding="utf-8")
    report = validate_files([SUPPORT, data], checks=False, quotes=False)
    [result] = [r for r in report.violations if r.path == "sdmx-measure:obsValue"]
    assert result.component == "sh:DatatypeConstraintComponent" and result.value == f'"{written}"^^xsd:decimal'
    assert why in result.message and "decimal point" not in result.message.replace("sign and decimal point", "")


def _exact(power: int) -> str:
    """2^-power as an exact decimal lexical form."""
    digits = str(5 ** power)
    return "0." + "0" * (power - len(digits)) + digits


#: (lexical form, datatype, a value of the type to compare with): on each side of Oxigraph's
#: year range (the seconds from year 1 an xsd:decimal, lib/oxsdatatypes/src/date_time.rs) and of
#: its seconds' 18 fractional digits.
DATE_BOUNDARY = [
    ("5391559471919-01-01", "date"), ("5391559471920-01-01", "date"), ("5391559471918-12-31", "date"),
    ("5391559471919-12-31", "date"), ("-5391559471917-01-01", "date"), ("-5391559471918-01-01", "date"),
    ("5391559471918-12-31-14:00", "date"), ("5391559471919-12-31+14:00", "date"),
    ("5391559471918-12-31T23:59:59.999", "dateTime"), ("5391559471919-12-31T00:00:00Z", "dateTime"),
    ("2000-01-01T00:00:00.123456789012345678", "dateTime"), ("2000-01-01T00:00:00.1234567890123456789", "dateTime"),
    ("2000-01-01T00:00:00.1234567890123456780", "dateTime"),
    ("5391559471918", "gYear"), ("5391559471919", "gYear"), ("-5391559471918", "gYear"), ("-5391559471919", "gYear"),
    ("5391559471919-01", "gYearMonth"), ("5391559471920-01", "gYearMonth"), ("1" + "0" * 30 + "-01", "gYearMonth"),
    ("00:00:00.123456789012345678", "time"), ("00:00:00.1234567890123456789", "time"),
]
_OTHER = {"date": "2000-01-01", "dateTime": "2000-01-01T00:00:00", "gYear": "2000", "gYearMonth": "2000-01",
          "time": "00:00:00"}


@pytest.mark.parametrize("text,datatype", DATE_BOUNDARY)
def test_a_representable_date_is_one_the_store_compares(text, datatype):
    """A date is representable exactly when Oxigraph can compare it with another of its type
    (one it cannot hold is an opaque term there: the comparison is unbound)."""
    import pyoxigraph as ox

    iri = str(XSD) + datatype
    (row,) = ox.Store().query(f'SELECT (?x < "{_OTHER[datatype]}"^^<{iri}> AS ?y) '
                              f'WHERE {{ BIND("{text}"^^<{iri}> AS ?x) }}')
    assert lexical.ill_formed(text, iri) is None
    assert (lexical.unrepresentable(text, iri) is None) == (row["y"] is not None), text
    assert (lexical.fault(text, iri) is None) == (row["y"] is not None)
    marked, marks = lexical.mark_ntriples(f'<urn:s> <urn:p> "{text}"^^<{iri}> .\n')
    assert bool(marks) == (row["y"] is None)  # the quick scan of N-Triples decides the same


FLOAT_BOUNDARY = [
    ("3.4028235e38", "float"), (str(2**128 - 2**103 - 1), "float"), (str(2**128 - 2**103), "float"),
    ("1e39", "float"), ("-1e39", "float"), (_exact(149), "float"), (_exact(150), "float"), (_exact(150) + "1", "float"),
    ("1e-50", "float"), ("1.5e-45", "float"), ("INF", "float"), ("-INF", "float"), ("0e99", "float"),
    (str(2**1024 - 2**970 - 1), "double"), (str(2**1024 - 2**970), "double"), ("1e308", "double"), ("1e309", "double"),
    ("2e-324", "double"), ("3e-324", "double"), (_exact(1075), "double"), ("1e39", "double"), ("1e99999999999", "double"),
]


@pytest.mark.parametrize("text,datatype", FLOAT_BOUNDARY)
def test_a_representable_float_is_the_number_the_store_holds(text, datatype):
    """A finite, non-zero xsd:float or xsd:double is representable exactly when Oxigraph holds it
    as a finite, non-zero number ("1e39"^^xsd:float is INF there, "1e-50"^^xsd:float is 0)."""
    import pyoxigraph as ox

    iri = str(XSD) + datatype
    (row,) = ox.Store().query(f'SELECT (?x + 0 AS ?y) WHERE {{ BIND("{text}"^^<{iri}> AS ?x) }}')
    held = row["y"].value
    written = text.lstrip("+-")
    if written == "INF":
        same = held.lstrip("-") == "INF"
    else:  # (compared exactly: Python's float("2e-324") is 0.0 too)
        same = (Decimal(written) == 0) == (held in ("0", "-0")) and held.lstrip("-") != "INF"
    assert lexical.ill_formed(text, iri) is None
    assert (lexical.unrepresentable(text, iri) is None) == same, (text, held)
    marked, marks = lexical.mark_ntriples(f'<urn:s> <urn:p> "{text}"^^<{iri}> .\n')
    assert bool(marks) == (not same)


def test_an_unrepresentable_value_is_named_with_why():
    reason = lexical.unrepresentable("0.1234567890123456789", str(XSD.decimal))
    assert reason.startswith(lexical.UNREPRESENTABLE) and "more than 18 fractional digits (19)" in reason
    text = lexical.message(Literal("1000000000000000000000", datatype=XSD.decimal, normalize=False),
                           lexical.unrepresentable("1000000000000000000000", str(XSD.decimal)))
    assert text.startswith('"1000000000000000000000"^^xsd:decimal is beyond what the store') and "drop out of sums" in text
    assert lexical.unrepresentable("9" * 100_000, str(XSD.integer))  # decided without converting it
    assert lexical.unrepresentable("abc", str(XSD.decimal)) is None  # ill-formed: ill_formed's to say


ODD_FORMS = ['"5.8e8"^^xsd:decimal', '"\\uFF11\\uFF12"^^xsd:integer', '"inf"^^xsd:double', '"TRUE"^^xsd:boolean',
             '" 12 "^^xsd:integer', '"+500"^^xsd:byte', '"1\\"2\\n3"^^xsd:integer', '"1.5E"^^xsd:double',
             '"1000000000000000000000"^^xsd:decimal', '"0.1234567890123456789"^^xsd:decimal',
             '"12.50e0"^^xsd:decimal', '"- 1"^^xsd:float', '"2023-02-30"^^xsd:date', '"yes"^^xsd:boolean']


def test_the_turtle_report_writes_each_value_as_the_data_has_it(tmp_path):
    """`kg validate --format turtle` wrote "5.8e8"^^xsd:decimal as 5.8e8 (an xsd:double, valid),
    "１２"^^xsd:integer as a bare １２ (not Turtle), "inf" as "INF", "TRUE" as true: parsed back,
    every sh:value of the report is the data's literal, lexical form and datatype."""
    data = tmp_path / "odd.ttl"
    data.write_text(f"@prefix xsd: <{XSD}> .\n" + "".join(
        f"<https://example.org/odd/{i}> <https://example.org/odd#p> {form} .\n" for i, form in enumerate(ODD_FORMS)),
        encoding="utf-8")
    given = {(str(s), o) for s, _p, o in Graph().parse(data, format="turtle")}
    report = validate_files([data], checks=False, quotes=False)
    parsed = Graph().parse(data=report.to_turtle(), format="turtle")
    values = {(str(parsed.value(r, SH.focusNode)), parsed.value(r, SH.value)) for r in parsed.subjects(SH.value, None)}
    assert values == given
    assert all(str(o) == str(value) and o.datatype == value.datatype
               for (_s, o), (_t, value) in zip(sorted(given), sorted(values)))

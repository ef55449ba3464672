"""``kg curate accept``: the accepted rows of a review become the source's ``facts.ttl``.

:func:`accept` reads the review (:mod:`kg.curate.review`), checks that every decided row's
quote still matches the cleaned text, drafts the accepted rows (:mod:`kg.curate.draft`) and
validates them with the project's shapes, SPARQL checks and quote check together with the
curated graph (and the gazetteer's records of the places they refer to) before anything is
written. Any problem -- a row that cannot become Turtle, a violation -- is reported with the
rows it comes from, and nothing is written. ``facts.ttl`` is then a function of the review:
written whole from every accepted row, so accepting again after more decisions replaces it
(kg's generator mark says the file is kg's to replace). Rejected rows stay in the review.
The rows are drafted and validated against the curated graph without the ``facts.ttl`` they
replace (:func:`kg.curate.lexicon.curated_graph_for`), so accepting again defines again what
the previous file defined. A review with no accepted row is refused: it would empty the
accepted facts without a word.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

from kg.curate import review as review_table
from kg.curate.draft import Draft, draft, to_turtle
from kg.curate.lexicon import curated_graph_for
from kg.errors import KgError, Violations
from kg.namespaces import PLACE
from kg.sources.clean import Source, load_sources
from kg.words import counted

SHOWN_PROBLEMS = 8


@dataclass
class AcceptReport:
    source: Source
    review: Path
    accepted: int
    rejected: int
    undecided: int
    facts: Path
    triples: int
    warnings: list[str]


def source_of_review(path: Path, key: str | None = None) -> Source:
    """The source a review belongs to: ``key``, else the one whose folder holds the file."""
    sources = load_sources()
    if key:
        for source in sources:
            if source.key == key:
                return source
        raise KgError(f"no source {key!r} registered (registered: {', '.join(s.key for s in sources)})")
    folder = Path(path).resolve().parent
    for source in sources:
        if source.curation_directory.resolve() == folder:
            return source
    raise KgError(f"{path}: not in the folder of a registered source; give the source with --source KEY")


def _gazetteer_records(places: set[URIRef]) -> Graph:
    """The gazetteer's description of ``places`` and of the places those refer to."""
    import pyoxigraph as ox

    from kg.link.gazetteer import output_file

    triples: dict[str, list] = {}
    with open(output_file(), "rb") as handle:
        for quad in ox.parse(handle, format=ox.RdfFormat.TURTLE):
            triples.setdefault(quad.subject.value, []).append(quad)
    graph = Graph()
    todo = [str(p) for p in places]
    seen: set[str] = set()
    from kg.store.load import XSD_STRING, language_tag

    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for quad in triples.get(subject, []):
            obj = quad.object
            if isinstance(obj, ox.NamedNode):
                term = URIRef(obj.value)
                if obj.value.startswith(str(PLACE)):
                    todo.append(obj.value)
            elif isinstance(obj, ox.Literal):
                from rdflib import Literal

                if obj.language:
                    term = Literal(obj.value, lang=language_tag(obj.language))
                elif obj.datatype.value == XSD_STRING:  # "x"^^xsd:string is "x" (as kg.store.load reads it)
                    term = Literal(obj.value)
                else:
                    term = Literal(obj.value, datatype=URIRef(obj.datatype.value))
            else:
                continue
            graph.add((URIRef(subject), URIRef(quad.predicate.value), term))
    return graph


def validate_draft(source: Source, result: Draft) -> list[str]:
    """Violations of the draft with the curated graph: one line each, naming the row; the
    warnings are returned. Raises kg.errors.Violations (exit code 1) when there is a violation."""
    from kg.validate.report import validate_graph

    data = Graph()
    for triple in curated_graph_for(source):  # the facts.ttl being replaced is not part of it
        data.add(triple)
    for triple in result.graph:
        data.add(triple)
    places = {o for o in data.objects() if isinstance(o, URIRef) and str(o).startswith(str(PLACE))}
    for triple in _gazetteer_records(places):
        data.add(triple)
    report = validate_graph(data)
    quotes = {}
    for node, row in result.rows_of.items():
        for quote in result.graph.objects(node, URIRef("https://w3id.org/county-kg/ontology#evidence")):
            quotes.setdefault(quote, row)
    rows = {**quotes, **result.rows_of}
    problems, warnings = [], []
    for item in report.results:
        row = rows.get(item.focus)
        where = f"row {row}: " if row else ""
        line = f"{where}{item.focus_label or item.focus}: {item.message}"
        if item.severity == "Violation":
            problems.append(line)
        elif row:  # the curated graph's own warnings are kg validate's to tell
            warnings.append(line)
    if problems:
        shown = "\n  ".join(problems[:SHOWN_PROBLEMS])
        more = f"\n  ... and {len(problems) - SHOWN_PROBLEMS} more" if len(problems) > SHOWN_PROBLEMS else ""
        raise Violations(f"the accepted rows do not validate ({counted(len(problems), 'violation')}); nothing written:\n  {shown}{more}")
    return warnings


def accept(path: Path | str, *, source_key: str | None = None) -> AcceptReport:
    """Turn the accepted rows of the review ``path`` into the source's ``facts.ttl`` (see the
    module's docstring). Raises KgError naming the file and row for an invalid review or a row
    that cannot become Turtle (exit code 2), Violations for a violation (exit code 1);
    nothing is written then."""
    from kg.outputs import claim_file, generator_comment

    path = Path(path)
    rows = review_table.read(path)
    source = source_of_review(path, source_key)
    facts = claim_file(source.facts_path, remedy="move it away: kg curate accept writes the source's facts only there",
                       makes=source.curation_directory)
    text = source.text_path.read_text(encoding="utf-8")
    review_table.check_quotes(rows, text, path)
    accepted = [row for row in rows if row.decision == "accept"]
    if not accepted:  # an empty or undecided review would silently empty the accepted facts
        kept = f"; {source.facts_path} is left as it is" if source.facts_path.exists() else ""
        raise KgError(f"{path}: no row is accepted (decision column); nothing written{kept}")
    result = draft(source, accepted)
    if result.problems:
        shown = "\n  ".join(f"{path}:{p}" for p in result.problems[:SHOWN_PROBLEMS])
        more = f"\n  ... and {len(result.problems) - SHOWN_PROBLEMS} more" if len(result.problems) > SHOWN_PROBLEMS else ""
        raise KgError(f"{counted(len(result.problems), 'accepted row')} cannot become facts; nothing written:\n  {shown}{more}")
    warnings = validate_draft(source, result) + result.warnings
    for row in accepted:  # the row was edited after kg described it: say what the facts now record
        now = result.assertions.get(row.id, "")
        if row["assertion"] != now:
            warnings.append(f"row {row.id}: recorded as: {now or 'no cited relation'}"
                            f" (the review's assertion column says: {row['assertion'] or 'nothing'})")
    header = (generator_comment("kg curate accept")
              + f"# The accepted rows of {source.review_path.name if path.resolve() == source.review_path.resolve() else path}"
              + f" for source {source.key}: edit the review and accept again, not this file.\n")
    facts.write_text(to_turtle(result, header))
    return AcceptReport(source, path, len(accepted), sum(r.decision == "reject" for r in rows),
                        sum(not r.decision for r in rows), source.facts_path, len(result.graph), warnings)

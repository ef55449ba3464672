"""OWL 2 consistency check of a graph with the HermiT reasoner (through owlready2).

``check_consistency(graph)`` writes the graph to N-Triples in a temporary directory, loads it
into a fresh owlready2 ``World``, runs HermiT (``sync_reasoner``, a ``java`` subprocess) and
reports whether the graph is consistent and which named classes are unsatisfiable
(equivalent to ``owl:Nothing``).

HermiT implements OWL 2 DL, which is narrower than RDF, so the graph is first rewritten by
``prepare_for_hermit``. The rewriting never removes a contradiction the ontology can express;
it only takes away what HermiT cannot read:

1. ``owl:imports`` triples are dropped. The check is offline; everything to reason over
   must already be in the graph.
2. Annotation assertions are dropped: triples whose predicate is a built-in annotation
   property (``rdfs:label``, ``rdfs:comment``, ``rdfs:isDefinedBy`` ...) or is declared an
   ``owl:AnnotationProperty`` in the graph (``skos:definition``, ``dcterms:title`` ...).
   They carry no logical content, and dropping them keeps labels, definitions and
   metadata dates out of the reasoner's input.
3. Literals typed with a datatype that the graph defines itself (an ``rdfs:Datatype`` that
   is ``owl:equivalentClass`` to a restriction ``owl:onDatatype B``, e.g. ``ckg:DivisionCode``
   on ``xsd:string``) are retyped to ``B`` with the same lexical form. OWL 2 gives such
   defined datatypes no lexical space, so HermiT refuses literals that name them; retyped,
   the value is still checked against the definition wherever an axiom asks for it (e.g.
   ``ckg:AdministrativeDivision`` allows only ``ckg:DivisionCode`` values of ``skos:notation``,
   so a malformed code makes the graph inconsistent).
4. Triples whose object is a literal of a datatype outside the OWL 2 datatype map
   (``xsd:date``, ``xsd:gYear``, ``xsd:gYearMonth``, ``xsd:time``, ``xsd:duration``,
   ``rdf:HTML`` ...) are dropped: HermiT aborts on such literals
   (``UnsupportedDatatypeException``). Those values are simply not reasoned over; OWL 2 has no
   axioms that could constrain them anyway. ``rdf:langString`` ranges and language-tagged
   literals are kept: HermiT reads them as ``rdf:PlainLiteral`` values.
5. Where an axiom names such an unsupported datatype (``rdfs:range xsd:date``,
   ``owl:someValuesFrom xsd:gYear`` ...), the datatype is replaced by ``rdfs:Literal``, the
   universal data range, for the same reason. This only widens that axiom.
6. Where an axiom names ``rdf:langString`` (the range of ``ckg:reportedValue``), it is
   replaced by its OWL 2 equivalent, ``rdf:PlainLiteral`` restricted by ``rdf:langRange "*"``
   (exactly the strings with a language tag). HermiT does not reject ``rdf:langString`` but
   silently treats it as unconstrained, so without this rewrite a plain or numeric
   reported value would pass.

Ill-typed literals (``"abc"^^xsd:integer``) are not rewritten: they make the graph
inconsistent under OWL 2, and ``check_consistency`` reports them as such without running the
reasoner (owlready2 cannot even load them).
"""

from __future__ import annotations

import contextlib
import io
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.errors import KgError
from kg.store.results import counted
from kg.store.representable import unrepresentable

# The OWL 2 datatype map (OWL 2 Structural Specification, section 4), which is exactly what
# HermiT supports, plus rdfs:Literal (the universal data range).
OWL2_DATATYPES: frozenset[URIRef] = frozenset(
    [RDFS.Literal, RDF.PlainLiteral, RDF.XMLLiteral, OWL.real, OWL.rational]
    + [
        XSD[name]
        for name in (
            "decimal integer nonNegativeInteger nonPositiveInteger positiveInteger "
            "negativeInteger long int short byte unsignedLong unsignedInt unsignedShort "
            "unsignedByte double float string normalizedString token language Name NCName "
            "NMTOKEN boolean hexBinary base64Binary anyURI dateTime dateTimeStamp"
        ).split()
    ]
)

# Annotation properties built into RDFS and OWL 2; others count when the graph declares them.
BUILTIN_ANNOTATION_PROPERTIES: frozenset[URIRef] = frozenset(
    [
        RDFS.label,
        RDFS.comment,
        RDFS.seeAlso,
        RDFS.isDefinedBy,
        OWL.versionInfo,
        OWL.deprecated,
        OWL.priorVersion,
        OWL.backwardCompatibleWith,
        OWL.incompatibleWith,
    ]
)

# RDF datatypes outside the OWL 2 map (rdf:langString is translated, not widened).
_UNSUPPORTED_RDF_DATATYPES = frozenset(
    [RDF.HTML, URIRef(str(RDF) + "JSON"), URIRef(str(RDF) + "dirLangString")]
)
RDF_LANG_RANGE = URIRef(str(RDF) + "langRange")


@dataclass(frozen=True)
class ConsistencyResult:
    """The outcome of a consistency check.

    ``consistent`` is False when the graph has no model. ``unsatisfiable`` lists the IRIs of
    named classes that can have no instance (only meaningful when consistent). ``message``
    is a one-line human summary, including what the pre-processing dropped.
    """

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        """Consistent and without unsatisfiable classes."""
        return self.consistent and not self.unsatisfiable


@dataclass
class Preparation:
    """What ``prepare_for_hermit`` did: the rewritten graph and counts per rule."""

    graph: Graph
    dropped_imports: int = 0
    dropped_annotations: int = 0
    retyped: Counter[str] = field(default_factory=Counter)
    dropped_literals: Counter[str] = field(default_factory=Counter)
    widened_datatypes: Counter[str] = field(default_factory=Counter)
    translated_lang_string: int = 0
    ill_typed: list[str] = field(default_factory=list)
    #: numbers not representable in the store (kg.validate.lexical.unrepresentable; validation
    #: reports each as a violation), left out: among them every decimal beyond a double's range,
    #: which owlready2 hands HermiT as a Python float (1e400 became "inf", which HermiT refuses
    #: as a malformed decimal)
    unrepresentable: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        if self.dropped_annotations:
            parts.append(f"{self.dropped_annotations} annotation triples dropped")
        if self.dropped_imports:
            parts.append(f"{self.dropped_imports} owl:imports dropped")
        if self.retyped:
            parts.append("literals retyped to their base datatype: " + _counts(self.retyped))
        if self.dropped_literals:
            parts.append("literals of unsupported datatypes dropped: " + _counts(self.dropped_literals))
        if self.translated_lang_string:
            parts.append(f"rdf:langString in axioms translated x{self.translated_lang_string}")
        if self.unrepresentable:
            shown = "; ".join(self.unrepresentable[:3]) + (" ..." if len(self.unrepresentable) > 3 else "")
            parts.append(f"{counted(len(self.unrepresentable), 'number')} beyond what the store computes with not "
                         f"checked (validation reports them; the reasoner's loader reads decimals as doubles): {shown}")
        if self.widened_datatypes:
            parts.append("unsupported datatypes in axioms widened to rdfs:Literal: "
                         + _counts(self.widened_datatypes))
        return "; ".join(parts) if parts else "no pre-processing needed"


def _short(lexical: str, shown: int = 24) -> str:
    return lexical if len(lexical) <= shown else f"{lexical[:12]}...({len(lexical)} characters)"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} x{n}" for name, n in sorted(counter.items()))


def _is_unsupported_datatype(iri: URIRef) -> bool:
    """An XSD or RDF datatype that HermiT rejects when an axiom names it."""
    if iri in _UNSUPPORTED_RDF_DATATYPES:
        return True
    return str(iri).startswith(str(XSD)) and iri not in OWL2_DATATYPES


def _lang_tagged_strings(out: Graph) -> BNode:
    """Add the OWL 2 data range of language-tagged strings to ``out`` and return its node."""
    facet, facets, datatype = BNode(), BNode(), BNode()
    out.add((facet, RDF_LANG_RANGE, Literal("*")))
    out.add((facets, RDF.first, facet))
    out.add((facets, RDF.rest, RDF.nil))
    out.add((datatype, RDF.type, RDFS.Datatype))
    out.add((datatype, OWL.onDatatype, RDF.PlainLiteral))
    out.add((datatype, OWL.withRestrictions, facets))
    return datatype


def _defined_datatypes(graph: Graph) -> dict[URIRef, URIRef]:
    """Datatypes the graph defines as a restriction of another: {defined: base in the map}."""
    direct: dict[URIRef, URIRef] = {}
    for dt in graph.subjects(RDF.type, RDFS.Datatype):
        if not isinstance(dt, URIRef) or dt in OWL2_DATATYPES:
            continue
        for equivalent in graph.objects(dt, OWL.equivalentClass):
            base = graph.value(equivalent, OWL.onDatatype) if isinstance(equivalent, BNode) else equivalent
            if isinstance(base, URIRef):
                direct[dt] = base
                break
    resolved: dict[URIRef, URIRef] = {}
    for dt in direct:
        base, seen = direct[dt], {dt}
        while base in direct and base not in seen:  # a definition on top of a definition
            seen.add(base)
            base = direct[base]
        if base in OWL2_DATATYPES:
            resolved[dt] = base
    return resolved


def prepare_for_hermit(graph: Graph) -> Preparation:
    """Rewrite ``graph`` into what HermiT accepts; see the module docstring for the rules."""
    annotation_properties = set(BUILTIN_ANNOTATION_PROPERTIES)
    annotation_properties.update(
        p for p in graph.subjects(RDF.type, OWL.AnnotationProperty) if isinstance(p, URIRef)
    )
    defined = _defined_datatypes(graph)
    out = Graph()
    prep = Preparation(out)
    for s, p, o in graph:
        if p == OWL.imports:
            prep.dropped_imports += 1
            continue
        if p in annotation_properties:
            prep.dropped_annotations += 1
            continue
        if isinstance(o, Literal):
            if o.language is not None or o.datatype is None:
                out.add((s, p, o))
                continue
            if o.datatype in defined:
                prep.retyped[graph.namespace_manager.normalizeUri(o.datatype)] += 1
                o = Literal(str(o), datatype=defined[o.datatype])
            elif o.datatype not in OWL2_DATATYPES:
                prep.dropped_literals[graph.namespace_manager.normalizeUri(o.datatype)] += 1
                continue
            if o.ill_typed:
                prep.ill_typed.append(f"{o.n3(graph.namespace_manager)} on {s.n3(graph.namespace_manager)}")
            elif unrepresentable(str(o), str(o.datatype)):
                prep.unrepresentable.append(f"{s.n3(graph.namespace_manager)} "
                                          f"{p.n3(graph.namespace_manager)} {_short(str(o))}")
                continue
            out.add((s, p, o))
            continue
        if isinstance(o, URIRef) and p != RDF.type:
            if o == RDF.langString:
                prep.translated_lang_string += 1
                o = _lang_tagged_strings(out)
            elif _is_unsupported_datatype(o):
                prep.widened_datatypes[graph.namespace_manager.normalizeUri(o)] += 1
                o = RDFS.Literal
        out.add((s, p, o))
    return prep


def check_consistency(graph: Graph) -> ConsistencyResult:
    """Check ``graph`` for OWL 2 consistency and unsatisfiable classes with HermiT.

    Raises ``KgError`` when Java is missing or the reasoner fails for another reason than
    an inconsistency.
    """
    import owlready2  # imported here: loading it is slow and only this check needs it

    if shutil.which(owlready2.JAVA_EXE) is None:
        raise KgError(f"the HermiT reasoner needs Java: `{owlready2.JAVA_EXE}` not found on PATH")

    prep = prepare_for_hermit(graph)
    summary = prep.summary()
    if prep.ill_typed:
        shown = "; ".join(prep.ill_typed[:5])
        more = f" (and {len(prep.ill_typed) - 5} more)" if len(prep.ill_typed) > 5 else ""
        return ConsistencyResult(False, [], f"inconsistent: ill-typed literals: {shown}{more}")

    with tempfile.TemporaryDirectory(prefix="kg-reasoner-") as tmp:
        path = Path(tmp) / "input.nt"
        prep.graph.serialize(destination=str(path), format="nt", encoding="utf-8")
        world = owlready2.World()
        # owlready2 prints warnings to stderr when it maps a punned IRI (a property that is
        # also typed, say, qb:DimensionProperty) onto its Python classes. They concern only
        # its Python objects, not the triples HermiT reads, so they are swallowed here.
        noise = io.StringIO()
        try:
            with contextlib.redirect_stderr(noise):
                world.get_ontology(path.as_uri()).load(format="ntriples")
                owlready2.sync_reasoner(world, infer_property_values=False, debug=0)
                unsatisfiable = sorted(
                    {cls.iri for cls in world.inconsistent_classes()
                     if getattr(cls, "iri", None) and cls is not owlready2.Nothing}
                )
        except owlready2.OwlReadyInconsistentOntologyError:
            return ConsistencyResult(False, [], f"inconsistent ({summary})")
        except owlready2.OwlReadyJavaError as error:
            raise KgError(f"HermiT failed: {_java_error(str(error))}") from error
        except owlready2.OwlReadyOntologyParsingError as error:
            raise KgError(f"owlready2 could not load the graph: {error}") from error
        finally:
            world.close()
    if unsatisfiable:
        message = f"consistent, {len(unsatisfiable)} unsatisfiable classes ({summary})"
    else:
        message = f"consistent ({summary})"
    return ConsistencyResult(True, unsatisfiable, message)


def _java_error(text: str) -> str:
    """The exception line of a Java error and the explanation HermiT prints after it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "Exception" in line), 0)
    explanation = []
    for line in lines[start:]:
        if line.startswith("at "):  # the stack trace begins
            break
        explanation.append(line)
    return " ".join(explanation) or text

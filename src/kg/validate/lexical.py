"""Ill-formed literals: a lexical form outside its XSD datatype's lexical space, reported as a
strict SHACL engine reports it.

The rule. RDF 1.1 Concepts (section 3.3) calls a literal whose datatype IRI is recognised and
whose lexical form is not in that datatype's lexical space *ill-typed*; SHACL's
sh:datatype (section 4.1.2) says such a value does not match its datatype. The lexical
spaces are those of W3C XML Schema Definition Language (XSD) 1.1 Part 2: Datatypes
(https://www.w3.org/TR/xmlschema11-2/), section 3.3 for the primitive datatypes and 3.4 for
the derived ones; :data:`PATTERNS` transcribes their lexical productions
(``decimalLexicalRep``, ``dateTimeLexicalRep``, ...), with ASCII digits only, and
:func:`ill_formed` adds the constraints the productions leave to the value space: the
day-of-month limit of the date/time types (XSD 1.1 Part 2, appendix D, "Day-of-month
Values": no 2023-02-29, no 04-31) and the bounds of the integer subtypes (xsd:byte is
-128..127, xsd:positiveInteger >= 1, ...). No whitespace is allowed: the whiteSpace facet
("collapse") is applied by a schema processor before it reads a lexical form; an RDF lexical
form is taken as it is, so " 12"^^xsd:integer is ill-typed (Oxigraph agrees).

Why not rdflib. rdflib decides ``Literal.ill_typed`` by running its Python converter
(``Decimal``, ``int``, ``float``, ``date.fromisoformat``): ``Decimal("5.8e8")``,
``int(" 12")``, ``int("１２")`` (full-width digits) and ``Decimal("INF")`` all succeed, so
those literals are not ill-typed for rdflib; it has no converter for xsd:gYear,
xsd:gYearMonth, xsd:gMonthDay, ... (``ill_typed`` is None: unknown), and ``fromisoformat``
rejects the valid "2023-01-01T24:00:00". Worse, rdflib by default *normalises* a lexical
form through the same converter while parsing: "5.8e8"^^xsd:decimal is read as
"580000000"^^xsd:decimal, so pySHACL (which checks ``ill_typed``) and pyshacl-turbo (given
rdflib terms) never see the form the file holds. county-kg therefore keeps lexical forms as
written (``rdflib.NORMALIZE_LITERALS`` is off, see ``kg/__init__.py``) and decides
well-formedness here. Oxigraph, meanwhile, stores an ill-typed literal as an opaque term:
SPARQL arithmetic and comparisons on it are errors, so an observation with such a value
silently drops out of sums and rankings. Hence a violation, before anything is built.

The mechanism, for every SHACL engine and every input (:mod:`kg.validate.engines` calls it,
so ``kg validate``, the build, the partitioned and store-based validation and the incremental
import all go through it):

1. :func:`mark_graph`, :func:`mark_store` or :func:`mark_ntriples` finds the ill-formed
   literals of the data (an rdflib Graph, a pyoxigraph Store or N-Triples text) and gives the
   engine a copy in which each has the datatype ``<urn:x-county-kg:ill-formed:DATATYPE-IRI>``
   instead of its own, lexical form unchanged (the input itself is never modified; with no
   ill-formed literal there is no copy). pySHACL, which decides sh:datatype by rdflib's
   ``ill_typed``, gets the literal as written, flagged ill-typed and without value or order
   (:class:`Unordered`). A store does not keep every form as written (Oxigraph stores
   "inf"^^xsd:double as "INF"): the store-based path takes the marks from the files' text
   (kg.validate.partitions.lexical_marks) and applies them to the store's terms;
2. the engine then reports sh:DatatypeConstraintComponent wherever a shape declares
   sh:datatype for such a value: on that property shape, with the focus node, the path and
   the value, as a strict engine (Apache Jena SHACL) does; nested in sh:or, the sh:or fails;
   a comparison with it (sh:minInclusive, sh:lessThan, ...) fails, a type error in SPARQL;
3. :meth:`Marks.restore` puts the literal as written back into the report's sh:value, makes
   the message of each result naming it the literal's fault (:func:`message`: the shape's own
   message says what a valid value looks like, not what is wrong with this one), and
   adds one result (component ``ckgsh:LexicalFormCheck``, severity sh:Violation) for each
   ill-formed literal that no result names with its subject as focus node: a literal on a
   predicate no shape constrains is still reported.

The same marking applies to a well-formed number or date the store's engine cannot represent
(kg.store.representable: an xsd:decimal beyond about +-1.7e20 or with more than 18 fractional
digits, an xsd:integer beyond 64 bits, a date whose year is beyond about +-5.39e12, an
xsd:float or xsd:double beyond its range, held as INF or 0): :func:`fault` is either rule, and such a value is a
violation naming the node and the value like an ill-formed one.

Known limit: pySHACL (the reference engine, not the default) reads a well-formed value its
Python converter cannot ("2023-01-01T24:00:00", years before 1 or after 9999) as ill-typed
and reports it on a shape with sh:datatype; pyshacl-turbo does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.namespaces import CKGSH, SH
from kg.store.representable import HELD_AS, UNREPRESENTABLE, unrepresentable  # noqa: F401 (part of this module's API)
from kg.validate.xsd import (_COMPILED, _WITH_DAY, _pattern, CHECKED, INTEGER_BOUNDS, PATTERNS, XSD_NS,  # noqa: F401 (re-exported)
                             _days_in_month, fault, ill_formed)

#: The datatype an ill-formed literal of datatype D carries while an engine validates it: MARK + D.
MARK = "urn:x-county-kg:ill-formed:"
#: The component (and source) of the result for an ill-formed literal no shape result names.
LEXICAL_FORM_CHECK = CKGSH.LexicalFormCheck

def literal_ill_formed(term) -> str | None:
    """:func:`fault` for an rdflib or pyoxigraph literal (None for anything else)."""
    if isinstance(term, Literal):
        return None if term.datatype is None else fault(str(term), str(term.datatype))
    datatype = getattr(term, "datatype", None)
    if datatype is None or getattr(term, "language", None):
        return None
    return fault(term.value, datatype.value)


# -- marking the data, restoring the report -------------------------------------------------


@dataclass(frozen=True)
class Mark:
    """One ill-formed literal: the triple that holds it and why it is ill-formed."""

    subject: URIRef | BNode
    predicate: URIRef
    literal: Literal
    reason: str

    @property
    def marked(self) -> Literal:
        """The literal as the engine sees it: the same lexical form, the marking datatype."""
        return Literal(str(self.literal), datatype=URIRef(MARK + str(self.literal.datatype)), normalize=False)

    @property
    def flagged(self) -> Literal:
        """The literal as pySHACL is to see it: as written, ill-typed, without a value or order."""
        term = Unordered(str(self.literal), datatype=self.literal.datatype, normalize=False)
        term._value = None
        term._ill_typed = True
        return term


class Unordered(Literal):
    """An ill-formed literal as pySHACL is to see it (:attr:`Mark.flagged`).

    pySHACL reads rdflib's ``ill_typed`` for sh:datatype, and compares terms with rdflib's
    operators for sh:minInclusive & co. and sh:lessThan; rdflib would order a literal without
    a value by its lexical form. In SPARQL, comparing an ill-typed literal is a type error,
    so a strict engine (and pyshacl-turbo, given the marked literal) reports the comparison as
    failed: this term is neither less nor greater than anything and cannot be tested for
    value equality, which makes pySHACL report the same."""

    __slots__ = ()

    def __lt__(self, other) -> bool:
        return False

    __gt__ = __le__ = __ge__ = __lt__

    def eq(self, other) -> bool:
        raise TypeError(f"{self.n3()} is ill-typed: it has no value to compare")

    def neq(self, other) -> bool:
        raise TypeError(f"{self.n3()} is ill-typed: it has no value to compare")


@dataclass
class Marks:
    """The ill-formed literals of one input (empty: nothing to restore)."""

    items: list[Mark] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.items)

    def restore(self, report: Graph, focus_nodes: Iterable | None = None) -> bool:
        """Put the literals as written back into ``report`` (an engine's report graph) and add
        a ``ckgsh:LexicalFormCheck`` result for each ill-formed literal of a focus node
        (``focus_nodes``: IRIs, None for every subject) that no result names as the value of
        that focus node. Returns whether a violation was added."""
        if not self.items:
            return False
        for subject, predicate, obj in list(report):
            if isinstance(obj, Unordered) or (
                    isinstance(obj, Literal) and obj.datatype is not None and str(obj.datatype).startswith(MARK)):
                report.remove((subject, predicate, obj))
                report.add((subject, predicate, restored(obj)))
        named = set()
        reasons = {(str(m.literal), str(m.literal.datatype)): m for m in self.items}
        for result in list(report.subjects(RDF.type, SH.ValidationResult)):
            value = report.value(result, SH.value)
            if isinstance(value, Literal):
                named.add((_key(report.value(result, SH.focusNode)), value))
                mark = reasons.get((str(value), str(value.datatype)))
                if mark is not None:
                    # The shape's message says what the value should be ("an xsd:decimal written
                    # with a decimal point"); the value failed for its fault (too large, too many
                    # fractional digits, a day that does not exist): that is what is wrong.
                    report.set((result, SH.resultMessage, Literal(message(mark.literal, mark.reason))))
        wanted = None if focus_nodes is None else {str(n) for n in focus_nodes}
        node = next(iter(report.subjects(RDF.type, SH.ValidationReport)), None)
        if node is None:
            node = BNode()
            report.add((node, RDF.type, SH.ValidationReport))
        added = False
        for item in self.items:
            if wanted is not None and (isinstance(item.subject, BNode) or str(item.subject) not in wanted):
                continue
            if (_key(item.subject), item.literal) in named:
                continue
            named.add((_key(item.subject), item.literal))
            result = BNode()
            report.add((node, SH.result, result))
            report.add((result, RDF.type, SH.ValidationResult))
            report.add((result, SH.focusNode, item.subject))
            report.add((result, SH.resultPath, item.predicate))
            report.add((result, SH.value, item.literal))
            report.add((result, SH.resultSeverity, SH.Violation))
            report.add((result, SH.sourceConstraintComponent, LEXICAL_FORM_CHECK))
            report.add((result, SH.sourceShape, LEXICAL_FORM_CHECK))
            report.add((result, SH.resultMessage, Literal(message(item.literal, item.reason))))
            added = True
        if added:
            report.set((node, SH.conforms, Literal(False)))
        return added


def _key(term) -> str:
    # Blank-node labels differ between an engine's report and the data it read: only IRIs
    # are compared exactly; a blank focus node matches any blank node.
    return "_:b" if isinstance(term, BNode) else str(term)


def restored(term: Literal) -> Literal:
    """A marked literal (datatype MARK + D, or :class:`Unordered`) back as written."""
    datatype = str(term.datatype)
    return Literal(str(term), datatype=URIRef(datatype.removeprefix(MARK)), normalize=False)


def message(literal: Literal, reason: str) -> str:
    """The message of a ``ckgsh:LexicalFormCheck`` result."""
    datatype = str(literal.datatype)
    name = "xsd:" + datatype[len(XSD_NS):] if datatype.startswith(XSD_NS) else datatype
    if reason.startswith(UNREPRESENTABLE) and HELD_AS in reason:  # a float or double: INF or 0 there
        return (f"{_quoted(str(literal))}^^{name} is {reason}; SPARQL arithmetic and comparisons there would "
                f"compute with that, not with the number written.")
    if reason.startswith(UNREPRESENTABLE):
        return (f"{_quoted(str(literal))}^^{name} is {reason}; SPARQL arithmetic and comparisons on it are errors "
                f"there, so it would drop out of sums, maxima and filters.")
    return (f"{_quoted(str(literal))}^^{name} is ill-formed, {reason} (XSD 1.1 Part 2); SPARQL engines "
            f"treat it as an error in arithmetic and comparisons.")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def mark_graph(*graphs: Graph, flag: bool = False) -> tuple[Graph | None, Marks]:
    """The ill-formed literals of ``graphs`` and, if there are any, one new Graph holding all
    their triples with those literals marked (None: validate the graphs as they are); with
    ``flag``, :attr:`Mark.flagged` instead of :attr:`Mark.marked` (for pySHACL)."""
    items = []
    for graph in graphs:
        for subject, predicate, obj in graph:
            if isinstance(obj, Literal) and obj.datatype is not None and str(obj.datatype) in CHECKED:
                reason = fault(str(obj), str(obj.datatype))
                if reason is not None:
                    items.append(Mark(subject, predicate, obj, reason))
    if not items:
        return None, Marks()
    marks = Marks(items)
    bad = {(m.subject, m.predicate, m.literal): m.flagged if flag else m.marked for m in items}
    copy = Graph()
    for graph in graphs:
        for prefix, namespace in graph.namespaces():
            copy.bind(prefix, namespace, override=False)
        for triple in graph:
            marked = bad.get(triple)
            copy.add(triple if marked is None else (triple[0], triple[1], marked))
    return copy, marks


def mark_store(store):
    """The ill-formed literals of a pyoxigraph Store's default graph and, if there are any, a
    copy of the store with them marked (None: validate the store as it is)."""
    import pyoxigraph as ox

    checked = ", ".join(f"<{iri}>" for iri in sorted(CHECKED))
    query = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(isLiteral(?o) && datatype(?o) IN ({checked})) }}"
    found = []
    for row in store.query(query):
        obj = row["o"]
        reason = fault(obj.value, obj.datatype.value)
        if reason is not None:
            found.append((row["s"], row["p"], obj, reason))
    if not found:
        return None, Marks()
    copy = ox.Store()
    copy.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph())
                for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    items = []
    for s, p, o, reason in found:
        mark = Mark(_rdflib(s), URIRef(p.value), Literal(o.value, datatype=URIRef(o.datatype.value), normalize=False), reason)
        copy.remove(ox.Quad(s, p, o, ox.DefaultGraph()))
        copy.add(ox.Quad(s, p, ox.Literal(o.value, datatype=ox.NamedNode(MARK + o.datatype.value)), ox.DefaultGraph()))
        items.append(mark)
    return copy, Marks(items)


def _rdflib(node):
    import pyoxigraph as ox

    return URIRef(node.value) if isinstance(node, ox.NamedNode) else BNode(node.value)


#: Datatype local name -> a full match of its production when that alone decides (no day or
#: bound to check), else True (decide with :func:`ill_formed`); for str and for bytes.
_QUICK = {name: True if name in _WITH_DAY or name in ("gMonthDay", "float", "double", *INTEGER_BOUNDS)
          else _pattern(name).fullmatch for name in PATTERNS}
_QUICK_BYTES = {name.encode(): True if check is True else re.compile(PATTERNS[name].encode()).fullmatch
                for name, check in _QUICK.items()}

#: Datatype -> the length up to which a lexical form its production allows is representable
#: (:func:`unrepresentable`): 19 characters hold no decimal or integer beyond the store's
#: bounds, 11 no year beyond about 5.39e12, 27 no time with more than 18 fractional digits.
#: Past it, or for a type not named (float, double: "1e39" is short), :func:`fault` decides.
_SHORT = {"decimal": 18, "integer": 18, "gYear": 11, "gYearMonth": 14, "time": 27}
_SHORT = {**_SHORT, **{name.encode(): length for name, length in _SHORT.items()}}
_ANY_LENGTH = float("inf")
_XSD_SUFFIX = '"^^<' + XSD_NS
_TYPED = re.compile(re.escape(_XSD_SUFFIX) + r"([A-Za-z]+)>")
_TYPED_BYTES = re.compile(re.escape(_XSD_SUFFIX.encode()) + rb"([A-Za-z]+)>")


def mark_ntriples(text: str | bytes) -> tuple[str | bytes, Marks]:
    """The ill-formed literals of N-Triples ``text`` (str or bytes) and the text with them
    marked (the same object when there are none).

    Scans for the typed literals of :data:`CHECKED` datatypes without parsing the document:
    a numeric or date lexical form holds no quote or backslash, so the text between the quote
    before ``"^^<...>`` and the one before it is the lexical form; a line where that is not
    certain (an escape nearby) is parsed with pyoxigraph and decided on its terms."""
    is_bytes = isinstance(text, bytes)
    pattern = _TYPED_BYTES if is_bytes else _TYPED
    quote, backslash, newline = (b'"', b"\\", b"\n") if is_bytes else ('"', "\\", "\n")
    quick = _QUICK_BYTES if is_bytes else _QUICK
    lines: dict[int, tuple[int, int]] = {}  # line start -> (line start, line end), lines to decide
    for match in pattern.finditer(text):
        name = match.group(1)
        check = quick.get(name)
        if check is None:
            continue
        close = match.start()
        opening = text.rfind(quote, 0, close)
        lexical = text[opening + 1:close]
        escaped = text[opening - 1:opening] == backslash or text[close - 1:close] == backslash or backslash in lexical
        if not escaped:
            if check is not True and check(lexical) and len(lexical) <= _SHORT.get(name, _ANY_LENGTH):
                continue  # the production alone decides: well-formed, and a short number is representable
            as_text = lexical.decode("utf-8", "replace") if is_bytes else lexical
            if fault(as_text, XSD_NS + (name.decode() if is_bytes else name)) is None:
                continue
        start = text.rfind(newline, 0, close) + 1
        end = text.find(newline, close)
        lines[start] = (start, len(text) if end < 0 else end)
    if not lines:
        return text, Marks()
    return _mark_lines(text, sorted(lines.values()), is_bytes)


def _mark_lines(text, spans: list[tuple[int, int]], is_bytes: bool):
    import pyoxigraph as ox

    pieces, items, last = [], [], 0
    for start, end in spans:
        line = text[start:end]
        raw = line if is_bytes else line.encode("utf-8")
        triples = list(ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))
        if len(triples) != 1 or not isinstance(triples[0].object, ox.Literal):
            continue
        triple = triples[0]
        obj = triple.object
        reason = literal_ill_formed(obj)
        if reason is None:
            continue
        items.append(Mark(_rdflib(triple.subject), URIRef(triple.predicate.value),
                          Literal(obj.value, datatype=URIRef(obj.datatype.value), normalize=False), reason))
        marked = ox.Triple(triple.subject, triple.predicate,
                           ox.Literal(obj.value, datatype=ox.NamedNode(MARK + obj.datatype.value)))
        replacement = ox.serialize([marked], format=ox.RdfFormat.N_TRIPLES).rstrip(b"\n")
        pieces += [text[last:start], replacement if is_bytes else replacement.decode("utf-8")]
        last = end
    if not items:
        return text, Marks()
    pieces.append(text[last:])
    return (b"" if is_bytes else "").join(pieces), Marks(items)

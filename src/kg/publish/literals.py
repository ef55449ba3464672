"""Typed literals in Turtle and TriG exactly as the data writes them.

county-kg keeps lexical forms as written (``kg/__init__.py``). rdflib's Turtle serializer
writes xsd:integer, xsd:decimal, xsd:double and xsd:boolean literals in Turtle's short forms
from their lexical form or their value, which is exact only for some forms: "1"^^xsd:boolean
would be written ``1`` (an xsd:integer), "1."^^xsd:decimal ``1.`` (not Turtle), "12"^^xsd:decimal
``12.0`` and "1.5E8"^^xsd:double ``1.5e+08`` (other terms). :func:`as_written` gives such
literals a type that rdflib writes in the long form (``"1"^^xsd:boolean``) and the others keep
the short form, which reads back as the same term (Turtle 1.1, section 2.5.2 and the INTEGER,
DECIMAL and BooleanLiteral productions).
"""

from __future__ import annotations

import re

from rdflib import Dataset, Graph, Literal
from rdflib.namespace import XSD

#: Datatype -> the Turtle production of its short form (matched in full against the lexical form).
SHORT_FORMS = {
    # (the INTEGER and DECIMAL productions allow a "+" and leading zeros, which rdflib's own
    # Turtle parser drops when it reads them back: only forms without either are written short)
    XSD.integer: re.compile(r"0|-?[1-9][0-9]*"),
    XSD.decimal: re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+"),
    XSD.boolean: re.compile(r"true|false"),
    XSD.double: None,  # rdflib writes a double's short form from its value, never as written
}


class LongForm(Literal):
    """A literal that rdflib's Turtle serializer writes as ``"lexical"^^datatype``."""

    __slots__ = ()

    def _literal_n3(self, use_plain: bool = False, qname_callback=None) -> str:
        return super()._literal_n3(False, qname_callback)


def needs_long_form(term) -> bool:
    if not isinstance(term, Literal) or isinstance(term, LongForm) or term.datatype not in SHORT_FORMS:
        return False
    short = SHORT_FORMS[term.datatype]
    return short is None or short.fullmatch(str(term)) is None


def as_written(graph: Graph | Dataset) -> Graph | Dataset:
    """``graph`` (changed in place, and returned) with every literal whose short form would not
    read back as itself replaced by the same term in :class:`LongForm`."""
    graphs = list(graph.graphs()) if isinstance(graph, Dataset) else [graph]
    for part in graphs:
        changed = [(s, p, o) for s, p, o in part if needs_long_form(o)]
        for s, p, o in changed:
            part.remove((s, p, o))
            part.add((s, p, LongForm(str(o), datatype=o.datatype)))
    return graph

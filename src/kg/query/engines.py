"""Ask the graph: catalog questions and ad-hoc SPARQL, with parameters turned into RDF terms of
their declared type, on the embedded Oxigraph store (default) or rdflib (the reference).

rdflib is imported only where it is used (the rdflib engine, graphs answered as rdflib
graphs): a question asked of the store, its answer written out, never imports it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.languages import LANGUAGES
from kg.prefixes import BARE_SCHEMES, RDFS_LABEL, XSD_NS, read_iri  # noqa: F401 (BARE_SCHEMES re-exported)
from kg.query.catalog import CatalogQuery, Param
from kg.store.service import relay_services
from kg.words import word
from kg.store.sparql import (_PREFIXES, Limits, Results, Stream, check_syntax, construct_oxigraph, stream_oxigraph,
                             stream_rdflib)
from kg.store.sparqltext import prologue, significant, triples_query

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

ENGINES = ("oxigraph", "rdflib")


def expand_iri(value: str, prefixes: Mapping[str, str] | None = None) -> URIRef:
    """A parameter value as an rdflib IRI (kg.prefixes.read_iri): ``<IRI>``, a bare http(s) or
    urn IRI, or a compact IRI with one of ``prefixes`` (default: the project's). KgError else."""
    from rdflib import URIRef

    return URIRef(read_iri(value, _PREFIXES if prefixes is None else prefixes))


def _stderr(message: str) -> None:
    import sys

    print(message, file=sys.stderr, flush=True)


#: The XSD datatype (IRI) of each typed parameter (kg.query.catalog.PARAM_TYPES).
PARAM_DATATYPES = {"integer": XSD_NS + "integer", "decimal": XSD_NS + "decimal", "date": XSD_NS + "date"}


def to_term(param: Param, value: str, prefixes: Mapping[str, str] | None = None) -> ox.NamedNode | ox.Literal:
    """A parameter value as an RDF term of the declared type (a pyoxigraph term, which either
    engine is given: kg.store.sparql); a compact IRI is expanded with ``prefixes`` (the
    query's own PREFIX declarations over the project's: :func:`bind_parameters`).

    A typed value (:data:`PARAM_DATATYPES`) must be in its datatype's lexical space (XSD 1.1
    Part 2, checked by kg.validate.lexical, as literals in query texts and data are):
    2023-02-30 is no xsd:date, NaN no xsd:decimal, 1_000 no xsd:integer; and representable
    in the store (kg.validate.lexical.unrepresentable: 0.0000000000000000000001, 1e21 written
    out, are errors to the default engine). It is bound as written. KgError naming the
    parameter, the value and the datatype otherwise."""
    datatype = PARAM_DATATYPES.get(param.type)
    if datatype is not None:
        from kg.validate.xsd import fault

        reason = fault(value, str(datatype))
        if reason is not None:
            raise KgError(f"parameter {param.name}={value!r}: {reason}")
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    try:
        if param.type == "iri":
            return ox.NamedNode(read_iri(value, _PREFIXES if prefixes is None else prefixes))
        if param.type == "lang-string":
            text, _, lang = value.rpartition("@")
            return ox.Literal(text, language=lang) if text and lang else _bad(value)
        return ox.Literal(value)
    except (ValueError, KgError) as exc:
        raise KgError(f"parameter {param.name}: {exc if isinstance(exc, KgError) else f'not a valid {param.type}: {value!r}'}") from None


def _bad(value: str):
    raise ValueError(value)


def bind_parameters(query: CatalogQuery | None, given: dict[str, str]) -> dict[str, object]:
    """Bindings for a query's declared parameters (given or default). A compact IRI means what
    it means in the query: its prefix as the query's prologue declares it (``PREFIX place:
    <http://example.org/>`` in a .rq file), else as the project does."""
    bindings: dict[str, object] = {}
    prefixes = {**_PREFIXES, **prologue(query.text)[0]} if query else _PREFIXES
    declared = {p.name: p for p in query.params} if query else {}
    unknown = set(given) - set(declared)
    if unknown:
        known = ", ".join(declared) or "none"
        raise KgError(f"unknown {word(len(unknown), 'parameter')} {', '.join(sorted(unknown))}; this query declares: {known}")
    for name, param in declared.items():
        value = given.get(name, param.default)
        if value is None:
            raise KgError(f"parameter {name} is required ({param.help or param.type})")
        bindings[name] = to_term(param, value, prefixes)
    return bindings


def check_literals(text: str, name: str) -> None:
    """Refuse a query whose text writes a typed literal outside its datatype's lexical space
    (kg.validate.lexical: ``"5.8e8"^^xsd:decimal``, ``"abc"^^xsd:integer``) or beyond what the
    store represents (kg.validate.lexical.unrepresentable), with its line and column. The
    engines read such a literal differently: Oxigraph as an error (a BIND of it + 1 is unbound), rdflib through its Python conversion (580000001; "abc" sent it into
    infinite recursion); the same query must give one answer, or none. The data is held to
    the same rule when it is validated."""
    from kg.store.representable import UNREPRESENTABLE
    from kg.validate.xsd import XSD_NS, fault

    prefixes = {**_PREFIXES, **prologue(text)[0]}
    found = significant(text)
    for i, token in enumerate(found[:-3]):
        if token.kind != "string" or found[i + 1].text != "^" or found[i + 2].text != "^":
            continue
        datatype = found[i + 3]
        if datatype.kind == "iri":
            iri = datatype.text[1:-1]
        elif datatype.kind == "word" and ":" in datatype.text:
            prefix, _, local = datatype.text.partition(":")
            if prefix not in prefixes:
                continue  # the parser names the undeclared prefix
            iri = prefixes[prefix] + local
        else:
            continue
        lexical = _string_value(token.text)
        reason = fault(lexical, iri)
        if reason is not None:
            line = text.count("\n", 0, token.start) + 1
            column = token.start - text.rfind("\n", 0, token.start)
            written = f"{token.text}^^" + ("xsd:" + iri[len(XSD_NS):] if iri.startswith(XSD_NS) else f"<{iri}>")
            if reason.startswith(UNREPRESENTABLE):
                raise QueryError(f"{name}:{line}:{column}: {written} is {reason} (the default engine would "
                                 f"not compute with the value written), so the query is not run")
            raise QueryError(f"{name}:{line}:{column}: {written} is ill-formed, {reason} (XSD 1.1 Part 2): the "
                          f"engines would disagree on it (Oxigraph takes it for an error, rdflib converts it), so "
                          f"the query is not run; write a valid lexical form")


def _string_value(token: str) -> str:
    """The text of a SPARQL string token (its quotes removed, its escapes resolved)."""
    body = token[3:-3] if token[:3] in ('"""', "\'\'\'") else token[1:-1]
    escapes = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), body, flags=re.S)


def record_name(key: str) -> str:
    """The name of the store record a graph :meth:`Engines.remembered` under ``key`` is kept in."""
    import hashlib

    return f"triples-{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}.nt"


class Engines:
    """Both engines over the same graph, opened lazily and kept for repeated queries: the
    project's store (kg.store.project.opened: brought up to date first, then held until
    :meth:`close`), a store ``view`` already open (kg.store.persistent.Reader), a given
    ``store``, or the files of a ``loaded`` rdflib graph.

    On rdflib (the reference engine) the graph is a Dataset with one named graph per input
    file and their union as default graph, as in the store: ``GRAPH`` patterns see the
    named graphs on both engines."""

    def __init__(self, loaded=None, *, store: ox.Store | None = None, view=None, say: Callable[[str], None] | None = None,
                 workspace=None):
        self._workspace = workspace  # the project's store follows this workspace (default: kg.store.load's)
        self._loaded = loaded
        self._store = store
        self._view = view
        self._graph = None
        self._say = say
        self._opened = None
        self._remembering = False  # inside remembered(): what is asked on the way is not kept

    @property
    def loaded(self):
        if self._loaded is None:
            from kg.store.load import project

            self._loaded = project()
        return self._loaded

    @property
    def view(self):
        """The project's store, opened (and brought up to date) at the first use."""
        if self._view is None and self._loaded is None and self._store is None:
            from contextlib import ExitStack

            from kg.store.project import opened

            self._opened = ExitStack()
            self._view = self._opened.enter_context(opened(say=self._say or _stderr, workspace=self._workspace))
        return self._view

    @property
    def store(self) -> ox.Store:
        if self._store is None:
            if self.view is not None:
                self._store = self.view.store
            else:
                from kg.store.oxigraph import store_from_loaded

                self._store = store_from_loaded(self.loaded)
        return self._store

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            from rdflib import Dataset, URIRef

            dataset = Dataset(default_union=True)
            if self.view is not None:
                for entry in self.view.manifest.ordered():
                    dataset.graph(URIRef(entry.graph)).parse(self.view.ntriples_path(entry.graph), format="nt")
            elif self._loaded is not None or self._store is None:
                for name, path in self.loaded.files.items():
                    if path.parent.name != "shapes":
                        target = dataset.graph(name)
                        for triple in self.loaded.dataset.graph(name):
                            target.add(triple)
            else:  # a store given in code: its default graph
                dataset.default_graph.parse(data=self._store.dump(format=ox.RdfFormat.N_TRIPLES,
                                                                  from_graph=ox.DefaultGraph()), format="nt")
            self._graph = dataset
        return self._graph

    def close(self) -> None:
        """Let go of the project's store (if this opened it)."""
        if self._opened is not None:
            self._opened.close()
            self._opened = None
            self._view = self._store = None

    def labeler(self, lang: str) -> Callable[[str], str | None]:
        """Labels for displaying IRIs (given as text), looked up by pattern in the store (no
        query text)."""
        label_predicate = ox.NamedNode(RDFS_LABEL)
        # Oxigraph normalises language tags to lower case.
        preference = [tag.lower() for tag in (lang, *(l for l in LANGUAGES if l != lang))]

        def lookup(iri: str) -> str | None:
            found = {(q.object.language or "").lower(): q.object.value
                     for q in self.store.quads_for_pattern(ox.NamedNode(str(iri)), label_predicate, None, None)
                     if isinstance(q.object, ox.Literal)}
            return next((found[l] for l in preference if l in found), None)

        return lookup

    def stream(self, text: str, bindings: dict[str, object], engine: str = "oxigraph", name: str = "<query>",
               limits: Limits | None = None, *, rdflib_terms: bool = True) -> Stream:
        """Start a query; its answer row by row (kg.store.sparql.Stream), within ``limits``.
        SERVICE calls go through a relay that gives each call ``limits.service_timeout`` and
        calls only the endpoints ``limits.services`` allows (a QueryError for another).
        ``rdflib_terms`` False: on Oxigraph the rows hold pyoxigraph's terms, for writing out
        (kg.store.results), and rdflib is not imported (kg.store.sparql.stream_oxigraph)."""
        check_syntax(text, name)
        check_literals(text, name)
        if engine not in ENGINES:
            raise KgError(f"unknown engine {engine!r} (expected {', '.join(ENGINES)})")
        given = limits or Limits()
        relay = relay_services(text, given.service_timeout, given.services)
        try:
            if engine == "oxigraph":
                return stream_oxigraph(self.store, text, bindings, limits, relay, rdflib_terms=rdflib_terms)
            # The graph is read into rdflib by the query's worker, within the query's timeout (it
            # takes seconds); the project's store is opened (and brought up to date) here first.
            _ = self.view
            return stream_rdflib(lambda: self.graph, text, bindings, limits, relay)
        except BaseException:
            if relay is not None:
                relay.close()
            raise

    def triples(self, where: str) -> Graph:
        """The triples ``?s ?p ?o`` that ``where`` binds on the Oxigraph store, as an rdflib
        graph (the interface of kg.query.readers, which an endpoint answers too). Literals as
        the store holds them: Oxigraph keeps values, so "5"^^xsd:positiveInteger comes back
        as "5"^^xsd:integer and "1.0"^^xsd:decimal as "1"^^xsd:decimal. On the project's
        store the answer is :meth:`remembered` under the query's text."""
        text = triples_query(where)
        check_syntax(text, "<query>")
        return self.remembered(text, lambda: construct_oxigraph(self.store, text))

    def remembered(self, key: str, answer: Callable[[], Graph]) -> Graph:
        """The graph ``answer()`` gives. On the project's store it is a function of the
        generation, which never changes: kept beside it as a record named after ``key`` (a
        hash of it), so the next kg viz, analyze or link on the same store reads it in a tenth
        of a second instead of asking again (the explorable graph takes seconds). The answers
        ``answer`` asks for on the way are not kept as well: only what it gives is read again."""
        view = self.view if self._loaded is None and self._store is None else None
        if view is None or self._remembering:
            return answer()
        from kg.namespaces import bind_prefixes

        name = record_name(key)
        from rdflib import Graph

        kept = view.record(name)
        if kept is not None:
            return bind_prefixes(Graph()).parse(data=kept, format="nt")
        self._remembering = True
        try:
            graph = answer()
        finally:
            self._remembering = False
        try:
            view.owner.add_record(view, name, graph.serialize(format="nt", encoding="utf-8"))
        except OSError:
            pass  # a store this user may not write to: answered all the same, only not kept
        return graph

    def run(self, text: str, bindings: dict[str, object], engine: str = "oxigraph", name: str = "<query>",
            limits: Limits | None = None) -> Results:
        """A SELECT or ASK query's whole answer."""
        stream = self.stream(text, bindings, engine, name, limits)
        if stream.form == "CONSTRUCT":
            stream.close()
            from kg.store.sparql import graph_answer

            raise KgError(graph_answer())
        return stream.results()


def run_query(query: CatalogQuery, params: dict[str, str] | None = None, *, engine: str = "oxigraph",
              engines: Engines | None = None, limits: Limits | None = None) -> Results:
    """Run a catalog query (or any parsed ``.rq`` file) with its parameters bound."""
    bindings = bind_parameters(query, params or {})
    return (engines or Engines()).run(query.text, bindings, engine, name=str(query.path), limits=limits)


def run_text(text: str, *, engine: str = "oxigraph", engines: Engines | None = None,
             limits: Limits | None = None) -> Results:
    """Run an ad-hoc query."""
    return (engines or Engines()).run(text, {}, engine, name="<--sparql>", limits=limits)


def stream_query(query: CatalogQuery | None, params: dict[str, str] | None = None, *, text: str | None = None,
                 engine: str = "oxigraph", engines: Engines | None = None, limits: Limits | None = None,
                 rdflib_terms: bool = True) -> Stream:
    """A catalog query (parameters bound) or ad-hoc ``text``, started; its answer row by row
    (``rdflib_terms``: as for :meth:`Engines.stream`)."""
    engines = engines or Engines()
    if query is not None:
        return engines.stream(query.text, bind_parameters(query, params or {}), engine, str(query.path), limits,
                              rdflib_terms=rdflib_terms)
    return engines.stream(text or "", {}, engine, "<--sparql>", limits, rdflib_terms=rdflib_terms)

"""SPARQL on either engine (Oxigraph, rdflib) over the graph: parameters bound as RDF terms,
language tags in their registered case on both engines, and every query run so that it can be
stopped (a deadline, a row limit, Ctrl-C, a reader that went away).

Parameters are bound as RDF terms, never pasted into the query text: a one-row VALUES block
opening the WHERE clause (where Oxigraph's plan starts) and SEP-0007 substitution (rdflib:
``initBindings``).

Language tags. BCP 47 tags are case-insensitive (RFC 5646, 2.1.1) and RDF 1.1 Concepts (3.3)
lets a store lower-case them, which Oxigraph does: its ``lang()`` answers "zh-hans" where
rdflib answers the tag as written ("zh-Hans"), so ``FILTER(lang(?l) = "zh-Hans")`` found
nothing on Oxigraph. Here both engines answer the registered case (kg.languages.language_tag):
each LANG call is renamed, at the token level, to a function that returns it
(:data:`LANG_FUNCTION`, given to Oxigraph as a custom function and registered with rdflib),
and every term an engine returns carries its tag in that case. LANGMATCHES compares ranges
case-insensitively on both engines already. Inside SERVICE the query goes to another
endpoint, which knows only standard functions, so LANG calls there are left as written.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from kg.errors import KgError, QueryError
from kg.languages import language_tag
from kg.prefixes import XSD_STRING
from kg.store.engine import answer_type, without_traceback
from kg.store.results import (_PREFIXES, FORMATS, NUMERIC, Results, display_width, pad,  # noqa: F401 (re-exported)
                              rdflib_term)
from kg.store.sparqltext import rename_calls, significant, star_order, undeclared_prefixes, where_group

if TYPE_CHECKING:  # (rdflib is imported where it is used: the Oxigraph path runs without it)
    from rdflib import Graph

    from kg.store.service import Relay

__all__ = ["FORMATS", "NUMERIC", "Limits", "QueryTimeout", "Results", "Stream", "check_syntax", "display_width",
           "pad", "run_oxigraph", "run_rdflib", "stream_oxigraph", "stream_rdflib", "where_group", "with_values"]

_OX_POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)


#: The operations of SPARQL 1.1 Update (section 3): a query that starts with one is no query.
UPDATE_OPERATIONS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


def refuse_update(text: str, name: str) -> None:
    """A QueryError if ``text`` is a SPARQL update (it starts with one of
    :data:`UPDATE_OPERATIONS`): kg reads the graph and never changes it, whichever engine or
    endpoint would run the text."""
    first = next((t for t in significant(text) if t.kind == "word" and t.text.upper() not in ("PREFIX", "BASE")
                  and not t.text.endswith(":")), None)
    if first is not None and first.text.upper() in UPDATE_OPERATIONS:
        raise QueryError(f"{name}:{_place(text, first.start)}: a SPARQL update ({first.text.upper()}) is refused: kg "
                      f"reads the graph and never changes it (edit the data files, or add a table with kg import)")


def check_syntax(text: str, name: str) -> None:
    """Raise a KgError naming the line and column of a SPARQL syntax error, in plain words.

    An update (INSERT, LOAD, ...: :data:`UPDATE_OPERATIONS`) is refused as such: kg reads the
    graph and never changes it. Oxigraph's parser pinpoints the offending token (pyparsing,
    under rdflib, reports where the enclosing rule began), so it is asked first, on an empty
    store, its SERVICE endpoints replaced by IRIs no engine calls (:func:`_without_endpoints`:
    running it must not call them). A text of nothing but spaces and comments is "the query is empty" (the
    parser's own word was "unexpected text here", with no text there)."""
    words = significant(text)
    if not words or all(t.text.upper() in ("PREFIX", "BASE") or t.text.endswith(":") or t.kind == "iri"
                        for t in words):
        what = "only prefix declarations" if words else "only comments" if text.strip() else "no text"
        raise QueryError(f"{name}: the query is empty ({what}): write a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    refuse_update(text, name)
    for token in undeclared_prefixes(text, _PREFIXES)[:1]:
        raise QueryError(f"{name}:{_place(text, token.start)}: SPARQL syntax error: "
                      f"{_undeclared(token.text.split(':', 1)[0])}")
    checked = _without_endpoints(text)
    if checked is not None:
        try:
            ox.Store().query(checked, prefixes=_PREFIXES)
        except SyntaxError as exc:
            match = _OX_POSITION.match(str(exc))
            if match:
                # Oxigraph's column points just past the offending character.
                line, column, message = int(match[1]), max(1, int(match[2]) - 1), " ".join(match[3].split())
                raise QueryError(f"{name}:{line}:{column}: SPARQL syntax error: {_plain_error(message)}") from None
            raise QueryError(f"{name}: SPARQL syntax error: {exc}") from None
        except (RuntimeError, ValueError, OSError):
            pass  # a parsed query that fails to run is not a syntax error; the engine reports it
        return
    from pyparsing import ParseException
    from rdflib.plugins.sparql import prepareQuery

    try:
        prepareQuery(text, initNs=_PREFIXES)
    except ParseException as exc:
        raise QueryError(f"{name}:{exc.lineno}:{exc.col}: SPARQL syntax error: {exc.msg}") from None
    except Exception as exc:  # rdflib raises plain Exceptions for undefined prefixes
        undeclared = re.match(r"Unknown namespace prefix : (.*)$", str(exc))
        if undeclared:
            raise QueryError(f"{name}: SPARQL syntax error: {_undeclared(undeclared.group(1))}") from None
        raise QueryError(f"{name}: SPARQL error: {exc}") from None


def _without_endpoints(text: str) -> str | None:
    """``text`` with each SERVICE endpoint written in it (an IRI or a prefixed name) replaced
    by a ``urn:`` IRI of the same length, which no engine can call, for Oxigraph's parser to
    judge: a query is parsed by running it on an empty store, and running one that names an
    endpoint may call it (an ASK is answered at once), outside the relay and the operator's
    list of allowed endpoints (kg.store.service). ``SERVICE ?var`` stays: unbound there, it
    calls nothing. The same length keeps the line and column of any error. None when that
    cannot be done (an endpoint written in fewer than 6 characters, a SERVICE the tokenizer
    does not see as a clause): rdflib's parser, which runs nothing, judges the text then
    (0.5 s more, for importing rdflib and its slower parser)."""
    from kg.store.sparqltext import replace_spans, service_calls

    if not re.search(r"\bSERVICE\b", text, re.IGNORECASE):
        return text
    try:
        calls = service_calls(text, _PREFIXES)
    except KgError:
        return None
    mentioned = sum(1 for token in significant(text) if token.kind == "word" and token.text.upper() == "SERVICE")
    named = [call for call in calls if call.var is None]
    if len(calls) != mentioned or any(call.end - call.start < 6 for call in named):
        return None
    return replace_spans(text, [(call.start, call.end, "<urn:" + "x" * (call.end - call.start - 6) + ">")
                                for call in named])


#: An item of Oxigraph's "expected one of ..." that is a Rust character class, not a word:
#: ['-' | '0' ..= '9' | '\u{00B7}'], [_] (any name character).
_CHARACTER_CLASS = re.compile(r"\[(?:[^\]\[]|\[[^\]]*\])*\]")


def _plain_error(message: str) -> str:
    """Oxigraph's parser message in the words of someone fixing the query: Rust character
    classes left out of "expected one of" (undeclared prefixes are found before Oxigraph is
    asked: :func:`kg.store.sparqltext.undeclared_prefixes`)."""
    if message.startswith(("expected one of ", "expected ")):
        head = "expected one of " if message.startswith("expected one of ") else "expected "
        items = [item.strip() for item in _CHARACTER_CLASS.sub("", message[len(head):]).split(",")]
        words = [item for item in items if item and item != "Prefix not found"]
        if not words:
            return "unexpected text here"
        return ("expected " if len(words) == 1 else "expected one of ") + ", ".join(words)
    return message


def graph_answer(fmt: str = "table") -> str:
    """Why a CONSTRUCT or DESCRIBE answer (a graph) is not written in ``fmt``."""
    shape = {"json": "SPARQL 1.1 Query Results JSON", "csv": "SPARQL 1.1 Query Results CSV",
             "tsv": "SPARQL 1.1 Query Results TSV"}.get(fmt, "a table")
    return (f"this query answers with a graph (CONSTRUCT or DESCRIBE), and --format {fmt} writes rows of "
            f"variable bindings ({shape}), which a graph has not: ask for the same pattern with SELECT ?s ?p ?o, "
            f"or serve the graph (kg serve) and ask with Accept: text/turtle")


def _place(text: str, offset: int) -> str:
    """LINE:COLUMN (from 1) of ``offset`` in ``text``."""
    return f"{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}"


def _undeclared(prefix: str) -> str:
    return (f"the prefix {prefix + ':' if prefix else ''} is not declared; declare it (PREFIX {prefix or 'p'}: "
            f"<...>) or use one of the project's: {', '.join(sorted(_PREFIXES))}")



# -- language tags in registered case ---------------------------------------------------------

#: The function each LANG call becomes: LANG with the tag in its registered case.
LANG_FUNCTION = "https://w3id.org/county-kg/sparql-function/lang"


def registered_lang(text: str) -> str:
    """The query with every LANG(...) outside SERVICE calling :data:`LANG_FUNCTION`, but for
    ``LANGMATCHES(LANG(?x), range)``: LANGMATCHES compares tags without regard to case (RFC
    4647, 3.3.1), so it answers the same of the engine's own LANG, and a call into Python for
    each label cost a question filtering 240,000 labels by language 0.7 s of its 1.4 s."""
    return rename_calls(text, "LANG", LANG_FUNCTION, first_argument_of=("LANGMATCHES",))


def _ox_lang(term):
    if isinstance(term, ox.Literal):
        return ox.Literal(language_tag(term.language) if term.language else "")
    return None  # LANG of an IRI or blank node is an error: the expression is unbound


def _rdflib_lang(term):
    from rdflib import Literal

    if isinstance(term, Literal):
        return Literal(language_tag(term.language) if term.language else "")
    from rdflib.plugins.sparql.sparql import SPARQLError

    raise SPARQLError(f"LANG of a non-literal: {term!r}")


def rdflib_sparql():
    """rdflib's SPARQL engine, with :data:`LANG_FUNCTION` registered: imported only when the
    reference engine is asked (its parser alone takes half a second to import, which every
    `kg query` on Oxigraph would otherwise pay)."""
    from rdflib import URIRef
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.operators import register_custom_function

    register_custom_function(URIRef(LANG_FUNCTION), _rdflib_lang, override=True)
    return prepareQuery


_OX_FUNCTIONS = {ox.NamedNode(LANG_FUNCTION): _ox_lang}


def _to_ox(term):
    """A bound value (a pyoxigraph term, or an rdflib IRI or literal) as a pyoxigraph term."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term
    from rdflib import Literal, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD_STRING)))
    raise KgError(f"cannot bind {term!r}")


def _native(term):
    """A pyoxigraph term as the engine gives it (read through kg.store.results.term_parts, which
    restores its language tag's case); an RDF-star triple term is refused as rdflib_term does."""
    if isinstance(term, ox.Triple):
        raise KgError("the query returned an RDF-star triple term, which kg does not show")
    return term


def with_values(text: str, bindings: dict[str, object]) -> str:
    """The query with its parameters bound by a VALUES block opening its WHERE clause.

    Each value is an RDF term of the parameter's type, written by pyoxigraph's own term
    serializer (an IRI it accepts cannot hold ``>`` or spaces; a literal is escaped), so no
    value can change the query's structure. VALUES rather than SEP-0007 substitution: Oxigraph
    plans a substituted variable as unbound (a county-scoped question then reads the whole
    graph before the place is known), while a one-row VALUES block is where the plan starts."""
    if not bindings:
        return text
    at = where_group(text)
    names = " ".join(f"?{name}" for name in bindings)
    terms = " ".join(str(_to_ox(term)) for term in bindings.values())
    return f"{text[:at]}\n  VALUES ({names}) {{ ({terms}) }}{text[at:]}"


# -- running a query so that it can be stopped -------------------------------------------------

@dataclass(frozen=True)
class Limits:
    """What a query may take. ``timeout``: seconds for the whole query, from its start to its
    last row; ``limit``: rows at most (the answer is then marked truncated if more exist);
    ``service_timeout``: seconds for each SERVICE call (kg.store.service). None: no bound.
    ``services``: URL prefixes of the endpoints SERVICE may call (kg.store.service.endpoint_allowed);
    None: any; empty: none (federated queries off, as on a public endpoint)."""

    timeout: float | None = None
    limit: int | None = None
    service_timeout: float | None = None
    services: tuple[str, ...] | None = None


class QueryTimeout(KgError):
    """The query ran past its deadline and was stopped."""


class Stream:
    """The answer of a running query, read row by row.

    The engine runs in a worker thread and hands rows over through a small queue, so the
    reader gets each row as it comes, memory holds a few rows at a time, and the reader
    (the main thread) stays free to notice the deadline or Ctrl-C at any moment: Oxigraph
    releases the GIL while it evaluates (pyoxigraph's Store.query and its iterators run
    detached from the interpreter), so waiting here is never blocked by the engine.

    An engine cannot be interrupted inside one step (a sort or an aggregate over a huge join is
    one step): a stopped query's worker is told to stop at its next row and is a daemon thread,
    so the process can always end. A server that must reclaim the CPU of a stopped query runs
    each query in a process of its own (kg.publish.isolate).

    ``form`` is SELECT (rows of terms, one per variable), ASK (one row holding a boolean
    literal) or CONSTRUCT (rows of subject, predicate, object; DESCRIBE too)."""

    _QUEUE_ROWS = 256

    def __init__(self, start: Callable[[], tuple[str, list[str], Iterator[tuple]]], limits: Limits | None = None,
                 describe_error: Callable[[BaseException], BaseException] | None = None,
                 on_close: Callable[[], None] | None = None,
                 timeout_error: Callable[[], KgError] | None = None):
        self._on_close = on_close
        #: the error past ``limits.timeout`` (None: "the query was stopped after ...")
        self._timeout_error = timeout_error
        #: called when the reader would wait for the engine
        self.on_idle: Callable[[], None] | None = None
        self.limits = limits or Limits()
        self.started = time.perf_counter()
        self._deadline = None if self.limits.timeout is None else time.monotonic() + self.limits.timeout
        self._queue: queue.Queue = queue.Queue(self._QUEUE_ROWS)
        self._stop = threading.Event()
        self._describe_error = describe_error or (lambda exc: exc)
        self.truncated = False
        self.count = 0
        #: the SERVICE calls that failed, endpoint IRI -> why (kg.store.service.Relay.failures):
        #: in a query that still answered, each was SILENT and gave its columns no values
        self.service_failures: dict[str, str] = {}
        self._closed = False
        self._worker = threading.Thread(target=self._produce, args=(start,), name="kg-query", daemon=True)
        self._worker.start()
        kind, value = self._next()
        if kind != "head":
            raise AssertionError(kind)
        self.form, self.variables = value

    # -- the worker -------------------------------------------------------------------------

    def _put(self, item) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, start) -> None:
        try:
            form, variables, rows = start()
            if not self._put(("head", (form, variables))):
                return
            for row in rows:
                if not self._put(("row", row)):
                    return
            self._put(("end", None))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, who raises it
            # Without its traceback: the traceback's frames hold the engine's iterator, which
            # pyoxigraph requires to be freed on the thread that made it (this one).
            self._put(("error", without_traceback(exc)))

    # -- the reader -------------------------------------------------------------------------

    def _next(self):
        while True:
            wait = 0.25
            if self._deadline is not None:
                remaining = self._deadline - time.monotonic()
                if remaining <= 0:
                    self.close()
                    if self._timeout_error is not None:
                        raise self._timeout_error()
                    raise QueryTimeout(f"the query was stopped after {self.limits.timeout:g} s "
                                       f"(raise the limit with --timeout SECONDS, 0 for none)")
                wait = min(wait, remaining)
            try:
                kind, value = self._queue.get_nowait()
            except queue.Empty:
                if self.on_idle is not None:
                    self.on_idle()  # e.g. flush what was written: the next row may take a while
                try:
                    kind, value = self._queue.get(timeout=wait)
                except queue.Empty:
                    continue
            if kind == "error":
                error = self._describe_error(value)
                self.close()
                raise error
            return kind, value

    def __iter__(self) -> Iterator[tuple]:
        try:
            while not self._closed:
                kind, value = self._next()
                if kind == "end":
                    break
                if self.limits.limit is not None and self.count >= self.limits.limit:
                    self.truncated = True  # a row beyond the limit exists
                    break
                self.count += 1
                yield value
        finally:
            self.close()

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def close(self) -> None:
        """Stop the query: the worker stops at its next row; nothing more is read."""
        self._closed = True
        self._stop.set()
        if self._on_close is not None:
            on_close, self._on_close = self._on_close, None
            on_close()

    def __enter__(self) -> Stream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def results(self) -> Results:
        """Every row, in memory."""
        rows = list(self)
        if self.form == "ASK":
            return Results(["ASK"], rows, self.seconds)
        return Results(list(self.variables), rows, self.seconds, truncated=self.truncated)


def _oxigraph_error(bindings: dict[str, object]) -> Callable[[BaseException], BaseException]:
    def describe(exc: BaseException) -> BaseException:
        if isinstance(exc, KgError) or not isinstance(exc, (RuntimeError, SyntaxError, OSError, ValueError)):
            return exc
        hint = " (a parameter's variable must appear in the SELECT clause)" if bindings and "project" in str(exc) else ""
        return KgError(f"query failed: {exc}{hint}")
    return describe


def in_text_order(variables: list[str], text: str) -> list[str]:
    """The columns of a local engine's answer to ``text``: for ``SELECT *``, ``variables``
    (the engine's) in the order they first appear in the text (kg.store.sparqltext.star_order),
    the same on every engine; any other query's as its SELECT clause lists them. A variable
    the text does not name (none known) would come last, in the engine's order."""
    order = star_order(text)
    if order is None:
        return variables
    place = {name: i for i, name in enumerate(order)}
    return sorted(variables, key=lambda name: place.get(name, len(place)))


def stream_oxigraph(store: ox.Store, text: str, bindings: dict[str, object], limits: Limits | None = None,
                    relay: Relay | None = None, *, rdflib_terms: bool = True) -> Stream:
    """Start ``text`` on the store, parameters bound; the answer as a :class:`Stream`.

    ``relay``: SERVICE calls go through it, with a deadline per call (kg.store.service);
    None leaves them as written. The stream closes it. ``rdflib_terms``: the rows hold rdflib
    terms (:func:`rdflib_term`), for code that computes with them; False: pyoxigraph's terms
    as the engine gives them (their language tags lower-cased: read them through
    kg.store.results.term_parts, as every writer does), and rdflib is not imported."""
    substitutions = dict(bindings)
    term = rdflib_term if rdflib_terms else _native
    query_text = registered_lang(with_values(text, bindings))
    if relay is not None:
        query_text = relay.rewrite(query_text, bindings)

    def start():
        # Both: the VALUES block is where Oxigraph's plan starts, and substitution (SPARQL
        # SEP-0007) binds the parameter in every group too, as rdflib's initBindings does
        # (SERVICE ?endpoint inside an OPTIONAL needs it bound there).
        answer = store.query(query_text, prefixes=_PREFIXES, custom_functions=_OX_FUNCTIONS,
                             substitutions={ox.Variable(k): _to_ox(v) for k, v in substitutions.items()})
        if issubclass(answer_type(answer), ox.QueryBoolean):
            return "ASK", ["ASK"], iter([(term(ox.Literal(bool(answer))),)])
        if issubclass(answer_type(answer), ox.QueryTriples):
            return "CONSTRUCT", ["subject", "predicate", "object"], \
                ((term(t.subject), term(t.predicate), term(t.object)) for t in answer)
        variables = in_text_order([v.value for v in answer.variables], text)
        return "SELECT", variables, (tuple(term(solution[v]) for v in variables) for solution in answer)

    describe = _oxigraph_error(bindings)
    if relay is None:
        return Stream(start, limits, describe)
    stream = Stream(start, limits, lambda exc: relay.describe(describe(exc)), on_close=relay.close)
    stream.service_failures = relay.failures
    return stream


def stream_rdflib(graph: Graph | Callable[[], Graph], text: str, bindings: dict[str, object],
                  limits: Limits | None = None, relay: Relay | None = None) -> Stream:
    """The same on rdflib (the reference engine); SERVICE calls relayed as for Oxigraph.

    ``graph`` may be a function that makes the graph: it is then called in the query's worker,
    within ``limits.timeout``. Loading the project into rdflib takes seconds (4 to 8 s for
    120,000 triples), longer than the query often, so `--timeout 2` stopped at 6 s when the
    graph was loaded before the query's clock started."""
    query_text = registered_lang(text)
    if relay is not None:
        query_text = relay.rewrite(query_text, bindings)

    def start():
        from rdflib import Graph, Literal, Variable

        from kg.store.tags import registered_term

        prepared = rdflib_sparql()(query_text, initNs=_PREFIXES)
        result = (graph if isinstance(graph, Graph) else graph()).query(
            prepared, initBindings={Variable(k): rdflib_term(v) for k, v in bindings.items()})
        if result.type == "ASK":
            return "ASK", ["ASK"], iter([(Literal(bool(result.askAnswer)),)])
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            return "CONSTRUCT", ["subject", "predicate", "object"], \
                (tuple(registered_term(t) for t in triple) for triple in result)
        given = [str(v) for v in result.vars]
        variables = in_text_order(given, text)
        at = [given.index(name) for name in variables]
        return "SELECT", variables, (tuple(registered_term(row[i]) for i in at) for row in result)

    if relay is None:
        return Stream(start, limits)
    stream = Stream(start, limits, relay.describe, on_close=relay.close)
    stream.service_failures = relay.failures
    return stream


def _tabular(stream: Stream) -> Results:
    if stream.form == "CONSTRUCT":
        stream.close()
        raise KgError(graph_answer())
    return stream.results()


def run_oxigraph(store: ox.Store, text: str, bindings: dict[str, object], limits: Limits | None = None) -> Results:
    """A SELECT or ASK query's whole answer on Oxigraph."""
    return _tabular(stream_oxigraph(store, text, bindings, limits))


def run_rdflib(graph: Graph, text: str, bindings: dict[str, object], limits: Limits | None = None) -> Results:
    """A SELECT or ASK query's whole answer on rdflib."""
    return _tabular(stream_rdflib(graph, text, bindings, limits))


def construct_oxigraph(store: ox.Store, text: str) -> Graph:
    """A CONSTRUCT query's answer on Oxigraph as an rdflib graph with the project's prefixes
    bound; terms as the engine's other answers give them (language tags in registered case).

    Run in this thread rather than as a :class:`Stream`: the graph is wanted whole, and handing
    its triples one by one through a thread queue costs more than the query (about 0.5 ms a
    triple). A query that is not a CONSTRUCT (or DESCRIBE) is a KgError."""
    from rdflib import Graph

    from kg.namespaces import bind_prefixes

    graph = bind_prefixes(Graph())
    graph.addN((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object), graph)
               for t in construct_answer(store, text))
    return graph


def construct_answer(store: ox.Store, text: str) -> ox.QueryTriples:
    """A CONSTRUCT query's answer on Oxigraph as pyoxigraph's triples, in the engine's order
    (duplicates as it gives them), asked as :func:`construct_oxigraph` asks it: for a caller
    that needs only some of the triples as rdflib terms (converting one is about 20 µs).
    Iterate it in this thread. A query that is not a CONSTRUCT (or DESCRIBE) is a KgError."""
    try:
        answer = store.query(registered_lang(text), prefixes=_PREFIXES, custom_functions=_OX_FUNCTIONS)
    except (SyntaxError, RuntimeError, OSError, ValueError) as exc:
        raise KgError(f"query failed: {' '.join(str(exc).split())}") from None
    if not issubclass(answer_type(answer), ox.QueryTriples):
        raise KgError("expected a CONSTRUCT query: its answer is a graph")
    return answer

"""``kg query``: a catalog question, a .rq file or SPARQL text."""

from __future__ import annotations


import click

from kg.errors import KgError
from kg.cli.options import Whole, EXIT_CLOSED_OUTPUT, URL, Given, Number, lang_option  # noqa: F401 (the exit code of a closed output)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """The ``--param NAME=VALUE`` options as a dict. A parameter binds one term, so a name
    given twice is a KgError naming it (the last value would silently win)."""
    params: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise KgError(f"--param expects name=value, got {value!r}")
        if name in params:
            raise KgError(f"--param {name} is given twice ({params[name]!r} and {text!r}); a parameter "
                          f"takes one value: run the query once for each")
        params[name] = text
    return params



#: kg query's protective defaults: a runaway query (a cross join of the whole graph took 88 s
#: and 6.4 GB before these existed) stops within half a minute and a few thousand rows.
DEFAULT_TIMEOUT = 30.0
DEFAULT_LIMIT = 10_000
DEFAULT_SERVICE_TIMEOUT = 10.0


@click.command()
@click.argument("name", type=Given("a query name or file"), required=False)
@click.option("--sparql", "sparql_text", type=Given("a SPARQL query"), help="Run this SPARQL text instead of a catalog query.")
@click.option("--list", "list_catalog", is_flag=True, help="List the catalog with summaries.")
@click.option("--param", "params", type=Given("NAME=VALUE"), multiple=True, metavar="NAME=VALUE",
              help="Bind a declared parameter (as an RDF term of its declared type).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]), default="table",
              show_default=True, help="json is the SPARQL 1.1 Query Results JSON format. csv, tsv and json are "
              "written row by row as the answer comes.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default=None,
              help="The embedded engine that answers.  [default: oxigraph]")
@click.option("--endpoint", type=URL, metavar="URL", default=None,
              help="Ask this SPARQL 1.1 Protocol endpoint instead of the local files (credentials as for kg push).")
@click.option("--default-graph", "default_graphs", type=Given("a graph IRI"), multiple=True, metavar="IRI",
              help="With --endpoint: a graph the query reads as its default graph (repeatable).")
@click.option("--timeout", type=Number(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop the query (or stop waiting for the endpoint) after this long (exit 2); "
              "0 for no limit.")
@click.option("--limit", type=Whole(min=0), default=DEFAULT_LIMIT, show_default=True, metavar="N",
              help="Show at most N rows (saying so on standard error if there are more); 0 for no limit.")
@click.option("--service-timeout", type=Number(min=0, min_open=True), default=DEFAULT_SERVICE_TIMEOUT,
              show_default=True, metavar="SECONDS",
              help="Each SERVICE call's limit: SERVICE SILENT then gives empty columns, SERVICE fails the query.")
@lang_option
@click.pass_context
def query(ctx: click.Context, name: str | None, sparql_text: str | None, list_catalog: bool, params: tuple[str, ...],
          fmt: str, engine: str | None, endpoint: str | None, default_graphs: tuple[str, ...], timeout: float,
          limit: int, service_timeout: float, lang: str) -> None:
    """Ask the graph: a catalog question by NAME (or number), a FILE.rq, or --sparql TEXT.

    A query stops at --timeout and at --limit rows; Ctrl-C stops it at once. When the reader of
    the output goes away (`kg query ... | head -3`) the query stops quietly with exit status 141."""
    from kg.query.catalog import catalog, find
    from kg.query.engines import Engines, stream_query
    from kg.store.sparql import Limits

    if list_catalog:
        given = [option for option, value in (("NAME", name), ("--sparql", sparql_text), ("--param", params),
                                               ("--endpoint", endpoint), ("--default-graph", default_graphs))
                 if value]
        if given:  # (they were ignored without a word)
            raise KgError(f"--list lists the catalog and asks no query: leave out {', '.join(given)}, or leave "
                          f"out --list")
        for item in catalog():
            parameters = "".join(f" [--param {p.name}=<{p.type}>]" for p in item.params)
            click.echo(f"{item.name}{parameters}\n    {item.summary}")
        return
    if bool(name) == bool(sparql_text):
        raise KgError("give a catalog query NAME, a FILE.rq or --sparql TEXT (exactly one); `kg query --list` shows the catalog")
    if sparql_text and params:
        raise KgError("--param applies to catalog queries, which declare their parameters")
    if endpoint:
        from kg.http import NO_LIMIT
        from kg.query.remote import Endpoint, start_query, start_text

        if engine:
            raise KgError("--engine chooses an embedded engine; with --endpoint the endpoint answers")
        item = None if sparql_text else find(name)
        parsed = _parse_params(params)
        # the endpoint's client needs a finite wait for each read: 0 ("no limit") waits a day;
        # the stream's own deadline is the whole answer's
        limits = Limits(timeout=timeout or None, limit=limit or None)
        with Endpoint(endpoint, default_graphs=default_graphs, timeout=timeout or NO_LIMIT) as remote:
            stream = (start_text(sparql_text, remote, limits, fmt) if sparql_text
                      else start_query(item, parsed, remote, limits))
            with stream:  # (a closed output: the answer stops, and kg exits 141: kg.cli.main)
                _write(stream, fmt, lambda results: remote.labeler(lang, results))
        _said_limit(stream, limit)
        return
    if default_graphs:
        raise KgError("--default-graph applies to --endpoint")
    engine = engine or "oxigraph"
    limits = Limits(timeout=timeout or None, limit=limit or None, service_timeout=service_timeout)
    engines = Engines()
    stream = stream_query(None if sparql_text else find(name), _parse_params(params), text=sparql_text,
                          engine=engine, engines=engines, limits=limits, rdflib_terms=False)
    with stream:  # (a closed output: the query stops, and kg exits 141: kg.cli.main)
        _write(stream, fmt, lambda _results: engines.labeler(lang))
    _said_limit(stream, limit)
    for endpoint, reason in sorted(stream.service_failures.items()):
        # SERVICE SILENT answered without the endpoint: say so, or empty columns look like data
        click.echo(f"kg query: SERVICE <{endpoint}>: {reason}; SILENT left its columns empty", err=True)


def _said_limit(stream, limit: int) -> None:
    """On standard error, when the answer had more rows than --limit."""
    from kg.store.results import counted

    if stream.truncated:
        click.echo(f"kg query: stopped at {counted(stream.count, 'row')} (--limit {limit}); the answer has more "
                   f"(--limit 0 shows every row)", err=True)


def _write(stream, fmt: str, labeler) -> None:
    """The answer in ``fmt`` on standard output: csv, tsv and json row by row, flushed whenever
    the engine (or endpoint) is still working on the next row; a table or Markdown once every
    row is in. ``labeler``: the labels of a table's IRIs, given its Results."""
    import sys

    from kg.store.results import STREAMED, boolean, write_boolean_json, write_rows
    from kg.store.sparql import graph_answer

    if stream.form == "CONSTRUCT":
        raise KgError(graph_answer(fmt))  # (kg.store.sparql)
    out = sys.stdout
    if fmt in STREAMED:
        stream.on_idle = out.flush
        if stream.form == "ASK" and fmt == "json":
            write_boolean_json(boolean(next(iter(stream))[0]), out)
        else:
            write_rows(fmt, stream.variables, stream, out)
        out.flush()
        return
    results = stream.results()
    results.labeler = labeler(results)
    click.echo(results.render(fmt), nl=False)

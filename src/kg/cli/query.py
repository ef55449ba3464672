"""``kg query``: a catalog question, a .rq file or SPARQL text."""

from __future__ import annotations


import click

from kg.errors import KgError
from kg.cli.options import lang_option


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise KgError(f"--param expects name=value, got {value!r}")
        params[name] = text
    return params



@click.command()
@click.argument("name", required=False)
@click.option("--sparql", "sparql_text", help="Run this SPARQL text instead of a catalog query.")
@click.option("--list", "list_catalog", is_flag=True, help="List the catalog with summaries.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a declared parameter (as an RDF term of its declared type).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "markdown"]), default="table",
              show_default=True, help="json is the SPARQL 1.1 Query Results JSON format.")
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default=None,
              help="The embedded engine that answers.  [default: oxigraph]")
@click.option("--endpoint", metavar="URL", default=None,
              help="Ask this SPARQL 1.1 Protocol endpoint instead of the local files (credentials as for kg push).")
@click.option("--default-graph", "default_graphs", multiple=True, metavar="IRI",
              help="With --endpoint: a graph the query reads as its default graph (repeatable).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None, metavar="SECONDS",
              help="With --endpoint: how long to wait for the endpoint.  [default: 60]")
@lang_option
def query(name: str | None, sparql_text: str | None, list_catalog: bool, params: tuple[str, ...], fmt: str,
          engine: str | None, endpoint: str | None, default_graphs: tuple[str, ...], timeout: float | None,
          lang: str) -> None:
    """Ask the graph: a catalog question by NAME (or number), a FILE.rq, or --sparql TEXT."""
    from kg.query.catalog import catalog, find
    from kg.query.engines import Engines, run_query, run_text

    if list_catalog:
        for item in catalog():
            parameters = "".join(f" [--param {p.name}=<{p.type}>]" for p in item.params)
            click.echo(f"{item.name}{parameters}\n    {item.summary}")
        return
    if bool(name) == bool(sparql_text):
        raise KgError("give a catalog query NAME, a FILE.rq or --sparql TEXT (exactly one); `kg query --list` shows the catalog")
    if endpoint:
        from kg.query.remote import DEFAULT_TIMEOUT, ask

        if engine:
            raise KgError("--engine chooses an embedded engine; with --endpoint the endpoint answers")
        click.echo(ask(endpoint, query=None if sparql_text else find(name), sparql=sparql_text,
                       params=_parse_params(params), default_graphs=default_graphs,
                       timeout=timeout or DEFAULT_TIMEOUT, lang=lang, fmt=fmt), nl=False)
        return
    if default_graphs or timeout:
        raise KgError("--default-graph and --timeout apply to --endpoint")
    engine = engine or "oxigraph"
    engines = Engines()
    if sparql_text:
        if params:
            raise KgError("--param applies to catalog queries, which declare their parameters")
        results = run_text(sparql_text, engine=engine, engines=engines)
    else:
        results = run_query(find(name), _parse_params(params), engine=engine, engines=engines)
    results.labeler = engines.labeler(lang)
    click.echo(results.render(fmt), nl=False)

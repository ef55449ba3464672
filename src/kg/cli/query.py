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
@click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True)
@lang_option
def query(name: str | None, sparql_text: str | None, list_catalog: bool, params: tuple[str, ...], fmt: str,
          engine: str, lang: str) -> None:
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
    engines = Engines()
    if sparql_text:
        if params:
            raise KgError("--param applies to catalog queries, which declare their parameters")
        results = run_text(sparql_text, engine=engine, engines=engines)
    else:
        results = run_query(find(name), _parse_params(params), engine=engine, engines=engines)
    results.labeler = engines.labeler(lang)
    click.echo(results.render(fmt), nl=False)

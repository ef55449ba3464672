"""The ``kg`` command line: a thin layer, one library call per command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__
from .errors import KgError

EXIT_VIOLATIONS = 1
EXIT_ERROR = 2


class KgGroup(click.Group):
    """Turns a KgError anywhere below into a one-line message and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KgError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            ctx.exit(EXIT_ERROR)


# -- shared options ------------------------------------------------------------------------

def output_option(default: str | None = None, help_text: str = "Output file ('-' for standard output)."):
    return click.option("-o", "--output", default=default, required=default is None, show_default=default is not None,
                        help=help_text)


def lang_option(func):
    return click.option("--lang", type=click.Choice(["zh-Hans", "zh-Hant", "en"]), default="en", show_default=True,
                        help="Language of labels in the output.")(func)


def quiet_option(func):
    return click.option("-q", "--quiet", is_flag=True, help="Print only the final report.")(func)


def _progress(quiet: bool):
    return (lambda _m: None) if quiet else (lambda message: click.echo(message, err=True))


# -- commands ------------------------------------------------------------------------------

@click.group(cls=KgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """county-kg: a linked knowledge graph of county policies, programs and outcomes."""


@main.group()
def source() -> None:
    """The source article: clean it, quote it."""


@source.command("clean")
def source_clean() -> None:
    """Clean the raw article into the Traditional and Simplified texts the graph quotes."""
    from .source import clean_source

    report = clean_source()
    article = report.article
    click.echo(f"{report.source.key}: published {article.published.isoformat()} by {article.publisher}; "
               f"{len(article.paragraphs)} paragraphs, {len(article.text)} characters; "
               f"text: {', '.join(article.authors)}; photos: {', '.join(article.photographers)}")
    for repair in report.source.repairs:
        click.echo(f"repaired: {repair.damaged} -> {repair.repaired} ({repair.reason})")
    if report.written:
        for path in report.written:
            click.echo(f"wrote {path}")
    else:
        click.echo("cleaned files already up to date")


@source.command("quote")
@click.argument("text")
@click.option("--occurrence", type=int, default=None, help="Which occurrence, when the text occurs more than once.")
def source_quote(text: str, occurrence: int | None) -> None:
    """Print the evidence block (quote with offsets) for TEXT, ready to paste into a data file."""
    from .source import cleaned_text, quote_turtle

    click.echo(quote_turtle(cleaned_text(), text, occurrence), nl=False)


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@lang_option
def validate(files: tuple[Path, ...], fmt: str, lang: str) -> None:
    """Validate the project's graph, or FILES with the project's ontology and shapes.

    Exit status: 0 conforms, 1 violations, 2 error.
    """
    from .validate import validate_files

    report = validate_files(list(files) or None, lang=lang)
    click.echo(report.render(fmt), nl=False)
    sys.exit(0 if report.conforms else EXIT_VIOLATIONS)


@main.command()
@output_option(default="dist", help_text="Directory to write (replaced only when the build succeeds).")
@click.option("--no-docs", is_flag=True, help="Skip the ontology documentation (pyLODE).")
@click.option("--add", "add", multiple=True, type=click.Path(dir_okay=False),
              help="Another RDF file to build with the project's data (repeatable), e.g. a national county graph.")
@click.option("--pipeline", type=click.Choice(["auto", "full", "fast"]), default="auto", show_default=True,
              help="full: rdflib, with the interactive graph pages; fast: Oxigraph and SHACL by partition, "
                   "for large graphs; auto: fast above 32 MB of data files.")
@quiet_option
def build(output: str, no_docs: bool, add: tuple[str, ...], pipeline: str, quiet: bool) -> None:
    """Clean, load, validate and write the graph, its documentation and a summary."""
    from .build import BuildFailed
    from .build import build as run_build

    try:
        result = run_build(output, progress=_progress(quiet), docs=not no_docs, add=add, pipeline=pipeline)
    except BuildFailed as failed:
        click.echo(failed.report.to_text(), err=True, nl=False)
        click.echo(f"kg: build stopped: {failed}; {output}/ was left unchanged", err=True)
        sys.exit(EXIT_VIOLATIONS)
    s = result.summary
    click.echo(f"Built {result.output}/: {s.triples} triples, {s.subjects} resources, "
               f"{sum(n for _, _, n in s.observations_by_theme_period)} observations, {s.quotes} quotes "
               f"({result.total:.1f} s, {result.pipeline} pipeline).")
    for path in result.files:
        click.echo(f"  {path}")


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig"]), default="ttl", show_default=True)
@output_option()
def export_command(fmt: str, output: str) -> None:
    """Write the merged graph (ontology and data) to a file, or to stdout with '-o -'."""
    from .export import export

    size = export(fmt, output)
    if output != "-":
        click.echo(f"wrote {output} ({size} bytes)", err=True)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise KgError(f"--param expects name=value, got {value!r}")
        params[name] = text
    return params


@main.command()
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
    from .catalog import catalog, find
    from .query import Engines, run_query, run_text

    if list_catalog:
        for item in catalog():
            parameters = "".join(f" [--param {p.name}=<{p.type}>]" for p in item.params)
            click.echo(f"{item.name}{parameters}\n    {item.summary}")
        return
    if bool(name) == bool(sparql_text):
        raise KgError("give a catalog query NAME, a FILE.rq or --sparql TEXT (exactly one); `kg query --list` shows the catalog")
    if endpoint:
        from .engines.remote import DEFAULT_TIMEOUT, ask

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


@main.command()
@click.option("--port", type=int, default=7878, show_default=True)
@click.option("--bind", "host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--public", is_flag=True, help="Allow a non-loopback --bind (serves the graph on the network).")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=None,
              help="Keep the Oxigraph store in this directory (default: a temporary one, removed on exit).")
def serve(port: int, host: str, public: bool, store_dir: Path | None) -> None:
    """Serve the graph read-only: SPARQL 1.1 Protocol at /query, a query editor at /."""
    import signal
    import tempfile

    from .serve import EXAMPLE_QUERY, Server, check_port_free, store_project

    server = Server(store_dir or Path("."), host, port, public=public)  # checks --public before any work
    check_port_free(host, port)
    with tempfile.TemporaryDirectory(prefix="kg-store-") as scratch:
        server.location = store_dir or Path(scratch) / "store"
        click.echo(f"loading the graph into {server.location} ...", err=True)
        store_project(server.location)
        with server:
            click.echo(f"county-kg SPARQL endpoint: {server.url}/query  (query editor: {server.url}/)")
            click.echo("read-only; Ctrl-C stops it. Try:")

            def _terminate(_signum, _frame):  # `kill` stops the server as cleanly as Ctrl-C
                raise KeyboardInterrupt

            signal.signal(signal.SIGTERM, _terminate)
            click.echo(f"  curl -H 'Accept: text/csv' --data-urlencode 'query={EXAMPLE_QUERY}' {server.url}/query")
            try:
                server.wait()
            except KeyboardInterrupt:
                click.echo("\nstopping ...", err=True)


@main.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://localhost:3030/ds/data.")
@click.option("--graph", "graph_iri", default=None, help="Named graph to replace (default: the county-kg graph IRI).")
def push(endpoint: str, graph_iri: str | None) -> None:
    """Upload the graph to a SPARQL 1.1 Graph Store endpoint, replacing one named graph.

    Credentials are read from KG_ENDPOINT_TOKEN, or KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.
    """
    from .load import project
    from .push import DEFAULT_GRAPH
    from .push import push as run_push

    result = run_push(project(), endpoint, graph_iri or str(DEFAULT_GRAPH))
    click.echo(f"replaced <{result.graph}> at {result.endpoint}: {result.triples} triples, {result.bytes} bytes "
               f"(HTTP {result.status})")


@main.command()
def reason() -> None:
    """Check that the ontology and data are consistent under the HermiT OWL reasoner."""
    from .load import project_graph
    from .reasoner import check_consistency

    result = check_consistency(project_graph())
    click.echo(result.message)
    sys.exit(0 if result.ok else EXIT_VIOLATIONS)


from .cli_explore import analyze, viz  # noqa: E402
main.add_command(viz); main.add_command(analyze)

from .cli_link import gazetteer, import_table, link  # noqa: E402
main.add_command(gazetteer); main.add_command(import_table); main.add_command(link)


from .cli_scale import synth  # noqa: E402
main.add_command(synth)


def run() -> None:
    """The `kg` program: the command line, then a quick exit.

    A command over a national graph leaves millions of rdflib objects behind. The process is
    about to end and the OS takes its memory back, but the interpreter's final garbage
    collection would first walk them all: about 8 s of the 69 s `kg import` took into a
    1M-triple workspace.
    Freezing them first (gc.freeze) skips that walk; it only runs as the program, never
    in-process (tests call `main`), where frozen objects would never be collected."""
    import gc

    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    run()

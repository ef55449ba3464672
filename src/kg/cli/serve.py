"""``kg serve`` and ``kg push``: the graph for other tools."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import Whole, URL, Given, Number, PathParam



@click.command()
@click.option("--port", type=Whole(1, 65535), default=7878, show_default=True)
@click.option("--bind", "host", type=Given("an address"), default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--public", is_flag=True, help="Allow a non-loopback --bind (serves the graph on the network); "
              "federated queries (SERVICE) are then off unless --allow-service names endpoints.")
@click.option("--store", "store_dir", type=PathParam("a store directory", output=False, path_type=Path), default=None,
              help="The county-kg store to serve (default: $KG_STORE, else dist/store); brought up to date "
                   "with the project's files and workspace on start.")
@click.option("--timeout", type=Number(min=0), default=30.0, show_default=True, metavar="SECONDS",
              help="Stop each query after this long (HTTP 503; an answer already begun ends unfinished, "
                   "and its Query-Time-Limit header lets a client say why); 0 for no limit.")
@click.option("--service-timeout", type=Number(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Each SERVICE call's limit (SERVICE SILENT then gives empty columns).")
@click.option("--base", type=URL, default=None, metavar="URL",
              help="The URL the site is reached at when it is not the server's own (behind a proxy), "
                   "e.g. https://example.org/county-kg/; everything is served under its path.")
@click.option("--allow-service", "services", type=Given("a URL prefix"), multiple=True, metavar="URL-PREFIX",
              help="An endpoint SERVICE clauses may call: those under this URL prefix (same scheme, host and "
                   "port; the path or below it). Repeatable. Without it a server reached by others (--public, "
                   "--base) calls none, a loopback one any.")
def serve(port: int, host: str, public: bool, store_dir: Path | None, timeout: float, service_timeout: float,
          base: str | None, services: tuple[str, ...]) -> None:
    """Serve the graph read-only: a page for every resource at its IRI's path (HTML, Turtle,
    N-Triples, JSON-LD or RDF/XML by Accept header or extension), the SPARQL 1.1 Protocol at
    /query and a query editor at /editor, all from the project's store (its generation held
    while the server runs).

    Each query runs in a process of its own and stops at --timeout; Ctrl-C (or SIGTERM) stops
    the server and every query within a second, with exit code 130 (143), as any command.

    SERVICE clauses make the server send requests from where it runs. A server others reach
    (--public, or behind a proxy with --base) refuses them (HTTP 400) unless --allow-service
    names the endpoints it may call; a loopback one calls any endpoint, as kg query does."""
    from kg.publish.serve import EXAMPLE_QUERY, Server, Settings
    from kg.publish.source import StoreDirectory

    source = StoreDirectory(store_dir, say=lambda message: click.echo(message, err=True))
    server = Server(source, host, port, public=public, base=base,
                    settings=Settings(timeout=timeout or None, service_timeout=service_timeout,
                                      services=services or None))
    click.echo("opening the store ...", err=True)
    server.open()

    def banner() -> None:
        from kg.pages.publisher import project_sources

        click.echo(f"county-kg site: {server.url}/  (every resource at its IRI's path, e.g. {server.url}/id/place/530681)")
        for article in project_sources():
            click.echo(f"article view: {server.url}/{article.path}")
        click.echo(f"SPARQL endpoint: {server.url}/query  (query editor: {server.url}/editor)")
        click.echo(f"serving {source.describe()}; read-only; Ctrl-C stops it. Try:")
        click.echo(f"  curl -H 'Accept: text/csv' --data-urlencode 'query={EXAMPLE_QUERY}' {server.url}/query")

    # The server stops on the signal, then raises it again (uvicorn gives it back to the
    # handler it replaced): the program's own, so kg serve ends as any interrupted command,
    # with its one line ("kg: interrupted": kg.cli.main) and nothing before it.
    server.run(started=banner)


@click.command()
@click.option("--endpoint", type=URL, required=True, help="Graph Store Protocol URL, e.g. http://localhost:3030/ds/data.")
@click.option("--graph", "graph_iri", type=Given("a graph IRI"), default=None, metavar="IRI",
              help="Named graph to replace: an IRI, <IRI> or a compact IRI with a project prefix "
                   "(default: the county-kg graph IRI).")
@click.option("--timeout", type=Number(min=0), default=60.0, show_default=True, metavar="SECONDS",
              help="Stop waiting for the endpoint after this long (exit 2); 0 for no limit.")
def push(endpoint: str, graph_iri: str | None, timeout: float) -> None:
    """Upload the graph to a SPARQL 1.1 Graph Store endpoint, replacing one named graph.

    Credentials are read from KG_ENDPOINT_TOKEN, or KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.
    """
    from kg.http import NO_LIMIT
    from kg.namespaces import read_iri
    from kg.publish.push import DEFAULT_GRAPH
    from kg.publish.push import push as run_push
    from kg.store.load import project
    from kg.words import counted

    graph = read_iri(graph_iri) if graph_iri is not None else str(DEFAULT_GRAPH)
    result = run_push(project, endpoint, graph, timeout=timeout or NO_LIMIT)
    click.echo(f"replaced <{result.graph}> at {result.endpoint}: {counted(result.triples, 'triple')}, {counted(result.bytes, 'byte')} "
               f"(HTTP {result.status})")

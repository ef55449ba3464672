"""``kg serve`` and ``kg push``: the graph for other tools."""

from __future__ import annotations

from pathlib import Path

import click



@click.command()
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--bind", "host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--public", is_flag=True, help="Allow a non-loopback --bind (serves the graph on the network).")
@click.option("--store", "store_dir", type=click.Path(path_type=Path), default=None,
              help="Keep the Oxigraph store in this directory (default: a temporary one, removed on exit).")
def serve(port: int, host: str, public: bool, store_dir: Path | None) -> None:
    """Serve the graph read-only: SPARQL 1.1 Protocol at /query, a query editor at /."""
    import signal
    import tempfile

    from kg.publish.serve import EXAMPLE_QUERY, Server, check_port_free, store_project

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



@click.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://localhost:3030/ds/data.")
@click.option("--graph", "graph_iri", default=None, help="Named graph to replace (default: the county-kg graph IRI).")
def push(endpoint: str, graph_iri: str | None) -> None:
    """Upload the graph to a SPARQL 1.1 Graph Store endpoint, replacing one named graph.

    Credentials are read from KG_ENDPOINT_TOKEN, or KG_ENDPOINT_USER and KG_ENDPOINT_PASSWORD.
    """
    from kg.publish.push import DEFAULT_GRAPH
    from kg.publish.push import push as run_push
    from kg.store.load import project

    result = run_push(project(), endpoint, graph_iri or str(DEFAULT_GRAPH))
    click.echo(f"replaced <{result.graph}> at {result.endpoint}: {result.triples} triples, {result.bytes} bytes "
               f"(HTTP {result.status})")

"""``kg viz`` and ``kg analyze``: pictures and network analysis of the graph."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import Whole, Given, PathParam, endpoint_options, force_option, lang_option


def format_option(func):
    return click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
                        help="Output as a table or as JSON.")(func)


def schema_option(func):
    return click.option("--schema", is_flag=True,
                        help="Also show schema nodes: themes, periods, units, value qualifiers, facility types, "
                             "data sets and sources.")(func)


@click.command()
@click.option("-o", "--output", required=True, type=PathParam("a file name", path_type=Path),
              help="HTML file to write ('-' for standard output).")
@force_option
@lang_option
@schema_option
@click.option("--theme", type=Given("a theme"), help="Only this theme's entities and their neighbours (theme:industry, industry or a label).")
@click.option("--focus", type=Given("a node"), metavar="NODE", help="Only the nodes near NODE (IRI, compact IRI or exact label).")
@click.option("--depth", type=Whole(min=0), default=1, show_default=True, help="How near, with --focus: edges away.")
@click.option("--class", "classes", type=Given("a class"), multiple=True, metavar="CLASS",
              help="Only members of CLASS, subclasses included (ckg:Result, Program or a label); repeatable.")
@endpoint_options
def viz(output: Path, force: bool, lang: str, schema: bool, theme: str | None, focus: str | None, depth: int,
        classes: tuple[str, ...], endpoint: str | None, default_graphs: tuple[str, ...], timeout: float | None) -> None:
    """Write the graph (the local files', or an endpoint's) as one interactive HTML page that works offline."""
    from click.core import ParameterSource

    from kg.explore.viz import explore

    # --depth is a distance from the --focus node: without one it would be ignored, the page
    # the whole graph, and the user none the wiser
    if focus is None and click.get_current_context().get_parameter_source("depth") != ParameterSource.DEFAULT:
        raise click.UsageError("--depth counts edges away from the --focus node: give --focus NODE, "
                               "or leave out --depth to draw the whole graph")
    from kg.query.readers import Origin
    from kg.store.results import counted

    written = explore(output, lang=lang, schema=schema, theme=theme, focus=focus, depth=depth, classes=classes,
                      origin=Origin(endpoint, default_graphs, timeout), force=force)
    click.echo(f"wrote {'standard output' if str(output) == '-' else written.path}: {counted(written.nodes, 'node')}, "
               f"{counted(written.edges, 'edge')}", err=True)


@click.group()
def analyze() -> None:
    """Network analysis: central entities, communities, explanation paths, results-chain gaps.

    Each analysis reads the local files, or with --endpoint URL the graph a SPARQL endpoint holds."""


@analyze.command("rank")
@click.option("--by", type=click.Choice(["pagerank", "betweenness", "degree"]), default="pagerank", show_default=True)
@click.option("--top", type=Whole(min=0), default=10, show_default=True, help="How many (0: all).")
@schema_option
@format_option
@lang_option
@endpoint_options
def analyze_rank(by: str, top: int, schema: bool, fmt: str, lang: str, endpoint: str | None,
                 default_graphs: tuple[str, ...], timeout: float | None) -> None:
    """The most central entities by PageRank, betweenness or degree."""
    from kg.explore.analyze import rank
    from kg.query.readers import Origin

    click.echo(rank(by=by, top=top or None, schema=schema, origin=Origin(endpoint, default_graphs, timeout))
               .render(fmt, lang), nl=False)


@analyze.command("communities")
@click.option("--method", type=click.Choice(["louvain", "greedy"]), default="louvain", show_default=True,
              help="Louvain (fixed seed) or greedy modularity.")
@schema_option
@format_option
@lang_option
@endpoint_options
def analyze_communities(method: str, schema: bool, fmt: str, lang: str, endpoint: str | None,
                        default_graphs: tuple[str, ...], timeout: float | None) -> None:
    """Groups of densely connected entities."""
    from kg.explore.analyze import communities
    from kg.query.readers import Origin

    click.echo(communities(method=method, schema=schema, origin=Origin(endpoint, default_graphs, timeout))
               .render(fmt, lang), nl=False)


@analyze.command("path")
@click.argument("source", type=Given("a node"))
@click.argument("target", type=Given("a node"))
@click.option("--avoid", type=Given("a node"), multiple=True, metavar="NODE",
              help="Route around NODE (e.g. a hub such as place:530681 that connects everything); repeatable.")
@format_option
@lang_option
@endpoint_options
def analyze_path(source: str, target: str, avoid: tuple[str, ...], fmt: str, lang: str, endpoint: str | None,
                 default_graphs: tuple[str, ...], timeout: float | None) -> None:
    """The shortest chain of relations between SOURCE and TARGET (IRIs, compact IRIs or exact labels)."""
    from kg.explore.analyze import path
    from kg.query.readers import Origin

    click.echo(path(source, target, avoid=avoid, origin=Origin(endpoint, default_graphs, timeout))
               .render(fmt, lang), nl=False)


@analyze.command("coverage")
@format_option
@lang_option
@endpoint_options
def analyze_coverage(fmt: str, lang: str, endpoint: str | None, default_graphs: tuple[str, ...],
                     timeout: float | None) -> None:
    """Gaps in the results chain: programs without (measured) results, results without a program,
    observations without a program, isolated entities."""
    from kg.explore.analyze import coverage
    from kg.query.readers import Origin

    click.echo(coverage(origin=Origin(endpoint, default_graphs, timeout)).render(fmt, lang), nl=False)

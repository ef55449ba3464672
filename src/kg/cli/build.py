"""``kg build`` and ``kg export``: the validated graph and its files."""

from __future__ import annotations

import sys

import click

from kg.cli.options import EXIT_VIOLATIONS, RdfFile, _progress, force_option, output_option, quiet_option


@click.command()
@output_option(default="dist", help_text="Directory to write: new, empty or a previous build's (replaced only when "
                                         "the build succeeds).", what="a directory")
@click.option("--no-docs", is_flag=True, help="Skip the ontology documentation (pyLODE).")
@click.option("--site/--no-site", "site", default=None,
              help="Write the static site (site/: a page per resource, the article view), or skip it. "
                   "Default: written when the graph has at most 50,000 resources.")
@click.option("--add", "add", multiple=True, type=RdfFile(),
              help="Another RDF file to build with the project's data (repeatable), e.g. a national county graph.")
@quiet_option
def build(output: str, no_docs: bool, site: bool | None, add: tuple[str, ...], quiet: bool) -> None:
    """Clean, store, validate and write the graph, its documentation, a summary and the static
    site (a page per resource, read from the store).

    The graph's store is kept in OUTPUT/store (or $KG_STORE): every later command reads it,
    and the next build loads and validates only what changed."""
    from kg.build.outcome import BuildFailed
    from kg.build.pipeline import build as run_build
    from kg.words import counted

    try:
        result = run_build(output, progress=_progress(quiet), docs=not no_docs, add=add, site=site)
    except BuildFailed as failed:
        click.echo(failed.report.to_text(), err=True, nl=False)
        click.echo(f"kg: build stopped: {failed}; the files in {output}/ were left unchanged", err=True)
        sys.exit(EXIT_VIOLATIONS)
    s = result.summary
    # the data's triples: the exports hold the ontology's too (the summary counts the data)
    counts = (f"{counted(s.triples, 'data triple')}, {counted(s.subjects, 'resource')}, "
              f"{counted(s.observations, 'observation')}, {counted(s.quotes, 'quote')}")
    if result.unchanged:
        click.echo(f"Current {result.output}/: {counts} ({result.total:.1f} s; nothing to write; store: {result.store}).")
    else:
        click.echo(f"Built {result.output}/: {counts} ({result.total:.1f} s; validation: {result.validation}; "
                   f"store: {result.store}).")
        for path in result.files:
            click.echo(f"  {path}")
    if result.site_pages:
        index = (result.output / "site" / "index.html").resolve()
        click.echo(f"Site: {counted(result.site_pages, 'page')}; open {index.as_uri()}")



@click.command("export")
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig"]), default="ttl", show_default=True)
@output_option()
@force_option
def export_command(fmt: str, output: str, force: bool) -> None:
    """Write the merged graph (ontology and data) to a file, or to stdout with '-o -'."""
    from kg.publish.export import export
    from kg.words import counted

    size = export(fmt, output, force=force)
    if output != "-":
        click.echo(f"wrote {output} ({counted(size, 'byte')})", err=True)

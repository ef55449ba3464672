"""``kg validate`` and ``kg reason``: the graph against its shapes, checks, quotes and OWL."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.options import EXIT_VIOLATIONS, RdfFile, lang_option


@click.command()
@click.argument("files", nargs=-1, type=RdfFile())
@click.option("--format", "fmt", type=click.Choice(["text", "json", "turtle"]), default="text", show_default=True)
@lang_option
def validate(files: tuple[Path, ...], fmt: str, lang: str) -> None:
    """Validate the project's graph, or FILES with the project's ontology and shapes.

    FILES are RDF files (by suffix: .ttl .nt .nq .trig .rdf .owl .jsonld); a directory is
    refused: name the files in it (kg validate mydata/*.ttl). A syntax error is reported as
    FILE:LINE:COLUMN with the line and a caret.

    Without FILES the project's store is validated (dist/store, or $KG_STORE): brought up to
    date first, and its recorded validation reused when nothing changed since.

    Exit status: 0 no violation (warnings are reported, and allowed), 1 violations, 2 error.
    The Turtle and JSON reports say conforms as SHACL defines it: false as soon as there is
    any result, a warning too.
    """
    from kg.build.pipeline import validate as run_validate

    report = run_validate(list(files) or None, lang=lang, say=lambda message: click.echo(message, err=True))
    click.echo(report.render(fmt), nl=False)
    sys.exit(EXIT_VIOLATIONS if report.violations else 0)



@click.command()
def reason() -> None:
    """Check that the ontology and data are consistent under the HermiT OWL reasoner."""
    from kg.store.load import project_graph
    from kg.validate.reasoner import check_consistency

    result = check_consistency(project_graph())
    click.echo(result.message)
    sys.exit(0 if result.ok else EXIT_VIOLATIONS)

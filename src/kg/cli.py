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
@quiet_option
def build(output: str, no_docs: bool, quiet: bool) -> None:
    """Clean, load, validate and write the graph, its documentation and a summary."""
    from .build import BuildFailed
    from .build import build as run_build

    try:
        result = run_build(output, progress=_progress(quiet), docs=not no_docs)
    except BuildFailed as failed:
        click.echo(failed.report.to_text(), err=True, nl=False)
        click.echo(f"kg: build stopped: {failed}; {output}/ was left unchanged", err=True)
        sys.exit(EXIT_VIOLATIONS)
    s = result.summary
    click.echo(f"Built {result.output}/: {s.triples} triples, {s.subjects} resources, "
               f"{sum(n for _, _, n in s.observations_by_theme_period)} observations, {s.quotes} quotes "
               f"({sum(result.seconds.values()):.1f} s).")
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


@main.command()
def reason() -> None:
    """Check that the ontology and data are consistent under the HermiT OWL reasoner."""
    from .load import project_graph
    from .reasoner import check_consistency

    result = check_consistency(project_graph())
    click.echo(result.message)
    sys.exit(0 if result.consistent else EXIT_VIOLATIONS)


if __name__ == "__main__":  # pragma: no cover
    main()

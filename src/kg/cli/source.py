"""``kg source``: clean the source documents, quote a passage (``kg source add`` is in kg.cli.curate)."""

from __future__ import annotations


import click

from kg.cli.curate import source_add
from kg.cli.options import Whole, Given



@click.group()
def source() -> None:
    """Source documents: add one, clean them, quote a passage."""



@source.command("clean")
@click.option("--source", "key", type=Given("a source key"), metavar="KEY", default=None, help="Clean only this source (default: every registered one).")
def source_clean(key: str | None) -> None:
    """Clean the raw documents into the Traditional and Simplified texts the graph quotes."""
    from kg.sources.clean import clean_sources
    from kg.words import counted

    for report in clean_sources(key):
        article = report.article
        publisher, published = report.source.publication(article)
        click.echo(f"{report.source.key}: published {published.isoformat() if published else 'an unknown date'} "
                   f"by {publisher or 'an unknown publisher'}; "
                   f"{counted(len(article.paragraphs), 'paragraph')}, {counted(len(article.text), 'character')}; "
                   f"text: {', '.join(article.authors) or '-'}; photos: {', '.join(article.photographers) or '-'}")
        for repair in report.source.repairs:
            click.echo(f"repaired: {repair.damaged} -> {repair.repaired} ({repair.reason})")
        for path in report.written:
            click.echo(f"wrote {path}")
        if not report.written:
            click.echo("cleaned files already up to date")


@source.command("quote")
@click.argument("text", type=Given("the text to quote (an empty quote cites nothing)"))
@click.option("--occurrence", type=Whole(min=1), default=None,
              help="Which occurrence (1, 2, ...), when the text occurs more than once.")
@click.option("--source", "key", type=Given("a source key"), metavar="KEY", default=None, help="The source to quote (default: the first article).")
def source_quote(text: str, occurrence: int | None, key: str | None) -> None:
    """Print the evidence block (quote with offsets) for TEXT, ready to paste into a data file."""
    from kg.sources.clean import cleaned_text, default_source, find_source
    from kg.sources.quote import quote_turtle

    source = find_source(key) if key else default_source()
    click.echo(quote_turtle(cleaned_text(source.key), text, occurrence, source), nl=False)


# `kg source add` lives with the curation commands (it registers a document to curate)
source.add_command(source_add)

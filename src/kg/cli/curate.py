"""``kg source add``, ``kg extract`` and ``kg curate``: new documents into reviewed facts.

Thin: each command parses its options, calls one library function and prints a summary.
"""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import Given, PathParam


@click.command("add")
@click.argument("file", type=PathParam("a document file", output=False, path_type=Path))
@click.option("--publisher", type=Given("a publisher"), metavar="NAME", help="Who published it (default: the header's 来源, if any).")
@click.option("--date", "date_text", type=Given("a date"), metavar="DATE", help="Publication date, YYYY-MM-DD or YYYY-MM-DD HH:MM "
                                                          "(default: the header's, if any).")
@click.option("--url", type=Given("a URL"), metavar="URL", help="Where it was published.")
@click.option("--title", type=Given("a title"), metavar="TITLE", help="Its title (its label in the graph; default: the line above "
                                               "the header, if any).")
@click.option("--place", type=Given("a place"), metavar="PLACE", help="The place it is about: a division code, a name or an IRI "
                                               "(the default place of its figures).")
@click.option("--key", type=Given("a key"), metavar="KEY", help="Its key in the registry (default: from the file name).")
@click.option("--encoding", type=Given("an encoding"), metavar="ENCODING", help="The file's encoding when not UTF-8 (gb18030, big5, ...).")
@click.option("--language", type=click.Choice(["zh-Hant", "zh-Hans"]), help="Its script (default: told from the text).")
def source_add(file: Path, publisher, date_text, url, title, place, key, encoding, language) -> None:
    """Register FILE as a source: clean it and describe it under data/sources/KEY/."""
    from kg.curate.documents import add_document
    from kg.words import counted

    report = add_document(file, publisher=publisher, date_text=date_text, url=url, title=title, place=place,
                          key=key, encoding=encoding, language=language)
    source, article = report.source, report.article
    for note in report.notes:
        click.echo(f"warning: {note}", err=True)
    known = lambda value: value if value else "unknown"  # noqa: E731
    click.echo(f"added {source.key} ({source.language}): {counted(len(article.paragraphs), 'paragraph')}, "
               f"{counted(len(article.text), 'character')}; date {known(source.issued)}; publisher {known(source.publisher)}; "
               f"place {known(source.place)}")
    click.echo(f"wrote {report.folder}/ ({counted(len(report.written), 'file')}) and its entry in sources.toml")
    click.echo(f"next: kg extract {source.key}")


@click.command("extract")
@click.argument("source", type=Given("a source key"))
@click.option("-o", "--output", "directory", type=PathParam("a directory", path_type=Path), default=None,
              help="Directory for review.csv and draft.ttl (default: the source's folder).")
def extract(source: str, directory: Path | None) -> None:
    """Candidate facts of SOURCE (a registered key), each with its quote: review.csv to edit, draft.ttl to read."""
    from kg.curate.files import write_review
    from kg.words import counted

    report = write_review(source, directory)
    counts = ", ".join(counted(n, kind) for kind, n in report.counts.items()) or "no candidates"
    click.echo(f"{report.source.key}: {counts} in {report.seconds:.1f} s")
    if not report.counts.get("figure"):
        click.echo(f"{report.source.key}: no figures found", err=True)
    if report.kept:
        click.echo(f"kept {counted(report.kept, 'decided row')} of the previous review")
    if report.edited:
        click.echo(f"kept {counted(report.edited, 'undecided row')} with your edits as you left them")
    if report.dropped:
        click.echo(f"dropped {counted(len(report.dropped), 'undecided row')} no longer proposed: "
                   + ", ".join(report.dropped[:5]) + (" ..." if len(report.dropped) > 5 else ""), err=True)
    click.echo(f"wrote {report.review} ({counted(report.rows, 'row')}) and {report.draft}"
               + (f" ({counted(report.problems, 'row')} not yet complete)" if report.problems else ""))
    click.echo("next: set decision to accept or reject, fill label_en for new resources, then "
               f"kg curate accept {report.review}")


@click.group()
def curate() -> None:
    """Review candidate facts: accept them into the graph, measure the extractor."""


@curate.command("accept")
@click.argument("review", type=PathParam("a review table", output=False, path_type=Path))
@click.option("--source", "source_key", type=Given("a source key"), metavar="KEY", help="The source the review is of (default: the one whose folder holds it).")
def curate_accept(review: Path, source_key: str | None) -> None:
    """Write the accepted rows of REVIEW as the source's facts.ttl, validated first."""
    from kg.curate.accept import accept
    from kg.words import counted

    report = accept(review, source_key=source_key)
    click.echo(f"{report.source.key}: {report.accepted} accepted, {report.rejected} rejected, "
               f"{report.undecided} undecided")
    for warning in report.warnings:
        click.echo(f"warning: {warning}")
    click.echo(f"wrote {report.facts} ({counted(report.triples, 'triple')})")


@curate.command("evaluate")
@click.argument("source", type=Given("a source key"))
def curate_evaluate(source: str) -> None:
    """Precision and recall of kg extract on SOURCE against its hand-curated facts."""
    from kg.curate.evaluate import evaluate

    click.echo(evaluate(source).report())

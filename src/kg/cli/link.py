"""``kg gazetteer``, ``kg import`` and ``kg link``: linking county-kg to other county data.

Thin: each command parses its options, calls one library function and prints a summary.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from kg.cli.options import (Whole, EXIT_VIOLATIONS, SCORE, Given, Number, PathParam, endpoint_options, force_option, output_option,
                            quiet_option)

EXIT_PARTIAL = 3


def _rdf_format(value: str | None) -> str | None:
    """--format: one of the RDF format names kg reads (kg.store.syntax), else a usage error."""
    if value is None:
        return None
    from kg.store.syntax import rdflib_format_names

    names = rdflib_format_names()
    if value.lower() not in names:
        raise click.BadParameter(f"{value!r} is not an RDF format kg reads (one of {', '.join(names)}).")
    return value.lower()


def _default(_ctx, param, value: str | None) -> str | None:
    """--default-unit, --default-period: read by the parser the rows' cells use
    (kg.link.importer.default_problem) before any row is read; a usage error naming the value
    otherwise."""
    if value is None:
        return None
    from kg.link.importer import default_problem

    problem = default_problem(param.name.removeprefix("default_"), value)
    if problem is not None:
        raise click.BadParameter(f"{problem}.")
    return value


def workspace_option(func):
    return click.option("--workspace", type=PathParam("a workspace directory", path_type=Path), default=None,
                        help="Directory for imports and link sets (default: $KG_WORKSPACE, else ./county-kg-data).")(func)


@click.command("gazetteer")
@output_option(default="", help_text="File to write (default: data/gazetteer/places.ttl in the project).")
@click.option("--check", is_flag=True, help="Only check that the file is up to date with the division codes (exit 1 if not).")
@force_option
def gazetteer(output: str | None, check: bool, force: bool) -> None:
    """Build the national gazetteer (places for every division code) from data/reference/admin-divisions/."""
    from kg.link.gazetteer import is_up_to_date, output_file, write
    from kg.words import counted

    path = Path(output) if output is not None else output_file()
    if check:
        fresh = is_up_to_date(path)
        again = "kg gazetteer" + (f" -o {shlex.quote(output)}" if output is not None else "")
        click.echo(f"{path}: {'up to date' if fresh else f'out of date: run `{again}`'}")
        sys.exit(0 if fresh else EXIT_VIOLATIONS)
    written, places = write(path, force=force)
    click.echo(f"wrote {written}: {counted(places, 'place')}")


@click.command("import", epilog="Exit status: 0 every row imported; 3 partial import (some rows could not be "
                                "read: see the report file); 1 the imported graph does not conform to the "
                                "shapes (nothing written); 2 error, or no row could be imported.")
@click.argument("table", type=PathParam("a table", output=False, path_type=Path))
@click.option("--mapping", type=PathParam("a mapping file", output=False, path_type=Path), default=None,
              help="TOML file naming the columns, defaults and indicator meanings (see kg.importer).")
@click.option("--place", "place_col", type=Given("a column name"), metavar="COLUMN", help="Column with the place (a code or a name).")
@click.option("--place-code", "place_code_col", type=Given("a column name"), metavar="COLUMN", help="Column with the place's division code.")
@click.option("--province", "province_col", type=Given("a column name"), metavar="COLUMN", help="Column with the province (to tell names apart).")
@click.option("--prefecture", "prefecture_col", type=Given("a column name"), metavar="COLUMN", help="Column with the prefecture (to tell names apart).")
@click.option("--indicator", "indicator_col", type=Given("a column name"), metavar="COLUMN", help="Column with the indicator name.")
@click.option("--period", "period_col", type=Given("a column name"), metavar="COLUMN",
              help="Column with the period (2022, 2023年上半年, 2023年1-6月, 2023年末, 十四五).")
@click.option("--value", "value_col", type=Given("a column name"), metavar="COLUMN", help="Column with the value (12.76亿元, 1,234, 8.08亿元以上).")
@click.option("--unit", "unit_col", type=Given("a column name"), metavar="COLUMN", help="Column with the unit (亿元, 万人次) of values written without one.")
@click.option("--source", "source_col", type=Given("a column name"), metavar="COLUMN", help="Column with a citation for each row.")
@click.option("--default-indicator", type=Given("an indicator name"), metavar="NAME", help="Indicator of every row without one.")
@click.option("--default-period", type=Given("a period"), metavar="PERIOD", callback=_default, help="Period of every row without one.")
@click.option("--default-unit", type=Given("a unit"), metavar="UNIT", callback=_default,
              help="Unit of values written without one and without a unit cell.")
@click.option("--theme", type=Given("a theme"), metavar="THEME", help="Theme of indicators the import mints (default: economy).")
@click.option("--name", type=Given("a name"), metavar="NAME", help="Name of the import (default: from the file name); the same name replaces.")
@click.option("--as-of", "as_of", type=Whole(1949, 2100), default=None, metavar="YEAR",
              help="Year whose division codes and names the whole table uses (default: each row's period).")
@click.option("--encoding", type=Given("an encoding"), default="auto", show_default=True,
              help="Encoding of the table: auto (UTF-8 with or without BOM, else GB18030) or a Python codec name.")
@click.option("--report", "report_path", type=PathParam("a file name", path_type=Path), default=None,
              help="Where to write the report of unreadable rows (default: beside the import, NAME.report.csv).")
@workspace_option
@force_option
@quiet_option
def import_table(table: Path, mapping: Path | None, place_col, place_code_col, province_col, prefecture_col,
                 indicator_col, period_col, value_col, unit_col, source_col, default_indicator, default_period,
                 default_unit, theme, name, as_of, encoding, report_path, workspace, force, quiet) -> None:
    """Import a county indicator table (CSV) as observations in its own named graph.

    One row per observation: place, indicator, period, value (and unit, source). Places are
    resolved by division code, then by name (Simplified or Traditional, with or without
    省/市/县/区), in the codes and names of the row's period (or --as-of YEAR) from the code
    history 1981-2024, using the province or prefecture columns when a name repeats; an
    observation is filed under today's place and keeps the place as the table named it.
    Rows that cannot be read (an unknown or split place, a missing figure, a value or period
    not understood) are listed, with the reason and row number (the header is row 1), in a
    report file; nothing is dropped silently.
    """
    from kg.link.importer import Importer, ImportMapping, ImportRefused

    base = ImportMapping.from_file(mapping) if mapping else ImportMapping()
    columns = {"place": place_col, "place_code": place_code_col, "province": province_col,
               "prefecture": prefecture_col, "indicator": indicator_col, "period": period_col, "value": value_col,
               "unit": unit_col, "source": source_col}
    defaults = {"indicator": default_indicator, "period": default_period, "unit": default_unit, "theme": theme}
    from kg.build.pipeline import source_texts
    from kg.words import counted, rate

    importer = Importer(table, mapping=base.merged(columns, defaults), name=name, workspace=workspace,
                        report=report_path, encoding=encoding, as_of=as_of, force=force, quiet=quiet,
                        say=(lambda _m: None) if quiet else (lambda message: click.echo(message, err=True)),
                        texts=source_texts())
    replaced = importer.replaces()
    try:
        result, _graph = importer.run()
    except ImportRefused as refused:
        click.echo(refused.report.to_text(), err=True, nl=False)
        click.echo(f"kg: {refused}", err=True)
        sys.exit(EXIT_VIOLATIONS)
    if not quiet:
        methods = ", ".join(f"{method} {n}" for method, n in sorted(result.methods.items()))
        click.echo(f"places: {result.places_resolved} of {result.place_rows} resolved "
                   f"({rate(result.places_resolved, result.place_rows, 0)}; {methods})", err=True)
    where = f"<{result.graph}> in {result.path}" if result.path else "nothing (no row could be imported)"
    click.echo(f"imported {result.imported} of {counted(result.rows, 'row')} ({result.encoding}) -> {where}")
    for note in result.notes:  # what reading the table took from it besides its rows
        click.echo(f"read: {note}")
    if replaced is not None and result.path:
        click.echo(f"this replaces the import of {replaced} (a table of the same name; give --name to keep both)")
    if result.bad_rows:
        click.echo(f"{counted(len(result.bad_rows), 'row')} not imported, listed in {result.report_path}:")
        for bad in result.bad_rows[:20]:
            click.echo(f"  row {bad.row}: {bad.reason}")
        if len(result.bad_rows) > 20:
            click.echo(f"  ... and {len(result.bad_rows) - 20} more")
    sys.exit(result.exit_code)


@click.command("link")
@click.argument("other", type=PathParam("an RDF file or an endpoint URL", output=False))
@click.option("--name", type=Given("a name"), metavar="NAME", help="Name of the link set (default: from OTHER); the same name replaces.")
@click.option("--exact-threshold", type=SCORE, default=None,
              help="Label score from which a match is skos:exactMatch (default 0.95).")
@click.option("--close-threshold", type=SCORE, default=None,
              help="Label score from which a match is skos:closeMatch (default 0.85); lower scores above the "
                   "review threshold go to the review file only.")
@click.option("--review", "review_path", type=PathParam("a file name", path_type=Path), default=None,
              help="Where to write the candidates to review (default: beside the link set, NAME.review.csv).")
@click.option("--format", "fmt", type=Given("an RDF format"), default=None, callback=lambda _ctx, _param, value: _rdf_format(value),
              help="RDF format of a file OTHER, as rdflib names it: turtle, nt, nquads, trig, xml, json-ld "
                   "(default: from its extension).")
@click.option("--other-timeout", type=Number(min=0), default=60.0, show_default=True, metavar="SECONDS",
              help="When OTHER is an endpoint: stop waiting for its whole answer after this long (exit 2); "
                   "0 for no limit.")
@workspace_option
@force_option
@endpoint_options
def link(other: str, name: str | None, exact_threshold: float | None, close_threshold: float | None,
         review_path: Path | None, fmt: str | None, other_timeout: float, workspace: Path | None, force: bool,
         endpoint: str | None, default_graphs: tuple[str, ...], timeout: float | None) -> None:
    """Discover links between our places and another dataset's (an RDF file or a SPARQL endpoint URL).
    Our places are the local files', or with --endpoint those of the endpoint holding our graph.

    Division codes first (2/4/6/9/12 digits, with separators, as numbers, with a country
    prefix; codes of 1981-2024 included), then labels normalised (Traditional -> Simplified,
    suffixes, spacing) and scored with rapidfuzz, constrained by level and parent place.
    Writes a link set (skos:exactMatch / skos:closeMatch with score, method and date) as its
    own named graph, and a review CSV of uncertain candidates and of every entity left
    unmatched, with the reason.

    Every subject with a label, an identifier (skos:notation, dcterms:identifier, ...) or a
    type is counted. A code given as an IRI is read only from a last path segment of 6 or 12
    digits (<http://ex.org/530681>; the method says so, and without a label to confirm it
    the match goes to review); any other IRI is unmatched: "division code given as an IRI,
    not a literal".
    """
    from kg.http import NO_LIMIT
    from kg.link.discover import Thresholds, link_dataset
    from kg.query.readers import Origin
    from kg.words import counted

    thresholds = Thresholds.default()
    if exact_threshold is not None:
        thresholds.exact = exact_threshold
    if close_threshold is not None:
        thresholds.close = close_threshold
    if thresholds.close > thresholds.exact:
        raise click.BadParameter(f"{thresholds.close} is above the exactMatch threshold {thresholds.exact}: "
                                 "a closeMatch scores at most what an exactMatch does",
                                 param_hint="'--close-threshold'")
    origin = Origin(endpoint, default_graphs, timeout) if endpoint or default_graphs or timeout is not None else None
    result = link_dataset(other, name=name, workspace=workspace, thresholds=thresholds, review=review_path, fmt=fmt,
                          origin=origin, force=force, other_timeout=other_timeout or NO_LIMIT)
    # Entities, each counted once: an ambiguous name gives one review candidate per entity it may be.
    to_review = len({item.theirs for item in result.review})
    click.echo(f"{counted(len(result.entities), 'entity')} in {other}: {result.count('exact')} exactMatch, "
               f"{result.count('close')} closeMatch, {to_review} to review ({counted(len(result.review), 'candidate')}), "
               f"{result.unmatched} unmatched")
    click.echo(f"link set <{result.graph}> in {result.path}; review file {result.review_path}")
    if result.replaces is not None:
        click.echo(f"this replaces the link set of {result.replaces} (a dataset of the same name, {result.slug}; "
                   f"give --name to keep both)")


__all__ = ["gazetteer", "import_table", "link", "EXIT_PARTIAL"]

"""``kg synth``: a synthetic county graph at nationwide scale (see kg.synth)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.options import Whole, PathParam, force_option
from kg.words import counted


@click.command()
@click.option("--counties", type=Whole(min=1), default=2978, show_default=True,
              help="How many county-level divisions (spread over the country; 2978 = all of them, ~1M triples; "
                   "more is a usage error).")
@click.option("--seed", type=int, default=42, show_default=True,
              help="Random seed (any integer): the same seed gives the same graph.")
@click.option("--violations", type=Whole(min=0), default=0, show_default=True,
              help="Inject this many known SHACL violations, of different kinds (see kg.synth.VIOLATION_KINDS).")
@click.option("-o", "--output", required=True, type=PathParam(), help="File to write (.nt, .nq: one named graph per county, .ttl); '-' for stdout.")
@click.option("--format", "fmt", type=click.Choice(["nt", "nq", "ttl"]), default=None,
              help="Output format (default: from the file extension; nt for stdout).")
@click.option("--base", type=click.Choice(["project", "curated", "none"]), default="project", show_default=True,
              help="The data the graph will be merged with: divisions and figures it already has are left out. "
                   "project: the project's data files; curated: the hand-curated data only (no gazetteer); "
                   "none: describe every division.")
@click.option("--list-violations", is_flag=True, help="Also print the injected violations (focus node, constraint).")
@force_option
def synth(counties: int, seed: int, violations: int, output: str, fmt: str | None, base: str,
          list_violations: bool, force: bool) -> None:
    """Write a deterministic synthetic county graph in the project's model (~350 triples a county)."""
    from kg.synth import generate as synthetic

    if counties > synthetic.TOTAL_COUNTIES:  # (more would silently give all of them)
        raise click.BadParameter(f"{counties} is more than the {synthetic.TOTAL_COUNTIES} county-level divisions "
                                 f"there are.", param_hint="'--counties'")
    files = {"project": None, "curated": synthetic.curated_files(), "none": []}[base]
    if output == "-":
        fmt = fmt or "nt"
        if fmt == "ttl":
            for chunk in synthetic.turtle(counties, seed, violations, base=files):
                sys.stdout.write(chunk)
        else:
            for line in synthetic.synthesize(counties, seed, violations, graphs=fmt == "nq", base=files):
                sys.stdout.write(line)
        sys.stdout.flush()
    else:
        try:
            written = synthetic.write(Path(output), counties, seed, violations, fmt, base=files, force=force)
        except OSError as exc:
            from kg.paths import os_error

            raise os_error(exc, output) from None  # the system's words, no "[Errno 13]"
        click.echo(f"wrote {written.path}: {counted(written.triples, 'triple')}, {counted(written.counties, 'county')}, "
                   f"{counted(written.bytes, 'byte')} (seed {seed}, {counted(violations, 'injected violation')})", err=True)
    if list_violations:
        for item in synthetic.planned_violations(counties, seed, violations, base=files):
            click.echo(f"{item.kind}\t{item.focus}\t{item.path or '-'}\t{item.component}", err=True)

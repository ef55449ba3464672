"""``kg extract``'s files: the review table and the draft Turtle of a source.

:func:`write_review` extracts a source, keeps the decisions of the review already there
(:func:`kg.curate.review.merge`), and writes ``review.csv`` and ``draft.ttl`` -- by default
into the source's own folder, where ``kg curate accept`` looks for them. The draft is what
every row not rejected would become; the rows that cannot become Turtle yet (a new
resource without an English label), and the numbers with a unit that were judged not to be
figures (in a name, a threshold, an ordinal), each with the reason, are listed at its top. ``draft.ttl`` is not loaded with
the data: only ``facts.ttl`` is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kg.curate import review as review_table
from kg.curate.draft import draft, to_turtle
from kg.curate.extract import Extraction, extract
from kg.sources.clean import Source, find_source


@dataclass
class ExtractReport:
    source: Source
    extraction: Extraction
    review: Path
    draft: Path
    rows: int
    kept: int
    counts: dict[str, int]
    problems: int
    seconds: float
    edited: int = 0  # undecided rows kept as the reviewer edited them
    dropped: list[str] | None = None  # undecided rows no longer proposed (their ids)


def write_review(key: str, directory: Path | str | None = None) -> ExtractReport:
    """Extract the source ``key`` and write its review and draft into ``directory``
    (default: the source's folder). Raises KgError for an unknown source, a missing cleaned
    text, an existing review that is not valid, or a file kg may not replace."""
    from kg.outputs import claim_file, generator_comment, refuse_standard_output

    started = time.perf_counter()
    if directory is not None:
        refuse_standard_output(directory)
    source = find_source(key)
    folder = Path(directory) if directory is not None else source.curation_directory
    review_path, draft_path = folder / source.review_path.name, folder / source.draft_path.name
    remedy = "move it away, or give another directory with -o"  # kg extract has no --force
    # the folder (-o DIR, or the source's curation folder) kg makes; its parent must exist
    review_file = claim_file(review_path, headers=(review_table.HEADER,), remedy=remedy, makes=folder)
    draft_file = claim_file(draft_path, remedy=remedy, makes=folder)
    old = review_table.read(review_path) if review_path.exists() else []
    extraction = extract(source)
    merged = review_table.merge(old, extraction.candidates)
    rows = merged.rows
    result = draft(source, [row for row in rows if row.decision != "reject"])
    header = generator_comment("kg extract") + (
        f"# What the review of {source.key} would become if every row not rejected were accepted.\n"
        "# Not loaded with the data: `kg curate accept` writes facts.ttl from the accepted rows.\n")
    header += "".join(f"# not yet: {problem}\n" for problem in result.problems)
    header += "".join(f"# not a figure: {s.text} at {s.start}-{s.end}: {s.reason}\n" for s in extraction.skipped)
    for row in rows:
        if not row.decision:  # a decided row keeps the account the reviewer accepted or rejected
            row.cells["assertion"] = result.assertions.get(row.id, "")
    review_file.write_bytes(review_table.to_csv(rows).encode("utf-8"))
    draft_file.write_text(to_turtle(result, header))
    counts: dict[str, int] = {}
    for candidate in extraction.candidates:
        counts[candidate.kind] = counts.get(candidate.kind, 0) + 1
    return ExtractReport(source, extraction, review_path, draft_path, len(rows), merged.decided,
                         counts, len(result.problems), time.perf_counter() - started, merged.edited, merged.dropped)

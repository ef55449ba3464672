"""The review table: one row per candidate, a decision column, the editable fields, the quote.

A CSV file in UTF-8 with a byte order mark, so that spreadsheets open the Chinese text as
written. Columns (:data:`COLUMNS`): ``id`` (stable: kind and offsets), ``decision``
(``accept``, ``reject`` or empty: not decided yet), ``kind``, ``text`` (the figure or the
name as written), ``quote`` with its ``start`` and ``end`` offsets in the cleaned text (the
evidence; they must keep matching the text), then the fields a reviewer edits: ``class``,
``iri`` (the resource named, or the IRI a new one gets), ``link`` (known or new),
``label_zh``, ``label_en`` (needed for every new resource), ``indicator``, ``indicator_iri``,
``value`` (in base units), ``unit``, ``qualifier`` (Exact, LowerBound, UpperBound,
Approximate), ``period`` (period:<slug>), ``place``, ``theme``, ``level``, ``issuer``,
``rank``, ``scope``, ``recipient``, ``batch``, ``facility_type`` (ftype:...), ``note``, and
``assertion``: kg's account, for the reviewer to read before accepting, of each cited relation
the row writes -- ``recipient stated``, ``period stated by the sentence``, ``level inferred:
the level (Provincial level) is the issuer's ...`` (:mod:`kg.curate.support`). kg writes it
for undecided rows; ``kg curate accept`` works it out again from the row as accepted.

Re-extracting keeps what a review decided (:func:`merge`): a decided row stays as the
reviewer left it, edits included, even when the extractor no longer proposes it; undecided
rows are replaced by the new candidates. Rejected rows stay in the file as the record.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from kg import paths
from kg.curate.extract import Candidate
from kg.errors import KgError
from kg.words import counted, word

COLUMNS = ("id", "decision", "kind", "text", "quote", "start", "end", "class", "iri", "link", "label_zh", "label_en",
           "indicator", "indicator_iri", "value", "unit", "qualifier", "period", "place", "theme", "level", "issuer",
           "rank", "scope", "recipient", "batch", "facility_type", "assertion", "note")
HEADER = ",".join(COLUMNS)
DECISIONS = ("accept", "reject", "")


@dataclass
class Row:
    """A row of the review table: ``line`` is its line number in the file (0: not read from one)."""

    cells: dict[str, str]
    line: int = 0

    @property
    def id(self) -> str:
        return self.cells["id"]

    @property
    def decision(self) -> str:
        return self.cells["decision"]

    def __getitem__(self, column: str) -> str:
        return self.cells.get(column, "")


def row_of(candidate: Candidate) -> Row:
    cells = dict.fromkeys(COLUMNS, "")
    cells.update(id=candidate.id, kind=candidate.kind, text=candidate.text, quote=candidate.quote,
                 start=str(candidate.start), end=str(candidate.end))
    fields = dict(candidate.fields)
    if "status" in fields:
        cells["link"] = fields.pop("status")
    cells.update({k: v for k, v in fields.items() if k in cells})
    return Row(cells)


def to_csv(rows: list[Row]) -> str:
    """The table as CSV text for a spreadsheet (kg.spreadsheet: the byte order mark, no cell
    a spreadsheet would run as a formula)."""
    from kg.spreadsheet import table_text

    return table_text(COLUMNS, ([row[c] for c in COLUMNS] for row in rows))


def write(path: Path, rows: list[Row]) -> None:
    """Write the table to ``path`` (all or nothing); refuses a file kg did not write."""
    from kg.outputs import claim_file

    claim_file(path, headers=(HEADER,)).write_bytes(to_csv(rows).encode("utf-8"))


def read(path: Path | str) -> list[Row]:
    """Read a review table. Raises KgError naming the file and line for: a file that is not
    a review table (its header), a broken row (a different number of cells), an unknown
    decision, a duplicated id, offsets that are not numbers."""
    from kg.spreadsheet import cell_read

    text = paths.input_text(path, "review table").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))  # universal newlines: a table saved with CR alone reads
    try:
        header = next(reader)
    except StopIteration:
        raise KgError(f"{path}: empty file, not a review table") from None
    except csv.Error as exc:
        raise KgError(f"{path}:1: {exc}") from None
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise KgError(f"{path}:1: not a review table: missing {word(len(missing), 'column')} {', '.join(missing)}")
    rows: list[Row] = []
    seen: dict[str, int] = {}
    line = 1
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise KgError(f"{path}:{line}: broken row: {counted(len(cells), 'cell')}, expected {len(header)} "
                              f"(a comma or quote out of place?)")
            cells = [cell_read(cell) for cell in cells]  # the quote kg put before a formula-like start, off
            row = Row({c: v.strip() if c not in ("quote",) else v for c, v in zip(header, cells)}, line)
            row.cells["decision"] = row.decision.lower()
            where = f"{path}:{line} (row {row.id or '?'})"
            if not row.id:
                raise KgError(f"{where}: no id")
            if row.decision not in DECISIONS:
                raise KgError(f"{where}: unknown decision {row.decision!r}: accept, reject or empty")
            if row.id in seen:
                raise KgError(f"{where}: id {row.id} repeats the row of line {seen[row.id]}")
            seen[row.id] = line
            if not (row["start"].isdigit() and row["end"].isdigit()):
                raise KgError(f"{where}: start and end must be offsets (whole numbers), not {row['start']!r}, {row['end']!r}")
            rows.append(row)
    except csv.Error as exc:
        raise KgError(f"{path}:{reader.line_num}: broken row: {exc}") from None
    return rows


def check_quotes(rows: list[Row], text: str, path: Path | str) -> None:
    """Every decided row's quote must still be the text at its offsets (the cleaned text
    changed, or the quote was edited): a KgError naming the row otherwise."""
    for row in rows:
        if not row.decision:
            continue
        start, end = int(row["start"]), int(row["end"])
        if not 0 <= start < end <= len(text) or text[start:end] != row["quote"]:
            found = text[start:end] if 0 <= start < end <= len(text) else "(outside the text)"
            raise KgError(f"{path}:{row.line} (row {row.id}): the quote no longer matches the text at {start}-{end}: "
                          f"{found[:40]!r} is there, the row says {row['quote'][:40]!r}")


#: The columns kg writes and a reviewer does not edit (kg's account is written again).
KG_COLUMNS = ("id", "decision", "kind", "text", "quote", "start", "end", "assertion")


@dataclass
class Merged:
    """The new table and what it kept of the old one: ``decided`` rows, ``edited`` undecided
    rows (a field the reviewer changed from what kg proposes), ``dropped`` undecided rows the
    extractor no longer proposes (their ids)."""

    rows: list[Row]
    decided: int = 0
    edited: int = 0
    dropped: list[str] = field(default_factory=list)


def merge(old: list[Row], candidates: list[Candidate]) -> Merged:
    """The new table: decided rows of ``old`` as they are (in the candidates' order where
    still proposed, the others after); an undecided row whose fields the reviewer edited
    (any field other than :data:`KG_COLUMNS` differs from kg's proposal now) as the reviewer
    left it; fresh rows for every other candidate. An undecided row no longer proposed is
    left out and named in ``dropped`` (the caller says so: nothing goes without a word)."""
    decided = {row.id: row for row in old if row.decision}
    undecided = {row.id: row for row in old if not row.decision}
    merged = Merged([], decided=len(decided))
    for candidate in candidates:
        fresh = row_of(candidate)
        kept = decided.pop(candidate.id, None)
        if kept is None and candidate.id in undecided:
            previous = undecided.pop(candidate.id)
            if any(previous[c] != fresh[c] for c in COLUMNS if c not in KG_COLUMNS):
                kept = previous
                merged.edited += 1
        merged.rows.append(kept or fresh)
    merged.rows += list(decided.values())
    merged.dropped = sorted(undecided)
    return merged

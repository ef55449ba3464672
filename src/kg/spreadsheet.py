"""The CSV tables kg writes for people to open in a spreadsheet: the curation review table
(``review.csv``), a link set's review file and an import's report.

Two things make such a file safe to double-click in Excel:

- a UTF-8 byte order mark first: without it Excel reads the file in the computer's legacy code
  page and shows Chinese text garbled;
- no cell a spreadsheet would run as a formula (CSV injection): a cell that begins with ``=``,
  ``+``, ``-``, ``@``, a tab or a carriage return gets a single quote in front, as OWASP's
  "CSV Injection" page recommends (https://owasp.org/www-community/attacks/CSV_Injection).
  A cell that is a plain number (``-5``, ``+1.5e3``) is left alone: no spreadsheet reads it
  as anything but a number. :func:`cell_read` takes the quote off again for tables kg reads
  back, so a quote written by kg never reaches the data.

SPARQL results as CSV or TSV (``kg query --format csv``) are a W3C format for programs, not
these tables: they are written as the format says, without either.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

BOM = "\ufeff"
#: What a spreadsheet takes for the start of a formula (OWASP, CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def cell_written(value) -> str:
    """``value`` as a cell a spreadsheet shows as text: with a single quote in front when it
    begins as a formula does and is not a plain number, or with a quote :func:`cell_read` would take off."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not _NUMBER.match(text) or _quoted(text):
        return "'" + text  # (a cell already quoted so gets one more: read back, it is as it was)
    return text


def _quoted(text: str) -> bool:
    """Whether ``text`` reads as a cell :func:`cell_written` quoted."""
    return text.startswith("'") and text[1:].startswith(FORMULA_STARTS + ("'",)) and not _NUMBER.match(text[1:])


def cell_read(text: str) -> str:
    """A cell of a table :func:`table_text` wrote, as it was before it was written: the single
    quote in front of a formula-like start taken off."""
    if _quoted(text):
        return text[1:]
    return text


def table_text(header: Iterable[str], rows: Iterable[Iterable]) -> str:
    """The table as CSV text for a spreadsheet: the byte order mark, the header, then every row
    with each cell neutralized (:func:`cell_written`); lines end in CRLF (RFC 4180)."""
    out = io.StringIO()
    out.write(BOM)
    # CRLF, as RFC 4180 and Excel write: the csv module then quotes a cell holding a lone CR,
    # which with "\n" it writes bare, and a reader would split the row there
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([cell_written(h) for h in header])
    for row in rows:
        writer.writerow([cell_written(cell) for cell in row])
    return out.getvalue()

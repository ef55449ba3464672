"""kg.spreadsheet: the CSV tables kg writes for people (review, report) open in a spreadsheet
as text -- with a byte order mark, and no cell run as a formula -- and read back unchanged."""

from __future__ import annotations

import csv
import io

from kg.spreadsheet import cell_read, cell_written, table_text

CELLS = ["=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "-5", "+1.5e3", "'=kept", "水富市", ""]


def test_formula_starts_are_quoted_and_numbers_left_alone():
    assert [cell_written(c) for c in CELLS] == [
        "'=HYPERLINK(\"http://x\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx", "-5", "+1.5e3", "''=kept", "水富市", ""]


def test_a_table_starts_with_a_bom_and_reads_back_as_written():
    text = table_text(["a", "b"], [[c, i] for i, c in enumerate(CELLS)])
    assert text.startswith("\ufeffa,b\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))[1:]
    assert [cell_read(cells[0]) for cells in rows] == CELLS

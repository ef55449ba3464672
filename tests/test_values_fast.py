"""parse_value's short way for plain numbers (661.19, -3) gives what the general way gives.

Every cell the project's tests and fixture tables hold, and a generated national-style table,
is read both ways, with no unit cell and with each unit cell they use: the same ParsedValue,
or the same error with the same message."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from kg.link import values
from kg.link.values import ValueParseError, detect_script, parse_value

TESTS = Path(__file__).parent

# Cells around the short way's edge: what it takes, and what it must leave to the general way.
EDGES = ["0", "-0", "+0", "007", "+5", "-3", "12", "661.19", "1308.85", "-0.50", "1.", ".5", "1,234", "1,23",
         "1e3", "1.2E+03", "12 345", "12\u00a0345", " 12.5 ", "１２３", "１２.５", "\u0663", "12\u0663", "١٢",
         "²", "12²", "1.2.3", "--5", "+-5", "5-", "1_000", "12.", "0.000001", "99999999999999999999999999999.5",
         "3" * 40, "12.76亿", "12.76亿元", "5%", "-", "—", "…", "负5", "+", ".", "1 234 567", "12 34"]
UNIT_CELLS = [None, "亿元", "万元", "元", "万人", "人", "%", "平方公里", "万吨", "吨", "人次", "个", "亿", "unit"]


def _strings_of_test_values() -> set[str]:
    """Every string written in tests/test_values.py: its cases, units and marks."""
    tree = ast.parse((TESTS / "test_values.py").read_text(encoding="utf-8"))
    return {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and len(node.value) < 60}


def _table_cells(path: Path) -> set[tuple[str, str | None]]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    value, unit = header.index("数值"), header.index("单位")
    return {(row[value], row[unit] or None) for row in rows[1:] if len(row) > max(value, unit)}


def _outcome(parse, text, unit):
    try:
        return parse(text, unit)
    except ValueParseError as exc:
        return type(exc), str(exc)


def _compare(cells) -> int:
    differing = []
    for text, unit in cells:
        fast, general = _outcome(parse_value, text, unit), _outcome(values._parse_value_general, text, unit)
        if fast != general or (not isinstance(fast, tuple) and (str(fast.value) != str(general.value)
                                                                or fast.lexical != general.lexical)):
            differing.append((text, unit, fast, general))
    assert not differing, differing[:5]
    return len(cells)


def test_the_short_way_reads_every_test_cell_as_the_general_way():
    texts = _strings_of_test_values() | set(EDGES)
    assert _compare([(text, unit) for text in sorted(texts) for unit in UNIT_CELLS]) > 1000


def test_the_short_way_reads_every_fixture_table_cell_as_the_general_way():
    cells = _table_cells(TESTS / "fixtures" / "linking" / "zhaotong-2022.csv")
    assert len(cells) > 10
    _compare(sorted(cells, key=str))


def test_the_short_way_reads_a_generated_national_table_as_the_general_way(tmp_path):
    from kg.synth import table

    path = tmp_path / "national.csv"
    table.write(path, 40)
    cells = _table_cells(path)
    assert len(cells) > 500
    _compare(sorted(cells, key=str))
    # and without the unit cell, as the importer asks whether the cell itself has a unit
    _compare(sorted({(text, None) for text, _unit in cells}))


@pytest.mark.parametrize("text, script", [("661.19亿元", "zh-Hans"), ("15.41萬人", "zh-Hant"), ("12.5", None),
                                          ("人口", None), ("萬人" * 40, "zh-Hant"), ("万人" * 40, "zh-Hans")])
def test_detect_script_gives_the_same_answer_when_asked_again(text, script):
    # short Han texts are answered from a cache, long ones (a whole file) are not
    assert [detect_script(text) for _ in range(3)] == [script] * 3

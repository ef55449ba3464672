"""The code history 1981-2024 and period-aware linking, measured on tables built from it.

For each of 1990, 2000, 2010 and 2020 two county-level-and-above tables are written from the
history file's own rows in use that year (data/reference/division-history/result.csv): one
keyed by the year's division codes, one by the year's names with their province and
prefecture (as a yearbook prints them, in the table's own period). `kg import` (the Importer,
without writing) must file at least 99.5% of the rows whose area is one place today under
that place, none under a wrong one, and report every row whose area was split since, with the
places it went to.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kg.link.history import DIRECT, load_history
from kg.link.importer import Importer
from kg.namespaces import CKG, SDMX_DIMENSION

YEARS = (1990, 2000, 2010, 2020)
NOW = datetime(2024, 1, 15, tzinfo=UTC)
RATE = 0.995


def write_table(path: Path, year: int, by: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """A table of every record in use in ``year``: row key -> (the record's place key, the keys
    of today's places its area went to)."""
    history = load_history()
    expected = {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        if by == "code":
            writer.writerow(["代码", "指标", "年份", "数值", "单位"])
        else:
            writer.writerow(["地区", "省", "所属地区", "指标", "年份", "数值", "单位"])
        for n, record in enumerate(history.in_use(year), start=1):
            value = f"{n}.5"  # one figure per row: the row is found again by its value
            if by == "code":
                writer.writerow([record.code, "地区生产总值", f"{year}年", value, "亿元"])
            else:
                province = record.province if record.level != "province" else ""
                prefecture = record.prefecture if record.level == "county" and record.prefecture != DIRECT else ""
                writer.writerow([record.name, province, prefecture, "地区生产总值", f"{year}年", value, "亿元"])
            expected[value] = (history.key(record), tuple(history.key(r) for r in history.current(record)))
    return expected


@pytest.fixture(scope="module")
def outcomes(project, tmp_path_factory):
    """(year, by) -> counts and the wrong rows, from importing the tables."""
    found = {}
    directory = tmp_path_factory.mktemp("history-tables")
    for year in YEARS:
        for by in ("code", "name"):
            table = directory / f"divisions-{year}-by-{by}.csv"
            expected = write_table(table, year, by)
            result, graph = Importer(table, workspace=directory / "ws", now=NOW, base=project).run(write=False)
            by_value = {}
            for observation in graph.subjects(CKG.indicator, None):
                reported = str(graph.value(observation, CKG.reportedValue))
                place = str(graph.value(observation, SDMX_DIMENSION.refArea)).rsplit("/", 1)[1]
                as_named = graph.value(observation, CKG.reportedPlace)
                by_value[reported.removesuffix("亿元")] = (place, str(as_named).rsplit("/", 1)[1] if as_named else place)
            raw_values = {}
            for bad in result.bad_rows:
                raw_values[bad.raw[-2]] = bad  # the value column
            counts = {"rows": len(expected), "one place today": 0, "right": 0, "wrong": [], "not resolved": [],
                      "splits": 0, "splits reported": 0, "splits guessed": []}
            for value, (record, today) in expected.items():
                if len(today) == 1:
                    counts["one place today"] += 1
                    if value in by_value:
                        place, named = by_value[value]
                        if place == today[0] and named == record:
                            counts["right"] += 1
                        else:
                            counts["wrong"].append((value, record, today, place, named))
                    else:
                        counts["not resolved"].append((record, raw_values[value].reason))
                else:
                    counts["splits"] += 1
                    bad = raw_values.get(value)
                    if bad is not None and "was split" in bad.reason and all(k in bad.reason for k in today):
                        counts["splits reported"] += 1
                    else:
                        counts["splits guessed"].append((record, today, by_value.get(value)))
            counts["graph"] = graph
            found[(year, by)] = counts
    return found


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("by", ("code", "name"))
def test_tables_of_each_year_resolve_to_the_right_place_today(outcomes, year, by):
    counts = outcomes[(year, by)]
    rate = counts["right"] / counts["one place today"]
    print(f"\n{year} by {by}: {counts['rows']} rows; {counts['right']} of {counts['one place today']} with one place "
          f"today filed under it ({rate:.2%}), {len(counts['wrong'])} wrong, "
          f"{len(counts['not resolved'])} not resolved; {counts['splits reported']} of {counts['splits']} "
          f"split rows reported with their places")
    assert counts["wrong"] == [], counts["wrong"][:5]
    assert rate >= RATE, counts["not resolved"][:10]
    assert counts["splits guessed"] == [] and counts["splits reported"] == counts["splits"]


def test_divisions_merged_since_are_no_conflict(outcomes, project_union):
    """Two divisions of a table's year that one place absorbed since (下城区 and 拱墅区 of 2010,
    拱墅区 since 2021) are two figures of today's place, each with the division it was reported
    for: the conflicting-observation check, which kg import validates with, finds none among
    the tables' figures."""
    from rdflib import Graph

    from kg.validate.report import check_queries, run_checks

    union = Graph()
    for triple in project_union:
        union.add(triple)
    for counts in outcomes.values():
        for triple in counts["graph"]:
            union.add(triple)
    (conflicts,) = [q for q in check_queries() if q.name == "conflicting-observation-violation.rq"]
    found = run_checks(union, [conflicts])
    assert found == [], [row["message"] for _query, row in found[:5]]


def test_history_counts():
    """What the gazetteer is built from; docs/model.md and the changelog quote these numbers."""
    history = load_history()
    assert history.describe() == {
        "records": 6823, "in use today": 3213, "replacement links": 4066, "derived (prefecture-level)": 187,
        "with several current places (splits)": 397, "partial transfers": 564,
    }
    assert history.problems == []


def test_shuifu_comes_from_the_history():
    history = load_history()
    (first,) = history.of_code("532131")
    chain = [first]
    while history.successors(chain[-1]):
        (nxt,) = history.successors(chain[-1])
        chain.append(nxt)
    assert [(history.key(r), r.name, r.start, r.end) for r in chain] == [
        ("532131", "水富县", 1981, 2001), ("530630", "水富县", 2001, 2018), ("530681", "水富市", 2018, None)]
    assert history.key(history.parent(first)) == "5321" and history.parent(chain[1]).name == "昭通市"

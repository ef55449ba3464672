"""A synthetic national county table for ``kg import``: one row per county, indicator and year
(long format, as statistical yearbooks publish it), over the real county-level division codes
(data/reference/admin-divisions, via :func:`kg.synth.generate.divisions`).

All 2,978 county-level divisions x 8 indicators x 3 years = 71,472 rows (a 4.4 MB CSV, about
a million triples once imported). Values are random but reproducible (a seed); the indicator
names are the NBS yearbook names, in Simplified Chinese, with their units.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from kg.synth.generate import pick

#: NBS county yearbook indicators with their unit and a plausible range of values.
INDICATORS: tuple[tuple[str, str, float, float], ...] = (
    ("地区生产总值", "亿元", 20.0, 2000.0),
    ("一般公共预算收入", "亿元", 1.0, 200.0),
    ("社会消费品零售总额", "亿元", 5.0, 800.0),
    ("固定资产投资", "亿元", 10.0, 900.0),
    ("规模以上工业增加值", "亿元", 1.0, 600.0),
    ("城镇居民人均可支配收入", "元", 25000.0, 80000.0),
    ("农村居民人均可支配收入", "元", 9000.0, 40000.0),
    ("年末常住人口", "万人", 3.0, 200.0),
)
YEARS = ("2021", "2022", "2023")
HEADER = ("行政区划代码", "地区", "指标", "年份", "数值", "单位")


def rows(counties: int = 2978, seed: int = 7, indicators: int = len(INDICATORS), years: int = len(YEARS),
         first_year: int = int(YEARS[0])):
    """The table's rows (``HEADER`` first): ``counties`` counties spread over the country
    (kg.synth.generate.pick), the first ``indicators`` indicators, ``years`` years from
    ``first_year`` on."""
    randomness = random.Random(seed)
    yield HEADER
    for county in pick(counties):
        for name, unit, low, high in INDICATORS[:indicators]:
            for year in range(first_year, first_year + years):
                value = randomness.uniform(low, high)
                text = f"{value:.2f}" if unit != "元" else f"{value:.0f}"
                yield county.code, county.hans, name, str(year), text, unit


def write(path: Path | str, counties: int = 2978, seed: int = 7, indicators: int = len(INDICATORS),
          years: int = len(YEARS), first_year: int = int(YEARS[0])) -> int:
    """Write the table (:func:`rows`) as UTF-8 CSV at ``path``; returns the number of data rows."""
    count = -1
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for row in rows(counties, seed, indicators, years, first_year):
            writer.writerow(row)
            count += 1
    return count

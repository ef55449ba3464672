"""Small charts of observations, drawn as SVG on the server (no script, no library): an
indicator's values over its periods, one line per place.

A chart only shows what its table shows; the table stays the accessible and exact form (the
chart is an image with a title saying what it plots). Values of one unit only: an indicator
observed in two units is charted in the one most of its observations use, and says so.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from kg.pages.figures import number_text
from kg.pages.reader import Observation, Period
from kg.pages.text import LANGUAGES, Text

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 84, 16, 16, 52
#: Lines drawn at most; the places with the most observations are chosen.
MAX_SERIES = 8
COLOURS = ("#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3", "#fb9a99")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: Text  # the value as written in each language


@dataclass(frozen=True)
class Series:
    name: Text
    colour: str
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{'M' if i == 0 else 'L'}{p.x:.1f},{p.y:.1f}" for i, p in enumerate(self.points))


@dataclass(frozen=True)
class Tick:
    at: float
    text: Text


@dataclass(frozen=True)
class Chart:
    title: Text
    series: tuple[Series, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    note: Text | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT
    top: int = TOP


def _nice_top(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10^k at or above ``value``."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        top = step * Decimal(10) ** exponent
        if top >= value:
            return top
    return Decimal(10) ** (exponent + 1)


def line_chart(observations: list[Observation], periods: dict[str, Period], *, series_of: str, title: Text,
               names: dict[str, Text], period_names: dict[str, Text], note: Text | None = None) -> Chart | None:
    """A line chart of ``observations`` over their periods, one line per ``series_of``
    ("area" or "indicator"): None unless some series has two periods or more."""
    units = Counter(o.unit for o in observations if o.value is not None)
    if not units:
        return None
    unit = units.most_common(1)[0][0]
    chosen = [o for o in observations if o.value is not None and o.unit == unit and o.period]
    by_series: dict[str, dict[str, Observation]] = defaultdict(dict)
    for observation in chosen:
        key = getattr(observation, series_of) or ""
        by_series[key].setdefault(observation.period, observation)
    several = {key: found for key, found in by_series.items() if len(found) >= 2}
    if not several:
        return None
    ranked = sorted(several, key=lambda key: (-len(several[key]), key))[:MAX_SERIES]
    used_periods = sorted({p for key in ranked for p in several[key]},
                          key=lambda p: (periods.get(p, Period(p, "", "")).begin, periods.get(p, Period(p, "", "")).end, p))
    values = [o.value for key in ranked for o in several[key].values()]
    low = min(Decimal(0), min(values))
    high = _nice_top(max(values)) if max(values) > 0 else Decimal(1)
    span = high - low or Decimal(1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(used_periods) - 1)
    x_of = {p: LEFT + (i * step if len(used_periods) > 1 else inner_w / 2) for i, p in enumerate(used_periods)}

    def y_of(value: Decimal) -> float:
        return TOP + inner_h * float((high - value) / span)

    series = []
    for number, key in enumerate(ranked):
        points = tuple(Point(x_of[p], y_of(o.value), Text.of({lang: number_text(o.value, lang) for lang in LANGUAGES}))
                       for p, o in sorted(several[key].items(), key=lambda item: used_periods.index(item[0])))
        series.append(Series(names.get(key) or Text.plain(key), COLOURS[number % len(COLOURS)], points))
    y_ticks = tuple(Tick(y_of(low + span * i / 4), Text.of({lang: number_text(low + span * i / 4, lang)
                                                             for lang in LANGUAGES}))
                    for i in range(5))
    x_ticks = tuple(Tick(x_of[p], period_names.get(p) or Text.plain(p.rsplit("/", 1)[-1])) for p in used_periods)
    return Chart(title, tuple(series), x_ticks, y_ticks, note)

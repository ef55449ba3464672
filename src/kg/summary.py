"""Counts that tell a reader what the graph holds: entities by class, observations by theme
and period, quotes."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from rdflib import Graph
from rdflib.namespace import RDF

from .labels import compact, label
from .namespaces import CKG

_BY_THEME_AND_PERIOD = """
PREFIX ckg: <https://w3id.org/county-kg/ontology#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
SELECT ?theme ?period (COUNT(DISTINCT ?obs) AS ?n) WHERE {
  ?obs a ckg:Observation ; sdmx-dimension:refPeriod ?period .
  OPTIONAL { ?obs ckg:indicator/ckg:theme ?t }
  BIND (COALESCE(?t, ckg:NoTheme) AS ?theme)
} GROUP BY ?theme ?period
"""


@dataclass
class Summary:
    triples: int
    by_class: dict[str, int]
    observations_by_theme_period: list[tuple[str, str, int]]
    quotes: int
    subjects: int
    extra: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({
            "triples": self.triples, "subjects": self.subjects, "quotes": self.quotes,
            "entitiesByClass": self.by_class,
            "observationsByThemeAndPeriod": [
                {"theme": t, "period": p, "observations": n} for t, p, n in self.observations_by_theme_period
            ],
        }, ensure_ascii=False, indent=2) + "\n"

    def to_markdown(self) -> str:
        lines = ["# county-kg build summary", "", f"- triples: {self.triples}",
                 f"- described resources: {self.subjects}", f"- quotes: {self.quotes}", "",
                 "## Entities by class", "", "| class | count |", "| --- | ---: |"]
        lines += [f"| {cls} | {n} |" for cls, n in self.by_class.items()]
        lines += ["", "## Observations by theme and period", "", "| theme | period | observations |", "| --- | --- | ---: |"]
        lines += [f"| {t} | {p} | {n} |" for t, p, n in self.observations_by_theme_period]
        return "\n".join(lines) + "\n"


def summarize(data: Graph, union: Graph) -> Summary:
    """``data`` is the instance data alone; ``union`` adds the ontology, for labels."""
    classes = Counter(compact(union, cls) for cls in data.objects(None, RDF.type))
    by_class = dict(sorted(((c, n) for c, n in classes.items() if c.startswith("ckg:")), key=lambda item: (-item[1], item[0])))
    rows = []
    for row in union.query(_BY_THEME_AND_PERIOD):
        theme = "(no theme)" if row.theme == CKG.NoTheme else label(union, row.theme, "en")
        rows.append((theme, label(union, row.period, "en"), int(row.n)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return Summary(
        triples=len(data),
        by_class=by_class,
        observations_by_theme_period=rows,
        quotes=len(set(data.subjects(RDF.type, CKG.Quote))),
        subjects=len(set(data.subjects())),
    )

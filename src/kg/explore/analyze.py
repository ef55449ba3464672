"""Network analysis of the entity graph: who is central, which entities cluster, how two
entities are connected, and where the results chain has gaps.

Every function takes the view made by :func:`kg.explore.network.build_view`, or reads one from
``origin`` (kg.query.readers.Origin: the local files by default, or a SPARQL endpoint), and
returns a data structure that renders itself as a table or as JSON.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import networkx as nx

from kg.errors import KgError
from kg.explore.network import read_view, resolve_node
from kg.query.readers import Origin
from kg.store.sparql import display_width, pad
from kg.words import counted

METRICS = ("pagerank", "betweenness", "degree")
COMMUNITY_METHODS = ("louvain", "greedy")
FORMATS = ("table", "json")
SEED = 20230822  # fixed, so communities (Louvain is randomized) come out the same every run


# -- helpers shared by the analyses ---------------------------------------------------------


def undirected(view: nx.MultiDiGraph) -> nx.Graph:
    """One edge per pair of connected nodes, direction dropped: what "connected" means for
    degree, betweenness, communities and paths. Built in the view's sorted order."""
    simple = nx.Graph()
    simple.add_nodes_from(view)
    simple.add_edges_from((u, v) for u, v in view.edges() if u != v)
    return simple


def directed(view: nx.MultiDiGraph) -> nx.DiGraph:
    simple = nx.DiGraph()
    simple.add_nodes_from(view)
    simple.add_edges_from((u, v) for u, v in view.edges() if u != v)
    return simple


def pagerank(graph: nx.DiGraph, alpha: float = 0.85, tol: float = 1.0e-10, max_iter: int = 1000) -> dict[str, float]:
    """PageRank by power iteration, with dangling nodes spreading their rank evenly.

    This is networkx's algorithm (``nx.pagerank`` with its defaults gives the same values),
    written out because ``nx.pagerank`` needs SciPy, which nothing else here does."""
    nodes = list(graph)
    if not nodes:
        return {}
    n = len(nodes)
    out_degree = {node: graph.out_degree(node) for node in nodes}
    dangling = [node for node in nodes if out_degree[node] == 0]
    rank = dict.fromkeys(nodes, 1.0 / n)
    for _ in range(max_iter):
        previous = rank
        dangling_share = alpha * sum(previous[node] for node in dangling) / n
        rank = dict.fromkeys(nodes, dangling_share + (1.0 - alpha) / n)
        for node in nodes:
            if out_degree[node]:
                share = alpha * previous[node] / out_degree[node]
                for successor in graph.successors(node):
                    rank[successor] += share
        if sum(abs(rank[node] - previous[node]) for node in nodes) < n * tol:
            return rank
    raise KgError(f"PageRank did not converge in {max_iter} iterations")


def _node_json(view: nx.MultiDiGraph, node: str, lang: str) -> dict:
    data = view.nodes[node]
    return {"iri": data["iri"], "curie": data["curie"], "class": data["cls"],
            "label": data["labels"][lang], "labels": data["labels"]}


def _name(view: nx.MultiDiGraph, node: str, lang: str) -> str:
    return view.nodes[node]["labels"][lang]


def _class_name(view: nx.MultiDiGraph, node: str, lang: str) -> str:
    return view.nodes[node]["class_labels"].get(lang) or view.nodes[node]["cls"]


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns padded for a terminal (Chinese characters are two columns wide)."""
    cells = [headers] + rows
    widths = [max(display_width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(pad(value, width) for value, width in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


class _Rendered:
    """Common ``render`` for results that implement ``to_table`` and ``to_json``."""

    to_table: Callable[[str], str]
    to_json: Callable[[str], str]

    def render(self, fmt: str = "table", lang: str = "en") -> str:
        if fmt not in FORMATS:
            raise KgError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
        return self.to_table(lang) if fmt == "table" else self.to_json(lang)


# -- centrality -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Centrality:
    node: str
    degree: int  # distinct neighbours, either direction
    betweenness: float  # normalized, on the undirected graph
    pagerank: float  # on the directed graph: what the graph points at ranks high


def centrality(view: nx.MultiDiGraph, *, betweenness: bool = True) -> dict[str, Centrality]:
    """Degree, betweenness and PageRank of every node (betweenness, the slow one, may be skipped)."""
    simple = undirected(view)
    between = nx.betweenness_centrality(simple, normalized=True) if betweenness else {}
    ranks = pagerank(directed(view))
    return {node: Centrality(node, simple.degree(node), between.get(node, 0.0), ranks[node]) for node in view}


@dataclass
class Ranking(_Rendered):
    view: nx.MultiDiGraph
    by: str
    rows: list[Centrality]

    def to_table(self, lang: str = "en") -> str:
        body = [[str(i), _name(self.view, c.node, lang), _class_name(self.view, c.node, lang),
                 f"{c.pagerank:.4f}", f"{c.betweenness:.4f}", str(c.degree)]
                for i, c in enumerate(self.rows, 1)]
        return table(["#", "entity", "class", "pagerank", "betweenness", "degree"], body) + \
            f"({len(self.rows)} of {counted(self.view.number_of_nodes(), 'node')}, by {self.by})\n"

    def to_json(self, lang: str = "en") -> str:
        return _dump({"by": self.by, "nodes": self.view.number_of_nodes(), "ranking": [
            {"rank": i, **_node_json(self.view, c.node, lang), "pagerank": round(c.pagerank, 6),
             "betweenness": round(c.betweenness, 6), "degree": c.degree}
            for i, c in enumerate(self.rows, 1)]})


def rank(view: nx.MultiDiGraph | None = None, *, by: str = "pagerank", top: int | None = 10,
         schema: bool = False, origin: Origin | None = None) -> Ranking:
    """The ``top`` nodes by ``by`` (pagerank, betweenness or degree), ties broken by IRI.
    Without ``view``, the graph at ``origin`` (``schema``: with schema nodes)."""
    if by not in METRICS:
        raise KgError(f"unknown measure {by!r} (expected {', '.join(METRICS)})")
    view = read_view(origin, schema=schema) if view is None else view
    scores = centrality(view)
    rows = sorted(scores.values(), key=lambda c: (-getattr(c, by), c.node))
    return Ranking(view, by, rows[:top] if top else rows)


# -- communities --------------------------------------------------------------------------------


@dataclass
class Communities(_Rendered):
    view: nx.MultiDiGraph
    method: str
    groups: list[list[str]]  # each ordered by PageRank, largest group first
    singletons: list[str] = field(default_factory=list)

    def _themes(self, group: list[str], lang: str) -> list[str]:
        names = self.view.graph.get("themes", {})
        counts = Counter(t for node in group for t in self.view.nodes[node]["themes"])
        return [names.get(t, {}).get(lang, t) for t, _n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))[:3]]

    def to_table(self, lang: str = "en") -> str:
        rows = [[str(i), str(len(group)), " / ".join(self._themes(group, lang)),
                 "; ".join(_name(self.view, node, lang) for node in group[:4]) + (" ..." if len(group) > 4 else "")]
                for i, group in enumerate(self.groups, 1)]
        return table(["#", "size", "main themes", "most central members"], rows) + \
            f"({counted(len(self.groups), 'community')} by {self.method}, {counted(len(self.singletons), 'unconnected node')} left out)\n"

    def to_json(self, lang: str = "en") -> str:
        return _dump({"method": self.method, "communities": [
            {"community": i, "size": len(group), "themes": self._themes(group, lang),
             "members": [_node_json(self.view, node, lang) for node in group]}
            for i, group in enumerate(self.groups, 1)],
            "singletons": [_node_json(self.view, node, lang) for node in self.singletons]})


def communities(view: nx.MultiDiGraph | None = None, *, method: str = "louvain", seed: int = SEED,
                schema: bool = False, origin: Origin | None = None) -> Communities:
    """Groups of densely connected entities (Louvain with a fixed seed, or greedy modularity).
    Without ``view``, the graph at ``origin``."""
    view = read_view(origin, schema=schema) if view is None else view
    simple = undirected(view)
    if method == "louvain":
        found = nx.community.louvain_communities(simple, seed=seed)
    elif method == "greedy":
        found = nx.community.greedy_modularity_communities(simple)
    else:
        raise KgError(f"unknown method {method!r} (expected {', '.join(COMMUNITY_METHODS)})")
    ranks = pagerank(directed(view))
    ordered = [sorted(group, key=lambda n: (-ranks[n], n)) for group in found]
    groups = sorted((g for g in ordered if len(g) > 1), key=lambda g: (-len(g), g[0]))
    singletons = sorted(g[0] for g in ordered if len(g) == 1)
    return Communities(view, method, groups, singletons)


# -- explanation path ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    node: str
    predicate: str | None  # the edge that led here from the previous node
    forward: bool  # True: previous --predicate--> node; False: node --predicate--> previous


@dataclass
class ExplanationPath(_Rendered):
    view: nx.MultiDiGraph
    steps: list[Step]

    def _edge_label(self, index: int, lang: str) -> str:
        step, previous = self.steps[index], self.steps[index - 1].node
        ends = (previous, step.node) if step.forward else (step.node, previous)
        return self.view.edges[(*ends, step.predicate)]["labels"].get(lang) or step.predicate or ""

    def _via(self, index: int, lang: str) -> str:
        if index == 0:
            return ""
        edge = self._edge_label(index, lang)
        return f"—{edge}→" if self.steps[index].forward else f"←{edge}—"

    def sentence(self, lang: str = "en") -> str:
        """The path as one line: A —property→ B ←property— C."""
        parts = [_name(self.view, self.steps[0].node, lang)]
        for index in range(1, len(self.steps)):
            parts += [self._via(index, lang), _name(self.view, self.steps[index].node, lang)]
        return " ".join(parts)

    def to_table(self, lang: str = "en") -> str:
        rows = [[str(i), self._via(i, lang), _name(self.view, step.node, lang), _class_name(self.view, step.node, lang),
                 self.view.nodes[step.node]["curie"]] for i, step in enumerate(self.steps)]
        return table(["#", "via", "entity", "class", "id"], rows) + \
            f"({counted(len(self.steps) - 1, 'edge')})\n{self.sentence(lang)}\n"

    def to_json(self, lang: str = "en") -> str:
        steps = []
        for index, step in enumerate(self.steps):
            item = _node_json(self.view, step.node, lang)
            if index:
                item["via"] = {"predicate": step.predicate, "label": self._edge_label(index, lang),
                               "direction": "forward" if step.forward else "backward"}
            steps.append(item)
        return _dump({"length": len(self.steps) - 1, "sentence": self.sentence(lang), "steps": steps})


def _connecting_edge(view: nx.MultiDiGraph, previous: str, node: str) -> tuple[str, bool]:
    """The property linking two neighbours, preferring an edge that points along the path."""
    forward = sorted(view.get_edge_data(previous, node, default={}))
    if forward:
        return forward[0], True
    return sorted(view.get_edge_data(node, previous))[0], False


def path(source: str, target: str, view: nx.MultiDiGraph | None = None, *, avoid: Iterable[str] = (),
         origin: Origin | None = None) -> ExplanationPath:
    """The shortest chain of relations between two entities, edges taken in either direction.

    Names are IRIs, compact IRIs or exact labels. ``avoid`` routes around nodes: a hub such
    as the county itself links almost everything, so the shortest path often runs through
    it and says little; without it the path shows how the two are related more closely.
    Without ``view``, the graph at ``origin``.
    """
    read_from = None
    if view is None:
        read_from = origin or Origin()
        view = read_view(read_from)
    start, end = resolve_node(view, source, read_from), resolve_node(view, target, read_from)
    avoided = {resolve_node(view, name, read_from) for name in avoid}
    if avoided & {start, end}:
        raise KgError("cannot avoid the path's own ends")
    connections = undirected(view)
    connections.remove_nodes_from(avoided)
    try:
        nodes = nx.shortest_path(connections, start, end)
    except nx.NetworkXNoPath:
        raise KgError(f"no path between {view.nodes[start]['curie']} and {view.nodes[end]['curie']}") from None
    steps = [Step(nodes[0], None, True)]
    for previous, node in zip(nodes, nodes[1:]):
        predicate, forward = _connecting_edge(view, previous, node)
        steps.append(Step(node, predicate, forward))
    return ExplanationPath(view, steps)


# -- results-chain coverage ---------------------------------------------------------------------


def _is(view: nx.MultiDiGraph, node: str, cls: str) -> bool:
    return cls in view.nodes[node]["classes"]


def _targets(view: nx.MultiDiGraph, node: str, predicate: str) -> list[str]:
    return [v for _u, v, key in view.out_edges(node, keys=True) if key == predicate]


def _sources(view: nx.MultiDiGraph, node: str, predicate: str) -> list[str]:
    return [u for u, _v, key in view.in_edges(node, keys=True) if key == predicate]


@dataclass
class Coverage(_Rendered):
    view: nx.MultiDiGraph
    programs: int
    observations: int
    results: int
    programs_without_results: list[str]
    programs_without_measured_results: list[str]
    results_without_program: list[str]
    observations_without_program: list[str]
    isolated: list[str]

    SECTIONS = (
        ("programs_without_results", "programs that produce no result"),
        ("programs_without_measured_results", "programs without a measured result (no observation of their results or about them)"),
        ("results_without_program", "results no program produces"),
        ("observations_without_program", "observations linked to no program (directly or through a result)"),
        ("isolated", "isolated entities (no relation to any other entity)"),
    )

    def to_table(self, lang: str = "en") -> str:
        out = [f"{counted(self.programs, 'program')}, {counted(self.results, 'result')}, "
               f"{counted(self.observations, 'observation')}, {counted(self.view.number_of_nodes(), 'entity')}", ""]
        for attribute, title in self.SECTIONS:
            nodes = getattr(self, attribute)
            out.append(f"{title}: {len(nodes)}")
            if nodes:
                out.append(table(["entity", "class", "id"], [
                    [_name(self.view, n, lang), _class_name(self.view, n, lang), self.view.nodes[n]["curie"]]
                    for n in nodes]).rstrip("\n"))
            out.append("")
        return "\n".join(out)

    def to_json(self, lang: str = "en") -> str:
        report = {"programs": self.programs, "results": self.results, "observations": self.observations,
                  "entities": self.view.number_of_nodes()}
        for attribute, title in self.SECTIONS:
            report[attribute] = {"description": title, "count": len(getattr(self, attribute)),
                                 "nodes": [_node_json(self.view, n, lang) for n in getattr(self, attribute)]}
        return _dump(report)


def coverage(view: nx.MultiDiGraph | None = None, *, origin: Origin | None = None) -> Coverage:
    """Where the chain program -> result <- observation is incomplete (without ``view``, in the
    graph at ``origin``)."""
    view = read_view(origin) if view is None else view
    programs = [n for n in view if _is(view, n, "ckg:Program")]
    results = [n for n in view if _is(view, n, "ckg:Result")]
    observations = [n for n in view if _is(view, n, "ckg:Observation")]

    measured_results = {r for r in results if _sources(view, r, "ckg:measures")}
    produced_by = {r: _sources(view, r, "ckg:producesResult") for r in results}

    def measured(program: str) -> bool:
        return bool(_sources(view, program, "ckg:aboutProgram")) or any(
            r in measured_results for r in _targets(view, program, "ckg:producesResult"))

    def has_program(observation: str) -> bool:
        return bool(_targets(view, observation, "ckg:aboutProgram")) or any(
            produced_by.get(r) for r in _targets(view, observation, "ckg:measures"))

    return Coverage(
        view=view, programs=len(programs), observations=len(observations), results=len(results),
        programs_without_results=[p for p in programs if not _targets(view, p, "ckg:producesResult")],
        programs_without_measured_results=[p for p in programs if not measured(p)],
        results_without_program=[r for r in results if not produced_by[r]],
        observations_without_program=[o for o in observations if not has_program(o)],
        isolated=[n for n in view if view.degree(n) == 0],
    )

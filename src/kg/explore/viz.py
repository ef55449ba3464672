"""The graph as one self-contained, interactive HTML page (pyvis / vis-network).

The page works with no network at all: vis-network's script and stylesheet are inlined
from the copies pyvis ships, and the page is rendered from this module's own template
rather than pyvis's, because pyvis 0.3.2's template links Bootstrap from a CDN whatever
``cdn_resources`` says, and switches to a popup that sets ``innerHTML`` from a node's title
whenever a title contains "href". :func:`external_references` checks the result, and
writing fails if anything would still be fetched.

Everything a tooltip shows is HTML-escaped here; the page turns each escaped tooltip into
an element (vis-network shows a plain string as text only, so this is what allows line
breaks and emphasis), so labels from imported data cannot inject markup or script.
"""

from __future__ import annotations

import hashlib
import html
import importlib
import math
import re
import sys
import types
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
from jinja2 import Environment

from kg.explore.analyze import centrality
from kg.explore.network import (
    build_view,
    explorable_graph,
    local_name,
    resolve_node,
    resolve_theme,
    select,
    theme_members,
)
from kg.labels import LANGUAGES
from kg.query.readers import Origin
from kg.errors import KgError
from kg.outputs import STDOUT, claim_file, generator_meta

SEED = 20230822  # vis-network's layout seed: the same graph always gets the same layout
VIS_VERSION = "9.1.2"
MAX_QUOTES = 3
MAX_FIGURES = 6
LARGE_GRAPH = 500  # nodes; above this, cheaper physics and drawing

# Colours by class, grouped by family so related classes look related; other classes get a
# colour derived from their IRI (stable across runs).
CLASS_COLOURS = {
    "ckg:Strategy": "#6a3d9a", "ckg:Campaign": "#8e5fbf", "ckg:Framework": "#a97fd6", "ckg:GovernanceModel": "#c3a5e3",
    "ckg:Component": "#ddd0ee", "ckg:Goal": "#f2c200",
    "ckg:Program": "#1f78b4", "ckg:Project": "#6baed6",
    "ckg:Output": "#33a02c", "ckg:Outcome": "#8fd16a",
    "ckg:Designation": "#ff7f00", "ckg:Award": "#e6550d", "ckg:Ranking": "#fd8d3c", "ckg:Acceptance": "#fdae6b",
    "ckg:PilotSelection": "#fdd0a2", "ckg:Recognition": "#ff9933",
    "ckg:Observation": "#e31a1c", "ckg:Indicator": "#fb9a99",
    "ckg:Country": "#543005", "ckg:Province": "#8c510a", "ckg:PrefectureLevelDivision": "#bf812d",
    "ckg:CountyLevelDivision": "#dfc27d", "ckg:TownshipLevelDivision": "#f6e8c3", "ckg:Region": "#c7a77f",
    "ckg:NaturalFeature": "#80cdc1", "ckg:Facility": "#35978f",
    "ckg:PartyOrganization": "#c51b7d", "ckg:GovernmentBody": "#4d4d4d", "ckg:Enterprise": "#878787",
    "ckg:PublicInstitution": "#a6a6a6", "ckg:MediaOrganization": "#c9c9c9", "org:Organization": "#999999",
    "ckg:Person": "#f781bf",
}
SCHEMA_COLOUR = "#d9d9d9"
_FALLBACK_PALETTE = ("#8dd3c7", "#bebada", "#80b1d3", "#b3de69", "#fccde5", "#bc80bd", "#ccebc5", "#ffed6f")

FONT_FACE = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif'

TEXT = {
    "en": {"nodes": "nodes", "edges": "edges", "figures": "Figures", "quote": "Source quote", "themes": "Themes",
           "more": "more", "settling": "Settling the layout", "frozen": "Layout settled and frozen",
           "inferred": "inferred by curation, not stated in the source",
           "help": "Hover a node for its labels, figures and source quote. Dashed edges are inferred by curation, not stated in the source; hover one for the reason. Drag to pan, scroll to zoom."},
    "zh-Hans": {"nodes": "个节点", "edges": "条边", "figures": "数据", "quote": "原文", "themes": "主题",
                "more": "更多", "settling": "正在布局", "frozen": "布局已完成并固定",
                "inferred": "整理推断，原文未明确陈述",
                "help": "将鼠标悬停在节点上可查看名称、数据和原文。虚线表示整理推断、原文未明确陈述的关系，悬停可查看理由。拖动可平移，滚轮可缩放。"},
    "zh-Hant": {"nodes": "個節點", "edges": "條邊", "figures": "數據", "quote": "原文", "themes": "主題",
                "more": "更多", "settling": "正在佈局", "frozen": "佈局已完成並固定",
                "inferred": "整理推斷，原文未明確陳述",
                "help": "將滑鼠懸停在節點上可查看名稱、數據和原文。虛線表示整理推斷、原文未明確陳述的關係，懸停可查看理由。拖動可平移，滾輪可縮放。"},
}


# -- pyvis ------------------------------------------------------------------------------------


def _pyvis_network_class():
    """pyvis.network.Network, importable without IPython.

    pyvis imports ``IPython.display.IFrame`` at module level, for notebooks only. pyvis
    declares IPython as a dependency, but an environment may lack it (a slim install, a
    frozen application); then a stand-in module is present just while pyvis is imported,
    and removed afterwards so nothing else mistakes it for IPython.
    """
    try:
        import IPython.display  # noqa: F401
    except ImportError:
        pass
    else:
        from pyvis.network import Network
        return Network

    saved = {name: sys.modules.get(name) for name in ("IPython", "IPython.display")}
    stub, display = types.ModuleType("IPython"), types.ModuleType("IPython.display")

    class IFrame:  # what pyvis would display in a notebook
        def __init__(self, *args, **kwargs):
            raise RuntimeError("notebook display needs IPython, which is not installed")

    display.IFrame = IFrame
    stub.display = display
    sys.modules.update({"IPython": stub, "IPython.display": display})
    try:
        return importlib.import_module("pyvis.network").Network
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module


def vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, from the copies inside pyvis."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    script = (lib / "vis-network.min.js").read_text(encoding="utf-8")
    style = (lib / "vis-network.css").read_text(encoding="utf-8")
    # Inlined into <script>/<style>: a closing tag inside would end the element early.
    if "</script" in script.lower() or "</style" in style.lower():
        raise RuntimeError("vis-network assets contain a closing tag and cannot be inlined")
    return script, style


# -- what the page shows ----------------------------------------------------------------------


def class_colour(cls: str, schema: bool = False) -> str:
    if cls in CLASS_COLOURS:
        return CLASS_COLOURS[cls]
    if schema:
        return SCHEMA_COLOUR
    digest = hashlib.sha1(cls.encode("utf-8")).digest()
    return _FALLBACK_PALETTE[digest[0] % len(_FALLBACK_PALETTE)]


def short_label(text: str, lang: str) -> str:
    """Labels are often whole phrases; the canvas gets a short form, the tooltip the full one."""
    limit = 32 if lang == "en" else 14
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def tooltip_html(data: dict, lang: str, theme_names: dict[str, dict[str, str]]) -> str:
    """A node's tooltip as HTML in which every piece of text is escaped."""
    e = html.escape
    words = TEXT[lang]
    parts = ['<div class="kg-tip">',
             f'<div class="kg-tip-class">{e(data["class_labels"].get(lang) or data["cls"])} · {e(data["curie"])}</div>',
             f'<div class="kg-tip-name">{e(data["labels"][lang])}</div>',
             '<table class="kg-tip-labels">']
    parts += [f'<tr><th>{e(code)}</th><td lang="{e(code)}">{e(data["labels"][code])}</td></tr>' for code in LANGUAGES]
    parts.append("</table>")
    if data.get("inferred"):
        parts.append(f'<div class="kg-tip-inferred">{e(words["inferred"])}: {e(data["inferred"])}</div>')
    if data["themes"]:
        names = [theme_names.get(t, {}).get(lang, t) for t in data["themes"]]
        parts.append(f'<div class="kg-tip-themes">{e(words["themes"])}: {e(", ".join(names))}</div>')
    figures = data["figures"]
    if figures:
        parts.append(f'<div class="kg-tip-section">{e(words["figures"])}</div><ul class="kg-tip-figures">')
        parts += [f"<li>{e(figure.text(lang))}</li>" for figure in figures[:MAX_FIGURES]]
        if len(figures) > MAX_FIGURES:
            parts.append(f"<li>+{len(figures) - MAX_FIGURES} {e(words['more'])}</li>")
        parts.append("</ul>")
    quotes = data["quotes"]
    if quotes:
        parts.append(f'<div class="kg-tip-section">{e(words["quote"])}</div>')
        parts += [f'<blockquote class="kg-tip-quote" lang="zh-Hant">{e(quote.exact)}'
                  f'<span class="kg-tip-where"> [{quote.start}–{quote.end}]</span></blockquote>'
                  for quote in quotes[:MAX_QUOTES]]
        if len(quotes) > MAX_QUOTES:
            parts.append(f'<div class="kg-tip-more">+{len(quotes) - MAX_QUOTES} {e(words["more"])}</div>')
    parts.append("</div>")
    return "".join(parts)


def node_sizes(view: nx.MultiDiGraph) -> dict[str, float]:
    """Sizes from PageRank (square root, so hubs stand out without swallowing the page)."""
    if not view:
        return {}
    ranks = {node: c.pagerank for node, c in centrality(view, betweenness=False).items()}
    top = max(ranks.values()) or 1.0
    return {node: round(10 + 35 * math.sqrt(rank / top), 2) for node, rank in ranks.items()}


def vis_options(nodes: int, edges: int) -> dict:
    """vis-network options: a seeded layout, and physics that settle before the first paint and
    are then switched off by the page (see PAGE), so even large graphs stay responsive.

    The stabilization budget shrinks as the graph grows: vis-network's repulsion costs about
    n log n per iteration, and a few hundred iterations already give the layout its shape.
    """
    large = nodes > LARGE_GRAPH
    iterations = 300 if not large else max(100, min(300, 300_000 // max(nodes, 1)))
    return {
        "layout": {"randomSeed": SEED, "improvedLayout": nodes <= 150},
        "nodes": {"shape": "dot", "font": {"face": FONT_FACE, "size": 14, "color": "#1a1a1a",
                                            "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
                  "color": {"color": "#9aa5b1", "highlight": "#333333", "hover": "#333333", "inherit": False},
                  "font": {"face": FONT_FACE, "size": 10, "color": "#555555", "strokeWidth": 2,
                           "strokeColor": "#ffffff", "align": "middle"},
                  # curved edges cost drawing time on every frame; straight ones keep large graphs smooth
                  "smooth": False if large else {"enabled": True, "type": "continuous", "roundness": 0.3},
                  "width": 1},
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"theta": 0.8 if large else 0.5, "gravitationalConstant": -60,
                                         "centralGravity": 0.008, "springLength": 110, "springConstant": 0.06,
                                         "damping": 0.5, "avoidOverlap": 0 if large else 0.2},
                    # a fixed time step: the adaptive one about doubles the cost of an iteration
                    "minVelocity": 1.0, "maxVelocity": 60, "timestep": 0.5, "adaptiveTimestep": False,
                    "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "navigationButtons": False, "keyboard": False},
        "configure": {"enabled": False},
    }


@dataclass(frozen=True)
class LegendEntry:
    cls: str
    label: str
    colour: str
    count: int
    schema: bool


def legend(view: nx.MultiDiGraph, lang: str) -> list[LegendEntry]:
    counts = Counter(data["cls"] for _n, data in view.nodes(data=True))
    names, schema = {}, {}
    for _n, data in view.nodes(data=True):
        names[data["cls"]] = data["class_labels"].get(lang) or data["cls"]
        schema[data["cls"]] = data["schema"]
    return sorted((LegendEntry(cls, names[cls], class_colour(cls, schema[cls]), n, schema[cls])
                   for cls, n in counts.items()),
                  key=lambda entry: (-entry.count, entry.cls))


def build_network(view: nx.MultiDiGraph, lang: str):
    """The pyvis network for ``view``: nodes and edges in the view's sorted order."""
    network = _pyvis_network_class()(height="100%", width="100%", directed=True, cdn_resources="in_line")
    sizes = node_sizes(view)
    themes = view.graph.get("themes", {})
    for node, data in view.nodes(data=True):
        network.add_node(node, label=short_label(data["labels"][lang], lang),
                         title=tooltip_html(data, lang, themes),
                         color=class_colour(data["cls"], data["schema"]), size=sizes[node],
                         shape="square" if data["schema"] else "dot")
    for number, (source, target, key, data) in enumerate(view.edges(keys=True, data=True)):
        name = data["labels"].get(lang) or key
        # A plain-string title is shown as text by vis-network, never parsed as HTML. An inferred
        # relation is drawn dashed and its tooltip says so, with the curator's reason (in English).
        reason = data.get("inferred", "")
        if reason:
            network.add_edge(source, target, id=f"e{number}", label=name, dashes=True,
                             title=f"{name} ({key}) — {TEXT[lang]['inferred']}: {reason}")
        else:
            network.add_edge(source, target, id=f"e{number}", label=name, title=f"{name} ({key})")
    network.options = vis_options(view.number_of_nodes(), view.number_of_edges())
    return network


# -- the page ---------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
{{ generator|safe }}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>{{ vis_style|safe }}</style>
<style>
html, body { margin: 0; height: 100%; font-family: {{ font_face|safe }}; background: #fafafa; }
#graph { position: absolute; inset: 0; }
#legend { position: absolute; top: 12px; left: 12px; max-height: calc(100% - 40px); overflow-y: auto;
  background: rgba(255,255,255,0.93); border: 1px solid #ccc; border-radius: 6px; padding: 10px 12px;
  font-size: 13px; line-height: 1.45; box-shadow: 0 1px 4px rgba(0,0,0,0.15); z-index: 2; max-width: 300px; }
#legend h1 { display: inline; font-size: 15px; margin: 0; }
#legend summary { cursor: pointer; margin-bottom: 4px; }
#legend .counts, #legend .help, #status { color: #555; font-size: 12px; }
#legend ul { list-style: none; padding: 0; margin: 6px 0; }
#legend li { white-space: nowrap; }
#legend .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 6px;
  vertical-align: -1px; border: 1px solid rgba(0,0,0,0.25); }
#legend .swatch.schema { border-radius: 2px; }
div.vis-tooltip { white-space: normal; max-width: 440px; font-family: {{ font_face|safe }}; font-size: 13px;
  line-height: 1.45; padding: 8px 10px; }
.kg-tip-class { color: #666; font-size: 12px; }
.kg-tip-name { font-weight: bold; font-size: 14px; margin: 2px 0 4px; }
.kg-tip-labels th { text-align: left; color: #888; font-weight: normal; padding-right: 8px; vertical-align: top; }
.kg-tip-section { margin-top: 6px; font-weight: bold; }
.kg-tip-figures { margin: 2px 0; padding-left: 18px; }
.kg-tip-quote { margin: 3px 0; padding-left: 8px; border-left: 3px solid #bbb; }
.kg-tip-where, .kg-tip-more, .kg-tip-themes { color: #777; font-size: 12px; }
.kg-tip-inferred { color: #8a4b00; font-size: 12px; font-style: italic; }
</style>
<script>{{ vis_script|safe }}</script>
</head>
<body>
<div id="graph"></div>
<details id="legend" open>
<summary><h1>{{ title }}</h1></summary>
<div class="counts">{{ node_count }} {{ text.nodes }} · {{ edge_count }} {{ text.edges }}</div>
<ul>
{%- for entry in legend %}
<li><span class="swatch{% if entry.schema %} schema{% endif %}" style="background: {{ entry.colour }}"></span>{{ entry.label }} ({{ entry.count }})</li>
{%- endfor %}
</ul>
<div class="help">{{ text.help }}</div>
<div id="status">{{ text.settling }}</div>
</details>
<script>
(function () {
  "use strict";
  var nodeData = {{ nodes|tojson }};
  var edgeData = {{ edges|tojson }};
  var options = {{ options|tojson }};
  var words = {{ status_words|tojson }};
  // Tooltips arrive as escaped HTML (see kg/viz.py); vis-network renders an element as it is.
  nodeData.forEach(function (node) {
    var tip = document.createElement("div");
    tip.innerHTML = node.title;
    node.title = tip;
  });
  var data = {nodes: new vis.DataSet(nodeData), edges: new vis.DataSet(edgeData)};
  var network = new vis.Network(document.getElementById("graph"), data, options);
  var status = document.getElementById("status");
  window.network = network;
  window.graphStabilized = false;
  network.on("stabilizationProgress", function (progress) {
    status.textContent = words.settling + " " + Math.round(100 * progress.iterations / progress.total) + "%";
  });
  // Once the layout has settled, physics go off for good: dragging a node then moves only
  // that node, and a graph of thousands of nodes stops costing CPU.
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: false});
    window.graphStabilized = true;
    document.body.setAttribute("data-stabilized", "true");
    status.textContent = words.frozen;
  });
})();
</script>
</body>
</html>
"""

_ENV = Environment(autoescape=True, keep_trailing_newline=True)
# tojson escapes <, >, & and ' inside the JSON, so no data can close the <script> element.
_ENV.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
_PAGE = _ENV.from_string(PAGE)

_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+(?:url\()?\s*["']?\s*(?:https?:)?//)""",
    re.IGNORECASE)


def external_references(page: str) -> list[str]:
    """Places where ``page`` would fetch something from the network (empty for our pages)."""
    if not _may_reference(page):
        return []
    return [page[max(0, m.start() - 20): m.end() + 60] for m in _EXTERNAL.finditer(page)]


def _may_reference(page: str) -> bool:
    """Whether :data:`_EXTERNAL` matches anywhere in ``page``, asked only next to each ``//``
    (a page is over a megabyte, vis-network's script inlined, and the pattern scanned through
    all of it took a tenth of a second; it has some 1,500 ``//``). Exact: every match ends in
    ``//``, and before it holds only a keyword (letters, ``@``), white space, ``= ( : " '``;
    the window searched reaches back over all of those from the ``//``, and a little further
    (the ``@`` of @import, and the character before a keyword that ``\\b`` looks at)."""
    at = page.find("//")
    while at != -1:
        start = at
        while start > 0 and (page[start - 1].isalpha() or page[start - 1].isspace() or page[start - 1] in "=(:\"'"):
            start -= 1
        if _EXTERNAL.search(page, max(0, start - 2), at + 2):
            return True
        at = page.find("//", at + 1)
    return False


def render_html(view: nx.MultiDiGraph, *, lang: str = "en", title: str = "county-kg") -> str:
    """The page for ``view`` as text: the same view always gives the same bytes."""
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r} (expected one of {', '.join(TEXT)})")
    network = build_network(view, lang)
    nodes, edges, _heading, _height, _width, _options = network.get_network_data()
    script, style = vis_assets()
    page = _PAGE.render(
        lang=lang, title=title, text=TEXT[lang], legend=legend(view, lang), node_count=view.number_of_nodes(),
        edge_count=view.number_of_edges(), nodes=nodes, edges=edges, options=network.options,
        status_words={"settling": TEXT[lang]["settling"], "frozen": TEXT[lang]["frozen"]},
        vis_script=script, vis_style=style, font_face=FONT_FACE, generator=generator_meta("kg viz"))
    leaks = external_references(page)
    if leaks:
        raise RuntimeError(f"the page would load from the network: {leaks[:3]}")
    return page


def write_html(graph_view: nx.MultiDiGraph, path: Path | str, *, lang: str = "en", title: str = "county-kg") -> Path:
    """Write ``graph_view`` (from :func:`kg.network.build_view` or :func:`kg.network.select`)
    as one self-contained HTML file; returns the path."""
    page = render_html(graph_view, lang=lang, title=title)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")  # (into a directory being written: see explore for a file of its own)
    return path


# -- entry points for the command line and the build --------------------------------------------


@dataclass(frozen=True)
class Written:
    path: Path
    nodes: int
    edges: int


def explore(output: Path | str, *, lang: str = "en", schema: bool = False, theme: str | None = None,
            focus: str | None = None, depth: int = 1, classes: tuple[str, ...] = (), graph=None,
            origin: Origin | None = None, force: bool = False) -> Written:
    """Write the graph at ``origin`` (kg.query.readers: the local files by default, or a SPARQL
    endpoint), or the rdflib ``graph`` given, cut as asked, to ``output``: claimed before the
    graph is read (kg.outputs.claim_file: an existing file is replaced only if it is a page kg
    wrote, or with ``force``) and written atomically; ``-``: to standard output."""
    target = None if str(output) == STDOUT else claim_file(output, force=force)
    check_page_name(output)  # (after the claim, whose refusals say more: a file kg did not write)
    read_from = None
    if graph is None:
        read_from = origin or Origin()
        graph = explorable_graph(read_from)
    view = select(build_view(graph, schema=schema), theme=theme, focus=focus, depth=depth, classes=classes,
                  origin=read_from)
    title = _title(view, lang, theme=theme, focus=focus)
    page = render_html(view, lang=lang, title=title)
    if target is None:
        sys.stdout.write(page)
    else:
        target.write_text(page)
    return Written(Path(output), view.number_of_nodes(), view.number_of_edges())


def check_page_name(path: Path | str) -> None:
    """A KgError when the page's name ends in a suffix naming an RDF syntax (``kg viz -o
    v.ttl`` wrote HTML into a file every reader then took for Turtle), as ``kg export`` refuses
    a suffix naming another syntax (kg.store.syntax.check_output_name). .html, .htm, any
    other suffix or none, and '-' (standard output) are taken."""
    from kg.store.syntax import SYNTAXES

    name = Path(path)
    given = SYNTAXES.get(name.suffix.lower())
    if str(path) == STDOUT or given is None:
        return
    raise KgError(f"{path}: the name says {given[2]}, but this writes an HTML page: name it "
                  f"{name.with_suffix('.html').name}")


def _title(view: nx.MultiDiGraph, lang: str, *, theme: str | None = None, focus: str | None = None) -> str:
    name = {"en": "county-kg: Shuifu", "zh-Hans": "county-kg：水富市", "zh-Hant": "county-kg：水富市"}[lang]
    if theme:
        curie = resolve_theme(view, theme)
        name += f" · {view.graph['themes'].get(curie, {}).get(lang, curie)}"
    if focus:
        try:
            name += f" · {view.nodes[resolve_node(view, focus)]['labels'][lang]}"
        except Exception:  # the focus may have been cut away by --class; the title is cosmetic
            name += f" · {focus}"
    return name


def write_graphs(graph, directory: Path | str, *, lang: str = "en") -> list[Path]:
    """For the build: ``graph.html`` (all entities) and ``graph-<theme>.html`` for every theme
    that has entities, in ``directory``. ``graph``: what a person explores (an rdflib Graph,
    kg.explore.network.explorable_graph)."""
    directory = Path(directory)
    view = build_view(graph)
    written = [write_html(view, directory / "graph.html", lang=lang, title=_title(view, lang))]
    for theme in view.graph.get("themes", {}):
        if not theme_members(view, theme):
            continue
        part = select(view, theme=theme)
        written.append(write_html(part, directory / f"graph-{local_name(theme)}.html", lang=lang,
                                  title=_title(view, lang, theme=theme)))
    return written


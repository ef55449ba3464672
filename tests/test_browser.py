"""The graph page in a real browser (Debian's chromium driven by Playwright), with every
network request blocked: it must load, settle, freeze and show its tooltips offline.

`make test` installs chromium and a CJK font (scripts/system-deps.sh); a browser is never
downloaded. Screenshots and timings go to test-artifacts/.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.explore import viz
from kg.explore.network import build_view

from test_network import EVIL_LABEL, EVIL_TTL, iri, small_graph, synthetic_graph

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (`make test` installs it)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@dataclass
class OfflinePage:
    """A page on which every request but the file itself is blocked, and recorded."""

    page: object
    url: str
    attempted: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    seconds_to_stabilize: float = 0.0

    def counts(self) -> tuple[int, int]:
        return tuple(self.page.evaluate("[network.body.data.nodes.length, network.body.data.edges.length]"))

    def frozen(self) -> bool:
        """Physics off, and nothing moves any more."""
        before = self.page.evaluate("JSON.stringify(network.getPositions())")
        self.page.wait_for_timeout(500)
        after = self.page.evaluate("JSON.stringify(network.getPositions())")
        return before == after and self.page.evaluate("network.physics.options.enabled") is False

    def hover(self, node_id: str) -> str:
        """Centre the node, move the mouse onto it, and return the tooltip's text."""
        page = self.page
        box = page.locator("#graph").bounding_box()
        page.mouse.move(box["x"] + box["width"] - 5, box["y"] + box["height"] - 5)  # away first: a fresh hover
        page.evaluate("id => network.focus(id, {scale: 1.6, animation: false})", node_id)
        where = page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
        page.mouse.move(box["x"] + where["x"], box["y"] + where["y"], steps=4)
        tooltip = page.locator("div.vis-tooltip")
        tooltip.wait_for(state="visible", timeout=10_000)
        return tooltip.inner_text()


def open_offline(browser, path: Path, timeout_s: float = 120) -> OfflinePage:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = OfflinePage(page, path.resolve().as_uri())

    def block(route):
        opened.attempted.append(route.request.url)
        if route.request.url == opened.url:
            route.continue_()
        else:
            route.abort()

    def dialog(d):
        opened.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", block)
    page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.on("dialog", dialog)
    started = time.perf_counter()
    page.goto(opened.url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("window.graphStabilized === true", timeout=timeout_s * 1000, polling=100)
    opened.seconds_to_stabilize = time.perf_counter() - started
    return opened


def record_timing(name: str, **values) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "browser-timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    timings[name] = values
    path.write_text(json.dumps(timings, indent=2, ensure_ascii=False) + "\n")


def pick_tooltip_node(view) -> str:
    """The tourism-revenue observation (it has a label, figures and a quote), else any such node."""
    candidates = [n for n, d in view.nodes(data=True) if d["quotes"] and d["figures"]]
    preferred = [n for n in candidates if "tourism-revenue" in n and view.nodes[n]["cls"] == "ckg:Observation"]
    assert candidates
    return (preferred or candidates)[0]


def test_project_graph_offline(browser, tmp_path, project):
    # the graph a person explores, as kg build and kg viz draw it: without the national
    # gazetteer's thousands of places no one refers to (large graphs: the test below)
    view = build_view(project.explorable())
    path = tmp_path / "graph.html"
    started = time.perf_counter()
    viz.write_html(view, path, lang="zh-Hans")
    write_seconds = time.perf_counter() - started

    opened = open_offline(browser, path)
    assert opened.attempted == [opened.url], "the page asked for something besides itself"
    assert opened.errors == []
    assert opened.counts() == (view.number_of_nodes(), view.number_of_edges())
    assert opened.frozen()

    node = pick_tooltip_node(view)
    text = opened.hover(node)
    data = view.nodes[node]
    assert data["labels"]["zh-Hans"] in text and data["labels"]["zh-Hant"] in text
    assert data["quotes"][0].exact in text
    assert data["figures"][0].reported in text

    ARTIFACTS.mkdir(exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / "graph.png"))
    assert opened.attempted == [opened.url] and opened.errors == []
    record_timing("project", nodes=view.number_of_nodes(), edges=view.number_of_edges(),
                  write_seconds=round(write_seconds, 2), stabilize_seconds=round(opened.seconds_to_stabilize, 2))


def test_markup_in_the_data_stays_text(browser, tmp_path):
    view = build_view(small_graph(EVIL_TTL))
    path = viz.write_html(view, tmp_path / "evil.html", lang="en", title="<img src=y onerror=alert(5)>")
    opened = open_offline(browser, path)
    text = opened.hover(iri("agent:evil"))
    assert EVIL_LABEL in text and "</script><script>alert(2)</script>" in text and "<svg onload=alert(4)>" in text
    injected = opened.page.evaluate(
        "document.querySelectorAll('.vis-tooltip img, .vis-tooltip svg, .vis-tooltip script, #legend img').length")
    assert injected == 0
    assert opened.dialogs == [], "a script from the data ran"
    assert opened.attempted == [opened.url], "markup from the data made a request"
    assert opened.errors == []


def test_two_thousand_nodes_settle_and_freeze(browser, tmp_path):
    view = build_view(synthetic_graph(2100))
    path = tmp_path / "large.html"
    started = time.perf_counter()
    viz.write_html(view, path)
    write_seconds = time.perf_counter() - started
    opened = open_offline(browser, path, timeout_s=300)
    assert opened.counts() == (view.number_of_nodes(), view.number_of_edges())
    assert opened.frozen()
    assert opened.attempted == [opened.url] and opened.errors == []
    opened.page.screenshot(path=str(ARTIFACTS / "graph-2100-nodes.png"))
    record_timing("synthetic", nodes=view.number_of_nodes(), edges=view.number_of_edges(),
                  write_seconds=round(write_seconds, 2), stabilize_seconds=round(opened.seconds_to_stabilize, 2))

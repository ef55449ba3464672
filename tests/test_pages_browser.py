"""The pages in a real browser (Debian's chromium driven by Playwright), every request to
anything but the server (or the site's own files) blocked and recorded: the home page, the
article view (a highlight, its fact, and back), a place, an indicator with its chart, an
observation, the language switch, search, and the static site from file://. On every page:
no console error, no outside request, and no serious or critical accessibility violation
reported by axe-core (tests/vendor/axe-core, injected by the test). Screenshots go to
test-artifacts/pages/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kg.publish.source import GivenStore

from serving import app_in_thread
from site_graph import project_store

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "pages"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (`make test` installs it)")


@dataclass
class Visit:
    """A browser page that lets through only requests starting with ``allowed`` and records
    the rest, every console error and every dialog."""

    page: object
    allowed: str
    elsewhere: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def accessible(self, name: str) -> None:
        """axe-core on the page as it is now: no serious or critical violation."""
        self.page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
        violations = self.page.evaluate("""async () => {
            // preload: false keeps axe from fetching the stylesheets itself (an XHR that
            // file:// pages may not make); the rules read the styles the page applied.
            const result = await axe.run(document, {resultTypes: ["violations"], preload: false});
            return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.help + " (" + v.nodes.length + ") " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }""")
        assert violations == [], f"{name}: {violations}"

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)

    def clean(self) -> None:
        assert self.elsewhere == [], f"requests to other sites: {self.elsewhere}"
        assert self.errors == [], f"console errors: {self.errors}"
        assert self.dialogs == [], f"dialogs: {self.dialogs}"


def visit(browser, allowed: str) -> Visit:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = Visit(page, allowed)

    def route(request_route):
        if request_route.request.url.startswith(allowed):
            request_route.continue_()
        else:
            seen.elsewhere.append(request_route.request.url)
            request_route.abort()

    def dialog(d):
        seen.dialogs.append(d.message)
        d.dismiss()

    page.route("**/*", route)
    page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))
    page.on("dialog", dialog)
    return seen


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server():
    with app_in_thread(GivenStore(project_store(), "the project")) as (url, _app):
        yield url


def shown(page, selector: str) -> str:
    return page.locator(selector).first.inner_text()


def test_a_reader_walks_the_site(browser, server):
    seen = visit(browser, server + "/")
    page = seen.page

    page.goto(server + "/")
    assert "county-kg" in shown(page, "h1")
    seen.accessible("home")
    seen.shot("home")

    # the article view: a highlight opens the facts citing it; a fact's page links back
    page.click("header.site nav >> text=Article")
    page.wait_for_selector("html[data-article-ready]")
    assert page.locator("a.hl").count() > 165  # every quote, cut at overlaps
    seen.accessible("article")
    highlight = page.locator('.text-hant a.hl[data-q~="82-145"]').first
    highlight.click()
    panel = page.locator('#facts li[data-quote="82-145"]')
    assert panel.is_visible()
    assert "GDP" in panel.inner_text() or "gross domestic product" in panel.inner_text()
    seen.shot("article-highlight")
    panel.locator("ul a").first.click()
    page.wait_for_load_state()
    assert "/id/" in page.url
    back = page.locator('a[href*="article/shuifu-2023-08-22#q-82-145"]').first
    back.click()
    page.wait_for_selector("html[data-article-ready]")
    assert page.url.endswith("#q-82-145")
    assert page.locator('#facts li[data-quote="82-145"]').is_visible()
    assert page.locator("a.hl.current").count() >= 1

    # a place: its programs, observations as a table, charts, divisions under it, its neighbourhood
    page.goto(server + "/id/place/530681")
    assert page.locator("figure.chart svg").count() >= 3
    assert page.locator("section.group-programs_here a").count() >= 10
    page.wait_for_selector("#graph[data-stabilized]", timeout=30_000)
    seen.accessible("place")
    seen.shot("place")

    # an indicator: every observation, sortable, and its chart (one line per place)
    page.goto(server + "/id/indicator/fiscal-revenue")
    assert page.locator("figure.chart path").count() == 2
    page.click("table.sortable th:nth-child(3) button")
    values = page.locator("table.sortable tbody td:nth-child(3)").evaluate_all(
        "cells => cells.map(c => parseFloat(c.dataset.sort))")
    assert values == sorted(values) and len(values) == 4
    assert page.locator("table.sortable th:nth-child(3)").get_attribute("aria-sort") == "ascending"
    seen.accessible("indicator")
    seen.shot("indicator")

    # an observation, in each language; the choice is remembered
    page.goto(server + "/id/observation/gdp-2022")
    assert shown(page, ".figure-value") == "more than 10 billion yuan"
    page.click('button[data-set-lang="zh-Hant"]')
    assert shown(page, ".figure-value") == "100億元以上"
    assert page.evaluate("document.documentElement.lang") == "zh-Hant"
    page.reload()
    assert shown(page, ".figure-value") == "100億元以上"
    assert shown(page, "h1") == "水富市2022年地區生產總值"
    seen.accessible("observation-zh-Hant")
    seen.shot("observation-zh-Hant")
    page.click('button[data-set-lang="zh-Hans"]')
    assert shown(page, ".figure-value") == "100亿元以上"
    page.click('button[data-set-lang="en"]')

    # search: Simplified characters find a name written only in Traditional ones; pinyin finds places
    page.fill("#site-search", "水富市财政局")
    page.press("#site-search", "Enter")
    page.wait_for_selector("#search-results li")
    assert "水富市財政局" in shown(page, "#search-results li")
    assert page.locator('#search-results a[href="id/agent/shuifu-finance-bureau"]').count() == 1
    seen.accessible("search")
    seen.shot("search")
    page.fill("#search-query", "shuifu")
    page.wait_for_selector('#search-results a[href="id/place/530681"]')

    # a label that is markup stays text
    page.goto(server + "/id/agent/evil")
    assert page.locator("main img").count() == 0
    assert "<img src=x onerror=alert(1)>" in shown(page, "h1")
    page.goto(server + "/search?q=" + "%3Cimg")
    page.wait_for_selector("#search-results li")
    assert page.locator("main img").count() == 0
    seen.clean()
    page.close()


def test_the_static_site_works_from_files(browser, tmp_path):
    from kg import paths
    from kg.pages.site import write_site
    from kg.store.oxigraph import open_store

    from site_graph import IMPORTED

    data = paths.data_dir()
    files = [paths.ontology_file(), *sorted((data / "core").glob("*.ttl")), data / "sources" / "article.ttl",
             data / "themes" / "education.ttl", IMPORTED]
    site = tmp_path / "site"
    write_site(open_store(files), site)
    seen = visit(browser, site.as_uri() + "/")
    page = seen.page
    page.goto((site / "index.html").as_uri())
    page.click('button[data-set-lang="zh-Hans"]')
    page.click("text=分类索引")
    page.click("text=举措")  # the class ckg:Program
    page.locator("ul.members a").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(site.as_uri()) and page.url.endswith(".html")
    assert page.evaluate("document.documentElement.getAttribute('data-lang')") == "zh-Hans"
    seen.accessible("static-program")
    # a place of data/core (the former counties are in the gazetteer, left out of this small site)
    page.fill("#site-search", "云南省")
    page.press("#site-search", "Enter")
    page.wait_for_selector('#search-results a[href="id/place/53.html"]')
    page.click('#search-results a[href="id/place/53.html"]')
    page.wait_for_load_state()
    assert "云南省" in shown(page, "h1")
    seen.shot("static-place")
    seen.clean()
    page.close()

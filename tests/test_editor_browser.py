"""The query editor of `kg serve` in a real browser (Debian's chromium driven by Playwright):
every request but those to the server itself is blocked and recorded; the page must load,
run a query and show its answer, with language tags in registered case, asking nothing of
any other site (no CDN, no prefix.cc, no vocabulary service)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.publish.source import GivenStore

from serving import app_in_thread

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
DATA = b'<http://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> "\xe6\xb0\xb4\xe5\xaf\x8c"@zh-Hans .\n'

#: The editor is ready (until then, window.yasgui is the element of that id, not the editor).
READY = "window.yasgui && typeof window.yasgui.getTab === 'function' && window.yasgui.getTab()"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (`make test` installs it)")


def test_the_editor_runs_a_query_offline():
    from playwright.sync_api import sync_playwright

    store = ox.Store()
    store.load(DATA, format=ox.RdfFormat.N_TRIPLES)
    with app_in_thread(GivenStore(store)) as (url, _app), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page()
        elsewhere, errors = [], []

        def route(request_route):
            if request_route.request.url.startswith(url + "/"):
                request_route.continue_()
            else:
                elsewhere.append(request_route.request.url)
                request_route.abort()

        page.route("**/*", route)
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/editor")
        page.wait_for_function(READY)
        # typing a prefix declaration asks the autocompleter for namespaces: from the bundle's
        # own list, never from prefix.cc
        page.click(".CodeMirror")
        page.keyboard.press("Control+Home")
        page.keyboard.type("PREFIX geo")
        page.wait_for_timeout(1500)
        page.keyboard.press("Escape")
        page.evaluate("""() => {
            const yasqe = window.yasgui.getTab().getYasqe();
            yasqe.setValue('SELECT ?label (lang(?label) AS ?tag) WHERE { ?s ?p ?label }');
            yasqe.query();
        }""")
        page.wait_for_function("document.querySelector('.yasr') && "
                               "document.querySelector('.yasr').innerText.includes('zh-Hans')", timeout=20_000)
        text = page.inner_text(".yasr")
        browser.close()
    assert "水富" in text and "zh-Hans" in text
    assert elsewhere == [], f"the editor asked other sites: {elsewhere}"
    assert errors == []


def test_a_page_opens_its_describe_in_the_editor():
    from playwright.sync_api import sync_playwright

    store = ox.Store()
    store.load(b'<https://w3id.org/county-kg/id/place/1> <http://www.w3.org/2000/01/rdf-schema#label> "x"@en .\n',
               format=ox.RdfFormat.N_TRIPLES)
    with app_in_thread(GivenStore(store)) as (url, _app), sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(url + "/") else r.abort())
        page.goto(url + "/id/place/1")
        page.click("a.describe")
        page.wait_for_function(READY)
        text = page.evaluate("window.yasgui.getTab().getYasqe().getValue()")
        browser.close()
    assert text == "DESCRIBE <https://w3id.org/county-kg/id/place/1>"

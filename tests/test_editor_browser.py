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
        page.goto(url + "/")
        page.wait_for_function("window.yasgui && window.yasgui.getTab()")
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

"""kg.pages without a browser: figures as people write them, quotes re-anchored, relative
links, the same page read alone or with others, what a page shows, escaping, and the static
site's files and links."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pyoxigraph as ox
import pytest

from kg.errors import KgError
from kg.link.values import parse_value
from kg.namespaces import CKG, CUNIT, UNIT
from kg.pages import article
from kg.pages.figures import figure_text
from kg.pages.iris import ReservedPath, compact, document_of, file_path, path_of
from kg.pages.links import Linker, relative
from kg.pages.publisher import Pages
from kg.pages.reader import Quote

from site_graph import ID, project_store

EXACT, LOWER, UPPER, APPROX = (str(CKG.Exact), str(CKG.LowerBound), str(CKG.UpperBound), str(CKG.Approximate))
CNY = str(UNIT.CCY_CNY)


# -- figures ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, unit, qualifier, lang, expected", [
    ("1276000000", CNY, EXACT, "zh-Hans", "12.76亿元"),
    ("1276000000", CNY, EXACT, "zh-Hant", "12.76億元"),
    ("1276000000", CNY, EXACT, "en", "1.276 billion yuan"),
    ("1276000000", CNY, LOWER, "zh-Hans", "12.76亿元以上"),
    ("1276000000", CNY, LOWER, "en", "more than 1.276 billion yuan"),
    ("10000000000", CNY, LOWER, "zh-Hant", "100億元以上"),
    ("10000000000", CNY, LOWER, "en", "more than 10 billion yuan"),
    ("745000000", CNY, EXACT, "en", "745 million yuan"),
    ("1234200", str(CUNIT["person-visit"]), EXACT, "zh-Hans", "123.42万人次"),
    ("1234200", str(CUNIT["person-visit"]), EXACT, "en", "1.2342 million person-visits"),
    ("50000", str(UNIT["TONNE-PER-YR"]), EXACT, "zh-Hant", "5萬噸/年"),
    ("50000", str(UNIT["TONNE-PER-YR"]), EXACT, "en", "50,000 tonnes per year"),
    ("5000", str(UNIT["TONNE-PER-YR"]), EXACT, "zh-Hans", "5000吨/年"),
    ("12.5", str(UNIT.PERCENT), EXACT, "en", "12.5%"),
    ("4810000000", CNY, APPROX, "zh-Hans", "约48.1亿元"),
    ("4810000000", CNY, APPROX, "en", "about 4.81 billion yuan"),
    ("300000000", CNY, UPPER, "zh-Hant", "不超過3億元"),
    ("300000000", CNY, UPPER, "en", "at most 300 million yuan"),
    ("1234567", CNY, EXACT, "zh-Hans", "123.4567万元"),
    ("1234567.8", CNY, EXACT, "en", "1,234,567.8 yuan"),
    ("1", str(UNIT.CCY_USD), EXACT, "en", "1 US dollar"),
])
def test_figures_are_written_as_people_write_them(value, unit, qualifier, lang, expected):
    assert figure_text(Decimal(value), unit, qualifier, lang) == expected


def test_a_unit_without_words_is_written_with_its_label():
    assert figure_text(Decimal(3), "http://example.org/unit/widget", EXACT, "en", {"en": "widgets"}) == "3 widgets"


def test_every_figure_of_the_project_reads_back_as_its_value():
    """The Chinese figure of every observation, read by kg.link.values (the parser of imported
    tables), gives back the observation's value, unit and qualifier: nothing is rounded."""
    store = project_store()
    rows = store.query("""PREFIX sdmx-measure: <http://purl.org/linked-data/sdmx/2009/measure#>
        PREFIX sdmx-attribute: <http://purl.org/linked-data/sdmx/2009/attribute#>
        PREFIX ckg: <https://w3id.org/county-kg/ontology#>
        SELECT ?value ?unit ?qualifier WHERE { ?o sdmx-measure:obsValue ?value ;
            sdmx-attribute:unitMeasure ?unit ; ckg:valueQualifier ?qualifier }""")
    checked = 0
    for row in rows:
        value = Decimal(row["value"].value)
        for lang in ("zh-Hans", "zh-Hant"):
            text = figure_text(value, row["unit"].value, row["qualifier"].value, lang)
            parsed = parse_value(text)
            assert parsed.value == value, text
            assert str(parsed.qualifier) == row["qualifier"].value, text
            if row["unit"].value != str(UNIT.NUM):
                assert str(parsed.unit) == row["unit"].value, text
            checked += 1
    assert checked >= 60


# -- quotes in the article ------------------------------------------------------------------------

TEXT = "水富市委圍繞九大會戰。水富市委推動三新三持續。\n第二段。"


def quote(exact: str, start: int | None, end: int | None, prefix: str = "", suffix: str = "") -> Quote:
    return Quote(f"{ID}quote/x/{start}-{end}", f"{ID}source/x", exact, "zh-Hant", prefix, suffix, start, end)


def test_a_quote_is_anchored_at_its_position_when_the_text_is_there():
    anchored = article.anchor(TEXT, quote("水富市委", 11, 15))
    assert (anchored.start, anchored.end, anchored.moved) == (11, 15, False)


def test_a_quote_whose_position_is_wrong_is_found_by_its_text_and_context():
    # two occurrences; the suffix says which one
    anchored = article.anchor(TEXT, quote("水富市委", 3, 7, prefix="。", suffix="推動三新"))
    assert (anchored.start, anchored.end, anchored.moved) == (11, 15, True)
    anchored = article.anchor(TEXT, quote("水富市委", 30, 34, suffix="圍繞九大"))
    assert (anchored.start, anchored.moved) == (0, True)


def test_a_quote_found_nowhere_is_an_error_naming_it():
    with pytest.raises(article.AnchorError, match=r"quote/x/0-4.*九大會議"):
        article.anchor(TEXT, quote("九大會議", 0, 4))


def test_overlapping_quotes_cut_the_text_into_segments_that_know_every_quote():
    anchors = [article.anchor(TEXT, quote("水富市委圍繞", 0, 6)), article.anchor(TEXT, quote("圍繞九大會戰", 4, 10))]
    paragraphs = article.segments(TEXT, anchors)
    assert len(paragraphs) == 2
    first = paragraphs[0].segments
    assert [(s.text, s.keys) for s in first[:4]] == [("水富市委", ("0-6",)), ("圍繞", ("0-6", "4-10")),
                                                      ("九大會戰", ("4-10",)), ("。水富市委推動三新三持續。", ())]
    assert first[0].opens == ("0-6",) and first[1].opens == ("4-10",)
    assert "".join(s.text for p in paragraphs for s in p.segments) == TEXT.replace("\n", "")
    covered = article.coverage(TEXT, anchors)
    assert (covered.covered, covered.characters, covered.quotes) == (10, len(TEXT) - 1, 2)


def test_every_quote_of_the_project_anchors_at_its_own_position():
    pages = Pages(project_store(), static=True)
    source = pages.sources[0]
    quotes, facts = pages.article_quotes(source)
    count = next(iter(project_store().query(
        f"SELECT (COUNT(?q) AS ?n) WHERE {{ ?q a <https://w3id.org/county-kg/ontology#Quote> ; "
        f"<http://www.w3.org/ns/oa#hasSource> <{source.text_iri}> }}")))["n"].value
    assert len(quotes) == int(count) >= 165
    anchors = [article.anchor(source.hant, q) for q in quotes]
    assert not [a.quote.iri for a in anchors if a.moved]
    assert all(facts.get(q.iri) for q in quotes), "a quote no fact cites"


# -- IRIs and links -------------------------------------------------------------------------------

def test_documents_paths_and_files():
    assert document_of(f"{ID}place/530681") == f"{ID}place/530681"
    assert document_of("https://w3id.org/county-kg/ontology#Program") == "https://w3id.org/county-kg/ontology"
    assert document_of("http://qudt.org/vocab/unit/CCY_CNY") is None
    assert document_of(f"{ID}place/") is None
    assert path_of(f"{ID}place/530681") == "id/place/530681"
    with pytest.raises(ReservedPath, match="assets"):
        path_of("https://w3id.org/county-kg/assets/x")
    assert file_path("id/place/530681") == "id/place/530681"
    assert re.fullmatch(r"iri/[0-9a-f]{24}", file_path("id/place/水富 市"))
    assert compact(f"{ID}place/530681") == "place:530681" and compact("http://example.org/x") == "<http://example.org/x>"


@pytest.mark.parametrize("here, target, expected", [
    ("id/place/530681", "id/program/x", "../program/x"),
    ("id/place/530681", ".", "../.."),
    ("index", "id/place/530681", "id/place/530681"),
    ("classes/ckg-Program", "classes", "../classes"),   # a sibling page, not the directory
    ("id/place/530681.html", "index.html", "../../index.html"),
    ("catalog", "catalog", "catalog"),
])
def test_relative_links(here, target, expected):
    assert relative(here, target) == expected


def test_the_site_and_the_server_write_the_same_links_but_for_the_extension():
    described = lambda iri: True  # noqa: E731
    static, served = Linker("id/place/530681", True, described), Linker("id/place/530681", False, described)
    assert static.iri(f"{ID}program/x") == "../program/x.html"
    assert served.iri(f"{ID}program/x") == "../program/x"
    assert static.iri("https://w3id.org/county-kg/ontology#Place") == "../../ontology.html#Place"
    assert served.page("") == "../../" and static.page("") == "../../index.html"
    assert static.iri("http://qudt.org/vocab/unit/CCY_CNY") == "http://qudt.org/vocab/unit/CCY_CNY"
    assert Linker("x", True, lambda iri: False).iri(f"{ID}place/nowhere") is None


@pytest.mark.parametrize("static", [True, False])
def test_links_remembered_across_pages_are_those_each_page_makes(static):
    """Linkers sharing a memo (a site's pages do) give every page the links it would make
    alone: a link depends on the page's directory, and pages of different depths differ."""
    described = lambda iri: not iri.endswith("nowhere")  # noqa: E731
    memo: dict = {}
    iris = [f"{ID}program/x", f"{ID}place/530681#transfer-1", "https://w3id.org/county-kg/ontology#Place",
            f"{ID}place/nowhere", "http://qudt.org/vocab/unit/CCY_CNY", "urn:x"]
    for here in ("id/place/530681", "id/program/y", "ontology", "", "classes/ckg-Program", "id/place/530602"):
        shared, alone = Linker(here, static, described, memo=memo), Linker(here, static, described)
        for iri in iris:
            assert shared.iri(iri) == alone.iri(iri), (here, iri)
        for path in ("", "classes", "id/place/530681", "article/x"):
            assert shared.page(path, "q-1-2") == alone.page(path, "q-1-2")
        assert shared.asset("site.css") == alone.asset("site.css")
        assert shared.data(f"{ID}place/530681", "ttl") == alone.data(f"{ID}place/530681", "ttl")
    assert Linker("id/place/530681", static, described, memo=memo).iri(f"{ID}program/x") == (
        "../program/x.html" if static else "../program/x")


# -- reading pages --------------------------------------------------------------------------------

def test_documents_read_together_are_the_same_as_read_alone():
    pages = Pages(project_store(), static=True)
    reader = pages.reader
    documents = pages.documents()
    chosen = [f"{ID}place/530681", "https://w3id.org/county-kg/ontology", f"{ID}indicator/fiscal-revenue",
              f"{ID}quote/shuifu-2023-08-22/82-145", f"{ID}agent/shuifu-finance-bureau", *documents[::400]]
    together = {d.iri: d for d in reader.documents(chosen)}
    for iri in chosen:
        alone = reader.document(iri)
        for name in ("resources", "triples", "incoming", "observations", "observations_total", "neighbour_edges",
                     "statements"):
            assert getattr(alone, name) == getattr(together[iri], name), (iri, name)
        assert pages.render_document(alone) == pages.render_document(together[iri])


def test_a_place_page_shows_its_programs_observations_chart_and_children():
    html = Pages(project_store(), static=True).resource(f"{ID}place/530681")
    assert "kind-place" in html
    assert html.count('<figure class="chart">') >= 3  # two gaokao indicators and the imported revenue
    assert "12.76亿元以上" in html and "more than 1.276 billion yuan" in html and "12.76億元以上" in html
    for section in ("Programs here", "Divisions under it", "Observations"):
        assert section in html
    assert "../program/shuifu-education-development.html" in html  # a program located there
    assert "530681101.html" in html  # a township under it


def test_an_indicator_page_lists_every_observation_sortable_with_a_chart():
    html = Pages(project_store(), static=True).resource(f"{ID}indicator/fiscal-revenue")
    table = html[html.index('<table class="sortable">'):]
    assert table.count("<tr>") == 5  # the heading and four observations
    assert html.count('<figure class="chart">') == 1 and html.count("<path d=") == 2  # one line per place
    assert 'data-sort="4810000000"' in table and "约48.1亿元" in table


def test_an_observation_page_shows_its_figure_in_each_language_with_unit_period_and_qualifier():
    html = Pages(project_store(), static=True).resource(f"{ID}observation/gdp-2022")
    figure = html[html.index('<section class="figure">'):html.index("</section>", html.index('<section class="figure">'))]
    assert "100亿元以上" in figure and "100億元以上" in figure and "more than 10 billion yuan" in figure
    assert "突破百億" in figure and "10,000,000,000" in figure
    assert "../period/2022.html" in figure and "Lower bound" in figure


def test_a_fact_page_links_each_quote_to_its_place_in_the_article():
    html = Pages(project_store(), static=True).resource(f"{ID}program/shuifu-education-development")
    assert '../../article/shuifu-2023-08-22.html#q-793-801' in html
    assert "小市" in html


def test_labels_from_imported_tables_stay_text():
    pages = Pages(project_store(), static=True)
    for html in (pages.resource(f"{ID}agent/evil"), pages.resource(f"{ID}place/530681"),
                 pages.class_page("classes/ckg-GovernmentBody")):
        assert "<img" not in html and "<script>alert" not in html and 'onmouseover="alert' not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    script = pages.search_index()
    assert "</script" not in script and "<img src=x onerror=alert(1)>" in script  # a JSON string, shown as text


def test_a_blank_node_is_shown_inside_its_resource():
    html = Pages(project_store(), static=True).resource(f"{ID}agent/shuifu-finance-bureau")
    assert '<dl class="nested">' in html and "657800" in html and "云富街道" in html


def test_unknown_documents_have_no_page():
    pages = Pages(project_store(), static=False)
    assert pages.resource(f"{ID}place/0") is None and pages.data(f"{ID}place/0", "ttl") is None


# -- the static site ----------------------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.found.append(value)


def small_files() -> list:
    """The ontology, the article's description, one theme's data with its quotes, the core data
    and the imported fixture."""
    from kg import paths

    from site_graph import IMPORTED

    data = paths.data_dir()
    return [paths.ontology_file(), *sorted((data / "core").glob("*.ttl")), data / "sources" / "article.ttl",
            data / "themes" / "education.ttl", IMPORTED]


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """The static site of a small graph (:func:`small_files`), written by this process."""
    from kg.pages.site import write_site
    from kg.store.oxigraph import open_store

    directory = tmp_path_factory.mktemp("site") / "site"
    result = write_site(open_store(small_files()), directory)
    return directory, result


def test_the_site_written_by_worker_processes_is_the_one_written_in_this_process(small_site, tmp_path,
                                                                                  monkeypatch):
    """As `kg build` writes it: worker processes, each with the store opened read-only and the
    parent's index, taking batches as they come free. Every file is the same, byte for byte."""
    from kg.pages import site
    from kg.store.oxigraph import open_store

    directory, result = small_site
    location = tmp_path / "store"
    disk = ox.Store(str(location))
    disk.extend(open_store(small_files()).quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk
    monkeypatch.setattr(site, "BATCH", 40)  # several batches for the two workers to share
    written = site.write_site(ox.Store.read_only(str(location)), tmp_path / "site", location=location, workers=2)
    assert result.pages > 2 * 40
    assert (written.pages, written.by_class) == (result.pages, result.by_class)
    assert sorted(p.relative_to(tmp_path / "site") for p in written.files) == sorted(
        p.relative_to(directory) for p in result.files)
    ours = sorted(p.relative_to(directory) for p in directory.rglob("*") if p.is_file())
    theirs = sorted(p.relative_to(tmp_path / "site") for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert ours == theirs
    different = [str(rel) for rel in ours if (directory / rel).read_bytes() != (tmp_path / "site" / rel).read_bytes()]
    assert different == []


def test_the_static_site_has_a_page_and_its_data_for_every_document(small_site):
    directory, result = small_site
    for path in ("index.html", "classes.html", "catalog.html", "search.html", "search-index.js", "404.html",
                 "article/shuifu-2023-08-22.html", "ontology.html", "ontology.ttl", "ontology.jsonld",
                 "id/place/530681.html", "id/place/530681.ttl", "id/place/530681.jsonld",
                 "assets/site.css", "assets/vis-network.min.js"):
        assert (directory / path).is_file(), path
    own = {"index.html", "classes.html", "catalog.html", "search.html", "404.html"}
    documents = [p for p in directory.rglob("*.html") if p.relative_to(directory).as_posix() not in own
                 and p.parent.relative_to(directory).as_posix() not in ("classes", "article")]
    assert result.by_class and sum(result.by_class.values()) == len(documents)
    for page in documents:
        assert page.with_suffix(".ttl").is_file() and page.with_suffix(".jsonld").is_file(), page


def test_every_link_of_the_static_site_leads_to_a_file(small_site):
    """From file:// a link works only if the file is there: every relative href and src of
    every page resolves to a file of the site."""
    directory, _result = small_site
    broken = []
    for page in directory.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.found:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("#") or link.startswith("data:") or link.startswith("//"):
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file():
                broken.append(f"{page.relative_to(directory)} -> {link}")
    assert broken == []


def test_the_site_asks_no_other_site_for_anything(small_site):
    directory, _result = small_site
    for page in directory.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"""<(?:script|link|img|iframe)[^>]+(?:src|href)=["']?(?:https?:)?//""", text), page


def test_the_served_page_is_the_static_page_but_for_its_links():
    """`kg serve` and the site render the same HTML from the same templates: with every link
    reduced to where it leads, they are equal."""
    served, static = Pages(project_store(), static=False), Pages(project_store(), static=True)

    def normalised(html: str, here: str, suffix: str) -> str:
        def target(match: re.Match) -> str:
            link = match[2]
            if urlsplit(link).scheme or link.startswith("#"):
                return match[0]
            path, _, fragment = link.partition("#")
            full = urlsplit("http://site/" + here).path
            resolved = urlsplit(f"http://site{full}").path
            from urllib.parse import urljoin

            resolved = urlsplit(urljoin(f"http://site{full}", path)).path
            if suffix and resolved.endswith(suffix):
                resolved = resolved[: -len(suffix)]
            resolved = resolved.removesuffix("/index") or "/"
            return f'{match[1]}="{resolved}{"#" + fragment if fragment else ""}"'

        html = re.sub(r'(href|src|action)="([^"]*)"', target, html)
        html = re.sub(r'"(href)": "([^"]*)"', target, html)  # the neighbourhood graph's data
        html = re.sub(r'<li><a href="[^"]*\.(?:nt|rdf)" type="[^"]*">[^<]*</a></li>\s*', "", html)
        html = re.sub(r">\s+<", "><", html)
        return html.replace('data-suffix=".html"', 'data-suffix=""')

    for document in (f"{ID}place/530681", f"{ID}observation/gdp-2022", "https://w3id.org/county-kg/ontology"):
        path = path_of(document)
        assert normalised(served.resource(document), path, "") == normalised(static.resource(document), path, ".html")
    for path in ("", "classes", "search", "article/shuifu-2023-08-22"):
        assert normalised(served.page_at(path), path or "index", "") == \
            normalised(static.page_at(path), path or "index", ".html"), path


def test_an_unanchored_quote_stops_the_site(tmp_path):
    from kg.pages.publisher import ArticleSource, project_sources
    from kg.pages.site import write_site

    real = project_sources()[0]
    damaged = real.hant.replace("水富市委", "水富縣委")
    sources = [ArticleSource(real.key, real.text_iri, real.article_iri, damaged, real.hans)]
    with pytest.raises(KgError, match="is nowhere in the source text"):
        write_site(project_store(), tmp_path / "site", sources=sources)


def test_describe_data_is_sorted_and_its_blank_nodes_named_by_content():
    from kg.pages.describe import description

    pages = Pages(project_store(), static=True)
    first = description(pages.reader.document(f"{ID}agent/shuifu-finance-bureau"), "ttl")
    again = description(Pages(project_store(), static=True).reader.document(f"{ID}agent/shuifu-finance-bureau"), "ttl")
    assert first == again and b"_:b" in first
    graph = ox.parse(first, format=ox.RdfFormat.TURTLE)
    assert sum(1 for _ in graph) >= 6
    assert '"水富市財政局"@zh-Hant'.encode() in first


def test_language_tags_are_written_in_registered_case_whatever_the_text_holds():
    from kg.pages.describe import serialize

    graph = [ox.Triple(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                       ox.Literal(text, language=tag))
             for text, tag in (("水富", "zh-Hans"), ('a text with "x-kgq0000"@zh-hans in it', "zh-Hant"),
                               ("Shuifu", "en-GB"))]
    for fmt, parse in (("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)):
        body = serialize(graph, fmt)
        assert b"zh-Hans" in body and b"zh-Hant" in body and b"en-GB" in body, fmt
        assert {t.object.value for t in ox.parse(body, format=parse)} == {t.object.value for t in graph}, fmt


def test_an_inferred_relation_is_marked_with_its_reason_at_both_ends():
    pages = Pages(project_store(), static=True)
    reason = "The table lists the bureau under the city; it does not name the area it serves."
    for document in (f"{ID}agent/shuifu-finance-bureau", f"{ID}place/530681"):
        html = pages.resource(document)
        assert '<span class="status inferred">' in html and reason in html, document
        assert "Relations marked inferred were added by curation" in html
    assert "status inferred" not in pages.resource(f"{ID}agent/evil")


def test_an_article_page_counts_its_quotes_in_words():
    html = Pages(project_store(), static=True).article("article/shuifu-2023-08-22")
    line = re.search(r"(\d+) of the text(?:'|&#39;)s (\d+) characters quoted \((\d+)%\) by (\d+) quotes?<", html)
    assert line, html[:2000]
    covered, characters, share, quotes = map(int, line.groups())
    assert share == round(100 * covered / characters) and quotes > 1 and f"by {quotes} quotes<" in html


_STOPPED_SITE = """
import os, sys
from pathlib import Path


def stopped(self):
    raise KeyboardInterrupt


if __name__ == "__main__":  # the workers are spawned: they import this file again
    import pyoxigraph as ox
    sys.path.insert(0, sys.argv[1])
    from test_pages import small_files
    from kg.pages import site
    from kg.pages.publisher import Pages
    from kg.store.oxigraph import open_store

    location = Path(sys.argv[2]) / "store"
    disk = ox.Store(str(location))
    disk.extend(open_store(small_files()).quads_for_pattern(None, None, None, None))
    disk.flush()
    del disk
    site.BATCH = 40
    Pages.search_index = stopped  # Ctrl-C in the parent's own work, while the workers write
    try:
        site.write_site(ox.Store.read_only(str(location)), Path(sys.argv[2]) / "site", location=location,
                        workers=2)
    except KeyboardInterrupt:
        sys.stderr.write("kg: interrupted\\n")
        sys.stderr.flush()
        os._exit(130)  # as kg.cli.main ends a command stopped while the engine runs: no finalizing
"""


def test_a_site_stopped_while_its_workers_write_leaves_no_semaphores(tmp_path):
    """Ctrl-C while the worker processes write the pages: the pool is stopped and its
    semaphores released, so multiprocessing's resource tracker (which outlives the process and
    shares its standard error) has nothing to warn about after "kg: interrupted"."""
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "stopped.py"
    script.write_text(_STOPPED_SITE, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(Path(__file__).parent), str(tmp_path)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "kg: interrupted"

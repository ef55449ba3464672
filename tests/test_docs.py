"""The ontology's documentation page (pyLODE): one heading per term with each language's
label once, clearly separated, English first; the page's title likewise."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS

from kg import paths
from kg.publish.docs import SEPARATOR, write_html


class Headings(HTMLParser):
    """The text of every <h1>, <h3> (without its <sup> type mark), <title> and table-of-contents link."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list[str]] = {"title": [], "h1": [], "h3": [], "toc": []}
        self._open: list[str] = []
        self._in_toc = False
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "div" and ("id", "toc") in attrs:
            self._in_toc = True
        if tag in ("title", "h1", "h3") or (tag == "a" and self._in_toc):
            self._open.append("toc" if tag == "a" else tag)
            self._text = []
        elif tag == "sup" and self._open:
            self._open.append("sup")

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == "sup" and tag == "sup":
            self._open.pop()
        elif self._open and tag in ("title", "h1", "h3", "a"):
            self.found[self._open.pop()].append(" ".join("".join(self._text).split()))

    def handle_data(self, data):
        if self._open and self._open[-1] != "sup":
            self._text.append(data)


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> dict[str, list[str]]:
    html = write_html(tmp_path_factory.mktemp("docs") / "ontology.html").read_text(encoding="utf-8")
    parser = Headings()
    parser.feed(html)
    return parser.found


def expected_title(graph: Graph, term) -> str:
    labels = {o.language: str(o) for p in (RDFS.label, DCTERMS.title) for o in graph.objects(term, p)
              if isinstance(o, Literal)}
    return SEPARATOR.join(dict.fromkeys(labels[tag] for tag in ("en", "zh-Hans", "zh-Hant") if tag in labels))


def test_the_page_title_gives_each_language_once(page):
    title = "County knowledge graph ontology · 县域知识图谱本体 · 縣域知識圖譜本體"
    assert page["title"] == [title] and page["h1"] == [title]


def test_every_term_has_one_heading_with_its_labels_separated(page):
    graph = Graph().parse(paths.ontology_file())
    terms = [t for kind in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
             for t in graph.subjects(RDF.type, kind) if str(t).startswith("https://w3id.org/county-kg/")]
    assert len(terms) > 50
    for term in terms:
        title = expected_title(graph, term)
        assert title in page["h3"], (term, title)
        assert title in page["toc"], (term, title)
    assert "Policy instrument · 政策工具" in page["h3"]  # zh-Hans and zh-Hant agree: shown once
    assert "Strategy · 战略 · 戰略" in page["h3"]


def test_no_heading_runs_labels_together(page):
    for text in page["h3"] + page["toc"] + page["title"]:
        parts = text.split(SEPARATOR)
        assert len(parts) == len(set(parts)), text
        for part in parts:  # one language each: Latin or Chinese, never both run together
            has_chinese = any("\u4e00" <= ch <= "\u9fff" for ch in part)
            has_latin = any(ch.isascii() and ch.isalpha() for ch in part)
            assert not (has_chinese and has_latin), text

"""Every page of the site, rendered on demand from a store: a page per document, the article
views, the class index, the question catalog, search and the home page. `kg serve`
(kg.pages.web) and the static site (kg.pages.site) both ask here, with a Linker each, so
they render the same HTML from the same templates.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cached_property
from threading import Lock

import pyoxigraph as ox

from kg.namespaces import CKG
from kg.pages import article as articles
from kg.pages.describe import description
from kg.pages.iris import compact, path_of, plain
from kg.pages.links import Linker
from kg.pages.reader import Quote, Reader, iri_list
from kg.pages.render import Site, render
from kg.pages.text import LANGUAGES, Text, ui
from kg.pages.views import Views
from kg.words import counted, rate

#: Rows of a catalog answer shown on the catalog page.
CATALOG_ROWS = 200
#: Classes shown on the home page.
FEATURED_CLASSES = 12


@dataclass(frozen=True)
class ArticleSource:
    """A source text with an article view: its key (the view is at ``article/<key>``), its
    text's IRI, the article it is a version of, and the Traditional and Simplified texts."""

    key: str
    text_iri: str
    article_iri: str
    hant: str
    hans: str
    #: the script of the reference text, the one the quotes' offsets and exact texts cite
    language: str = "zh-Hant"

    @property
    def path(self) -> str:
        return f"article/{self.key}"

    @property
    def reference(self) -> str:
        return self.hans if self.language == "zh-Hans" else self.hant


def project_sources() -> list[ArticleSource]:
    """The project's registered sources whose cleaned texts exist (kg.sources.clean)."""
    from kg.sources.clean import load_sources

    found = []
    for source in load_sources():
        if source.hant_path.exists():
            hant = source.hant_path.read_text(encoding="utf-8")
            hans = source.hans_path.read_text(encoding="utf-8") if source.hans_path.exists() else ""
            found.append(ArticleSource(source.key, str(source.text_iri), str(source.article), hant, hans,
                                       source.language))
    return found


def class_slug(cls: str) -> str:
    """The class page's path under ``classes/``: ``ckg-Program`` for ckg:Program."""
    curie = compact(cls)
    slug = curie.replace(":", "-") if not curie.startswith("<") else ""
    if slug and plain(slug):
        return slug
    import hashlib

    return "c-" + hashlib.sha256(cls.encode("utf-8")).hexdigest()[:16]


class Pages:
    """The site over ``store``. ``static``: links for the static site (files) rather than the
    server; ``editor``: a SPARQL editor is served beside the pages. ``sources``: the texts
    with an article view (default: the project's)."""

    def __init__(self, store: ox.Store, *, static: bool, editor: bool = False,
                 sources: list[ArticleSource] | None = None):
        self.store = store
        self.reader = Reader(store)
        self.static = static
        self.editor = editor
        self._sources = sources
        self._catalog: str | None = None
        self._search: str | None = None
        self._lock = Lock()
        self._names: dict = {}  # IRI -> its name (kg.pages.views.Views.name), the same on every page
        self._links: dict = {}  # kg.pages.links.Linker.memo: every linker of these pages is alike

    # -- what the site has ------------------------------------------------------------------

    @cached_property
    def sources(self) -> list[ArticleSource]:
        index = self.reader.index()
        given = project_sources() if self._sources is None else self._sources
        return [s for s in given if index.described(s.text_iri)]

    @cached_property
    def site(self) -> Site:
        index = self.reader.index()
        return Site(self.static, self.editor,
                    tuple((s.path, Text.of(index.labels.get(s.article_iri), s.key)) for s in self.sources))

    @cached_property
    def _articles(self) -> dict[str, str]:
        return {s.text_iri: s.path for s in self.sources}

    def linker(self, here: str) -> Linker:
        return Linker(here, self.static, self.reader.index().described, self.editor, self._links)

    def documents(self) -> list[str]:
        return list(self.reader.index().documents)

    @cached_property
    def _members(self) -> dict[str, list[str]]:
        members: dict[str, list[str]] = defaultdict(list)
        for iri, types in sorted(self.reader.index().types.items()):
            for cls in types:
                members[cls].append(iri)
        return dict(sorted(members.items()))

    def classes(self) -> dict[str, list[str]]:
        """Class IRI -> its members (resources typed with it directly), in IRI order."""
        return self._members

    @cached_property
    def class_paths(self) -> dict[str, str]:
        return {cls: f"classes/{class_slug(cls)}" for cls in self.classes()}

    # -- pages --------------------------------------------------------------------------------

    def resource(self, document: str) -> str | None:
        """The page of ``document`` (an IRI without fragment), None if the graph has none."""
        data = self.reader.document(document)
        return None if data is None else self.render_document(data)

    def render_document(self, data) -> str:
        """The page of a document already read (kg.pages.reader.Document)."""
        path = path_of(data.iri)
        linker = self.linker(path)
        view = Views(self.reader, linker, self._articles, self._names).page(data, path)
        return render("resource.html", linker, self.site, page=view, title=view.title)

    def data(self, document: str, fmt: str) -> bytes | None:
        """The document's RDF (its bounded description) in ``fmt`` (kg.pages.describe.FORMATS)."""
        data = self.reader.document(document)
        return None if data is None else description(data, fmt)

    def home(self) -> str:
        linker = self.linker("")
        index = self.reader.index()
        counts = Counter(cls for types in index.types.values() for cls in types)
        own = [cls for cls in counts if cls.startswith(str(CKG))]
        featured = sorted(own, key=lambda c: (-counts[c], c))[:FEATURED_CLASSES]
        return render("home.html", linker, self.site, title=ui("site"), total=len(index.types),
                      featured=[self._class_entry(linker, cls, counts[cls]) for cls in featured])

    def _class_entry(self, linker: Linker, cls: str, count: int) -> dict:
        names = self.reader.index().class_labels
        return {"href": linker.page(self.class_paths[cls]), "name": Text.of(names.get(cls), compact(cls)),
                "curie": compact(cls), "count": count}

    def class_index(self) -> str:
        linker = self.linker("classes")
        classes = self.classes()
        entries = [self._class_entry(linker, cls, len(members)) for cls, members in classes.items()]
        entries.sort(key=lambda e: (e["name"].get("en").lower(), e["curie"]))
        return render("classes.html", linker, self.site, title=ui("index"), classes=entries)

    def class_page(self, path: str) -> str | None:
        cls = next((c for c, p in self.class_paths.items() if p == path), None)
        if cls is None:
            return None
        linker = self.linker(path)
        index = self.reader.index()
        members = []
        for iri in self.classes()[cls]:
            members.append({"href": linker.iri(iri), "name": Text.of(index.labels.get(iri), compact(iri)),
                            "curie": compact(iri)})
        members.sort(key=lambda m: (m["name"].get("en").lower(), m["curie"]))
        title = Text.of(index.class_labels.get(cls), compact(cls))
        return render("class.html", linker, self.site, title=title, curie=compact(cls), class_href=linker.iri(cls),
                      members=members)

    def search_page(self) -> str:
        return render("search.html", self.linker("search"), self.site, title=ui("search"))

    def search_index(self) -> str:
        """``search-index.js`` (made once: the store does not change while the pages are served)."""
        from kg.pages.search import index_script

        with self._lock:
            if self._search is None:
                index = self.reader.index()
                self._search = index_script(index, {compact(c): labels for c, labels in index.class_labels.items()})
            return self._search

    def not_found(self, here: str, iri: str) -> str:
        return render("notfound.html", self.linker(here), self.site, title=ui("not_found"), iri=iri)

    # -- the article views --------------------------------------------------------------------

    def article(self, path: str) -> str | None:
        source = next((s for s in self.sources if s.path == path), None)
        if source is None:
            return None
        linker = self.linker(path)
        quotes, facts = self.article_quotes(source)
        anchors = [articles.anchor(source.reference, quote) for quote in quotes]
        aligned = len(source.hans) == len(source.hant)
        reference = "hans" if source.language == "zh-Hans" else "hant"

        def paragraphs(text: str, script: str) -> list:
            if script == reference or aligned:
                return articles.segments(text, anchors)
            return [p for p in text.split("\n") if p]

        hant, hans = paragraphs(source.hant, "hant"), paragraphs(source.hans, "hans")
        covered = articles.coverage(source.reference, anchors)
        coverage_text = ui("coverage_text", quotes=covered.quotes, covered=covered.covered,
                           characters=covered.characters, share=rate(covered.covered, covered.characters, 0),
                           # English counts in their noun's number ("1 quote"); Chinese has no plural
                           quotes_counted=counted(covered.quotes, "quote"),
                           characters_counted=counted(covered.characters, "character"))
        data = self._facts_data(linker, anchors, facts)
        index = self.reader.index()
        title = Text.of(index.labels.get(source.article_iri), source.key)
        return render("article.html", linker, self.site, title=title, coverage_text=coverage_text, hant=hant,
                      hans=hans, aligned=aligned, reference=reference, facts_data=data, article_iri=source.article_iri,
                      article_href=linker.iri(source.article_iri))

    @staticmethod
    def _facts_data(linker: Linker, anchors: list, facts: dict[str, list[dict]]) -> dict:
        """What the article view's script shows when a highlight is chosen: each quote (by its
        anchor's key) with its text, its page and the facts citing it; each fact once, with
        its link and its name in every language. Data, not markup: the script builds the list
        with text nodes only."""
        named: dict[tuple, int] = {}
        listed = []
        quotes = {}
        for a in sorted(anchors, key=lambda a: (a.start, a.end, a.quote.iri)):
            ids = []
            for fact in facts.get(a.quote.iri, []):
                key = (fact["href"], tuple(sorted(fact["text"].data().items())), fact["detail"] is not None)
                if key not in named:
                    named[key] = len(listed)
                    listed.append({"href": fact["href"] or "", "name": fact["text"].data(),
                                   "inferred": fact["detail"] is not None})
                ids.append(named[key])
            entry = quotes.setdefault(a.key, {"exact": a.quote.exact, "lang": a.quote.lang or "zh-Hant",
                                              "href": linker.iri(a.quote.iri) or "", "moved": a.moved, "facts": []})
            entry["facts"] = sorted(set(entry["facts"]) | set(ids))
        return {"quotes": quotes, "facts": listed,
                "words": {"quote": ui("quote_page").data(), "inferred": ui("inferred_from").data()}}

    def article_quotes(self, source: ArticleSource) -> tuple[list[Quote], dict[str, list[dict]]]:
        """The quotes into ``source``'s text and, for each, the facts citing it: the
        resources whose evidence (or inference) it is, and the recorded statements it states."""
        reader = self.reader
        rows = reader.select(f"SELECT ?q WHERE {{ ?q a ckg:Quote ; oa:hasSource <{source.text_iri}> }}")
        quote_iris = sorted(row["q"].value for row in rows)
        found: dict[str, Quote] = {}
        reader.quotes_into(found, quote_iris)
        citing: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for chunk in _chunks(quote_iris, 400):
            for row in reader.select(f"""SELECT ?q ?fact ?p WHERE {{ VALUES ?q {{ {iri_list(chunk)} }}
                    ?fact ?p ?q FILTER(?p IN (ckg:evidence, ckg:inferredFrom)) }}"""):
                citing[row["q"].value].append((row["fact"].value, row["p"].value))
        facts_of = sorted({fact for pairs in citing.values() for fact, _p in pairs})
        statements = self._statement_parts(facts_of)
        named = set(facts_of) | {x for parts in statements.values() for x in parts}
        labels = reader.labels_of(named)
        linker = self.linker(source.path)
        facts: dict[str, list[dict]] = {}
        for quote, pairs in citing.items():
            listed = []
            for fact, predicate in sorted(set(pairs)):
                detail = ui("inferred_from") if predicate == str(CKG.inferredFrom) else None
                if fact in statements:
                    s, p, o = statements[fact]
                    text = Text.of({lang: f"{Text.of(labels.get(s), compact(s)).get(lang)} — "
                                          f"{Text.of(labels.get(p), compact(p)).get(lang)} → "
                                          f"{Text.of(labels.get(o), compact(o)).get(lang)}" for lang in LANGUAGES})
                    listed.append({"href": linker.iri(s), "text": text, "detail": detail})
                else:
                    listed.append({"href": linker.iri(fact), "text": Text.of(labels.get(fact), compact(fact)),
                                   "detail": detail})
            facts[quote] = sorted(listed, key=lambda f: f["text"].get("en").lower())
        return [found[q] for q in quote_iris if q in found], facts

    def _statement_parts(self, iris: list[str]) -> dict[str, tuple[str, str, str]]:
        parts = {}
        for chunk in _chunks(iris, 400):
            for row in self.reader.select(f"""SELECT ?r ?s ?p ?o WHERE {{ VALUES ?r {{ {iri_list(chunk)} }}
                    ?r a rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o FILTER(isIRI(?o)) }}"""):
                parts[row["r"].value] = (row["s"].value, row["p"].value, row["o"].value)
        return parts

    # -- the question catalog -----------------------------------------------------------------

    def catalog(self) -> str:
        """The catalog page: every question with its SPARQL and its answer on this graph
        (answered once; the store does not change while the pages are served)."""
        with self._lock:
            if self._catalog is None:
                self._catalog = self._render_catalog()
            return self._catalog

    def _render_catalog(self) -> str:
        from kg.errors import KgError
        from kg.query.catalog import catalog
        from kg.query.engines import Engines, bind_parameters

        engines = Engines(store=self.store)
        linker = self.linker("catalog")
        questions = []
        answers = []
        for query in catalog():
            try:
                results = engines.run(query.text, bind_parameters(query, {}), name=str(query.path))
                answers.append((query, results, None))
            except KgError as exc:
                answers.append((query, None, str(exc)))
        iris = {str(cell) for _q, results, _e in answers if results for row in results.rows[:CATALOG_ROWS]
                for cell in row if cell is not None and type(cell).__name__ == "URIRef"}
        labels = self.reader.labels_of(iris)
        for query, results, error in answers:
            entry = {"name": query.name, "summary": query.summary, "description": query.description,
                     "tags": query.tags, "text": query.text, "error": error, "columns": [], "rows": [],
                     "count": 0, "truncated": False}
            if results is not None:
                entry["columns"] = list(results.variables)
                entry["count"] = len(results.rows)
                entry["truncated"] = len(results.rows) > CATALOG_ROWS
                entry["rows"] = [[self._cell(linker, labels, cell) for cell in row] for row in results.rows[:CATALOG_ROWS]]
            questions.append(entry)
        return render("catalog.html", linker, self.site, title=ui("catalog"), questions=questions)

    @staticmethod
    def _cell(linker: Linker, labels: dict, cell) -> dict:
        from rdflib import Literal, URIRef

        if cell is None:
            return {"text": Text.plain(""), "href": None, "title": ""}
        if isinstance(cell, URIRef):
            iri = str(cell)
            return {"text": Text.of(labels.get(iri), compact(iri)), "href": linker.iri(iri), "title": compact(iri)}
        if isinstance(cell, Literal):
            return {"text": Text.plain(str(cell), cell.language or ""), "href": None, "title": ""}
        return {"text": Text.plain(str(cell)), "href": None, "title": ""}

    # -- every path ---------------------------------------------------------------------------

    def site_pages(self) -> list[str]:
        """The site's own pages' paths ('' is the home page)."""
        return ["", "classes", "catalog", "search", *(s.path for s in self.sources), *self.class_paths.values()]

    def page_at(self, path: str) -> str | None:
        """The HTML of the site page at ``path`` (a document's or the site's own), None if none."""
        if path == "":
            return self.home()
        if path == "classes":
            return self.class_index()
        if path == "catalog":
            return self.catalog()
        if path == "search":
            return self.search_page()
        if path.startswith("classes/"):
            return self.class_page(path)
        if path.startswith("article/"):
            return self.article(path)
        return None


def _chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]



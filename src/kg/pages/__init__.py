"""The pages step: a page for people for every resource the graph mints, the same HTML served
by `kg serve` and written as a static site by `kg build`.

- :mod:`kg.pages.iris`: which IRIs get a page, the document each belongs to, and its path;
- :mod:`kg.pages.reader`: what a page shows, read from the store with SPARQL;
- :mod:`kg.pages.describe`: a resource's RDF (its bounded description) in each format;
- :mod:`kg.pages.figures`: numbers written as people write them in each language;
- :mod:`kg.pages.article`: the article view, every quote re-anchored and highlighted;
- :mod:`kg.pages.search`: the search index (three scripts and pinyin);
- :mod:`kg.pages.render`: the templates (Jinja2) and the links between pages;
- :mod:`kg.pages.site`: the static site (``dist/site/``);
- :mod:`kg.pages.web`: the same pages on `kg serve`, with content negotiation.
"""

"""The pages as HTML, from the package's Jinja2 templates (kg/pages/templates), the same for
`kg serve` and the static site: only the :class:`kg.pages.links.Linker` differs (how links
are written), and whether a SPARQL editor is there to link to.

Autoescaping is on for every template: labels, quotes and answers from imported tables are
text, never markup. Data for scripts goes through ``tojson``, which escapes ``<``, ``>``,
``&`` and ``'``, so no value can close a ``<script>`` element.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from markupsafe import Markup

from kg.outputs import generator_meta
from kg.pages.fragments import groups_html, quote_html, status_html, value_html
from kg.pages.links import Linker
from kg.pages.text import DEFAULT_LANGUAGE, LANGUAGES, WORDS, Text, ui

#: Assets of the site (kg/pages/static), written to assets/ and served at /assets/.
ASSETS = ("site.css", "site.js", "lang.js", "search.js", "graph.js", "article.js")


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(files("kg.pages") / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, auto_reload=False, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}
    env.globals.update(ui=ui, words=WORDS, languages=LANGUAGES, default_language=DEFAULT_LANGUAGE, Text=Text,
                       generator=generator_meta("kg build"), value=value_html, groups=groups_html,
                       status=lambda s: Markup(status_html(s)), quote=lambda q, title="": Markup(quote_html(q, title)),
                       aria=aria_label)
    return env


def aria_label(text: Text, suffix: str = "") -> Markup:
    """``aria-label`` in the default language, with the other languages' labels beside it for
    the language switch (kg/pages/static/site.js) to put in place."""
    return _aria_label(text.variants, suffix)


@lru_cache(maxsize=4096)
def _aria_label(variants: tuple, suffix: str) -> Markup:
    """(made once per text: every page's frame has the same)"""
    import json

    from markupsafe import escape

    text = Text(variants)
    labels = {lang: text.get(lang) + suffix for lang in LANGUAGES}
    return Markup(f'aria-label="{escape(labels[DEFAULT_LANGUAGE])}" '
                  f"data-aria='{escape(json.dumps(labels, ensure_ascii=False, sort_keys=True))}'")


@dataclass(frozen=True)
class Site:
    """What every page's frame needs: ``editor`` when a SPARQL editor is served beside the
    pages; ``articles``: (site path, title) of each article view."""

    static: bool
    editor: bool
    articles: tuple[tuple[str, Text], ...] = ()


def render(template: str, linker: Linker, site: Site, **context) -> str:
    """``template`` rendered for the page at ``linker.here``."""
    return environment().get_template(template).render(link=linker, site=site, **context)


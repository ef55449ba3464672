"""The most repeated parts of a page written in Python rather than as template macros (a page
shows hundreds of values; a Jinja macro call costs tens of microseconds, this a few): a
value, its stated-or-inferred status, a property row, a group of rows. Everything is
escaped here (markupsafe.escape); the result is Markup for the templates.
"""

from __future__ import annotations

from markupsafe import Markup, escape

from kg.pages.text import ui


def _attr(value) -> str:
    return str(escape(value))


def quote_html(quote, title: str = "") -> str:
    lang = f' lang="{_attr(quote.lang)}"' if quote.lang else ""
    links = []
    if quote.in_article:
        links.append(f'<a href="{_attr(quote.in_article)}">{ui("in_article").__html__()}</a>')
    if quote.page:
        links.append(f'<a href="{_attr(quote.page)}" title="{_attr(title)}">{ui("quote_page").__html__()} '
                     f'{quote.start}–{quote.end}</a>')
    return (f'<figure class="quote"><blockquote{lang}>{escape(quote.exact)}</blockquote>'
            f'<figcaption>{" · ".join(links)}</figcaption></figure>')


def status_html(status) -> str:
    if status.inferred:
        out = f'<span class="status inferred">{ui("inferred").__html__()}</span>'
        if status.reason:
            out += f' <span class="reason">{status.reason.__html__()}</span>'
    else:
        out = f'<span class="status stated">{ui("stated").__html__()}</span>'
    if status.quotes:
        label = ui("inferred_from" if status.inferred else "stated_by").__html__()
        quotes = []
        for q in status.quotes:
            lang = f' lang="{_attr(q.lang)}"' if q.lang else ""
            if q.in_article:
                quotes.append(f'<a href="{_attr(q.in_article)}"{lang}>「{escape(q.exact)}」</a>')
            else:
                quotes.append(f'<span{lang}>「{escape(q.exact)}」</span>')
        out += f' <span class="status-quotes">{label}: {"".join(quotes)}</span>'
    return out


def value_html(value) -> Markup:
    if value.quote is not None:
        out = quote_html(value.quote, value.title)
    elif value.nested:
        out = '<dl class="nested">' + "".join(row_html(row) for row in value.nested) + "</dl>"
    elif value.href:
        title = f' title="{_attr(value.title)}"' if value.title else ""
        out = f'<a href="{_attr(value.href)}"{title}>{value.text.__html__()}</a>'
    else:
        title = f' title="{_attr(value.title)}"' if value.title else ""
        out = f"<span{title}>{value.text.__html__()}</span>" if title else value.text.__html__()
    if value.status is not None:
        out += " " + status_html(value.status)
    return Markup(out)


def row_html(row) -> str:
    title = f' title="{_attr(row.curie)}"'
    label = (f'<a href="{_attr(row.href)}"{title}>{row.label.__html__()}</a>' if row.href
             else f"<span{title}>{row.label.__html__()}</span>")
    if len(row.values) == 1:
        values = value_html(row.values[0])
    else:
        values = "<ul>" + "".join(f"<li>{value_html(v)}</li>" for v in row.values) + "</ul>"
    note = f'<p class="note">{row.note.__html__()}</p>' if row.note else ""
    return f'<div class="row"><dt>{label}</dt><dd>{values}{note}</dd></div>\n'


def groups_html(groups, level: int = 2) -> Markup:
    out = []
    for group in groups:
        out.append(f'<section class="group group-{_attr(group.key)}">\n<h{level}>{group.title.__html__()}</h{level}>\n<dl>\n')
        out.extend(row_html(row) for row in group.rows)
        out.append("</dl>\n</section>\n")
    return Markup("".join(out))

"""The pages of the static site (:mod:`kgraph.export.site`): one per concept,
article and author, the page shell with its Content-Security-Policy, and the
articles-per-month chart (inline SVG, no script).

Every piece of feed text goes through :func:`~kgraph.export.safe_text.esc`;
every outside link through :func:`~kgraph.export.safe_text.safe_url` (only
http(s)) and opens with ``rel="noopener noreferrer"``. A page without search
runs no script at all: its CSP allows none.

>>> print(month_chart([("2024-01", 2), ("2024-02", 0)])[:60])
<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBo
"""

from __future__ import annotations

import base64
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from kgraph.export.safe_text import article_slug, esc, file_slug, safe_url
from kgraph.graph.palette import colour_of
from kgraph.query.index import GraphIndex
from kgraph.query.rankings import month_range
from kgraph.query.results import ArticleHit

__all__ = [
    "CSS",
    "SiteLinks",
    "article_page",
    "author_page",
    "concept_page",
    "month_chart",
    "months_of",
    "outside_link",
    "shell",
]

#: The most articles a concept or author page lists (its feed has them all).
PAGE_ARTICLES = 300

CSS = """
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #1f2328; background: #f6f8fa; margin: 0; }
header { background: #24292f; color: #f6f8fa; padding: 0.5em 1em; display: flex; gap: 1.5em;
  align-items: baseline; flex-wrap: wrap; }
header a { color: #f6f8fa; }
main { max-width: 64em; margin: 0 auto; padding: 0.5em 1em 3em; overflow-wrap: anywhere; }
h1 { font-size: 1.6em; margin: 0.6em 0 0.2em; }
h2 { font-size: 1em; margin: 1.4em 0 0.4em; text-transform: uppercase; letter-spacing: 0.04em;
  color: #57606a; }
a { color: #0969da; text-decoration: none; } a:hover { text-decoration: underline; }
.type { display: inline-block; padding: 0 0.5em; border-radius: 1em; color: #fff;
  font-size: 0.85em; }
.meta { color: #57606a; font-size: 0.9em; }
.evidence { color: #424a53; font-style: italic; margin: 0.1em 0 0.2em; }
ul.arts { list-style: none; padding: 0; } ul.arts li { margin: 0 0 0.7em; }
ul.inline { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.3em 1em; }
.chart rect { fill: #4e79a7; } .chart text { font-size: 10px; fill: #57606a; }
.map img { max-width: 100%; height: auto; background: #fff; border: 1px solid #d0d7de; }
.cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: 0 2em; }
input[type=search] { width: 100%; max-width: 30em; padding: 0.4em; font: inherit; }
#hits { list-style: none; padding: 0; } #hits li { margin: 0.2em 0; }
"""


@dataclass(frozen=True)
class SiteLinks:
    """Which pages the site has: concepts (by id) and authors (by node id)."""

    concepts: frozenset[str]
    authors: frozenset[str]

    def concept(self, cid: str, name: str, up: str = "../") -> str:
        """A link to a concept's page, or its name as text when it has none."""
        if cid not in self.concepts:
            return esc(name)
        return f'<a href="{up}concepts/{file_slug(cid)}.html">{esc(name)}</a>'

    def author(self, node: str, name: str, up: str = "../") -> str:
        if node not in self.authors:
            return esc(name)
        slug = file_slug(node.removeprefix("author:"))
        return f'<a href="{up}authors/{slug}.html">{esc(name)}</a>'


def _csp_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def shell(
    title: str,
    body: str,
    *,
    up: str = "../",
    script: str = "",
    head: str = "",
    nav: bool = True,
) -> str:
    """A whole page: the CSP (no request can leave the machine; ``script``, if
    any, is the one script allowed, by its hash), the header (links to the
    site's index unless not ``nav``) and ``body``."""
    scripts = f"script-src {_csp_hash(script)}" if script else "script-src 'none'"
    csp = "; ".join(
        [
            "default-src 'none'",
            scripts,
            "style-src 'unsafe-inline'",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    tail = f"<script>{script}</script>\n" if script else ""
    links = (
        f'<a href="{up}index.html"><b>kgraph</b></a>'
        f'<a href="{up}index.html#search">search concepts</a>'
        if nav
        else "<b>kgraph</b>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n{head}</head>\n<body>\n"
        f"<header>{links}</header>\n"
        f"<main>\n{body}\n</main>\n{tail}</body>\n</html>\n"
    )


def outside_link(url: str, text: str) -> str:
    """A link to ``url`` if it is http(s), else ``text`` alone (escaped)."""
    href = safe_url(url)
    if not href:
        return esc(text)
    return f'<a href="{esc(href)}" rel="noopener noreferrer nofollow">{esc(text)}</a>'


def month_chart(months: Sequence[tuple[str, int]], width: int = 640, height: int = 120) -> str:
    """Articles per month as an inline SVG bar chart (years when more than 10
    years of months), with the first, last and highest values labelled."""
    if not months:
        return '<p class="meta">No dated articles.</p>'
    series = list(months)
    if len(series) > 120:
        years: Counter[str] = Counter()
        for month, count in series:
            years[month[:4]] += count
        series = sorted(years.items())
    top = max(c for _, c in series) or 1
    bar = width / len(series)
    plot = height - 18
    rects = []
    for i, (label, count) in enumerate(series):
        h = plot * count / top
        rects.append(
            f'<rect x="{i * bar + 0.5:.1f}" y="{plot - h:.1f}" width="{max(bar - 1, 0.5):.1f}"'
            f' height="{h:.1f}"><title>{esc(label)}: {count}</title></rect>'
        )
    labels = (
        f'<text x="0" y="{height - 4}">{esc(series[0][0])}</text>'
        f'<text x="{width}" y="{height - 4}" text-anchor="end">{esc(series[-1][0])}</text>'
        f'<text x="{width}" y="10" text-anchor="end">max {top}/{"year" if len(months) > 120 else "month"}</text>'
    )
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img" aria-label="articles over time">'
        f"{''.join(rects)}{labels}</svg>"
    )


def months_of(dates: Iterable[str]) -> list[tuple[str, int]]:
    """Articles per month ``YYYY-MM`` from their dates, months without any as 0.

    >>> months_of(["2024-01-05", "2024-03-01", "", "2024-03-09"])
    [('2024-01', 1), ('2024-02', 0), ('2024-03', 2)]
    """
    return month_range(Counter(d[:7] for d in dates if len(d) >= 7 and d[4] == "-"))


def _article_item(index: GraphIndex, hit: ArticleHit, links: SiteLinks, cid: str) -> str:
    via = ""
    if hit.matched != cid:
        via = f" · via {links.concept(hit.matched, hit.matched_name)}"
    evidence = f'<p class="evidence">“{esc(hit.evidence)}”</p>' if hit.evidence else ""
    return (
        f'<li><a href="../articles/{article_slug(hit.article)}.html">'
        f"{esc(hit.title or hit.url or hit.article)}</a>"
        f' <span class="meta">{esc(hit.published[:10] or "undated")} ·'
        f" {outside_link(hit.url, 'original')}{via}</span>{evidence}</li>"
    )


def _names(items: Iterable[tuple[str, int]], render: Callable[[str], str], limit: int = 15) -> str:
    rows = [
        f'<li>{render(key)} <span class="meta">({n})</span></li>'
        for key, n in itertools.islice(items, limit)
    ]
    if not rows:
        return '<p class="meta">None.</p>'
    return f'<ul class="inline">{"".join(rows)}</ul>'


def concept_page(
    index: GraphIndex,
    cid: str,
    hits: Sequence[ArticleHit],
    links: SiteLinks,
    feed_titles: dict[str, str],
    description: str = "",
) -> str:
    """The page of one concept: what it is, its articles (``hits``, newest
    first, with evidence), a chart over time, the concepts it appears with,
    its authors and feeds."""
    d = index.concept_attrs.get(cid, {})
    name = index.concept_name(cid)
    ctype = str(d.get("type") or "concept")
    colour = colour_of({"kind": "concept", "type": ctype})
    parts = [
        f"<h1>{esc(name)}</h1>",
        f'<p><span class="type" style="background:{esc(colour)}">{esc(ctype)}</span>'
        f' <span class="meta">{len(hits)} article(s), narrower concepts included ·'
        f' <a href="../feeds/{file_slug(cid)}.xml" type="application/atom+xml">Atom feed</a></span></p>',
    ]
    if description:
        parts.append(f"<p>{esc(description)}</p>")
    if safe_url(d.get("url")):
        parts.append(f"<p>Documentation: {outside_link(str(d.get('url')), str(d.get('url')))}</p>")
    aliases = [a for a in str(d.get("aliases") or "").split("|") if a]
    if aliases:
        parts.append(f'<p class="meta">Also called: {esc(", ".join(aliases[:20]))}</p>')
    broader = sorted(index.parents.get(cid, ()), key=index.concept_name)
    narrower = sorted(index.children.get(cid, ()), key=index.concept_name)
    for label, group in (("Broader", broader), ("Narrower", narrower)):
        if group:
            shown = ", ".join(links.concept(c, index.concept_name(c)) for c in group[:60])
            more = f" and {len(group) - 60} more" if len(group) > 60 else ""
            parts.append(f"<p>{label}: {shown}{more}</p>")
    parts.append("<h2>Articles over time</h2>")
    parts.append(month_chart(months_of(h.published for h in hits)))
    together = sorted(
        index.co_occurs.get(cid, {}).items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0])
    )
    parts.append("<h2>Often together with</h2>")
    parts.append(
        _names(
            ((c, n) for c, (_w, n) in together),
            lambda c: links.concept(c, index.concept_name(c)),
        )
    )
    authors: Counter[str] = Counter()
    feeds: Counter[str] = Counter()
    for h in hits:
        authors.update(index.authors_of.get(h.article, ()))
        feeds[str(index.article_attrs.get(h.article, {}).get("feed") or "")] += 1
    feeds.pop("", None)
    parts.append('<div class="cols"><div><h2>Authors</h2>')
    parts.append(
        _names(
            sorted(authors.items(), key=lambda kv: (-kv[1], kv[0])),
            lambda a: links.author(a, _author_name(index, a)),
        )
    )
    parts.append("</div><div><h2>Feeds</h2>")
    parts.append(
        _names(
            sorted(feeds.items(), key=lambda kv: (-kv[1], kv[0])),
            lambda f: esc(feed_titles.get(f) or f),
        )
    )
    parts.append("</div></div><h2>Articles, newest first</h2>")
    items = [_article_item(index, h, links, cid) for h in hits[:PAGE_ARTICLES]]
    parts.append(f'<ul class="arts">{"".join(items)}</ul>')
    if len(hits) > PAGE_ARTICLES:
        parts.append(
            f'<p class="meta">and {len(hits) - PAGE_ARTICLES} older ones (in the feed).</p>'
        )
    feed_link = (
        f'<link rel="alternate" type="application/atom+xml" title="{esc(name)}"'
        f' href="../feeds/{file_slug(cid)}.xml">\n'
    )
    return shell(f"{name} · kgraph", "\n".join(parts), head=feed_link)


def _author_name(index: GraphIndex, node: str) -> str:
    d = index.graph.nodes[node] if node in index.graph else {}
    return str(d.get("name") or d.get("label") or node.removeprefix("author:"))


def article_page(
    index: GraphIndex, article: str, links: SiteLinks, feed_titles: dict[str, str]
) -> str:
    """The page of one article: its link, date, feed, authors, summary and
    the concepts it mentions, each with its evidence sentence."""
    d = index.article_attrs[article]
    title = str(d.get("title") or d.get("url") or article)
    feed = str(d.get("feed") or "")
    authors = sorted(index.authors_of.get(article, ()))
    by = ", ".join(links.author(a, _author_name(index, a)) for a in authors)
    parts = [
        f"<h1>{esc(title)}</h1>",
        f'<p class="meta">{esc(str(d.get("published") or "")[:10] or "undated")}'
        f"{' · by ' + by if by else ''} · {esc(feed_titles.get(feed) or feed)}</p>",
        f"<p>{outside_link(str(d.get('url') or ''), 'Read the original')}</p>",
    ]
    if d.get("summary"):
        parts.append(f"<p>{esc(d.get('summary'))}</p>")
    parts.append('<h2>Concepts</h2><ul class="arts">')
    for hit in index.concepts_of(article):
        evidence = f'<p class="evidence">“{esc(hit.evidence)}”</p>' if hit.evidence else ""
        parts.append(
            f"<li>{links.concept(hit.concept, hit.name)}"
            f' <span class="meta">{esc(hit.type)} · salience {hit.weight:.2f}</span>{evidence}</li>'
        )
    parts.append("</ul>")
    return shell(f"{title} · kgraph", "\n".join(parts))


def author_page(index: GraphIndex, node: str, links: SiteLinks) -> str:
    """The page of one author: their articles, newest first, and the concepts
    they write about most."""
    name = _author_name(index, node)
    arts = sorted(
        index.articles_by.get(node, ()),
        key=lambda a: (str(index.article_attrs[a].get("published") or ""), a),
        reverse=True,
    )
    concepts: Counter[str] = Counter()
    for a in arts:
        concepts.update(list(index.mentions.get(a, {})))
    parts = [
        f"<h1>{esc(name)}</h1>",
        f'<p class="meta">{len(arts)} article(s)</p>',
        "<h2>Writes about</h2>",
        _names(
            sorted(concepts.items(), key=lambda kv: (-kv[1], kv[0])),
            lambda c: links.concept(c, index.concept_name(c)),
            limit=25,
        ),
        '<h2>Articles, newest first</h2><ul class="arts">',
    ]
    for a in arts[:PAGE_ARTICLES]:
        d = index.article_attrs[a]
        parts.append(
            f'<li><a href="../articles/{article_slug(a)}.html">'
            f"{esc(d.get('title') or d.get('url') or a)}</a>"
            f' <span class="meta">{esc(str(d.get("published") or "")[:10] or "undated")}</span></li>'
        )
    parts.append("</ul>")
    return shell(f"{name} · kgraph", "\n".join(parts))
